// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_precomp.hpp"
#include "test_common.hpp"

#include <cmath>
#include <limits>

namespace opencv_test { namespace {

using namespace cv::xai;
using namespace xai_test;

// ---- a net whose answer can be worked out by hand ----
//
// logit_0 = gain * mean over pixels of (B + G + R) / 3 of the normalised input, logit_1 = 0, so
// p_0 = sigmoid(gain * mean): each pixel adds its brightness, wherever it is.

const double kGain = 4.0;

dnn::Net makeLinearNet()
{
    dnn::Net net;
    dnn::LayerParams conv;
    conv.set("kernel_size", 1);
    conv.set("num_output", 1);
    conv.set("bias_term", false);
    const int wsz[] = { 1, 3, 1, 1 };
    conv.blobs.push_back(Mat(4, wsz, CV_32F, Scalar::all(1.0 / 3)));
    net.addLayerToPrev("gray", "Convolution", conv);
    addClassifierHead(net, (Mat_<float>(2, 1) << (float)kGain, 0.f), Mat::zeros(1, 2, CV_32F));
    return net;
}

//! pixel / 255, no mean: the zero-input baseline is black.
xai::ScoreCAM::Params linearParams()
{
    xai::ScoreCAM::Params p;
    p.scale = 1.0 / 255;
    return p;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

//! p_0 of the linear net for an image, computed by hand.
double linearProbability(const Mat& image)
{
    Mat f;
    image.convertTo(f, CV_64F, 1.0 / 255);
    const Scalar s = mean(f);
    return sigmoid(kGain * (s[0] + s[1] + s[2]) / 3);
}

//! A 8x8 black image with a white 3x2 object at (2, 3).
const Rect kObject(2, 3, 3, 2);

Mat objectImage()
{
    Mat img = Mat::zeros(8, 8, CV_8UC3);
    img(kObject).setTo(Scalar::all(255));
    return img;
}

Mat boxMap(Size size, const Rect& box, float inside, float outside)
{
    Mat m(size, CV_32F, Scalar(outside));
    m(box).setTo(Scalar(inside));
    return m;
}

// ---- curves ----

TEST(XAI_Metrics, input_smaller_than_a_window_is_refused)
{
    // The metrics forward images on their own: the same OpenCV 4.6 hang as the explainers' probe
    // (a 6 x 1 image through a 5 x 5 stride-5 convolution) must be refused there too.
    TinyNetSpec spec;
    spec.inputChannels = 1;
    spec.stride = 5;
    xai::ScoreCAM::Params p;  // the image's own size
    Mat grey, probs;
    cvtColor(randomImage(Size(1, 6), 1), grey, COLOR_BGR2GRAY);
    expectError([&]() { classProbabilities(makeTinyNet(spec), p, grey, probs); },
                "layer 'conv1' gets a 6 x 1 input, smaller than its 5 x 5 window");
}

TEST(XAI_Metrics, curve_auc_is_the_trapezoid_rule_over_0_1)
{
    EXPECT_DOUBLE_EQ(0.5, curveAUC(Mat((Mat_<double>(1, 2) << 0, 1))));
    EXPECT_DOUBLE_EQ(1.0, curveAUC(Mat(Mat::ones(1, 11, CV_64F))));
    EXPECT_DOUBLE_EQ(0.5 / 3, curveAUC(Mat((Mat_<float>(4, 1) << 1, 0, 0, 0))));
    EXPECT_DOUBLE_EQ(0.25, curveAUC(Mat((Mat_<double>(1, 3) << 0, 0.5, 0))));
}

TEST(XAI_Metrics, deletion_curve_matches_a_hand_computed_one)
{
    // One pixel per step: after step i the i most salient pixels are black.
    const Mat image = objectImage();
    const Mat map = boxMap(image.size(), kObject, 1.f, 0.f);
    PerturbationParams pp;
    pp.steps = (int)image.total();
    pp.deletionBaseline = BASELINE_ZERO_INPUT;
    Mat curve;
    const double auc = deletionCurve(makeLinearNet(), linearParams(), image, map, 0, curve, pp);
    ASSERT_EQ(CV_64FC1, curve.type());
    ASSERT_EQ(pp.steps + 1, (int)curve.total());

    // By hand: the object's 6 pixels go first, in raster order; the black background changes nothing.
    Mat expected(1, pp.steps + 1, CV_64F);
    Mat work = image.clone();
    std::vector<Point> order;
    for (int y = kObject.y; y < kObject.br().y; y++)
        for (int x = kObject.x; x < kObject.br().x; x++)
            order.push_back(Point(x, y));
    for (int i = 0; i <= pp.steps; i++)
    {
        if (i >= 1 && i <= (int)order.size())
            work.at<Vec3b>(order[i - 1]) = Vec3b(0, 0, 0);
        expected.at<double>(i) = linearProbability(work);
    }
    EXPECT_LE(maxAbsDiff(curve, expected), 1e-6) << curve << "\n" << expected;
    EXPECT_NEAR(0.5, curve.at<double>(pp.steps), 1e-6); // all black: logit 0
    EXPECT_NEAR(curveAUC(expected), auc, 1e-6);
}

TEST(XAI_Metrics, steps_split_the_pixels_by_rounding)
{
    // 64 pixels in 3 steps: 0, 21, 43, 64 pixels removed.
    Mat image(8, 8, CV_8UC3, Scalar::all(255));
    Mat ramp(8, 8, CV_32F);
    for (int i = 0; i < 64; i++)
        ramp.at<float>(i / 8, i % 8) = (float)(64 - i); // raster order is the saliency order
    PerturbationParams pp;
    pp.steps = 3;
    pp.deletionBaseline = BASELINE_BLACK;
    Mat curve;
    deletionCurve(makeLinearNet(), linearParams(), image, ramp, 0, curve, pp);
    const int removed[] = { 0, 21, 43, 64 };
    for (int i = 0; i < 4; i++)
        EXPECT_NEAR(sigmoid(kGain * (64 - removed[i]) / 64.0), curve.at<double>(i), 1e-6) << "step " << i;
}

TEST(XAI_Metrics, curves_report_progress_and_can_be_cancelled)
{
    const Mat image = objectImage();
    const Mat map = boxMap(image.size(), kObject, 1.f, 0.f);
    PerturbationParams pp;
    pp.steps = 10;     // 11 images
    pp.batchSize = 4;  // in 3 forwards
    std::vector<std::pair<int, int> > calls;
    pp.progress = [&](int done, int total) {
        calls.push_back(std::make_pair(done, total));
        return true;
    };
    Mat curve, reference;
    const double auc = deletionCurve(makeLinearNet(), linearParams(), image, map, 0, curve, pp);
    ASSERT_EQ(3u, calls.size());
    for (int i = 0; i < 3; i++)
    {
        EXPECT_EQ(i + 1, calls[i].first);
        EXPECT_EQ(3, calls[i].second);
    }
    PerturbationParams silent = pp;
    silent.progress = ProgressCallback();
    EXPECT_EQ(auc, deletionCurve(makeLinearNet(), linearParams(), image, map, 0, reference, silent));
    EXPECT_EQ(0, maxAbsDiff(curve, reference));

    // Returning false stops the curve after that forward, with StsError.
    calls.clear();
    pp.progress = [&](int done, int total) {
        calls.push_back(std::make_pair(done, total));
        return false;
    };
    try
    {
        insertionCurve(makeLinearNet(), linearParams(), image, map, 0, curve, pp);
        ADD_FAILURE() << "a cancelled curve must throw";
    }
    catch (const cv::Exception& e)
    {
        EXPECT_EQ(Error::StsError, e.code);
        EXPECT_NE(std::string::npos, e.msg.find("insertionCurve: cancelled")) << e.msg;
    }
    EXPECT_EQ(1u, calls.size());
}

TEST(XAI_Metrics, perfect_map_beats_uniform_beats_inverted)
{
    const Mat image = objectImage();
    const Mat perfect = boxMap(image.size(), kObject, 1.f, 0.f);
    const Mat inverted = boxMap(image.size(), kObject, 0.f, 1.f);
    const Mat uniform(image.size(), CV_32F, Scalar(0.5));
    PerturbationParams pp;
    pp.steps = 16;
    pp.deletionBaseline = pp.insertionBaseline = BASELINE_BLACK;
    const dnn::Net net = makeLinearNet();
    Mat c;
    const double delPerfect = deletionCurve(net, linearParams(), image, perfect, 0, c, pp);
    const double delUniform = deletionCurve(net, linearParams(), image, uniform, 0, c, pp);
    const double delInverted = deletionCurve(net, linearParams(), image, inverted, 0, c, pp);
    EXPECT_LT(delPerfect, delUniform);
    EXPECT_LT(delUniform, delInverted);
    const double insPerfect = insertionCurve(net, linearParams(), image, perfect, 0, c, pp);
    const double insInverted = insertionCurve(net, linearParams(), image, inverted, 0, c, pp);
    EXPECT_GT(insPerfect, insInverted);
    // Insertion ends at the image itself and starts from the baseline (black: p = 0.5).
    EXPECT_NEAR(0.5, c.at<double>(0), 1e-6);
    EXPECT_NEAR(linearProbability(image), c.at<double>(pp.steps), 1e-6);
    // The inverted map inserts the object last: its curve stays at 0.5 until then.
    EXPECT_NEAR(0.5, c.at<double>(pp.steps - 2), 1e-6);
}

TEST(XAI_Metrics, curves_do_not_change_when_the_map_is_scaled)
{
    TinyNetSpec spec;
    const dnn::Net net = makeTinyNet(spec);
    xai::ScoreCAM::Params p;
    p.inputSize = Size(32, 24);
    p.scale = 1.0 / 255;
    p.mean = Scalar(10, 20, 30);
    const Mat image = randomImage(Size(40, 30), 3);
    Mat map(image.size(), CV_32F);
    randu(map, 0, 1);
    GaussianBlur(map, map, Size(7, 7), 2);
    PerturbationParams pp;
    pp.steps = 20;
    Mat ref, curve;
    const double del = deletionCurve(net, p, image, map, 1, ref, pp);
    const double factors[] = { 2.0, 0.25, 1000.0 };
    for (double f : factors)
    {
        EXPECT_EQ(del, deletionCurve(net, p, image, map * f, 1, curve, pp)) << "factor " << f;
        EXPECT_EQ(0.0, maxAbsDiff(ref, curve)) << "factor " << f;
    }
    const double ins = insertionCurve(net, p, image, map, 1, ref, pp);
    EXPECT_EQ(ins, insertionCurve(net, p, image, map * 3.0, 1, curve, pp));
}

TEST(XAI_Metrics, batch_size_does_not_change_the_curve_and_top1_is_resolved)
{
    TinyNetSpec spec;
    xai::ScoreCAM::Params p;
    p.inputSize = Size(32, 24);
    p.scale = 1.0 / 255;
    const Mat image = randomImage(Size(32, 24), 5);
    Mat map(image.size(), CV_32F);
    randu(map, 0, 1);
    Mat probs;
    classProbabilities(makeTinyNet(spec), p, image, probs);
    Point top;
    minMaxLoc(probs, NULL, NULL, NULL, &top);

    PerturbationParams pp;
    pp.steps = 9;
    Mat ref;
    pp.batchSize = 1;
    deletionCurve(makeTinyNet(spec), p, image, map, top.x, ref, pp);
    EXPECT_NEAR(probs.at<float>(0, top.x), ref.at<double>(0), 1e-6); // step 0 is the image
    const int batches[] = { 3, 4, 16 };
    for (int b : batches)
    {
        pp.batchSize = b;
        Mat curve;
        deletionCurve(makeTinyNet(spec), p, image, map, -1, curve, pp);
        EXPECT_LE(maxAbsDiff(ref, curve), 1e-5) << "batch " << b;
    }
    // A net that refuses batches: the same curve, one image per forward.
    spec.flattenToOneRow = true;
    pp.batchSize = 4;
    Mat curve;
    deletionCurve(makeTinyNet(spec), p, image, map, top.x, curve, pp);
    EXPECT_LE(maxAbsDiff(ref, curve), 1e-5);
}

TEST(XAI_Metrics, class_probabilities_are_the_softmax_of_the_scores)
{
    TinyNetSpec spec;
    xai::ScoreCAM::Params p;
    p.inputSize = Size(32, 24);
    p.scale = 1.0 / 255;
    std::vector<Mat> images;
    for (int i = 0; i < 3; i++)
        images.push_back(randomImage(Size(50, 40), 10 + i));
    Mat probs;
    classProbabilities(makeTinyNet(spec), p, images, probs, 2);
    ASSERT_EQ(3, probs.rows);
    ASSERT_EQ(spec.classes, probs.cols);
    dnn::Net net = makeTinyNet(spec);
    for (int i = 0; i < 3; i++)
    {
        net.setInput(dnn::blobFromImage(images[i], p.scale, p.inputSize));
        Mat logits = net.forward().reshape(1, 1).clone();
        Mat e;
        exp(logits - Scalar(*std::max_element(logits.begin<float>(), logits.end<float>())), e);
        e /= sum(e)[0];
        EXPECT_LE(maxAbsDiff(e, probs.row(i)), 1e-6) << "image " << i;
    }
    // Probabilities already: not normalised again.
    spec.softmax = true;
    Mat probs2;
    classProbabilities(makeTinyNet(spec), p, images, probs2, 2);
    EXPECT_LE(maxAbsDiff(probs, probs2), 1e-6);
}

// ---- Average Drop / Increase in Confidence ----

TEST(XAI_Metrics, confidence_change_hand_checked)
{
    const Mat image = objectImage();
    const dnn::Net net = makeLinearNet();
    const xai::ScoreCAM::Params p = linearParams();
    const double Y = linearProbability(image);

    // A map of ones keeps the image: no drop, no increase.
    ConfidenceChange r = confidenceChange(net, p, image, Mat::ones(image.size(), CV_32F), 0);
    EXPECT_EQ(0, r.classId);
    EXPECT_NEAR(Y, r.original, 1e-6);
    EXPECT_NEAR(Y, r.masked, 1e-6);
    EXPECT_NEAR(0.0, r.drop, 1e-6);
    EXPECT_FALSE(r.increase);

    // The perfect map keeps the object (the rest is black already): no drop either.
    r = confidenceChange(net, p, image, boxMap(image.size(), kObject, 1.f, 0.f), 0);
    EXPECT_NEAR(0.0, r.drop, 1e-6);

    // The inverted map removes the object: p falls to 0.5.
    r = confidenceChange(net, p, image, boxMap(image.size(), kObject, 0.f, 1.f), 0);
    EXPECT_NEAR(0.5, r.masked, 1e-6);
    EXPECT_NEAR((Y - 0.5) / Y, r.drop, 1e-6);
    EXPECT_FALSE(r.increase);

    // Half the object's brightness: p = sigmoid(gain * mean / 2).
    r = confidenceChange(net, p, image, Mat(image.size(), CV_32F, Scalar(0.5)), 0);
    EXPECT_NEAR(sigmoid(kGain * 6 / 64.0 / 2), r.masked, 1e-6);

    // Class 1 gains when the object goes: an increase in confidence, no drop.
    r = confidenceChange(net, p, image, boxMap(image.size(), kObject, 0.f, 1.f), 1);
    EXPECT_TRUE(r.increase);
    EXPECT_EQ(0.0, r.drop);
    EXPECT_NEAR(1 - Y, r.original, 1e-6);

    // Top-1 by default.
    r = confidenceChange(net, p, image, Mat::ones(image.size(), CV_32F));
    EXPECT_EQ(0, r.classId);
}

// Negative ids read as ScoreCAM::compute reads them: -k is the k-th most likely class (they all
// meant the top-1 class, INT_MIN included).
TEST(XAI_Metrics, negative_class_ids_rank_as_in_compute)
{
    const Mat image = objectImage();
    const dnn::Net net = makeLinearNet();
    const xai::ScoreCAM::Params p = linearParams();
    const Mat map = Mat::ones(image.size(), CV_32F);
    ASSERT_GT(linearProbability(image), 0.5) << "class 0 is the top-1 class of the test image";
    EXPECT_EQ(0, confidenceChange(net, p, image, map, -1).classId);
    EXPECT_EQ(1, confidenceChange(net, p, image, map, -2).classId);
    // The explainers' check and message (one helper), with the metric's name first.
    expectError([&] { confidenceChange(net, p, image, map, -3); },
                "confidenceChange: class id -3 is out of range: the net scores 2 classes (ids 0 to 1, or -1 to -2 "
                "for the most likely ones)");
    expectError([&] { confidenceChange(net, p, image, map, std::numeric_limits<int>::min()); },
                "class id -2147483648 is out of range");
    xai::PerturbationParams pp;
    pp.steps = 2;
    Mat second, one;
    deletionCurve(net, p, image, map, -2, second, pp);
    deletionCurve(net, p, image, map, 1, one, pp);
    EXPECT_EQ(0.0, cv::norm(second, one, NORM_INF));
    expectError([&] { insertionCurve(net, p, image, map, std::numeric_limits<int>::min(), one, pp); },
                "insertionCurve: class id -2147483648 is out of range");
}

TEST(XAI_Metrics, confidence_change_baselines)
{
    // A grey image on the linear net with mean 100: the zero-input baseline is grey 100, black is 0.
    Mat image(8, 8, CV_8UC3, Scalar::all(200));
    xai::ScoreCAM::Params p = linearParams();
    p.mean = Scalar::all(100);
    const Mat zeros = Mat::zeros(image.size(), CV_32F);
    ConfidenceChange r = confidenceChange(makeLinearNet(), p, image, zeros, 0, BASELINE_ZERO_INPUT);
    EXPECT_NEAR(0.5, r.masked, 1e-6);
    r = confidenceChange(makeLinearNet(), p, image, zeros, 0, BASELINE_BLACK);
    EXPECT_NEAR(sigmoid(-kGain * 100 / 255.0), r.masked, 1e-6);
    r = confidenceChange(makeLinearNet(), p, image, zeros, 0, BASELINE_IMAGE_MEAN);
    EXPECT_NEAR(r.original, r.masked, 1e-6);
    r = confidenceChange(makeLinearNet(), p, image, zeros, 0, BASELINE_BLUR);
    EXPECT_NEAR(r.original, r.masked, 1e-5); // a blurred constant image is the image
}

// ---- localisation ----

TEST(XAI_Metrics, energy_pointing_game_hand_checked)
{
    const Size size(10, 8);
    const Rect box(2, 1, 4, 3);
    Mat mask = Mat::zeros(size, CV_8U);
    mask(box).setTo(255);
    const Mat perfect = boxMap(size, box, 1.f, 0.f);
    const Mat inverted = boxMap(size, box, 0.f, 1.f);
    const Mat uniform(size, CV_32F, Scalar(0.3));
    EXPECT_DOUBLE_EQ(1.0, energyPointingGame(perfect, box));
    EXPECT_DOUBLE_EQ(0.0, energyPointingGame(inverted, box));
    EXPECT_NEAR(12.0 / 80, energyPointingGame(uniform, box), 1e-7);
    EXPECT_DOUBLE_EQ(0.0, energyPointingGame(uniform, Rect(3, 3, 0, 0))); // an empty box holds nothing
    EXPECT_DOUBLE_EQ(0.0, energyPointingGame(Mat::zeros(size, CV_32F), box)); // a map with no energy
    EXPECT_DOUBLE_EQ(1.0, energyPointingGame(uniform, Rect(Point(), size)));
    // Mask version
    EXPECT_DOUBLE_EQ(1.0, energyPointingGameMask(perfect, mask));
    EXPECT_DOUBLE_EQ(0.0, energyPointingGameMask(inverted, mask));
    EXPECT_NEAR(12.0 / 80, energyPointingGameMask(uniform, mask), 1e-7);
    // Twice the energy in the box: 2*12 / (2*12 + 68)
    EXPECT_NEAR(24.0 / 92, energyPointingGame(boxMap(size, box, 2.f, 1.f), box), 1e-7);
    // 8-bit and double maps are read too.
    Mat u8;
    perfect.convertTo(u8, CV_8U, 255);
    EXPECT_DOUBLE_EQ(1.0, energyPointingGame(u8, box));
}

TEST(XAI_Metrics, bounding_box_of_the_largest_region_and_iou)
{
    Mat map = Mat::zeros(20, 30, CV_32F);
    map(Rect(2, 2, 3, 3)).setTo(1.0);      // small, the maximum
    map(Rect(10, 5, 8, 6)).setTo(0.5);     // large, above 15 %
    map(Rect(19, 13, 10, 6)).setTo(0.1);   // largest, but below 15 % of the maximum
    EXPECT_EQ(Rect(10, 5, 8, 6), saliencyBoundingBox(map));
    EXPECT_EQ(Rect(2, 2, 3, 3), saliencyBoundingBox(map, 0.6));
    EXPECT_EQ(Rect(19, 13, 10, 6), saliencyBoundingBox(map, 0.05));
    // Diagonal neighbours are connected.
    Mat diag = Mat::zeros(6, 6, CV_32F);
    for (int i = 0; i < 4; i++)
        diag.at<float>(i + 1, i + 1) = 1.f;
    EXPECT_EQ(Rect(1, 1, 4, 4), saliencyBoundingBox(diag));
    // Equal areas: the first region in raster order.
    Mat two = Mat::zeros(6, 9, CV_32F);
    two(Rect(6, 0, 2, 2)).setTo(1.0);
    two(Rect(1, 3, 2, 2)).setTo(1.0);
    EXPECT_EQ(Rect(6, 0, 2, 2), saliencyBoundingBox(two));
    EXPECT_EQ(Rect(), saliencyBoundingBox(Mat::zeros(5, 5, CV_32F)));
    EXPECT_EQ(Rect(0, 0, 5, 5), saliencyBoundingBox(Mat(5, 5, CV_32F, Scalar(0.2))));

    EXPECT_DOUBLE_EQ(1.0, boxIoU(Rect(1, 2, 5, 6), Rect(1, 2, 5, 6)));
    EXPECT_DOUBLE_EQ(0.0, boxIoU(Rect(0, 0, 2, 2), Rect(5, 5, 2, 2)));
    EXPECT_DOUBLE_EQ(1.0 / 3, boxIoU(Rect(0, 0, 4, 2), Rect(2, 0, 4, 2)));
    EXPECT_DOUBLE_EQ(0.25, boxIoU(Rect(0, 0, 4, 4), Rect(1, 1, 2, 2)));
    EXPECT_DOUBLE_EQ(0.0, boxIoU(Rect(), Rect()));
    EXPECT_DOUBLE_EQ(0.0, boxIoU(Rect(), Rect(0, 0, 3, 3)));
}

TEST(XAI_Metrics, spearman_correlation)
{
    Mat a = (Mat_<float>(2, 3) << 1, 2, 3, 4, 5, 6);
    EXPECT_DOUBLE_EQ(1.0, spearmanCorrelation(a, a));
    EXPECT_NEAR(-1.0, spearmanCorrelation(a, -a), 1e-12);
    Mat cubed;
    pow(a, 3, cubed);
    EXPECT_NEAR(1.0, spearmanCorrelation(a, cubed + 7), 1e-12); // ranks only
    // Ties get average ranks: x = 1 2 3 4, y = 1 1 2 2 -> ranks 1.5 1.5 3.5 3.5, r = 2/sqrt(5)
    Mat x = (Mat_<double>(1, 4) << 1, 2, 3, 4), y = (Mat_<double>(1, 4) << 1, 1, 2, 2);
    EXPECT_NEAR(2.0 / std::sqrt(5.0), spearmanCorrelation(x, y), 1e-12);
    // No ties: v ranks 1 3 2 6 4 5, d^2 sums to 8 -> 1 - 6*8 / (6*35)
    Mat u = (Mat_<double>(1, 6) << 1, 2, 3, 4, 5, 6), v = (Mat_<double>(1, 6) << 1, 3, 2, 6, 4.5, 5);
    EXPECT_NEAR(1 - 6.0 * (0 + 1 + 1 + 4 + 1 + 1) / (6 * 35), spearmanCorrelation(u, v), 1e-12);
    EXPECT_EQ(0.0, spearmanCorrelation(a, Mat(a.size(), CV_32F, Scalar(2))));
}

// ---- bad input ----

TEST(XAI_Metrics, bad_input_is_reported)
{
    const Mat image = objectImage();
    const Mat map = boxMap(image.size(), kObject, 1.f, 0.f);
    const dnn::Net net = makeLinearNet();
    const xai::ScoreCAM::Params p = linearParams();
    PerturbationParams pp;
    Mat curve;

    expectError([&] { deletionCurve(net, p, image, Mat(), 0, curve, pp); }, "empty");
    expectError([&] { deletionCurve(net, p, image, Mat::ones(7, 8, CV_32F), 0, curve, pp); }, "image's size");
    expectError([&] { insertionCurve(net, p, image, Mat::ones(8, 8, CV_32FC3), 0, curve, pp); }, "single-channel");
    Mat nanMap = map.clone();
    nanMap.at<float>(1, 1) = std::numeric_limits<float>::quiet_NaN();
    expectError([&] { deletionCurve(net, p, image, nanMap, 0, curve, pp); }, "NaN");
    expectError([&] { energyPointingGame(nanMap, kObject); }, "NaN");
    expectError([&] { saliencyBoundingBox(nanMap); }, "NaN");
    expectError([&] { confidenceChange(net, p, image, nanMap, 0); }, "NaN");
    pp.steps = 0;
    expectError([&] { deletionCurve(net, p, image, map, 0, curve, pp); }, "steps");
    pp = PerturbationParams();
    pp.batchSize = 0;
    expectError([&] { insertionCurve(net, p, image, map, 0, curve, pp); }, "batchSize");
    pp = PerturbationParams();
    pp.insertionBaseline = 7;
    expectError([&] { insertionCurve(net, p, image, map, 0, curve, pp); }, "PerturbationBaseline");
    pp = PerturbationParams();
    pp.insertionBaseline = BASELINE_BLUR;
    pp.blurSigma = 0;
    expectError([&] { insertionCurve(net, p, image, map, 0, curve, pp); }, "sigma");
    PerturbationParams few; // the 8 x 8 image holds 64 pixels: at most 64 steps
    few.steps = 16;
    expectError([&] { deletionCurve(net, p, image, map, 5, curve, few); }, "out of range");
    expectError([&] { deletionCurve(net, p, Mat(), map, 0, curve, few); }, "image is empty");
    expectError([&] { deletionCurve(dnn::Net(), p, image, map, 0, curve, few); }, "net is empty");

    expectError([&] { confidenceChange(net, p, image, map * 2, 0); }, "[0, 1]");
    expectError([&] { confidenceChange(net, p, image, Mat::ones(3, 3, CV_32F), 0); }, "image's size");

    expectError([&] { energyPointingGame(map, Rect(5, 5, 4, 2)); }, "not inside");
    expectError([&] { energyPointingGame(map, Rect(-1, 0, 2, 2)); }, "not inside");
    expectError([&] { energyPointingGame(map, Rect(0, 0, -2, 2)); }, "not inside");
    expectError([&] { energyPointingGame(-map, kObject); }, "negative");
    expectError([&] { energyPointingGame(Mat(), kObject); }, "empty");
    expectError([&] { energyPointingGameMask(map, Mat::ones(7, 8, CV_8U)); }, "equal sizes");
    expectError([&] { energyPointingGameMask(map, Mat::ones(8, 8, CV_32F)); }, "CV_8UC1");
    expectError([&] { saliencyBoundingBox(map, 1.5); }, "threshold");
    expectError([&] { saliencyBoundingBox(Mat(), 0.15); }, "empty");
    expectError([&] { boxIoU(Rect(0, 0, -1, 2), Rect(0, 0, 1, 1)); }, "negative");
    expectError([&] { spearmanCorrelation(map, Mat::ones(3, 3, CV_32F)); }, "equal sizes");
    expectError([&] { spearmanCorrelation(Mat(), map); }, "empty");
    expectError([&] { curveAUC(Mat::ones(1, 1, CV_64F)); }, "at least 2");
    expectError([&] { curveAUC(Mat::ones(3, 3, CV_64F)); }, "row or column");
}

// ---- model randomisation ----

//! The tiny nets' preprocessing with their target layer named: randomised nets must not pick another.
xai::ScoreCAM::Params randomizationParams()
{
    xai::ScoreCAM::Params p = tinyParams();
    p.targetLayer = tinyTargetLayer();
    return p;
}

/** Whether this OpenCV uses a Convolution's weights written in place after the first forward, once
    the net is set up again (other outputs requested, then the scores, as modelRandomizationTest
    does). OpenCV 4.6 does; 4.10 packs the weights at the first forward and keeps them, so
    modelRandomizationTest can only report its convolutions as not reached. */
bool convolutionReadsWeightsAgain()
{
    dnn::Net net = makeTinyNet(TinyNetSpec());
    const int sz[] = { 1, 3, 24, 32 };
    Mat input(4, sz, CV_32F);
    randu(input, 0, 1);
    net.setInput(input);
    const Mat before = net.forward("fc").clone();
    Mat weights = net.getParam("conv1", 0);
    weights *= -1; // in place: the net's own blob
    std::vector<Mat> outs;
    net.setInput(input);
    net.forward(outs, std::vector<String>{ "fc", tinyTargetLayer() });
    net.setInput(input);
    return maxAbsDiff(before, net.forward("fc")) > 0;
}

//! Checks a step that could not randomise a convolution (see convolutionReadsWeightsAgain).
void expectConvolutionNotReached(const RandomizationStep& step)
{
    EXPECT_EQ(0, step.randomizedBlobs) << step.layer;
    EXPECT_GT(step.keptBlobs, 0) << step.layer;
    EXPECT_NE(std::string::npos, step.note.find("do not reach")) << step.note;
    EXPECT_TRUE(step.saliency.empty()) << step.layer;
    EXPECT_TRUE(cvIsNaN(step.correlation)) << step.layer;
}

//! The Score-CAM map of class `classId` of `image`, as the randomisation test asks for it.
SaliencyFunction scoreCamOf(const Mat& image, const xai::ScoreCAM::Params& p, int classId)
{
    return [image, p, classId](dnn::Net& n) {
        Mat m;
        xai::ScoreCAM::create(n, p)->compute(image, classId, m);
        return m;
    };
}

TEST(XAI_Metrics, randomization_changes_the_map_and_restores_the_net)
{
    TinyNetSpec spec; // 6 channels: the InnerProduct's weight rows (6 floats) are copied at load time
    dnn::Net net = makeTinyNet(spec);
    const xai::ScoreCAM::Params p = randomizationParams();
    const Mat image = randomImage(Size(45, 37), 7);
    Mat before;
    classProbabilities(net, p, image, before);
    Point top;
    minMaxLoc(before, NULL, NULL, NULL, &top);

    int calls = 0;
    SaliencyFunction explain = [&](dnn::Net& n) {
        calls++;
        Mat m;
        xai::ScoreCAM::create(n, p)->compute(image, top.x, m);
        return m;
    };
    std::vector<RandomizationStep> steps;
    modelRandomizationTest(net, p, image, explain, steps, 42);
    ASSERT_EQ(3u, steps.size()); // trained, fc, conv1
    EXPECT_EQ("", steps[0].layer);
    EXPECT_DOUBLE_EQ(1.0, steps[0].correlation);

    EXPECT_EQ("fc", steps[1].layer);
    EXPECT_EQ("InnerProduct", steps[1].type);
    EXPECT_EQ(1, steps[1].randomizedBlobs) << steps[1].note; // the bias is shared, the weights are not
    EXPECT_EQ(1, steps[1].keptBlobs);
    EXPECT_NE(std::string::npos, steps[1].note.find("do not reach")) << steps[1].note;

    EXPECT_EQ("conv1", steps[2].layer);
    if (convolutionReadsWeightsAgain())
    {
        EXPECT_EQ(2, steps[2].randomizedBlobs) << steps[2].note; // weights and (after a new setup) the bias
        EXPECT_EQ(0, steps[2].keptBlobs);
        EXPECT_TRUE(steps[2].note.empty()) << steps[2].note;
        ASSERT_FALSE(steps[2].saliency.empty());
        EXPECT_LT(steps[2].correlation, 0.99);
        EXPECT_FALSE(cvIsNaN(steps[2].correlation));
        EXPECT_EQ(4, calls); // reference, trained again, fc, conv1
    }
    else
    {
        expectConvolutionNotReached(steps[2]);
        EXPECT_EQ(3, calls); // reference, trained again, fc
    }

    // The trained parameters are back.
    Mat after;
    classProbabilities(net, p, image, after);
    EXPECT_EQ(0.0, maxAbsDiff(before, after));
    Mat again;
    xai::ScoreCAM::create(net, p)->compute(image, top.x, again);
    EXPECT_EQ(0.0, maxAbsDiff(again, steps[0].saliency));
}

TEST(XAI_Metrics, randomization_reaches_aligned_inner_product_weights)
{
    TinyNetSpec spec;
    spec.channels = 8; // rows of 8 floats: the InnerProduct uses the blob's memory
    const xai::ScoreCAM::Params p = randomizationParams();
    const Mat image = randomImage(Size(32, 24), 8);
    const SaliencyFunction explain = scoreCamOf(image, p, 0);
    std::vector<RandomizationStep> steps;
    std::vector<String> layers(1, "fc");
    modelRandomizationTest(makeTinyNet(spec), p, image, explain, steps, 1, layers);
    ASSERT_EQ(2u, steps.size());
    EXPECT_EQ(2, steps[1].randomizedBlobs) << steps[1].note;
    EXPECT_LT(steps[1].correlation, 1.0);
}

TEST(XAI_Metrics, randomization_reports_layers_it_cannot_reach)
{
    // conv -> BatchNorm -> ReLU: BatchNorm folds its blobs into scale and shift when it is created.
    dnn::Net net;
    RNG rng(3);
    dnn::LayerParams conv;
    conv.set("kernel_size", 4);
    conv.set("stride", 4);
    conv.set("num_output", 4);
    conv.set("bias_term", true);
    const int wsz[] = { 4, 3, 4, 4 };
    Mat w(4, wsz, CV_32F), b(1, 4, CV_32F);
    rng.fill(w, RNG::UNIFORM, -0.5, 0.5);
    rng.fill(b, RNG::UNIFORM, -0.1, 0.3);
    conv.blobs.push_back(w);
    conv.blobs.push_back(b);
    net.addLayerToPrev("conv1", "Convolution", conv);
    dnn::LayerParams bn;
    Mat m(1, 4, CV_32F), v(1, 4, CV_32F), g(1, 4, CV_32F), be(1, 4, CV_32F);
    rng.fill(m, RNG::UNIFORM, -0.1, 0.1);
    rng.fill(v, RNG::UNIFORM, 0.5, 1.5);
    rng.fill(g, RNG::UNIFORM, 0.5, 1.5);
    rng.fill(be, RNG::UNIFORM, -0.5, 0.5);
    bn.blobs.push_back(m);
    bn.blobs.push_back(v);
    bn.blobs.push_back(g);
    bn.blobs.push_back(be);
    bn.set("has_weight", true);
    bn.set("has_bias", true);
    net.addLayerToPrev("bn1", "BatchNorm", bn);
    dnn::LayerParams relu;
    net.addLayerToPrev("relu1", "ReLU", relu);
    Mat fw(3, 4, CV_32F), fb(1, 3, CV_32F);
    rng.fill(fw, RNG::UNIFORM, -3, 3);
    rng.fill(fb, RNG::UNIFORM, -0.2, 0.2);
    addClassifierHead(net, fw, fb);

    xai::ScoreCAM::Params p = randomizationParams();
    const Mat image = randomImage(Size(32, 24), 9);
    const SaliencyFunction explain = scoreCamOf(image, p, 0);
    std::vector<RandomizationStep> steps;
    modelRandomizationTest(net, p, image, explain, steps);
    ASSERT_EQ(4u, steps.size()); // trained, fc, bn1, conv1
    EXPECT_EQ("bn1", steps[2].layer);
    EXPECT_EQ(0, steps[2].randomizedBlobs);
    EXPECT_EQ(4, steps[2].keptBlobs);
    EXPECT_TRUE(cvIsNaN(steps[2].correlation)); // nothing changed: no map computed
    EXPECT_TRUE(steps[2].saliency.empty());
    EXPECT_EQ("conv1", steps[3].layer);
    if (convolutionReadsWeightsAgain())
    {
        EXPECT_EQ(2, steps[3].randomizedBlobs) << steps[3].note; // reaches through the fused BatchNorm after a new setup
    }
    else
        expectConvolutionNotReached(steps[3]);
}

TEST(XAI_Metrics, randomization_restores_the_net_when_the_explanation_throws)
{
    TinyNetSpec spec;
    dnn::Net net = makeTinyNet(spec);
    const xai::ScoreCAM::Params p = randomizationParams();
    const Mat image = randomImage(Size(32, 24), 4);
    Mat before;
    classProbabilities(net, p, image, before);
    int calls = 0;
    SaliencyFunction explain = [&](dnn::Net&) -> Mat {
        if (++calls == 3)
            CV_Error(Error::StsError, "explanation failed");
        return Mat::ones(4, 4, CV_32F);
    };
    std::vector<RandomizationStep> steps;
    EXPECT_THROW(modelRandomizationTest(net, p, image, explain, steps), cv::Exception);
    Mat after;
    classProbabilities(net, p, image, after);
    EXPECT_EQ(0.0, maxAbsDiff(before, after));

    expectError([&] { modelRandomizationTest(net, p, image, SaliencyFunction(), steps); }, "no explanation");
    expectError([&] { modelRandomizationTest(net, p, image, explain, steps, 1, std::vector<String>(1, "nope")); },
                "unknown layer");
}

TEST(XAI_Metrics, randomization_reaches_every_layer_of_the_onnx_resnet)
{
    // The project's ResNet-style model: the exporter folded BatchNorm into the convolutions, so
    // every layer with parameters is a Convolution or the final InnerProduct (128 inputs: shared).
    const String model = findXaiData("shapes_resnet.onnx");
    if (model.empty())
    {
#ifdef XAI_STANDALONE_TESTS
        FAIL() << "samples/data/shapes_resnet.onnx is part of the repository";
#else
        std::cout << "SKIP: set OPENCV_XAI_DATA_PATH to <cv::xai>/samples/data" << std::endl;
        return;
#endif
    }
    dnn::Net net = dnn::readNet(model);
    xai::ScoreCAM::Params p;
    p.inputSize = Size(128, 128);
    p.scale = 1.0 / 127.5;
    p.mean = Scalar::all(127.5);
    p.maxChannels = 16; // Faster Score-CAM: this test is about the randomisation, not the map
    const Mat image = randomImage(Size(128, 128), 21);
    Mat before;
    classProbabilities(net, p, image, before);
    const SaliencyFunction explain = scoreCamOf(image, p, 0);
    std::vector<RandomizationStep> steps;
    modelRandomizationTest(net, p, image, explain, steps);
    ASSERT_GE(steps.size(), 3u);
    EXPECT_DOUBLE_EQ(1.0, steps[0].correlation);
    // The classifier: an InnerProduct in OpenCV 4.6, a Gemm layer in 4.10.
    EXPECT_TRUE(steps[1].type == "InnerProduct" || steps[1].type == "Gemm") << steps[1].type;
    const bool convolutionsReached = convolutionReadsWeightsAgain();
    for (size_t i = 1; i < steps.size(); i++)
    {
        if (steps[i].type == "Convolution" && !convolutionsReached)
        {
            expectConvolutionNotReached(steps[i]);
            continue;
        }
        EXPECT_EQ(0, steps[i].keptBlobs) << steps[i].layer << ": " << steps[i].note;
        EXPECT_GT(steps[i].randomizedBlobs, 0) << steps[i].layer;
        EXPECT_FALSE(cvIsNaN(steps[i].correlation)) << steps[i].layer;
    }
    // Randomising down to the first layer leaves little of the trained map.
    if (convolutionsReached)
    {
        EXPECT_LT(steps.back().correlation, 0.9);
    }
    Mat after;
    classProbabilities(net, p, image, after);
    EXPECT_EQ(0.0, maxAbsDiff(before, after));
}

}} // namespace opencv_test::<anonymous>
