// The README's usage example: explain the top-1 class of an image with Augmented Score-CAM.
// Built with the project so that the example in the README always compiles.
#include <iostream>

#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/xai.hpp>

int main(int argc, char** argv)
{
    if (argc < 3)
    {
        std::cerr << "usage: xai_example MODEL.onnx IMAGE [OUTPUT.png]\n";
        return 2;
    }
    try
    {
        // [readme-example]
        cv::dnn::Net net = cv::dnn::readNet(argv[1]);
        cv::Mat image = cv::imread(argv[2]);

        cv::xai::AugmentedScoreCAM::Params params;
        params.scoreCam.inputSize = cv::Size(128, 128);        // the network's input size
        params.scoreCam.scale = 1.0 / 127.5;                   // (pixel - mean) * scale, as blobFromImage
        params.scoreCam.mean = cv::Scalar(127.5, 127.5, 127.5);
        params.augmentation.numAugmentations = 16;             // the identity and 15 random views
        cv::Ptr<cv::xai::AugmentedScoreCAM> cam = cv::xai::AugmentedScoreCAM::create(net, params);

        cv::Mat saliency;                                      // CV_32F in [0, 1], the image's size
        cam->compute(image, -1, saliency);                     // -1: the top-1 class
        std::cout << "class " << cam->getClassIds()[0] << " explained at layer " << cam->getTargetLayer()
                  << " with " << cam->getForwardCount() << " forwards\n";

        cv::Mat heat, overlay;
        saliency.convertTo(heat, CV_8U, 255);
        cv::applyColorMap(heat, heat, cv::COLORMAP_JET);
        cv::addWeighted(image, 0.5, heat, 0.5, 0, overlay);
        cv::imwrite(argc > 3 ? argv[3] : "saliency.png", overlay);
        // [readme-example]
    }
    catch (const cv::Exception& e)
    {
        std::cerr << "xai_example: error: " << e.msg << "\n";
        return 1;
    }
    return 0;
}
