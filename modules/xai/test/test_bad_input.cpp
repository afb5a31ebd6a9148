// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_precomp.hpp"
#include "test_common.hpp"

namespace opencv_test { namespace {

using namespace cv::xai;
using namespace xai_test;

xai::AugmentedScoreCAM::Params validParams()
{
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam.inputSize = Size(32, 24);
    p.scoreCam.scale = 1.0 / 255;
    p.augmentation.numAugmentations = 2;
    return p;
}

void computeWith(const xai::AugmentedScoreCAM::Params& p, const Mat& image, int classId,
                 const TinyNetSpec& spec = TinyNetSpec())
{
    Mat map;
    xai::AugmentedScoreCAM::create(makeTinyNet(spec), p)->compute(image, classId, map);
}

TEST(XAI_BadInput, images)
{
    const xai::AugmentedScoreCAM::Params p = validParams();
    expectError([&]() { computeWith(p, Mat(), 0); }, "image is empty");
    expectError([&]() { computeWith(p, Mat(20, 20, CV_16UC3, Scalar::all(1)), 0); }, "unsupported image depth");
    expectError([&]() { computeWith(p, Mat(20, 20, CV_8UC2, Scalar::all(1)), 0); }, "number of image channels");

    // A list of images where one image goes: refused in these terms, not by OpenCV's assertion in
    // _InputArray::getMat_ ("0 <= i && i < (int)v.size()").
    const std::vector<Mat> two(2, randomImage(Size(32, 24), 1));
    Mat map;
    expectError([&]() { xai::AugmentedScoreCAM::create(makeTinyNet(TinyNetSpec()), p)->compute(two, 0, map); },
                "the image is a list of 2 arrays: one image (a Mat or UMat) is expected");
    expectError([&]() { xai::confidenceChange(makeTinyNet(TinyNetSpec()), p.scoreCam, two, Mat(24, 32, CV_32F, Scalar(1)), 0); },
                "confidenceChange: the image is a list of 2 arrays: one image (a Mat or UMat) is expected");
}

TEST(XAI_BadInput, layers)
{
    const Mat image = randomImage(Size(32, 24), 1);
    xai::AugmentedScoreCAM::Params p = validParams();
    p.scoreCam.targetLayer = "no_such_layer";
    expectError([&]() { computeWith(p, image, 0); }, "unknown target layer 'no_such_layer'");
    p = validParams();
    p.scoreCam.scoreLayer = "nope";
    expectError([&]() { computeWith(p, image, 0); }, "unknown score layer 'nope'");
    p = validParams();
    p.scoreCam.targetLayer = "fc"; // 2-D output
    expectError([&]() { computeWith(p, image, 0); }, "the target layer 'fc' gives an output of shape [1 x 5]");
    p = validParams();
    p.scoreCam.targetLayer = "pool"; // 4-D but 1x1
    expectError([&]() { computeWith(p, image, 0); }, "spatial size above 1x1");
    p = validParams();
    p.scoreCam.scoreLayer = tinyTargetLayer(); // spatial scores
    expectError([&]() { computeWith(p, image, 0); }, "is not a vector per image");
}

TEST(XAI_BadInput, net_without_spatial_layer)
{
    dnn::Net net;
    dnn::LayerParams fc;
    fc.set("num_output", 3);
    fc.set("bias_term", false);
    fc.blobs.push_back(Mat::ones(3, 3 * 8 * 8, CV_32F));
    net.addLayerToPrev("fc", "InnerProduct", fc);
    xai::AugmentedScoreCAM::Params p = validParams();
    p.scoreCam.inputSize = Size(8, 8);
    Mat map;
    Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(net, p);
    expectError([&]() { asc->compute(randomImage(Size(8, 8), 1), 0, map); }, "the net has no layer to explain");
}

TEST(XAI_BadInput, input_smaller_than_a_window)
{
    // OpenCV 4.6 ran a 5x5 stride-5 convolution on a 1-pixel-wide input into a loop of hours, and on
    // a 1x1 input into an allocation of exabytes (fuzz finding params-2): refused before any forward.
    TinyNetSpec spec;
    spec.inputChannels = 1;
    spec.stride = 5;
    xai::AugmentedScoreCAM::Params p = validParams();
    p.scoreCam.inputSize = Size();  // the image's own size
    const struct { Size size; const char* words; } cases[] = {
        {Size(1, 6), "layer 'conv1' gets a 6 x 1 input, smaller than its 5 x 5 window"},  // hung
        {Size(1, 1), "the net does not run on a 1 x 1 x 1 x 1 input: layer 'conv1' gets a 1 x 1 input"},
        {Size(4, 40), "the net does not run on a 1 x 1 x 40 x 4 input"}};
    for (const auto& c : cases)
    {
        SCOPED_TRACE(cv::format("%d x %d", c.size.width, c.size.height));
        Mat grey;
        cvtColor(randomImage(c.size, 1), grey, COLOR_BGR2GRAY);
        expectError([&]() { computeWith(p, grey, 0, spec); }, c.words);
    }
    Mat grey;
    cvtColor(randomImage(Size(10, 10), 1), grey, COLOR_BGR2GRAY);
    computeWith(p, grey, 0, spec);  // two windows a side run
}

TEST(XAI_BadInput, image_smaller_than_a_pooling_window)
{
    // A real ONNX VGG-like net: 3x3 padded convolutions and 2x2 max pooling. OpenCV's own shape
    // inference failed on these images with its internals in the message and [ERROR] lines on
    // stderr; the window check must see the pooling layer first.
    const String model = findXaiData("../../tests/data/shapes_vgg.onnx");
    if (model.empty())
        XAI_SKIP_TEST("tests/data/shapes_vgg.onnx is not available");
    xai::ScoreCAM::Params p;
    p.scale = 1.0 / 127.5;
    p.mean = Scalar::all(127.5);  // no inputSize: the image's own size
    const struct { Size size; const char* words; } cases[] = {
        {Size(1, 1), "layer 'onnx_node!/features/pool1/MaxPool' gets a 1 x 1 input, smaller than its 2 x 2 window"},
        {Size(3, 3), "layer 'onnx_node!/features/pool2/MaxPool' gets a 1 x 1 input, smaller than its 2 x 2 window"}};
    for (const auto& c : cases)
    {
        SCOPED_TRACE(cv::format("%d x %d", c.size.width, c.size.height));
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(dnn::readNet(model), p);
        std::ostringstream log;
        std::streambuf* const old = std::cerr.rdbuf(log.rdbuf());
        std::string what;
        try
        {
            Mat map;
            cam->compute(randomImage(c.size, 3), 0, map);
        }
        catch (const cv::Exception& e)
        {
            what = e.err;
        }
        std::cerr.rdbuf(old);
        EXPECT_NE(std::string::npos, what.find(c.words)) << what;
        EXPECT_NE(std::string::npos, what.find(cv::format("the net does not run on a 1 x 3 x %d x %d input",
                                                          c.size.height, c.size.width))) << what;
        EXPECT_NE(std::string::npos, what.find("the image is too small for this net (give a larger image or set "
                                               "Params::inputSize)")) << what;
        EXPECT_EQ(std::string::npos, what.find("OpenCV(")) << "OpenCV's internals: " << what;
        EXPECT_EQ(std::string::npos, what.find("total(")) << "OpenCV's internals: " << what;
        EXPECT_EQ(std::string::npos, log.str().find("ERROR")) << "OpenCV's own log lines: " << log.str();
    }
    // Large enough for every window, it runs.
    Mat map;
    xai::ScoreCAM::create(dnn::readNet(model), p)->compute(randomImage(Size(32, 32), 3), 0, map);
    EXPECT_EQ(Size(32, 32), map.size());

    // The sizes followed from the layers are OpenCV's: refused exactly where its shape inference
    // fails (a stride-2 convolution and three 2x2 poolings: below 9 pixels a side).
    const dnn::Net net = dnn::readNet(model);
    for (int h = 1; h <= 20; h++)
        for (int w = 1; w <= 20; w += (w < 10 ? 1 : 5))
        {
            const int sz[] = { 1, 3, h, w };
            const std::vector<int> shape(sz, sz + 4);
            std::ostringstream log;
            std::streambuf* const old = std::cerr.rdbuf(log.rdbuf());
            bool inferred = true, refused = false;
            try
            {
                std::vector<int> ids;
                std::vector<std::vector<dnn::MatShape> > in, out;
                net.getLayersShapes(dnn::MatShape(shape), ids, in, out);
            }
            catch (const cv::Exception&)
            {
                inferred = false;
            }
            try
            {
                xai::findTargetLayer(net, shape);
            }
            catch (const cv::Exception& e)
            {
                refused = e.err.find("smaller than its") != std::string::npos;
            }
            std::cerr.rdbuf(old);
            EXPECT_EQ(!inferred, refused) << h << " x " << w;
        }
}

TEST(XAI_BadInput, class_ids)
{
    const Mat image = randomImage(Size(32, 24), 1);
    expectError([&]() { computeWith(validParams(), image, 5); }, "class id 5 is out of range: the net scores 5 "
                "classes (ids 0 to 4, or -1 to -5 for the most likely ones)");
    expectError([&]() { computeWith(validParams(), image, 1000); }, "the net scores 5 classes");
    // -INT_MIN overflows: the range check must not negate the id.
    expectError([&]() { computeWith(validParams(), image, std::numeric_limits<int>::min()); },
                "class id -2147483648 is out of range");
    expectError([&]() { computeWith(validParams(), image, -6); }, "class id -6 is out of range");
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(TinyNetSpec()), validParams().scoreCam);
    std::vector<Mat> maps;
    expectError([&]() { cam->compute(image, std::vector<int>(), maps); }, "no class to explain");
}

TEST(XAI_BadInput, parameters)
{
    const dnn::Net net = makeTinyNet(TinyNetSpec());
    struct Case { const char* words; void (*change)(xai::AugmentedScoreCAM::Params&); };
    const Case cases[] = {
        { "numAugmentations", [](xai::AugmentedScoreCAM::Params& p) { p.augmentation.numAugmentations = 0; } },
        { "batchSize", [](xai::AugmentedScoreCAM::Params& p) { p.scoreCam.batchSize = 0; } },
        { "maxAngle", [](xai::AugmentedScoreCAM::Params& p) { p.augmentation.maxAngle = -1; } },
        { "maxShift", [](xai::AugmentedScoreCAM::Params& p) { p.augmentation.maxShift = -0.1; } },
        { "maxChannels", [](xai::AugmentedScoreCAM::Params& p) { p.scoreCam.maxChannels = -2; } },
        { "weightMode", [](xai::AugmentedScoreCAM::Params& p) { p.scoreCam.weightMode = 9; } },
        { "unknown fusion method", [](xai::AugmentedScoreCAM::Params& p) { p.fusion = 7; } },
        { "minScale", [](xai::AugmentedScoreCAM::Params& p) { p.augmentation.minScale = 0; } },
        { "scale", [](xai::AugmentedScoreCAM::Params& p) { p.scoreCam.scale = 0; } },
        { "inputSize", [](xai::AugmentedScoreCAM::Params& p) { p.scoreCam.inputSize = Size(0, 5); } },
        { "backend DNN_BACKEND_CUDA (5) and target DNN_TARGET_CPU (0) do not match",
          [](xai::AugmentedScoreCAM::Params& p) { p.scoreCam.backend = dnn::DNN_BACKEND_CUDA;
                                                  p.scoreCam.target = dnn::DNN_TARGET_CPU; } },
        { "backend DNN_BACKEND_OPENCV (3) and target DNN_TARGET_CUDA_FP16 (7) do not match",
          [](xai::AugmentedScoreCAM::Params& p) { p.scoreCam.backend = dnn::DNN_BACKEND_OPENCV;
                                                  p.scoreCam.target = dnn::DNN_TARGET_CUDA_FP16; } },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        xai::AugmentedScoreCAM::Params p = validParams();
        cases[i].change(p);
        expectError([&]() { xai::AugmentedScoreCAM::create(net, p); }, cases[i].words);
    }
    expectError([&]() { xai::AugmentedScoreCAM::create(dnn::Net(), validParams()); }, "net is empty");
}

TEST(XAI_BadInput, overflowing_input_normalisation)
{
    // A scale that sends the normalised input beyond float range: the net's outputs are infinite,
    // which must stop the computation with a message, not come back as a NaN map.
    xai::AugmentedScoreCAM::Params p = validParams();
    p.scoreCam.scale = 1e38;
    expectError([&]() { computeWith(p, randomImage(Size(32, 24), 3), 0); }, "NaN or infinite");
}

TEST(XAI_BadInput, warps)
{
    Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(TinyNetSpec()), validParams());
    std::vector<Mat> bad(1, Mat::eye(3, 3, CV_64F));
    expectError([&]() { asc->setWarps(bad); }, "2x3");
    bad[0] = Mat::zeros(2, 3, CV_64F);
    expectError([&]() { asc->setWarps(bad); }, "invertible");
    Mat out;
    expectError([&]() { unwarpMap(Mat(4, 4, CV_8U, Scalar(1)), Mat(Matx23d(1, 0, 0, 0, 1, 0)), out); }, "CV_32FC1");
}

}} // namespace

namespace opencv_test { namespace {

using namespace xai_test;

TEST(XAI_BadInput, unbounded_settings_are_refused_before_any_work)
{
    // Each of these ran out of memory or ran for hours before.
    xai::AugmentationParams a;
    std::vector<Mat> warps;
    a.numAugmentations = INT_MAX;
    expectError([&] { xai::generateWarps(Size(32, 32), a, warps); }, "at most a million views");
    a = xai::AugmentationParams();
    a.maxScale = 1e300;
    expectError([&] { xai::generateWarps(Size(32, 32), a, warps); }, "maxScale: at most 64");
    a = xai::AugmentationParams();
    a.minScale = a.maxScale = 1e-300;
    expectError([&] { xai::generateWarps(Size(32, 32), a, warps); }, "minScale: at least 1/64");

    const Mat image = randomImage(Size(32, 24), 3);
    Mat map(image.size(), CV_32F, Scalar::all(0.5)), curve;
    dnn::Net net = makeTinyNet(TinyNetSpec());
    xai::PerturbationParams p;
    p.steps = 100000;
    expectError([&] { xai::deletionCurve(net, tinyParams(), image, map, 0, curve, p); }, "at most one step per pixel");
    p = xai::PerturbationParams();
    p.blurSigma = 1e6;
    expectError([&] { xai::insertionCurve(net, tinyParams(), image, map, 0, curve, p); }, "at most the image's larger side");

    xai::AugmentedScoreCAM::Params ap;
    ap.scoreCam = tinyParams();
    ap.scoreCam.upsampling = 2;
    expectError([&] { xai::AugmentedScoreCAM::create(net, ap); }, "Params::upsampling is 2");
    ap.scoreCam.upsampling = xai::UPSAMPLE_RESIZE;
    ap.viewWeights = 2;
    expectError([&] { xai::AugmentedScoreCAM::create(net, ap); }, "Params::viewWeights is 2");
}

}} // namespace
