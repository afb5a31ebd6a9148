// A ResNet-18-sized classifier built in code with cv::dnn's layer API.
#include "resnet18.hpp"

#include <cmath>
#include <string>

namespace xai_benchmark {
namespace {

class Builder
{
public:
    explicit Builder(unsigned seed) : rng_(seed) {}

    int conv(const std::string& name, int input, int inChannels, int outChannels, int kernel, int stride,
             double gain = 1.0)
    {
        cv::dnn::LayerParams p;
        p.set("kernel_size", kernel);
        p.set("stride", stride);
        p.set("pad", kernel / 2);
        p.set("num_output", outChannels);
        p.set("bias_term", true);
        const int sz[] = { outChannels, inChannels, kernel, kernel };
        cv::Mat w(4, sz, CV_32F), b(1, outChannels, CV_32F);
        rng_.fill(w, cv::RNG::NORMAL, 0, gain * std::sqrt(2.0 / (inChannels * kernel * kernel)));
        rng_.fill(b, cv::RNG::NORMAL, 0, 0.01);
        p.blobs.push_back(w);
        p.blobs.push_back(b);
        return add(name, "Convolution", p, input);
    }

    int relu(const std::string& name, int input)
    {
        cv::dnn::LayerParams p;
        return add(name, "ReLU", p, input);
    }

    int sum(const std::string& name, int a, int b)
    {
        cv::dnn::LayerParams p;
        p.set("operation", "sum");
        const int id = net_.addLayer(name, "Eltwise", p);
        net_.connect(a, 0, id, 0);
        net_.connect(b, 0, id, 1);
        return id;
    }

    int add(const std::string& name, const std::string& type, cv::dnn::LayerParams& p, int input)
    {
        const int id = net_.addLayer(name, type, p);
        net_.connect(input, 0, id, 0);
        return id;
    }

    //! Two 3x3 convolutions and a shortcut (a 1x1 projection when the shape changes).
    int basicBlock(const std::string& name, int input, int inChannels, int outChannels, int stride)
    {
        int x = relu(name + ".relu1", conv(name + ".conv1", input, inChannels, outChannels, 3, stride));
        // A smaller second convolution keeps the residual sums from growing block after block,
        // as BatchNorm's learned scales do in a trained net.
        x = conv(name + ".conv2", x, outChannels, outChannels, 3, 1, 0.5);
        int shortcut = input;
        if (stride != 1 || inChannels != outChannels)
            shortcut = conv(name + ".downsample", input, inChannels, outChannels, 1, stride, 0.5);
        return relu(name + ".relu2", sum(name + ".add", x, shortcut));
    }

    cv::dnn::Net& net() { return net_; }
    cv::RNG& rng() { return rng_; }

private:
    cv::dnn::Net net_;
    cv::RNG rng_;
};

} // namespace

cv::dnn::Net makeResNet18(unsigned seed)
{
    Builder b(seed);
    int x = b.relu("relu", b.conv("conv1", 0, 3, 64, 7, 2));
    cv::dnn::LayerParams pool;
    pool.set("pool", "max");
    pool.set("kernel_size", 3);
    pool.set("stride", 2);
    pool.set("pad", 1);
    x = b.add("maxpool", "Pooling", pool, x);
    const int widths[] = { 64, 128, 256, 512 };
    int in = 64;
    for (int stage = 0; stage < 4; stage++)
    {
        const std::string name = "layer" + std::to_string(stage + 1);
        x = b.basicBlock(name + ".0", x, in, widths[stage], stage == 0 ? 1 : 2);
        x = b.basicBlock(name + ".1", x, widths[stage], widths[stage], 1);
        in = widths[stage];
    }
    cv::dnn::LayerParams gap;
    gap.set("pool", "ave");
    gap.set("global_pooling", true);
    x = b.add("avgpool", "Pooling", gap, x);
    cv::dnn::LayerParams fc;
    fc.set("num_output", 1000);
    fc.set("bias_term", true);
    cv::Mat w(1000, 512, CV_32F), bias(1, 1000, CV_32F);
    b.rng().fill(w, cv::RNG::NORMAL, 0, std::sqrt(1.0 / 512));
    bias.setTo(0);
    fc.blobs.push_back(w);
    fc.blobs.push_back(bias);
    b.add("fc", "InnerProduct", fc, x);
    return b.net();
}

} // namespace xai_benchmark
