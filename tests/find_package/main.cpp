// Computes a map with the installed library: proves the package, headers and library are usable.
#include <iostream>

#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/xai.hpp>

int main(int argc, char** argv)
{
    if (argc < 2)
        return 2;
    // A tiny net built in code, so the check needs nothing but an image.
    cv::dnn::Net net;
    cv::dnn::LayerParams conv;
    conv.type = "Convolution";
    conv.name = "conv";
    conv.set("kernel_size", 4);
    conv.set("stride", 4);
    conv.set("num_output", 4);
    conv.set("bias_term", false);
    const int wsz[] = { 4, 3, 4, 4 };
    cv::Mat w(4, wsz, CV_32F);
    cv::randu(w, -1, 1);
    conv.blobs.push_back(w);
    net.addLayerToPrev(conv.name, conv.type, conv);
    cv::dnn::LayerParams relu;
    net.addLayerToPrev("relu", "ReLU", relu);
    cv::dnn::LayerParams pool;
    pool.set("pool", "ave");
    pool.set("global_pooling", true);
    net.addLayerToPrev("pool", "Pooling", pool);
    cv::dnn::LayerParams flat;
    net.addLayerToPrev("flat", "Flatten", flat);

    cv::Mat image = cv::imread(argv[1]);
    cv::xai::ScoreCAM::Params params;
    params.inputSize = cv::Size(32, 32);
    params.scale = 1.0 / 255;
    cv::Mat saliency;
    cv::xai::ScoreCAM::create(net, params)->compute(image, -1, saliency);
    std::cout << "map " << saliency.cols << "x" << saliency.rows << " max " << cv::norm(saliency, cv::NORM_INF) << "\n";
    return saliency.size() == image.size() && cv::norm(saliency, cv::NORM_INF) == 1.0 ? 0 : 1;
}
