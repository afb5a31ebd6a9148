// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_precomp.hpp"
#include "test_common.hpp"

namespace opencv_test { namespace {

using namespace xai_test;

void addConv(dnn::Net& net, const String& name, int inputs, int outputs, int kernel, int stride, int pad, RNG& rng)
{
    dnn::LayerParams conv;
    conv.set("kernel_size", kernel);
    conv.set("stride", stride);
    conv.set("pad", pad);
    conv.set("num_output", outputs);
    conv.set("bias_term", true);
    const int wsz[] = { outputs, inputs, kernel, kernel };
    Mat w(4, wsz, CV_32F), b(1, outputs, CV_32F);
    rng.fill(w, RNG::UNIFORM, -0.5, 0.5);
    rng.fill(b, RNG::UNIFORM, -0.1, 0.3);
    conv.blobs.push_back(w);
    conv.blobs.push_back(b);
    net.addLayerToPrev(name, "Convolution", conv);
    dnn::LayerParams relu;
    net.addLayerToPrev(name + "_relu", "ReLU", relu);
}

/** A net whose target layer "conv2_relu" has a whole-pixel geometry unlike cv::resize's: a 3x3
    stride-2 convolution without padding (centre 2 r + 1), then a padded 3x3 stride-2 one (centre
    2 r): stride 4, offset 1. On a 32 x 32 input the grid is 8 x 8. */
dnn::Net makeWholePixelNet()
{
    RNG rng(7);
    dnn::Net net;
    addConv(net, "conv1", 3, 4, 3, 2, 0, rng);
    addConv(net, "conv2", 4, 6, 3, 2, 1, rng);
    Mat fw(5, 6, CV_32F), fb(1, 5, CV_32F);
    rng.fill(fw, RNG::UNIFORM, -3.0, 3.0);
    rng.fill(fb, RNG::UNIFORM, -0.2, 0.2);
    addClassifierHead(net, fw, fb);
    return net;
}

xai::ScoreCAM::Params wholePixelParams()
{
    xai::ScoreCAM::Params p = inputParams(Size(32, 32), 1.0 / 255, Scalar(10, 20, 30));
    p.targetLayer = "conv2_relu";
    return p;
}

Mat normalisedBlob(const Mat& image, const xai::ScoreCAM::Params& p)
{
    return dnn::blobFromImage(image, p.scale, p.inputSize, p.mean, false, false, CV_32F);
}

TEST(XAI_LayerGeometry, stride_and_offset_from_the_layers_and_from_shifts_agree)
{
    dnn::Net net = makeWholePixelNet();
    const Mat blob = normalisedBlob(randomImage(Size(32, 32), 5), wholePixelParams());
    net.setInput(blob);
    net.forward("conv2_relu");
    xai::LayerGeometry g;
    ASSERT_TRUE(xai::findLayerGeometry(net, "conv2_relu", g));
    EXPECT_TRUE(g.fromLayers);
    EXPECT_EQ(Point2d(4, 4), g.stride);
    EXPECT_EQ(Point2d(1, 1), g.offset);
    EXPECT_TRUE(g.isWholePixel());
    ASSERT_TRUE(xai::findLayerGeometry(net, "conv1", g));
    EXPECT_EQ(Point2d(2, 2), g.stride);
    EXPECT_EQ(Point2d(1, 1), g.offset);
    EXPECT_EQ(Point(4, 4), xai::measureLayerStride(net, "conv2_relu", blob, 12));

    // The tiny nets' conv (kernel = stride = 4, no padding) centres cell r on 4 r + 1.5: exactly
    // where cv::resize puts it when the frame is 4 cells per cell.
    dnn::Net tiny = makeTinyNet(TinyNetSpec());
    ASSERT_TRUE(xai::findLayerGeometry(tiny, tinyTargetLayer(), g));
    EXPECT_EQ(Point2d(4, 4), g.stride);
    EXPECT_EQ(Point2d(1.5, 1.5), g.offset);
    EXPECT_FALSE(g.isWholePixel());
    const xai::LayerGeometry classic = xai::resizeGeometry(Size(32, 24), Size(8, 6));
    EXPECT_EQ(g.stride, classic.stride);
    EXPECT_EQ(g.offset, classic.offset);
    EXPECT_FALSE(classic.fromLayers);

    // Global pooling leaves no grid.
    EXPECT_FALSE(xai::findLayerGeometry(tiny, "pool", g));
}

TEST(XAI_LayerGeometry, real_classifier_layers_have_their_true_stride_and_offset)
{
    const String model = findXaiData("squeezenet1.1/squeezenet1.1.onnx");
    if (model.empty())
        XAI_SKIP_TEST("samples/data/squeezenet1.1/squeezenet1.1.onnx not found (set OPENCV_XAI_DATA_PATH)");
    dnn::Net net = dnn::readNet(model);
    const String photo = findXaiData("photos/squirrel_cls.jpg");
    Mat image = photo.empty() ? randomImage(Size(224, 224), 3) : imread(photo);
    ASSERT_FALSE(image.empty());
    const Mat blob = dnn::blobFromImage(image, 1.0 / 58, Size(224, 224), Scalar(124, 116, 104), true, false);
    // The last Fire module: a 3x3 stride-2 convolution without padding, then three 3x3 stride-2
    // poolings: cell r centred on 16 r + 15 (13 cells over 224 pixels, not 224 / 13 apart).
    const struct { const char* layer; double stride, offset; } cases[] = {
        { "onnx_node!squeezenet0_relu0_fwd", 2, 1 },
        { "onnx_node!squeezenet0_concat1", 4, 3 },
        { "onnx_node!squeezenet0_concat7", 16, 15 },
    };
    for (const auto& c : cases)
    {
        xai::LayerGeometry g;
        ASSERT_TRUE(xai::findLayerGeometry(net, c.layer, g)) << c.layer;
        EXPECT_EQ(Point2d(c.stride, c.stride), g.stride) << c.layer;
        EXPECT_EQ(Point2d(c.offset, c.offset), g.offset) << c.layer;
    }
    EXPECT_EQ(Point(16, 16), xai::measureLayerStride(net, "onnx_node!squeezenet0_concat7", blob, 20));

    // The explainer uses it.
    xai::ScoreCAM::Params p;
    p.inputSize = Size(224, 224);
    p.targetLayer = "onnx_node!squeezenet0_concat7";
    p.maxChannels = 8;
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(net, p);
    Mat map;
    cam->compute(image, -1, map);
    EXPECT_EQ(Point2d(16, 16), cam->getLayerGeometry().stride);
    EXPECT_EQ(Point2d(15, 15), cam->getLayerGeometry().offset);
}

TEST(XAI_LayerGeometry, project_resnet_stride_agrees_with_shifts)
{
    const String model = findXaiData("shapes_resnet.onnx");
    if (model.empty())
        XAI_SKIP_TEST("samples/data/shapes_resnet.onnx not found (set OPENCV_XAI_DATA_PATH)");
    dnn::Net net = dnn::readNet(model);
    const Mat image = randomImage(Size(128, 128), 9);
    const Mat blob = dnn::blobFromImage(image, 1.0 / 127.5, Size(128, 128), Scalar::all(127.5));
    const String target = xai::findTargetLayer(net, std::vector<int>{1, 3, 128, 128});
    xai::LayerGeometry g;
    ASSERT_TRUE(xai::findLayerGeometry(net, target, g));
    EXPECT_TRUE(g.isWholePixel());
    const Point measured = xai::measureLayerStride(net, target, blob, 40);
    EXPECT_EQ(g.stride, Point2d(measured.x, measured.y));
}

TEST(XAI_LayerGeometry, upsampling_places_cells_at_their_centres)
{
    Mat low = (Mat_<float>(2, 3) << 0, 3, 6, 3, 6, 9);
    xai::LayerGeometry g;
    g.stride = Point2d(4, 2);
    g.offset = Point2d(1, 0);
    g.fromLayers = true;
    Mat up;
    xai::upsampleToFrame(low, g, Size(12, 4), up);
    ASSERT_EQ(Size(12, 4), up.size());
    // Cell (r, c) sits on pixel (4 c + 1, 2 r); in between, bilinear; beyond, constant.
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 12; x++)
        {
            const double u = std::min(std::max((x - 1) / 4.0, 0.0), 2.0), v = std::min(std::max(y / 2.0, 0.0), 1.0);
            EXPECT_NEAR(3 * u + 3 * v, up.at<float>(y, x), 1e-6) << x << "," << y;
        }
    // The resize convention is cv::resize itself.
    Mat viaResize, viaGeometry;
    resize(low, viaResize, Size(12, 4), 0, 0, INTER_LINEAR);
    xai::upsampleToFrame(low, xai::resizeGeometry(Size(12, 4), low.size()), Size(12, 4), viaGeometry);
    EXPECT_EQ(0.0, maxAbsDiff(viaResize, viaGeometry));
}

TEST(XAI_LayerGeometry, score_cam_places_masks_and_map_with_the_geometry)
{
    // Against the plain reference with its cells at 4 r + 1 (and not where cv::resize puts them).
    const Mat image = randomImage(Size(32, 32), 11);
    const xai::ScoreCAM::Params p = wholePixelParams();
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeWholePixelNet(), p);
    Mat map;
    cam->compute(image, 2, map);
    ReferenceOptions o;
    o.inputSize = p.inputSize;
    o.scale = p.scale;
    o.mean = p.mean;
    o.targetLayer = p.targetLayer;
    o.scoreLayer = "fc";
    o.geometry.stride = Point2d(4, 4);
    o.geometry.offset = Point2d(1, 1);
    o.geometry.fromLayers = true;
    const Mat ref = referenceScoreCAM(makeWholePixelNet(), image, 2, o);
    EXPECT_LE(maxAbsDiff(ref, map), 1e-5);
    // The classic convention is another map.
    xai::ScoreCAM::Params classic = p;
    classic.upsampling = xai::UPSAMPLE_RESIZE;
    Mat classicMap;
    xai::ScoreCAM::create(makeWholePixelNet(), classic)->compute(image, 2, classicMap);
    EXPECT_GT(maxAbsDiff(classicMap, map), 1e-3);
    o.geometry = xai::LayerGeometry();
    EXPECT_LE(maxAbsDiff(referenceScoreCAM(makeWholePixelNet(), image, 2, o), classicMap), 1e-5);
}

/** The layer's map at every pixel, computed plainly: each whole-pixel shift d of one stride cell
    forwarded on its own, its cells combined with the weights and set on pixel s r + o - d. */
Mat denseReference(const Mat& image, const xai::ScoreCAM::Params& p, const Mat& weights, int s, int o)
{
    dnn::Net net = makeWholePixelNet();
    const Mat blob = normalisedBlob(image, p);
    Mat dense(p.inputSize, CV_32F, Scalar::all(-1e30));
    for (int dy = -s / 2; dy < s - s / 2; dy++)
        for (int dx = -s / 2; dx < s - s / 2; dx++)
        {
            Mat shifted(4, blob.size.p, CV_32F, Scalar::all(0));
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < p.inputSize.height; y++)
                    for (int x = 0; x < p.inputSize.width; x++)
                    {
                        const int sx = x - dx, sy = y - dy;
                        if (sx >= 0 && sy >= 0 && sx < p.inputSize.width && sy < p.inputSize.height)
                            shifted.ptr<float>(0, c)[y * p.inputSize.width + x] =
                                blob.ptr<float>(0, c)[sy * p.inputSize.width + sx];
                    }
            net.setInput(shifted);
            const Mat A = net.forward(p.targetLayer);
            for (int r = 0; r < A.size[2]; r++)
                for (int c = 0; c < A.size[3]; c++)
                {
                    double v = 0;
                    for (int k = 0; k < A.size[1]; k++)
                        v += weights.at<float>(k) * A.ptr<float>(0, k)[r * A.size[3] + c];
                    const int x = s * c + o - dx, y = s * r + o - dy;
                    if (x >= 0 && y >= 0 && x < p.inputSize.width && y < p.inputSize.height)
                        dense.at<float>(y, x) = (float)v;
                }
        }
    return dense;
}

TEST(XAI_AugmentedScoreCAM, complete_whole_pixel_lattice_interleaves_into_the_dense_map)
{
    const Mat image = randomImage(Size(32, 32), 13);
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam = wholePixelParams();
    p.augmentation.latticeSize = 4; // = the stride: every whole-pixel shift of one cell
    p.augmentation.numAugmentations = 16;
    Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeWholePixelNet(), p);
    Mat map;
    asc->compute(image, 3, map);
    EXPECT_TRUE(asc->getLayerGeometry().isWholePixel());
    Mat weights;
    asc->getChannelWeights(weights);
    Mat dense = denseReference(image, p.scoreCam, weights.col(0), 4, 1);
    double mn = 0;
    minMaxLoc(dense, &mn);
    ASSERT_GT(mn, -1e29) << "the 16 shifts reach every pixel of the 32 x 32 frame";
    dense = max(dense, 0.0);
    double mx = 0;
    minMaxLoc(dense, NULL, &mx);
    ASSERT_GT(mx, 0.0);
    dense /= mx;
    EXPECT_LE(maxAbsDiff(dense, map), 1e-5);

    // A 2 x 2 lattice (step 2) interleaves the dense map's even pixels.
    p.augmentation.latticeSize = 2;
    p.augmentation.numAugmentations = 4;
    Ptr<xai::AugmentedScoreCAM> coarse = xai::AugmentedScoreCAM::create(makeWholePixelNet(), p);
    Mat half;
    coarse->compute(image, 3, half);
    Mat halfOdd(16, 16, CV_32F), denseOdd(16, 16, CV_32F);
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++)
        {
            halfOdd.at<float>(y, x) = half.at<float>(2 * y + 1, 2 * x + 1);
            denseOdd.at<float>(y, x) = dense.at<float>(2 * y + 1, 2 * x + 1);
        }
    minMaxLoc(denseOdd, NULL, &mx);
    EXPECT_LE(maxAbsDiff(halfOdd, denseOdd / mx), 1e-5) << "cells of 4 r + 1 - d, d in {-2, 0}: the odd pixels";
    EXPECT_GT(pearson(half, dense), 0.9);
}

//! M: the channels Score-CAM scores, those of the target layer that are not constant on the image.
int scoredChannels(dnn::Net net, const Mat& image, const xai::ScoreCAM::Params& p)
{
    net.setInput(normalisedBlob(image, p));
    const Mat A = net.forward(tinyTargetLayer());
    int m = 0;
    for (int k = 0; k < A.size[1]; k++)
    {
        double mn, mx;
        minMaxLoc(Mat(A.size[2], A.size[3], CV_32F, (void*)A.ptr<float>(0, k)), &mn, &mx);
        m += mx > mn;
    }
    return m;
}

int batches(int n, int b)
{
    return (n + b - 1) / b;
}

TEST(XAI_AugmentedScoreCAM, shared_weights_cost_what_the_cost_model_says)
{
    // ceil(N / B) unmasked batches + ceil(M / B) masked batches of the first view, exactly.
    TinyNetSpec spec;
    spec.channels = 8;
    const Mat image = randomImage(Size(32, 32), 4);
    const int M = scoredChannels(makeTinyNet(spec), image, tinyParams());
    ASSERT_GE(M, 4);
    const struct { int views, batch; } cases[] = { {10, 4}, {16, 16}, {5, 3}, {1, 8} };
    for (const auto& c : cases)
    {
        xai::AugmentedScoreCAM::Params p;
        p.scoreCam = tinyParams();
        p.scoreCam.batchSize = c.batch;
        p.augmentation.numAugmentations = c.views;
        p.augmentation.latticeSize = 0;
        Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
        int lastTotal = 0;
        asc->setProgressCallback([&](int, int total) { lastTotal = total; return true; });
        Mat map;
        asc->compute(image, 1, map);
        // A forward holds no more images than a batch needs: min(B, max(N, M)).
        const int b = std::min(c.batch, std::max(c.views, M));
        const int expected = batches(c.views, b) + batches(M, b);
        EXPECT_EQ(expected, asc->getForwardCount()) << c.views << " views, batch " << c.batch;
        EXPECT_EQ(expected, lastTotal) << "progress announced the same total";
    }
}

TEST(XAI_AugmentedScoreCAM, identical_views_give_the_same_map_with_shared_or_per_view_weights)
{
    TinyNetSpec spec;
    const Mat image = randomImage(Size(32, 24), 6);
    std::vector<Mat> same(5, Mat(Matx23d(1, 0, 2, 0, 1, -1)));
    Mat maps[2];
    int forwards[2];
    for (int mode = 0; mode < 2; mode++)
    {
        xai::AugmentedScoreCAM::Params p;
        p.scoreCam = tinyParams();
        p.scoreCam.batchSize = 4;
        p.viewWeights = mode == 0 ? xai::VIEW_WEIGHTS_SHARED : xai::VIEW_WEIGHTS_PER_VIEW;
        Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
        asc->setWarps(same);
        asc->compute(image, 2, maps[mode]);
        forwards[mode] = asc->getForwardCount();
    }
    EXPECT_LE(maxAbsDiff(maps[0], maps[1]), 1e-6);
    const int M = scoredChannels(makeTinyNet(spec), image, tinyParams());
    EXPECT_EQ(batches(5, 4) + batches(M, 4), forwards[0]);
    EXPECT_EQ(batches(5, 4) + 5 * batches(M, 4), forwards[1]);
}

}} // namespace

namespace opencv_test { namespace {

using namespace xai_test;

TEST(XAI_Metrics, dense_map_is_shift_and_stitch_and_fidelity_compares_with_it)
{
    const Mat image = randomImage(Size(32, 32), 13);
    const xai::ScoreCAM::Params p = wholePixelParams();
    Mat dense;
    xai::computeDenseMap(makeWholePixelNet(), p, image, 3, dense);
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeWholePixelNet(), p);
    Mat plain, weights;
    cam->compute(image, 3, plain);
    cam->getChannelWeights(weights);
    Mat ref = max(denseReference(image, p, weights.col(0), 4, 1), 0.0);
    double mx = 0;
    minMaxLoc(ref, NULL, &mx);
    EXPECT_LE(maxAbsDiff(dense, ref / mx), 1e-5);

    const xai::DenseFidelity self = xai::denseMapFidelity(dense, dense);
    EXPECT_NEAR(1.0, self.pearson, 1e-12);
    EXPECT_NEAR(0.0, self.movedEnergy, 1e-12);
    const xai::DenseFidelity plainFidelity = xai::denseMapFidelity(plain, dense);
    EXPECT_GT(plainFidelity.pearson, 0.5);
    EXPECT_LT(plainFidelity.pearson, 1.0 - 1e-4) << "Score-CAM's grid holds less than the dense map";
    EXPECT_GT(plainFidelity.movedEnergy, 0.0);
    Mat left = Mat::zeros(8, 8, CV_32F), right = Mat::zeros(8, 8, CV_32F);
    left.colRange(0, 4).setTo(1);
    right.colRange(4, 8).setTo(2);
    EXPECT_NEAR(1.0, xai::denseMapFidelity(left, right).movedEnergy, 1e-12);
    EXPECT_NEAR(-1.0, xai::denseMapFidelity(left, right).pearson, 1e-12);
    expectError([&] { xai::denseMapFidelity(left, Mat::zeros(4, 4, CV_32F)); }, "equal sizes");
    // A layer of fractional geometry has no dense map of whole-pixel shifts.
    expectError([&] { xai::computeDenseMap(makeTinyNet(TinyNetSpec()), tinyParams(), image, 0, dense); },
                "whole-pixel geometry");
}

}} // namespace

namespace opencv_test { namespace {

using namespace xai_test;

TEST(XAI_Metrics, dense_map_reports_progress_and_can_be_cancelled)
{
    const Mat image = randomImage(Size(32, 32), 13);
    xai::ScoreCAM::Params p = wholePixelParams();
    p.batchSize = 4;  // 16 views in 4 forwards, then the masked ones: several reports
    Mat plain;
    xai::computeDenseMap(makeWholePixelNet(), p, image, 3, plain);

    // The dense map as documented: an AugmentedScoreCAM over every whole-pixel shift of one cell.
    xai::LayerGeometry g;
    ASSERT_TRUE(xai::findLayerGeometry(makeWholePixelNet(), p.targetLayer, g));
    const int s = cvRound(g.stride.x);
    xai::AugmentedScoreCAM::Params ap;
    ap.scoreCam = p;
    ap.augmentation.latticeSize = s;
    ap.augmentation.numAugmentations = s * s;
    ap.viewWeights = xai::VIEW_WEIGHTS_SHARED;
    ap.fusion = xai::FUSION_INTERLEAVE;
    Mat spelled;
    xai::AugmentedScoreCAM::create(makeWholePixelNet(), ap)->compute(image, 3, spelled);
    EXPECT_EQ(0.0, maxAbsDiff(plain, spelled));

    std::vector<std::pair<int, int> > calls;
    Mat withProgress;
    xai::computeDenseMap(makeWholePixelNet(), p, image, 3, withProgress, [&](int done, int total) {
        calls.push_back(std::make_pair(done, total));
        return true;
    });
    EXPECT_EQ(0.0, maxAbsDiff(plain, withProgress));
    ASSERT_GE(calls.size(), 3u);
    for (size_t i = 0; i < calls.size(); i++)
    {
        EXPECT_EQ((int)i + 1, calls[i].first) << "one report per forward";
        EXPECT_LE(calls[i].first, calls[i].second);
        // The share done never goes back: done / total does not fall.
        if (i > 0)
        {
            EXPECT_GE((int64)calls[i].first * calls[i - 1].second, (int64)calls[i - 1].first * calls[i].second)
                << "report " << i << ": " << calls[i - 1].first << "/" << calls[i - 1].second << " then "
                << calls[i].first << "/" << calls[i].second;
        }
    }
    EXPECT_EQ(calls.back().first, calls.back().second);

    // Cancelled on the first report: an exception at once, and no map.
    for (int filled = 0; filled < 2; filled++)
    {
        int reports = 0;
        Mat dense = filled ? Mat(Size(5, 4), CV_32F, Scalar::all(7)) : Mat();
        const Mat before = dense.clone();
        try
        {
            xai::computeDenseMap(makeWholePixelNet(), p, image, 3, dense, [&](int, int) { reports++; return false; });
            ADD_FAILURE() << "not cancelled";
        }
        catch (const cv::Exception& e)
        {
            EXPECT_EQ(cv::Error::StsError, e.code);
            EXPECT_NE(std::string::npos, e.msg.find("cancelled by the progress callback")) << e.msg;
        }
        EXPECT_EQ(1, reports);
        EXPECT_EQ(before.size(), dense.size());
        if (filled)
        {
            EXPECT_EQ(0.0, maxAbsDiff(before, dense)) << "the caller's map is left as it was";
        }
    }
}

}} // namespace
