// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "net_setup.hpp"

#include "opencv2/core/cuda.hpp"

namespace cv {
namespace xai {

static bool isCudaTarget(int target)
{
    return target == dnn::DNN_TARGET_CUDA || target == dnn::DNN_TARGET_CUDA_FP16;
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
            "backend %d and target %d do not match: DNN_BACKEND_CUDA goes with DNN_TARGET_CUDA or "
            "DNN_TARGET_CUDA_FP16 and with no other target", backend, target));
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
                CV_LOG_WARNING(NULL, "xai: CUDA was requested but " << (compiled ? "no CUDA device was found" :
                               "this OpenCV was built without CUDA support for that target")
                               << "; running on the CPU (DNN_BACKEND_OPENCV, DNN_TARGET_CPU)");
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

String resolveTargetLayer(const dnn::Net& net, const String& requested, const std::vector<int>& inputShape)
{
    if (!requested.empty())
    {
        checkLayerExists(net, requested, "target layer");
        return requested;
    }
    return findTargetLayer(net, inputShape);
}

String findTargetLayer(const dnn::Net& net, const std::vector<int>& inputShape)
{
    if (net.empty())
        CV_Error(Error::StsBadArg, "the net is empty: load a model with cv::dnn::readNet first");
    if (inputShape.size() != 4)
        CV_Error(Error::StsBadArg, "the input shape must be N x C x H x W");
    std::vector<int> ids;
    std::vector<std::vector<dnn::MatShape> > inShapes, outShapes;
    try
    {
        net.getLayersShapes(inputShape, ids, inShapes, outShapes);
    }
    catch (const cv::Exception& e)
    {
        CV_Error(Error::StsError, "could not infer the layers' output shapes to choose the target layer "
                 "automatically (" + e.msg + "); set Params::targetLayer");
    }
    // Ids grow in the order layers were added, which importers keep topological: the last match
    // is the deepest spatial layer, and an activation that follows a convolution comes after it.
    int best = -1;
    for (size_t i = 0; i < ids.size(); i++)
    {
        if (ids[i] <= 0 || outShapes[i].empty())
            continue; // the input layer
        const dnn::MatShape& s = outShapes[i][0];
        if (s.size() == 4 && s[2] * s[3] > 1)
            best = std::max(best, ids[i]);
    }
    if (best < 0)
        CV_Error(Error::StsBadArg, "the net has no layer with a 4-D output of spatial size above 1x1 to explain; "
                 "set Params::targetLayer to a convolutional layer");
    return net.getLayer(best)->name;
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
        CV_LOG_WARNING(NULL, "xai: the net has " << outs.size() << " outputs; reading class scores from the first, '"
                       << outs[0] << "' (set Params::scoreLayer to choose)");
    return outs[0];
}

bool isSoftmaxLayer(const dnn::Net& net, const String& layerName)
{
    const Ptr<dnn::Layer> layer = net.getLayer(net.getLayerId(layerName));
    return !layer.empty() && (layer->type == "Softmax" || layer->type == "SoftMax");
}

}} // namespace cv::xai
