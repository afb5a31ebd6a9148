// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_precomp.hpp"
#include "test_common.hpp"

namespace opencv_test { namespace {

using namespace cv::xai;
using namespace xai_test;

ReferenceOptions referenceFor(const xai::ScoreCAM::Params& p, const String& scoreLayer = "fc")
{
    ReferenceOptions o;
    o.inputSize = p.inputSize;
    o.scale = p.scale;
    o.mean = p.mean;
    o.targetLayer = tinyTargetLayer();
    o.scoreLayer = scoreLayer;
    return o;
}

TEST(XAI_ScoreCAM, matches_plain_reference_on_tiny_net)
{
    TinyNetSpec spec;
    const Mat image = randomImage(Size(45, 37), 7);
    const xai::ScoreCAM::Params p = tinyParams();
    for (int classId = 0; classId < spec.classes; classId += 2)
    {
        std::vector<float> refWeights;
        const Mat ref = referenceScoreCAM(makeTinyNet(spec), image, classId, referenceFor(p), &refWeights);
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
        Mat map;
        cam->compute(image, classId, map);
        ASSERT_EQ(CV_32FC1, map.type());
        ASSERT_EQ(image.size(), map.size());
        EXPECT_EQ(tinyTargetLayer(), cam->getTargetLayer());
        EXPECT_LE(maxAbsDiff(ref, map), 1e-5) << "class " << classId;
        Mat weights;
        cam->getChannelWeights(weights);
        ASSERT_EQ(spec.channels, weights.rows);
        for (int k = 0; k < spec.channels; k++)
            EXPECT_NEAR(refWeights[k], weights.at<float>(k, 0), 1e-6) << "channel " << k;
        double mn, mx;
        minMaxLoc(map, &mn, &mx);
        EXPECT_GE(mn, 0.0);
        EXPECT_DOUBLE_EQ(1.0, mx);
    }
}

TEST(XAI_ScoreCAM, matches_plain_reference_on_onnx_resnet)
{
    // The project's ResNet-style model: BatchNorm, residual adds, stride 16.
    const String model = findXaiData("shapes_resnet.onnx");
    const String imagePath = findXaiData("demo.png");
    if (model.empty() || imagePath.empty())
    {
#ifdef XAI_STANDALONE_TESTS
        FAIL() << "samples/data/shapes_resnet.onnx and demo.png are part of the repository";
#else
        std::cout << "SKIP: set OPENCV_XAI_DATA_PATH to <cv::xai>/samples/data" << std::endl;
        return;
#endif
    }
    const Mat image = imread(imagePath);
    ASSERT_FALSE(image.empty());
    xai::ScoreCAM::Params p;
    p.inputSize = Size(128, 128);
    p.scale = 1.0 / 127.5;
    p.mean = Scalar::all(127.5);
    p.batchSize = 32;
    p.upsampling = xai::UPSAMPLE_RESIZE; // classic Score-CAM, as the reference computes it
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(dnn::readNet(model), p);
    Mat map;
    cam->compute(image, -1, map);
    ReferenceOptions o;
    o.inputSize = p.inputSize;
    o.scale = p.scale;
    o.mean = p.mean;
    o.targetLayer = cam->getTargetLayer();
    dnn::Net refNet = dnn::readNet(model);
    o.scoreLayer = refNet.getUnconnectedOutLayersNames()[0];
    const Mat ref = referenceScoreCAM(refNet, image, cam->getClassIds()[0], o);
    EXPECT_LE(maxAbsDiff(ref, map), 1e-5);
}

TEST(XAI_ScoreCAM, batch_sizes_agree)
{
    TinyNetSpec spec;
    spec.channels = 20; // several batches of 7, a padded last one
    const Mat image = randomImage(Size(40, 40), 3);
    Mat maps[3];
    const int batches[3] = { 1, 7, 16 };
    int scored = 0; // channels that are not constant, from the batch-1 run: one forward each
    for (int i = 0; i < 3; i++)
    {
        xai::ScoreCAM::Params p = tinyParams();
        p.batchSize = batches[i];
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
        cam->compute(image, 1, maps[i]);
        if (i == 0)
            scored = cam->getForwardCount() - 1;
        EXPECT_EQ(1 + (scored + batches[i] - 1) / batches[i], cam->getForwardCount()) << "batch " << batches[i];
    }
    EXPECT_GT(scored, 8);
    EXPECT_LE(maxAbsDiff(maps[0], maps[1]), 1e-5);
    EXPECT_LE(maxAbsDiff(maps[0], maps[2]), 1e-5);
}

TEST(XAI_ScoreCAM, multi_class_equals_single_class_calls)
{
    TinyNetSpec spec;
    const Mat image = randomImage(Size(32, 24), 5);
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), tinyParams());
    std::vector<int> classes;
    classes.push_back(3);
    classes.push_back(0);
    classes.push_back(-1);
    std::vector<Mat> maps;
    cam->compute(image, classes, maps);
    const int forwardsMulti = cam->getForwardCount();
    ASSERT_EQ(3u, maps.size());
    const std::vector<int> resolved = cam->getClassIds();
    ASSERT_EQ(3u, resolved.size());
    EXPECT_GE(resolved[2], 0);
    for (size_t i = 0; i < classes.size(); i++)
    {
        Mat single;
        cam->compute(image, classes[i], single);
        EXPECT_EQ(resolved[i], cam->getClassIds()[0]);
        EXPECT_LE(maxAbsDiff(single, maps[i]), 1e-6) << "class " << classes[i];
        EXPECT_EQ(forwardsMulti, cam->getForwardCount()) << "explaining more classes costs no extra forward";
    }
    EXPECT_GT(maxAbsDiff(maps[0], maps[1]), 1e-3) << "different classes should get different maps";
}

TEST(XAI_ScoreCAM, top1_is_the_argmax_of_the_scores)
{
    TinyNetSpec spec;
    const Mat image = randomImage(Size(32, 24), 9);
    const xai::ScoreCAM::Params p = tinyParams();
    dnn::Net net = makeTinyNet(spec);
    net.setInput(dnn::blobFromImage(image, p.scale, p.inputSize, p.mean));
    Point top;
    minMaxLoc(net.forward().reshape(1, 1), NULL, NULL, NULL, &top);
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
    Mat map;
    cam->compute(image, -1, map);
    EXPECT_EQ(top.x, cam->getClassIds()[0]);
}

TEST(XAI_ScoreCAM, max_channels_K_equals_all_and_fewer_channels_cost_fewer_forwards)
{
    TinyNetSpec spec;
    spec.channels = 12;
    const Mat image = randomImage(Size(32, 32), 11);
    xai::ScoreCAM::Params p = tinyParams();
    p.batchSize = 4;
    Mat all, allK, some;
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
    cam->compute(image, 2, all);
    p.maxChannels = spec.channels;
    xai::ScoreCAM::create(makeTinyNet(spec), p)->compute(image, 2, allK);
    EXPECT_EQ(0.0, maxAbsDiff(all, allK));
    p.maxChannels = 4;
    Ptr<xai::ScoreCAM> pruned = xai::ScoreCAM::create(makeTinyNet(spec), p);
    pruned->compute(image, 2, some);
    EXPECT_EQ(2, pruned->getForwardCount());
    Mat weights;
    pruned->getChannelWeights(weights);
    EXPECT_EQ(4, countNonZero(weights));
}

TEST(XAI_ScoreCAM, constant_channel_gets_zero_weight_and_no_nan)
{
    TinyNetSpec spec;
    spec.constantChannel = 2;
    const Mat image = randomImage(Size(32, 24), 13);
    xai::ScoreCAM::Params p = tinyParams();
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
    Mat map;
    cam->compute(image, 0, map);
    EXPECT_TRUE(checkRange(map));
    Mat weights;
    cam->getChannelWeights(weights);
    EXPECT_EQ(0.f, weights.at<float>(2, 0));
    EXPECT_EQ(1 + 1, cam->getForwardCount()) << "5 scored channels fit one batch; the constant one costs nothing";
    const Mat ref = referenceScoreCAM(makeTinyNet(spec), image, 0, referenceFor(p));
    EXPECT_LE(maxAbsDiff(ref, map), 1e-5);
}

TEST(XAI_ScoreCAM, all_constant_activations_give_a_zero_map_reported_empty)
{
    TinyNetSpec spec;
    spec.channels = 1;
    spec.constantChannel = 0;
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), tinyParams());
    Mat map;
    cam->compute(randomImage(Size(32, 24), 1), 0, map);
    EXPECT_TRUE(checkRange(map));
    EXPECT_EQ(0, countNonZero(map));
    ASSERT_EQ(1u, cam->getEmptyMaps().size());
    EXPECT_EQ(0, cam->getEmptyMaps()[0]);
}

TEST(XAI_ScoreCAM, map_of_vanishing_probabilities_is_finite)
{
    // Huge logits make the explained class's probability underflow: channel weights of 1e-40 and
    // less, below the smallest normal float, where 1 / max(map) overflows a float. Which scale and
    // class land there depends on rounding, so a range of both is swept; every map must stay
    // finite, normalised to a maximum of exactly 1 or reported empty.
    const Mat image = randomImage(Size(32, 24), 5);
    int normalised = 0, empty = 0;
    for (double scale = 20; scale <= 100; scale += 4)
    {
        TinyNetSpec spec;
        spec.headScale = scale;
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), tinyParams());
        for (int rank = -spec.classes; rank <= -2; rank++)
        {
            Mat map;
            cam->compute(image, rank, map);
            ASSERT_TRUE(checkRange(map)) << "scale " << scale << ", class rank " << rank;
            double minVal = 0, maxVal = 0;
            minMaxLoc(map, &minVal, &maxVal);
            EXPECT_GE(minVal, 0.0);
            const bool isEmpty = !cam->getEmptyMaps().empty();
            EXPECT_EQ(isEmpty ? 0.0 : 1.0, maxVal) << "scale " << scale << ", class rank " << rank;
            (isEmpty ? empty : normalised)++;
        }
    }
    EXPECT_GT(normalised, 0);
    EXPECT_GT(empty, 0); // the sweep reaches probabilities that are exactly 0
}

TEST(XAI_ScoreCAM, weight_modes_follow_their_definitions)
{
    TinyNetSpec spec;
    const Mat image = randomImage(Size(32, 24), 17);
    xai::ScoreCAM::Params p = tinyParams();
    Mat w[4];
    for (int mode = 0; mode < 4; mode++)
    {
        p.weightMode = mode;
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
        Mat map;
        cam->compute(image, 1, map);
        cam->getChannelWeights(w[mode]);
        EXPECT_TRUE(checkRange(map));
    }
    // Base probability of class 1: the increase mode subtracts it from every channel.
    dnn::Net net = makeTinyNet(spec);
    net.setInput(dnn::blobFromImage(image, p.scale, p.inputSize, p.mean));
    Mat logits = net.forward().reshape(1, 1), prob;
    exp(logits - cv::norm(logits, NORM_INF), prob);
    prob /= sum(prob)[0];
    // Constant channels are not scored and weigh 0 in every mode; compare the scored ones.
    std::vector<float> raw;
    std::vector<int> scoredChannels;
    for (int k = 0; k < spec.channels; k++)
        if (w[WEIGHT_PROBABILITY].at<float>(k) > 0)
        {
            scoredChannels.push_back(k);
            raw.push_back(w[WEIGHT_RAW_SCORE].at<float>(k));
            EXPECT_NEAR(w[WEIGHT_PROBABILITY].at<float>(k) - prob.at<float>(1),
                        w[WEIGHT_PROBABILITY_INCREASE].at<float>(k), 1e-6);
        }
    ASSERT_GE(scoredChannels.size(), 2u);
    // Channel softmax of the logits sums to one over the scored channels, and is unchanged by a
    // baseline: softmax_k(s_k - s_unmasked) == softmax_k(s_k).
    EXPECT_NEAR(1.0, sum(w[WEIGHT_CHANNEL_SOFTMAX])[0], 1e-5);
    Mat shifted = Mat(raw, true) - logits.at<float>(1), expected;
    exp(shifted - cv::norm(shifted, NORM_INF), expected);
    expected /= sum(expected)[0];
    for (size_t i = 0; i < scoredChannels.size(); i++)
        EXPECT_NEAR(expected.at<float>((int)i), w[WEIGHT_CHANNEL_SOFTMAX].at<float>(scoredChannels[i]), 1e-6);
}

TEST(XAI_ScoreCAM, softmax_output_is_not_normalised_twice)
{
    TinyNetSpec withSoftmax;
    withSoftmax.softmax = true;
    TinyNetSpec logits;
    const Mat image = randomImage(Size(32, 24), 19);
    const xai::ScoreCAM::Params p = tinyParams();
    Mat a, b, wa, wb;
    Ptr<xai::ScoreCAM> camA = xai::ScoreCAM::create(makeTinyNet(withSoftmax), p);
    camA->compute(image, 2, a);
    camA->getChannelWeights(wa);
    Ptr<xai::ScoreCAM> camB = xai::ScoreCAM::create(makeTinyNet(logits), p);
    camB->compute(image, 2, b);
    camB->getChannelWeights(wb);
    EXPECT_LE(maxAbsDiff(wa, wb), 1e-6);
    EXPECT_LE(maxAbsDiff(a, b), 1e-5);
}

TEST(XAI_ScoreCAM, frame_is_the_blob_of_blobFromImage)
{
    // The explained class must be the top-1 of the net on blobFromImage's blob, with the channel
    // swap and the centre crop, and the map must be zero where the crop cut the image.
    TinyNetSpec spec;
    const Mat image = randomImage(Size(50, 30), 23);
    for (int crop = 0; crop < 2; crop++)
    {
        xai::ScoreCAM::Params p = tinyParams();
        p.crop = crop != 0;
        p.swapRB = true;
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
        Mat map;
        cam->compute(image, 0, map);
        ASSERT_EQ(image.size(), map.size());
        dnn::Net net = makeTinyNet(spec);
        Mat blob = dnn::blobFromImage(image, p.scale, p.inputSize, p.mean, true, p.crop);
        net.setInput(blob);
        Mat logits = net.forward().reshape(1, 1);
        cam->compute(image, -1, map);
        Point top;
        minMaxLoc(logits, NULL, NULL, NULL, &top);
        EXPECT_EQ(top.x, cam->getClassIds()[0]) << "crop " << crop;
        if (p.crop)
        {
            // The image outside the centre crop never reached the net.
            EXPECT_EQ(0, countNonZero(map.colRange(0, 3)));
            EXPECT_EQ(0, countNonZero(map.colRange(map.cols - 3, map.cols)));
            EXPECT_GT(countNonZero(map.colRange(20, 30)), 0);
        }
    }
}

//! The network input of one image, read back from a net whose scores are its own flattened input.
static Mat networkInputOf(const Mat& image, const xai::ScoreCAM::Params& p)
{
    dnn::Net echo;
    dnn::LayerParams flatten;
    echo.addLayerToPrev("flat", "Flatten", flatten);
    xai::ScoreCAM::Params q = p;
    q.scoreType = xai::SCORE_PROBABILITIES; // read the scores as they are
    Mat rows;
    xai::classProbabilities(echo, q, std::vector<Mat>(1, image), rows, 1);
    return rows.row(0).clone();
}

TEST(XAI_ScoreCAM, torchvision_resize_centre_crop_and_per_channel_std)
{
    // torchvision: Resize(256) (shorter side 256, longer int(256 * long / short)), CenterCrop(224)
    // (offsets int(round((size - 224) / 2.0)), half to even), then (x / 255 - m) / s per channel.
    // The frame is checked against that recipe done by hand with cv::resize.
    const double m[] = { 0.485, 0.456, 0.406 }, sd[] = { 0.229, 0.224, 0.225 };
    struct Case { Size image, resized; Point offset; };
    const Case cases[] = {
        { Size(300, 200), Size(384, 256), Point(80, 16) },
        { Size(301, 200), Size(385, 256), Point(80, 16) },  // (385 - 224) / 2 = 80.5 rounds to 80
        { Size(200, 303), Size(256, 387), Point(16, 82) },  // (387 - 224) / 2 = 81.5 rounds to 82
        { Size(224, 224), Size(256, 256), Point(16, 16) },  // zooms in even at the input size
    };
    for (const Case& c : cases)
    {
        const Mat image = randomImage(c.image, 77);
        xai::ScoreCAM::Params p;
        p.inputSize = Size(224, 224);
        p.crop = true;
        p.cropFraction = 0.875;
        p.swapRB = true;
        p.scale = 1.0 / 255;
        p.mean = Scalar(255 * m[0], 255 * m[1], 255 * m[2]);
        p.channelScale = Scalar(1 / sd[0], 1 / sd[1], 1 / sd[2]);
        const Mat frame = networkInputOf(image, p);

        Mat resized, rgb;
        resize(image, resized, c.resized, 0, 0, INTER_LINEAR);
        cvtColor(resized(Rect(c.offset, p.inputSize)), rgb, COLOR_BGR2RGB);
        std::vector<Mat> planes;
        split(rgb, planes);
        ASSERT_EQ(3 * 224 * 224, frame.cols);
        for (int ch = 0; ch < 3; ch++)
        {
            Mat expected;
            planes[ch].convertTo(expected, CV_32F);
            expected = (expected / 255.0 - m[ch]) / sd[ch];
            const Mat got = frame.colRange(ch * 224 * 224, (ch + 1) * 224 * 224).reshape(1, 224);
            EXPECT_LE(maxAbsDiff(got, expected), 1e-4) << c.image << " channel " << ch;
        }
    }
}

TEST(XAI_ScoreCAM, crop_fraction_one_is_blobFromImage_and_bad_values_are_refused)
{
    const Mat image = randomImage(Size(50, 30), 31);
    xai::ScoreCAM::Params p = tinyParams();
    p.crop = true;
    p.channelScale = Scalar(2, 0.5, 1);
    const Mat frame = networkInputOf(image, p);
    Mat blob = dnn::blobFromImage(image, 1.0, p.inputSize, p.mean, false, true);
    for (int ch = 0; ch < 3; ch++)
        blob.reshape(1, 3).row(ch) *= p.scale * p.channelScale[ch];
    EXPECT_LE(maxAbsDiff(frame, blob.reshape(1, 1)), 1e-5);

    for (double bad : { 0.0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN() })
    {
        xai::ScoreCAM::Params q = tinyParams();
        q.cropFraction = bad;
        expectError([&] { xai::ScoreCAM::create(makeTinyNet(TinyNetSpec()), q); }, "Params::cropFraction");
    }
    xai::ScoreCAM::Params q = tinyParams();
    q.channelScale = Scalar(1, 0, 1);
    Mat map;
    expectError([&] { xai::ScoreCAM::create(makeTinyNet(TinyNetSpec()), q)->compute(image, 0, map); },
                "Params::channelScale[1] is 0");
    q.channelScale = Scalar(1, std::numeric_limits<double>::infinity(), 1);
    expectError([&] { xai::ScoreCAM::create(makeTinyNet(TinyNetSpec()), q); }, "Params::channelScale[1]");
}

TEST(XAI_ScoreCAM, net_refusing_batches_falls_back_to_single_images)
{
    TinyNetSpec spec;
    spec.flattenToOneRow = true;
    const Mat image = randomImage(Size(32, 24), 29);
    xai::ScoreCAM::Params p = tinyParams();
    p.batchSize = 4;
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
    Mat map;
    cam->compute(image, 1, map);
    EXPECT_EQ(1, cam->getEffectiveBatchSize());
    TinyNetSpec plain;
    const Mat ref = referenceScoreCAM(makeTinyNet(plain), image, 1, referenceFor(p));
    EXPECT_LE(maxAbsDiff(ref, map), 1e-5);
}

TEST(XAI_ScoreCAM, progress_reports_every_forward_and_can_cancel)
{
    TinyNetSpec spec;
    spec.channels = 10;
    xai::ScoreCAM::Params p = tinyParams();
    p.batchSize = 3;
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
    std::vector<std::pair<int, int> > calls;
    cam->setProgressCallback([&](int done, int total) { calls.push_back(std::make_pair(done, total)); return true; });
    Mat map;
    cam->compute(randomImage(Size(32, 24), 31), 0, map);
    ASSERT_EQ((size_t)cam->getForwardCount(), calls.size());
    EXPECT_EQ(calls.back().first, calls.back().second);
    for (size_t i = 0; i < calls.size(); i++)
        EXPECT_EQ((int)i + 1, calls[i].first);

    // A cancelled computation leaves the getters on the last one that completed.
    const int completed = cam->getForwardCount();
    Mat scores, weights;
    cam->getScores(scores);
    cam->getChannelWeights(weights);
    int seen = 0;
    cam->setProgressCallback([&](int done, int) { seen = done; return done < 2; });
    EXPECT_THROW(cam->compute(randomImage(Size(32, 24), 77), 1, map), cv::Exception);
    EXPECT_EQ(2, seen);
    EXPECT_EQ(completed, cam->getForwardCount());
    EXPECT_EQ(std::vector<int>(1, 0), cam->getClassIds());
    Mat scoresAfter, weightsAfter;
    cam->getScores(scoresAfter);
    cam->getChannelWeights(weightsAfter);
    EXPECT_EQ(0.0, maxAbsDiff(scores, scoresAfter));
    EXPECT_EQ(0.0, maxAbsDiff(weights, weightsAfter));
}

TEST(XAI_ScoreCAM, getters_before_the_first_computation_report_nothing)
{
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(makeTinyNet(TinyNetSpec()));
    Mat scores = Mat::ones(2, 2, CV_32F), weights = Mat::ones(2, 2, CV_32F);
    cam->getScores(scores);
    cam->getScores(scores, false);
    cam->getChannelWeights(weights);
    EXPECT_TRUE(scores.empty());
    EXPECT_TRUE(weights.empty());
    EXPECT_TRUE(cam->getClassIds().empty());
    EXPECT_EQ(0, cam->getForwardCount());
    EXPECT_EQ(String(), cam->getTargetLayer());
    std::vector<Mat> warps;
    cam->getWarps(warps);
    EXPECT_TRUE(warps.empty());
    Mat maps;
    expectError([&] { cam->fuseAgain(xai::FUSION_MEAN, xai::SuperResolutionParams(), maps); }, "call compute() first");
}

TEST(XAI_ScoreCAM, cuda_request_without_cuda_falls_back_to_cpu)
{
    // Without CUDA support, or with it but no device (a CUDA build on a machine without a GPU).
    if (haveCudaDevice())
        XAI_SKIP_TEST("a CUDA device is usable here; the fallback is not exercised");
    xai::ScoreCAM::Params p = tinyParams();
    p.backend = dnn::DNN_BACKEND_CUDA;
    p.target = dnn::DNN_TARGET_CUDA_FP16;
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(TinyNetSpec()), p);
    EXPECT_EQ(dnn::DNN_BACKEND_OPENCV, cam->getBackend());
    EXPECT_EQ(dnn::DNN_TARGET_CPU, cam->getTarget());
    Mat map;
    cam->compute(randomImage(Size(32, 24), 1), 0, map);
    EXPECT_TRUE(checkRange(map));

    xai::ScoreCAM::Params untouched = tinyParams();
    EXPECT_EQ(-1, xai::ScoreCAM::create(makeTinyNet(TinyNetSpec()), untouched)->getBackend());
}

}} // namespace

namespace opencv_test { namespace {

TEST(XAI_ScoreCAM, skip_spread_fraction_drops_only_the_weakest_channels)
{
    using namespace xai_test;
    TinyNetSpec spec;
    spec.channels = 24;
    const Mat image = randomImage(Size(48, 48), 37);
    xai::ScoreCAM::Params p;
    p.inputSize = Size(48, 48);
    p.scale = 1.0 / 255;
    p.batchSize = 1;
    Mat all, some;
    Ptr<xai::ScoreCAM> full = xai::ScoreCAM::create(makeTinyNet(spec), p);
    full->compute(image, 0, all);
    p.skipSpreadFraction = 0.1;
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
    cam->compute(image, 0, some);
    EXPECT_LT(cam->getForwardCount(), full->getForwardCount());

    // The skipped channels are those of smallest spatial deviation, and they add up to at most 10%.
    dnn::Net net = makeTinyNet(spec);
    net.setInput(dnn::blobFromImage(image, p.scale, p.inputSize));
    const Mat A = net.forward(tinyTargetLayer());
    Mat wAll, wSome;
    full->getChannelWeights(wAll);
    cam->getChannelWeights(wSome);
    double skipped = 0, total = 0, maxSkipped = 0, minKept = DBL_MAX;
    for (int k = 0; k < spec.channels; k++)
    {
        Scalar mean, sd;
        meanStdDev(Mat(A.size[2], A.size[3], CV_32F, (void*)A.ptr<float>(0, k)), mean, sd);
        total += sd[0];
        if (wAll.at<float>(k) == 0)
            continue; // constant: never scored
        if (wSome.at<float>(k) == 0)
        {
            skipped += sd[0];
            maxSkipped = std::max(maxSkipped, sd[0]);
        }
        else
        {
            minKept = std::min(minKept, sd[0]);
            EXPECT_EQ(wAll.at<float>(k), wSome.at<float>(k)) << "kept channels keep their weights";
        }
    }
    EXPECT_GT(skipped, 0.0);
    EXPECT_LE(skipped, 0.1 * total + 1e-9);
    EXPECT_LE(maxSkipped, minKept);
    EXPECT_LT(maxAbsDiff(all, some), 0.25);
}

}} // namespace

namespace opencv_test { namespace {

TEST(XAI_ScoreCAM, negative_ids_rank_classes_and_scores_are_exposed)
{
    using namespace xai_test;
    TinyNetSpec spec;
    const Mat image = randomImage(Size(32, 24), 41);
    const xai::ScoreCAM::Params p = tinyParams();
    dnn::Net net = makeTinyNet(spec);
    net.setInput(dnn::blobFromImage(image, p.scale, p.inputSize, p.mean));
    const Mat logits = net.forward().reshape(1, 1).clone();

    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
    std::vector<Mat> maps;
    cam->compute(image, std::vector<int>{ -1, -2, -5 }, maps);
    const std::vector<int> ids = cam->getClassIds();
    ASSERT_EQ(3u, ids.size());
    Mat raw, prob;
    cam->getScores(raw, false);
    cam->getScores(prob);
    EXPECT_LE(maxAbsDiff(raw, logits), 1e-5);
    EXPECT_NEAR(1.0, sum(prob)[0], 1e-5);
    // -1 is the best class, -2 the second, -5 the worst of 5.
    std::vector<float> sorted(logits.begin<float>(), logits.end<float>());
    std::sort(sorted.rbegin(), sorted.rend());
    EXPECT_EQ(sorted[0], logits.at<float>(ids[0]));
    EXPECT_EQ(sorted[1], logits.at<float>(ids[1]));
    EXPECT_EQ(sorted[4], logits.at<float>(ids[2]));
    EXPECT_GT(prob.at<float>(ids[0]), prob.at<float>(ids[1]));
    EXPECT_THROW(cam->compute(image, -6, maps[0]), cv::Exception);
}

TEST(XAI_ScoreCAM, find_target_layer_is_the_automatic_choice)
{
    using namespace xai_test;
    const dnn::Net net = makeTinyNet(TinyNetSpec());
    EXPECT_EQ(tinyTargetLayer(), xai::findTargetLayer(net, std::vector<int>{ 1, 3, 32, 32 }));
    // At 4x4 the conv output is 1x1: nothing spatial is left to explain.
    EXPECT_THROW(xai::findTargetLayer(net, std::vector<int>{ 1, 3, 4, 4 }), cv::Exception);
}

}} // namespace
