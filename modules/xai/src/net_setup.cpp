// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "net_setup.hpp"
#include "batch_scorer.hpp"
#include "warnings.hpp"

#include "opencv2/core/cuda.hpp"
#include "opencv2/dnn/all_layers.hpp"

#include <map>

namespace cv {
namespace xai {

static bool isCudaTarget(int target)
{
    return target == dnn::DNN_TARGET_CUDA || target == dnn::DNN_TARGET_CUDA_FP16;
}

//! "DNN_BACKEND_CUDA (5)": the name a user writes, and the number a log or a config file holds.
static String backendName(int backend)
{
    // The backends of every OpenCV 4.x; a later one is named by its number alone.
    static const char* const names[] = { "DNN_BACKEND_DEFAULT", "DNN_BACKEND_HALIDE", "DNN_BACKEND_INFERENCE_ENGINE",
                                         "DNN_BACKEND_OPENCV", "DNN_BACKEND_VKCOM", "DNN_BACKEND_CUDA" };
    const int known = (int)(sizeof(names) / sizeof(names[0]));
    return backend >= 0 && backend < known ? cv::format("%s (%d)", names[backend], backend)
                                           : cv::format("%d", backend);
}

static String targetName(int target)
{
    static const char* const names[] = { "DNN_TARGET_CPU", "DNN_TARGET_OPENCL", "DNN_TARGET_OPENCL_FP16",
                                         "DNN_TARGET_MYRIAD", "DNN_TARGET_VULKAN", "DNN_TARGET_FPGA",
                                         "DNN_TARGET_CUDA", "DNN_TARGET_CUDA_FP16" };
    const int known = (int)(sizeof(names) / sizeof(names[0]));
    return target >= 0 && target < known ? cv::format("%s (%d)", names[target], target) : cv::format("%d", target);
}

void applyBackend(dnn::Net& net, int& backend, int& target)
{
    if (backend < 0 && target < 0)
        return;
    if (backend < 0)
        backend = dnn::DNN_BACKEND_DEFAULT;
    if (target < 0)
        target = dnn::DNN_TARGET_CPU;
    const bool cudaBackend = backend == dnn::DNN_BACKEND_CUDA;
    if (cudaBackend != isCudaTarget(target))
        CV_Error(Error::StsBadArg, cv::format(
            "backend %s and target %s do not match: DNN_BACKEND_CUDA goes with DNN_TARGET_CUDA or "
            "DNN_TARGET_CUDA_FP16 and with no other target", backendName(backend).c_str(),
            targetName(target).c_str()));
    if (cudaBackend)
    {
        const std::vector<dnn::Target> targets = dnn::getAvailableTargets(dnn::DNN_BACKEND_CUDA);
        const bool compiled = std::find(targets.begin(), targets.end(), (dnn::Target)target) != targets.end();
        const int devices = compiled ? cuda::getCudaEnabledDeviceCount() : 0;
        if (!compiled || devices <= 0)
        {
            // Once per process: a program that makes several explainers says it once.
            static bool warned = false;
            if (!warned)
                warn(String("CUDA was requested but ") + (compiled ? "no CUDA device was found" :
                     "this OpenCV was built without CUDA support for that target") +
                     "; running on the CPU (DNN_BACKEND_OPENCV, DNN_TARGET_CPU)");
            warned = true;
            backend = dnn::DNN_BACKEND_OPENCV;
            target = dnn::DNN_TARGET_CPU;
        }
    }
    net.setPreferableBackend(backend);
    net.setPreferableTarget(target);
}

static void checkLayerExists(const dnn::Net& net, const String& name, const char* what)
{
    const std::vector<String> names = net.getLayerNames();
    if (std::find(names.begin(), names.end(), name) == names.end())
        CV_Error(Error::StsObjectNotFound, cv::format(
            "unknown %s '%s': the net has no layer of that name (cv::dnn::Net::getLayerNames lists them)",
            what, name.c_str()));
}

static String shapeOf(const Mat& m)
{
    String s = "[";
    for (int i = 0; i < m.dims; i++)
        s += (i ? " x " : "") + cv::format("%d", m.size[i]);
    return s + "]";
}

static bool isSpatial(const Mat& output)
{
    return output.dims == 4 && output.size[2] * output.size[3] > 1;
}

//! OpenCV's importers add layers that hand their input on unchanged (ONNX Flatten of a 4-D blob, Identity).
static bool isCopyOf(const Mat& output, const Mat& input)
{
    if (output.total() != input.total() || output.type() != input.type())
        return false;
    return cv::norm(output.reshape(1, 1), input.reshape(1, 1), NORM_INF) == 0.0;
}

bool keepsCells(const Ptr<dnn::Layer>& layer)
{
    static const char* const types[] = {
        "ReLU", "ReLU6", "BatchNorm", "Scale", "Shift", "Bias", "Eltwise", "NaryEltwise", "Identity", "Dropout",
        "Sigmoid", "TanH", "ELU", "Power", "Swish", "Mish", "PReLU", "AbsVal", "BNLL", "Exp", "Log", "Sqrt",
        "HardSwish", "HardSigmoid", "Clip", "Split", "Silence", "Ceil", "Floor", "Round", "Erf", "GELU", "Not"
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (layer->type == types[i])
            return true;
    if (layer->type == "Concat")
    {
        Ptr<dnn::ConcatLayer> c = layer.dynamicCast<dnn::ConcatLayer>();
        return c && (c->axis == 1 || c->axis == -3); // over channels
    }
    return false;
}

bool isGlobalPooling(const Ptr<dnn::Layer>& layer)
{
    if (layer->type != "Pooling")
        return false;
    Ptr<dnn::PoolingLayer> p = layer.dynamicCast<dnn::PoolingLayer>();
    return p && p->globalPooling;
}

bool windowOf(const Ptr<dnn::Layer>& layer, std::vector<size_t>& kernel, std::vector<size_t>& dilation,
              std::vector<size_t>& padBegin, std::vector<size_t>& padEnd, std::vector<size_t>* strides)
{
    if (layer->type == "Convolution")
    {
        Ptr<dnn::BaseConvolutionLayer> c = layer.dynamicCast<dnn::BaseConvolutionLayer>();
        if (!c || (!c->padMode.empty() && c->padMode != "VALID"))
            return false;
        kernel = c->kernel_size, dilation = c->dilations, padBegin = c->pads_begin, padEnd = c->pads_end;
        if (strides)
            *strides = c->strides;
    }
    else if (layer->type == "Pooling")
    {
        Ptr<dnn::PoolingLayer> p = layer.dynamicCast<dnn::PoolingLayer>();
        if (!p || p->globalPooling || (!p->padMode.empty() && p->padMode != "VALID"))
            return false;
        kernel = p->kernel_size, dilation.clear(), padBegin = p->pads_begin, padEnd = p->pads_end;
        if (strides)
            *strides = p->strides;
    }
    else
        return false;
    return kernel.size() == 2 && padBegin.size() == 2 && padEnd.size() == 2 &&
           (dilation.empty() || dilation.size() == 2) && (!strides || strides->size() == 2);
}

static void refuseWindow(const std::vector<int>& shape, const String& layer, int h, int w,
                         const std::vector<size_t>& kernel)
{
    CV_Error(Error::StsBadArg, cv::format("the net does not run on a %d x %d x %d x %d input: layer '%s' gets a %d x %d "
                                          "input, smaller than its %d x %d window; the image is too small for this "
                                          "net (give a larger image or set Params::inputSize)",
                                          shape[0], shape[1], shape[2], shape[3], layer.c_str(), h, w,
                                          (int)kernel[0], (int)kernel[1]));
}

namespace {

//! A blob's height and width, while the layers on the way are known.
struct Extent
{
    Extent() : known(false), h(0), w(0) {}
    bool known;
    long long h, w;
};

/** Follows the input's height and width through the layers whose effect on them is known, as the
    geometry walk of layer_geometry.cpp follows the cells (windows of explicit padding, global
    pooling, element-wise layers), and refuses the first window that does not fit its padded input.
    OpenCV's own shape inference fails there too, but with its internals in the message and
    [ERROR] lines on stderr; past a layer not known here, checkWindowsFit leaves the rest to it. */
class ExtentWalk : public LayerWalk<Extent, ExtentWalk>
{
public:
    ExtentWalk(const dnn::Net& net, const std::vector<int>& shape) : net_(net), shape_(shape) {}

    Extent compute(int id, int depth)
    {
        Extent e;
        if (id == 0)
        {
            e.known = true;
            e.h = shape_[2];
            e.w = shape_[3];
            return e;
        }
        const Ptr<dnn::Layer> layer = net_.getLayer(id);
        const std::vector<Ptr<dnn::Layer> > inputs = net_.getLayerInputs(id);
        if (layer.empty() || inputs.empty())
            return e;
        // Inputs of one size; a 1 x 1 one (a squeeze-and-excitation scale) broadcasts over the others.
        Extent in;
        for (size_t i = 0; i < inputs.size(); i++)
        {
            const Extent q = of(net_.getLayerId(inputs[i]->name), depth + 1);
            if (!q.known)
                return e;
            if (!in.known || (in.h == 1 && in.w == 1))
                in = q;
            else if (!(q.h == 1 && q.w == 1) && (q.h != in.h || q.w != in.w))
                return e; // sizes that disagree: OpenCV says what is wrong
        }
        if (isGlobalPooling(layer))
        {
            const Ptr<dnn::PoolingLayer> p = layer.dynamicCast<dnn::PoolingLayer>();
            const std::vector<bool>& axes = p->isGlobalPooling;
            if (axes.size() >= 2 && !(axes[axes.size() - 2] && axes[axes.size() - 1]))
                return e; // pooled over one axis only
            e.known = true;
            e.h = e.w = 1;
            return e;
        }
        if (keepsCells(layer))
            return in;
        std::vector<size_t> kernel, dilation, padBegin, padEnd, strides;
        if (!windowOf(layer, kernel, dilation, padBegin, padEnd, &strides))
            return e;
        const Ptr<dnn::PoolingLayer> pool = layer.dynamicCast<dnn::PoolingLayer>();
        const Ptr<dnn::BaseConvolutionLayer> conv = layer.dynamicCast<dnn::BaseConvolutionLayer>();
        const String padMode = pool ? pool->padMode : conv ? conv->padMode : String();
        const bool valid = padMode == "VALID"; // no padding, whatever the pads say
        long long out[2];
        for (int a = 0; a < 2; a++)
        {
            const long long size = a == 0 ? in.h : in.w;
            const long long pb = valid ? 0 : (long long)padBegin[a], pe = valid ? 0 : (long long)padEnd[a];
            const long long extent = (long long)(dilation.empty() ? 1 : dilation[a]) * ((long long)kernel[a] - 1) + 1;
            const long long stride = std::max((long long)strides[a], 1LL);
            if (size + pb + pe < extent)
                refuseWindow(shape_, layer->name, (int)in.h, (int)in.w, kernel);
            // The output sizes of OpenCV 4.6's layers, so that the next window gets what it will get.
            if (pool && pool->ceilMode && !valid)
            {
                out[a] = 1 + (long long)std::ceil((float)(size + pb + pe - extent) / stride);
                // Caffe's rule, kept by OpenCV: the last window starts inside the image, not in the padding.
                if (pe > 0 && (out[a] - 1) * stride >= size + pe)
                    out[a]--;
            }
            else
                out[a] = (size + pb + pe - extent) / stride + 1;
        }
        e.known = true;
        e.h = out[0];
        e.w = out[1];
        return e;
    }

private:
    const dnn::Net& net_;
    const std::vector<int>& shape_;
};

} // namespace

void checkWindowsFit(const dnn::Net& net, const std::vector<int>& shape)
{
    // First by the layers' own parameters, before OpenCV's shape inference can fail with its
    // internals and log [ERROR] lines.
    ExtentWalk walk(net, shape);
    const std::vector<String> names = net.getLayerNames();
    for (size_t i = 0; i < names.size(); i++)
        walk.of(net.getLayerId(names[i]), 0);

    // Then by the shapes OpenCV infers, for windows past a layer the walk does not know.
    std::vector<int> ids;
    std::vector<std::vector<dnn::MatShape> > in, out;
    try
    {
        net.getLayersShapes(dnn::MatShape(shape), ids, in, out);
    }
    catch (const cv::Exception&)
    {
        return; // the forward says what is wrong
    }
    for (size_t i = 0; i < ids.size() && i < in.size(); i++)
    {
        std::vector<size_t> kernel, dilation, padBegin, padEnd;
        const Ptr<dnn::Layer> layer = net.getLayer(ids[i]);
        if (in[i].empty() || in[i][0].size() != 4 || !windowOf(layer, kernel, dilation, padBegin, padEnd))
            continue;
        for (int a = 0; a < 2; a++)
        {
            const long long size = in[i][0][2 + a];
            const long long extent = (long long)(dilation.empty() ? 1 : dilation[a]) * ((long long)kernel[a] - 1) + 1;
            if (size + (long long)padBegin[a] + (long long)padEnd[a] < extent)
                refuseWindow(shape, layer->name, in[i][0][2], in[i][0][3], kernel);
        }
    }
}

NetProbe probeNet(dnn::Net& net, const String& requestedTarget, const String& scoreLayer,
                  const std::vector<int>& inputShape)
{
    if (net.empty())
        CV_Error(Error::StsBadArg, "the net is empty: load a model with cv::dnn::readNet first");
    if (inputShape.size() != 4)
        CV_Error(Error::StsBadArg, "the input shape must be N x C x H x W");
    if (!requestedTarget.empty())
        checkLayerExists(net, requestedTarget, "target layer");
    std::vector<String> names;
    if (requestedTarget.empty())
        names = net.getLayerNames(); // every layer, in the net's order
    else
        names.push_back(requestedTarget);
    const size_t candidates = names.size();
    if (!scoreLayer.empty())
        names.push_back(scoreLayer);

    std::vector<int> shape(inputShape);
    shape[0] = 1;
    Mat input(4, &shape[0], CV_32F);
    RNG rng(0x58414921); // any fixed seed: a random input cannot be mistaken for a layer's own output
    rng.fill(input, RNG::UNIFORM, -1.0, 1.0);
    checkWindowsFit(net, shape);
    std::vector<Mat> outs;
    try
    {
        net.setInput(input);
        net.forward(outs, names);
    }
    catch (const cv::Exception& e)
    {
        CV_Error(Error::StsBadArg, cv::format("the net does not run on a %d x %d x %d x %d input (%s): check "
                                              "Params::inputSize and the image's number of channels",
                                              shape[0], shape[1], shape[2], shape[3], e.msg.c_str()));
    }
    CV_Assert(outs.size() == names.size());

    NetProbe probe;
    int chosen = -1;
    if (requestedTarget.empty())
    {
        // Layer ids grow in the order importers add layers, which is topological: the last match is
        // the deepest spatial layer, and an activation that follows a convolution comes after it.
        for (size_t i = 0; i < candidates; i++)
            if (isSpatial(outs[i]) && !isCopyOf(outs[i], input))
                chosen = (int)i;
        if (chosen < 0)
            CV_Error(Error::StsBadArg, cv::format(
                "the net has no layer to explain for a %d x %d x %d x %d input: no layer other than copies of the "
                "input gives a 4-D output with a spatial size above 1x1 (a net without convolutional layers, "
                "such as a multilayer perceptron, cannot be explained by Score-CAM); if it has one, set "
                "Params::targetLayer to it", shape[0], shape[1], shape[2], shape[3]));
    }
    else
    {
        chosen = 0;
        if (!isSpatial(outs[0]))
            CV_Error(Error::StsBadArg, "the target layer '" + requestedTarget + "' gives an output of shape " +
                     shapeOf(outs[0]) + " for this input: a 4-D N x K x h x w output with a spatial size above "
                     "1x1 is expected; choose a convolutional layer (or the activation after it) as "
                     "Params::targetLayer");
    }
    probe.targetLayer = names[chosen];
    probe.channels = outs[chosen].size[1];
    probe.grid = Size(outs[chosen].size[3], outs[chosen].size[2]);
    if (!scoreLayer.empty())
        probe.scores = scoresPerImage(outs.back(), 1).clone();
    return probe;
}

String findTargetLayer(const dnn::Net& net_, const std::vector<int>& inputShape)
{
    dnn::Net net = net_; // a handle to the same net: forward() is not const
    return probeNet(net, String(), String(), inputShape).targetLayer;
}

String resolveScoreLayer(const dnn::Net& net, const String& requested)
{
    if (!requested.empty())
    {
        checkLayerExists(net, requested, "score layer");
        return requested;
    }
    const std::vector<String> outs = net.getUnconnectedOutLayersNames();
    if (outs.empty())
        CV_Error(Error::StsBadArg, "the net has no output layer to read class scores from");
    if (outs.size() > 1)
        warn(cv::format("the net has %d outputs; reading class scores from the first, '%s' (set Params::scoreLayer "
                        "to choose)", (int)outs.size(), outs[0].c_str()));
    return outs[0];
}

//! Layers whose output is their input's values, possibly reshaped.
static bool isPassThrough(const String& type)
{
    static const char* const types[] = { "Identity", "Flatten", "Reshape", "Dropout", "Split", "Squeeze",
                                         "Unsqueeze", "Cast", "Silence" };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (type == types[i])
            return true;
    return false;
}

//! The layer that produced the score layer's values: pass-through layers followed back to their input.
static Ptr<dnn::Layer> producingLayer(const dnn::Net& net, const String& scoreLayer)
{
    int id = net.getLayerId(scoreLayer);
    Ptr<dnn::Layer> layer = net.getLayer(id);
    // A chain longer than a few layers would be unusual; the bound only guards against cycles.
    for (int hops = 0; hops < 64 && !layer.empty() && isPassThrough(layer->type); hops++)
    {
        const std::vector<Ptr<dnn::Layer> > inputs = net.getLayerInputs(id);
        if (inputs.size() != 1 || inputs[0].empty())
            break;
        id = net.getLayerId(inputs[0]->name);
        if (id <= 0)
            break; // the net's input
        layer = inputs[0];
    }
    return layer;
}

static bool isSoftmax(const Ptr<dnn::Layer>& layer)
{
    if (layer.empty() || (layer->type != "Softmax" && layer->type != "SoftMax"))
        return false;
    // LogSoftmax imports as a Softmax layer that gives log-probabilities: logits for our purpose.
    const Ptr<dnn::SoftmaxLayer> softmax = layer.dynamicCast<dnn::SoftmaxLayer>();
    return softmax.empty() || !softmax->logSoftMax;
}

static bool looksLikeProbabilities(const Mat& row, double& total, double& minVal)
{
    minMaxLoc(row, &minVal);
    total = sum(row)[0];
    return row.total() > 1 && minVal >= 0 && std::abs(total - 1.0) <= 1e-3;
}

bool readsProbabilities(const dnn::Net& net, const String& scoreLayer, int scoreType, const Mat& scores)
{
    double total = 0, minVal = 0;
    const bool numbers = looksLikeProbabilities(scores.row(0), total, minVal);
    if (scoreType == SCORE_PROBABILITIES)
    {
        if (!numbers)
            warn(cv::format("the scores of layer '%s' are not probabilities (sum %g, minimum %g), though "
                            "Params::scoreType says they are; they are used as given", scoreLayer.c_str(), total,
                            minVal));
        return true;
    }
    if (scoreType == SCORE_LOGITS)
        return false;
    const Ptr<dnn::Layer> producer = producingLayer(net, scoreLayer);
    const bool graph = isSoftmax(producer);
    if (graph && !numbers)
    {
        warn(cv::format("the score layer '%s' comes from the Softmax '%s', but its scores do not sum to 1 per image "
                        "(sum %g, minimum %g): the softmax may run over another axis; reading them as logits (set "
                        "Params::scoreType to choose)", scoreLayer.c_str(), producer->name.c_str(), total, minVal));
    }
    else if (!graph && numbers)
    {
        warn("no Softmax produces the score layer '" + scoreLayer + "', but its scores are non-negative and sum to "
             "1: reading them as probabilities (set Params::scoreType to choose)");
    }
    return numbers;
}

}} // namespace cv::xai
