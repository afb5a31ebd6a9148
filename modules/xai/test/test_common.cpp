// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_precomp.hpp"
#include "test_common.hpp"

#include "opencv2/core/cuda.hpp"

#include <cstdlib>
#include <fstream>

namespace opencv_test {
namespace xai_test {

void addClassifierHead(dnn::Net& net, const Mat& weights, const Mat& bias)
{
    dnn::LayerParams pool;
    pool.set("pool", "ave");
    pool.set("global_pooling", true);
    net.addLayerToPrev("pool", "Pooling", pool);

    dnn::LayerParams fc;
    fc.set("num_output", weights.rows);
    fc.set("bias_term", !bias.empty());
    fc.blobs.push_back(weights);
    if (!bias.empty())
        fc.blobs.push_back(bias);
    net.addLayerToPrev("fc", "InnerProduct", fc);
}

dnn::Net makeTinyNet(const TinyNetSpec& spec)
{
    RNG rng(spec.seed);
    dnn::Net net;

    dnn::LayerParams conv;
    conv.set("kernel_size", spec.stride);
    conv.set("stride", spec.stride);
    conv.set("num_output", spec.channels);
    conv.set("bias_term", true);
    const int wsz[] = { spec.channels, spec.inputChannels, spec.stride, spec.stride };
    Mat w(4, wsz, CV_32F), b(1, spec.channels, CV_32F);
    rng.fill(w, RNG::UNIFORM, -0.5, 0.5);
    rng.fill(b, RNG::UNIFORM, -0.1, 0.3);
    if (spec.constantChannel >= 0)
    {
        const int per = spec.inputChannels * spec.stride * spec.stride;
        Mat(1, per, CV_32F, w.ptr<float>(spec.constantChannel)).setTo(0);
        b.at<float>(spec.constantChannel) = 0.7f; // a constant, non-zero activation
    }
    conv.blobs.push_back(w);
    conv.blobs.push_back(b);
    net.addLayerToPrev("conv1", "Convolution", conv);

    dnn::LayerParams relu;
    net.addLayerToPrev(tinyTargetLayer(), "ReLU", relu);

    Mat fw(spec.classes, spec.channels, CV_32F), fb(1, spec.classes, CV_32F);
    rng.fill(fw, RNG::UNIFORM, -3.0, 3.0);
    rng.fill(fb, RNG::UNIFORM, -0.2, 0.2);
    addClassifierHead(net, fw * spec.headScale, fb * spec.headScale);

    if (spec.softmax)
    {
        dnn::LayerParams sm;
        net.addLayerToPrev("prob", "Softmax", sm);
    }
    if (spec.flattenToOneRow)
    {
        dnn::LayerParams reshape;
        const int dims[] = { 1, -1 };
        reshape.set("dim", dnn::DictValue::arrayInt(dims, 2));
        net.addLayerToPrev("one_row", "Reshape", reshape);
    }
    return net;
}

xai::ScoreCAM::Params inputParams(Size size, double scale, const Scalar& mean)
{
    xai::ScoreCAM::Params p;
    p.inputSize = size;
    p.scale = scale;
    p.mean = mean;
    return p;
}

double pearson(const Mat& a_, const Mat& b_)
{
    Mat a, b;
    a_.reshape(1, 1).convertTo(a, CV_64F);
    b_.reshape(1, 1).convertTo(b, CV_64F);
    Scalar ma, sa, mb, sb;
    meanStdDev(a, ma, sa);
    meanStdDev(b, mb, sb);
    return (a - ma[0]).dot(b - mb[0]) / (a.cols * sa[0] * sb[0]);
}

Mat randomImage(Size size, uint64 seed)
{
    RNG rng(seed);
    Mat img(size, CV_8UC3);
    rng.fill(img, RNG::UNIFORM, 0, 256);
    // Some structure, so that activations vary smoothly as on real images.
    GaussianBlur(img, img, Size(5, 5), 1.5);
    circle(img, Point(size.width / 3, size.height / 2), std::max(2, size.width / 6), Scalar(20, 200, 240), -1);
    return img;
}

static Mat softmax(const Mat& row)
{
    Mat r;
    row.convertTo(r, CV_64F);
    double maxVal = 0;
    minMaxLoc(r, NULL, &maxVal);
    exp(r - maxVal, r);
    r /= sum(r)[0];
    return r;
}

Mat referenceScoreCAM(dnn::Net net, const Mat& image, int classId, const ReferenceOptions& o,
                      std::vector<float>* weights)
{
    const Size frame = o.inputSize.empty() ? image.size() : o.inputSize;
    const Mat blob = dnn::blobFromImage(image, o.scale, frame, o.mean, false, false, CV_32F);
    net.setInput(blob);
    std::vector<Mat> outs;
    std::vector<String> names;
    names.push_back(o.targetLayer);
    names.push_back(o.scoreLayer);
    net.forward(outs, names);
    const Mat A = outs[0];
    const int K = A.size[1], h = A.size[2], w = A.size[3];

    Mat saliency = Mat::zeros(frame, CV_64F);
    if (weights)
        weights->assign(K, 0.f);
    for (int k = 0; k < K; k++)
    {
        Mat a(h, w, CV_32F, (void*)A.ptr<float>(0, k));
        Mat up;
        if (o.geometry.isValid())
        {
            // Bilinear between the cells' centres s c + o, constant beyond the outermost ones.
            up.create(frame, CV_32F);
            for (int y = 0; y < frame.height; y++)
                for (int x = 0; x < frame.width; x++)
                {
                    const double u = std::min(std::max((x - o.geometry.offset.x) / o.geometry.stride.x, 0.0), w - 1.0);
                    const double v = std::min(std::max((y - o.geometry.offset.y) / o.geometry.stride.y, 0.0), h - 1.0);
                    const int c0 = std::min((int)u, w - 1), r0 = std::min((int)v, h - 1);
                    const int c1 = std::min(c0 + 1, w - 1), r1 = std::min(r0 + 1, h - 1);
                    const double fu = u - c0, fv = v - r0;
                    up.at<float>(y, x) = (float)((1 - fv) * ((1 - fu) * a.at<float>(r0, c0) + fu * a.at<float>(r0, c1)) +
                                                 fv * ((1 - fu) * a.at<float>(r1, c0) + fu * a.at<float>(r1, c1)));
                }
        }
        else
            resize(a, up, frame, 0, 0, INTER_LINEAR);
        double mn, mx;
        minMaxLoc(up, &mn, &mx);
        double minA, maxA;
        minMaxLoc(a, &minA, &maxA);
        if (maxA - minA <= 1e-6 * std::max(1.0, std::max(std::abs(minA), std::abs(maxA))))
            continue; // constant channel: weight 0
        Mat masked = blob.clone();
        for (int c = 0; c < blob.size[1]; c++)
        {
            Mat plane(frame, CV_32F, masked.ptr<float>(0, c));
            for (int y = 0; y < frame.height; y++)
                for (int x = 0; x < frame.width; x++)
                    plane.at<float>(y, x) *= (float)((up.at<float>(y, x) - mn) / (mx - mn));
        }
        net.setInput(masked);
        std::vector<Mat> o2;
        net.forward(o2, names);
        const Mat scores = o2[1].reshape(1, 1);
        const Mat p = o.probabilities ? Mat_<double>(scores) : softmax(scores);
        const double wk = p.at<double>(0, classId);
        if (weights)
            (*weights)[k] = (float)wk;
        Mat upD;
        up.convertTo(upD, CV_64F);
        saliency += wk * upD;
    }
    saliency = max(saliency, 0.0);
    Mat out;
    saliency.convertTo(out, CV_32F);
    if (out.size() != image.size())
        resize(out, out, image.size(), 0, 0, INTER_LINEAR);
    double mx;
    minMaxLoc(out, NULL, &mx);
    if (mx > 0)
        out /= mx;
    return out;
}

static bool fileExists(const String& path)
{
    return std::ifstream(path.c_str()).good();
}

String findXaiData(const String& name)
{
    std::vector<String> dirs;
    if (const char* env = std::getenv("OPENCV_XAI_DATA_PATH"))
        dirs.push_back(env);
#ifdef XAI_SAMPLES_DATA_DIR
    dirs.push_back(XAI_SAMPLES_DATA_DIR);
#endif
    for (size_t i = 0; i < dirs.size(); i++)
        if (fileExists(dirs[i] + "/" + name))
            return dirs[i] + "/" + name;
    return String();
}

String moduleTestData(const String& name)
{
    // Beside the test sources in both harnesses: the module's own small files travel with it.
    const String here = __FILE__;
    const size_t slash = here.find_last_of("/\\");
    const String path = (slash == String::npos ? String(".") : here.substr(0, slash)) + "/../testdata/" + name;
    if (fileExists(path))
        return path;
    // A copy of the repository's data elsewhere (e.g. the GPU kit of scripts/pack-gpu.sh)
    const String copy = findXaiData("../../modules/xai/testdata/" + name);
    if (copy.empty())
        CV_Error(Error::StsObjectNotFound, "missing module test data " + path);
    return copy;
}

bool haveCudaDevice(std::string* why)
{
    std::string reason;
    const std::vector<dnn::Target> targets = dnn::getAvailableTargets(dnn::DNN_BACKEND_CUDA);
    if (targets.empty())
        reason = "this OpenCV was built without the CUDA DNN backend";
    else
    {
        int devices = 0;
        try
        {
            devices = cuda::getCudaEnabledDeviceCount();
        }
        catch (const cv::Exception& e)
        {
            devices = -1;
            reason = "the CUDA runtime failed: " + e.msg;
        }
        if (devices == 0)
            reason = "no CUDA device was found";
        else if (devices < 0 && reason.empty())
            reason = "no usable CUDA driver was found";
    }
    if (why)
        *why = reason;
    return reason.empty();
}

}} // namespace opencv_test::xai_test
