// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_precomp.hpp"
#include "test_common.hpp"

namespace opencv_test { namespace {

using namespace cv::xai;
using namespace xai_test;

xai::AugmentedScoreCAM::Params tinyAugmentedParams(int views)
{
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam.inputSize = Size(32, 32);
    p.scoreCam.scale = 1.0 / 255;
    p.scoreCam.mean = Scalar(10, 20, 30);
    p.augmentation.numAugmentations = views;
    p.augmentation.maxAngle = 20;
    p.augmentation.maxShift = 0.1;
    p.augmentation.seed = 42;
    p.augmentation.latticeSize = 0; // random views, as drawn
    return p;
}

TEST(XAI_Augmentation, first_warp_is_identity_and_seed_decides_the_rest)
{
    AugmentationParams p;
    p.numAugmentations = 8;
    p.maxAngle = 30;
    p.maxShift = 0.2;
    p.minScale = 0.9;
    p.maxScale = 1.1;
    p.horizontalFlip = true;
    p.seed = 5;
    std::vector<Mat> a, b, c;
    generateWarps(Size(64, 48), p, a);
    generateWarps(Size(64, 48), p, b);
    p.seed = 6;
    generateWarps(Size(64, 48), p, c);
    ASSERT_EQ(8u, a.size());
    EXPECT_EQ(0.0, cv::norm(a[0], Mat(Matx23d(1, 0, 0, 0, 1, 0)), NORM_INF));
    int flips = 0;
    for (size_t i = 0; i < a.size(); i++)
    {
        ASSERT_EQ(CV_64FC1, a[i].type());
        EXPECT_EQ(0.0, cv::norm(a[i], b[i], NORM_INF));
        if (i > 0)
        {
            EXPECT_GT(cv::norm(a[i], c[i], NORM_INF), 1e-3);
        }
        const Mat lin = a[i].colRange(0, 2);
        const double det = determinant(lin);
        flips += det < 0;
        EXPECT_LE(std::abs(std::abs(det) - 1.0), 0.25); // scale within [0.9, 1.1] on both axes
        // The centre moves by the shift alone: at most maxShift of the frame per axis.
        const Matx23d m = a[i];
        const Point2d centre(31.5, 23.5);
        const Point2d moved(m(0, 0) * centre.x + m(0, 1) * centre.y + m(0, 2),
                            m(1, 0) * centre.x + m(1, 1) * centre.y + m(1, 2));
        EXPECT_LE(std::abs(moved.x - centre.x), 0.2 * 64 + 1e-9);
        EXPECT_LE(std::abs(moved.y - centre.y), 0.2 * 48 + 1e-9);
    }
    EXPECT_GT(flips, 0);
}

//! A warp taken apart: shift of the frame's centre, then rotation and scale about it, after an optional mirror.
struct WarpParts
{
    double angle;   //!< degrees, counter-clockwise as getRotationMatrix2D
    double scale;
    bool flip;
    Point2d shift;  //!< where the centre moves
    double residual; //!< how far the linear part is from a rotation-scale (after undoing the flip)
};

static WarpParts decompose(const Mat& warp, Size frame)
{
    const Matx23d m = warp;
    WarpParts w;
    w.flip = m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0) < 0;
    // Undo the mirror x -> -x: its linear part is diag(-1, 1).
    const double a = w.flip ? -m(0, 0) : m(0, 0), b = m(0, 1), c = w.flip ? -m(1, 0) : m(1, 0), d = m(1, 1);
    // getRotationMatrix2D's linear part is [alpha beta; -beta alpha] with alpha = s cos, beta = s sin.
    w.residual = std::abs(a - d) + std::abs(b + c);
    w.scale = std::sqrt(a * a + b * b);
    w.angle = std::atan2(b, a) * 180 / CV_PI;
    const Point2d centre((frame.width - 1) * 0.5, (frame.height - 1) * 0.5);
    w.shift = Point2d(m(0, 0) * centre.x + m(0, 1) * centre.y + m(0, 2) - centre.x,
                      m(1, 0) * centre.x + m(1, 1) * centre.y + m(1, 2) - centre.y);
    return w;
}

TEST(XAI_Augmentation, warps_rotate_scale_flip_and_shift_within_and_across_their_ranges)
{
    AugmentationParams p;
    p.numAugmentations = 400;
    p.maxAngle = 30;
    p.maxShift = 0.2;
    p.minScale = 0.8;
    p.maxScale = 1.25;
    p.horizontalFlip = true;
    p.seed = 3;
    const Size frame(64, 48);
    std::vector<Mat> warps;
    generateWarps(frame, p, warps);
    ASSERT_EQ(400u, warps.size());
    const WarpParts first = decompose(warps[0], frame);
    EXPECT_EQ(0.0, first.angle);
    EXPECT_EQ(1.0, first.scale);
    EXPECT_FALSE(first.flip);
    double minAngle = 1e9, maxAngle = -1e9, minScale = 1e9, maxScale = -1e9;
    Point2d minShift(1e9, 1e9), maxShift(-1e9, -1e9);
    int flips = 0;
    for (size_t i = 1; i < warps.size(); i++)
    {
        const WarpParts w = decompose(warps[i], frame);
        ASSERT_LE(w.residual, 1e-9) << "view " << i << " is not a rotation and scale: " << warps[i];
        EXPECT_LE(std::abs(w.angle), 30.0 + 1e-9) << "view " << i;
        EXPECT_GE(w.scale, 0.8 - 1e-9) << "view " << i;
        EXPECT_LE(w.scale, 1.25 + 1e-9) << "view " << i;
        EXPECT_LE(std::abs(w.shift.x), 0.2 * frame.width + 1e-9) << "view " << i;
        EXPECT_LE(std::abs(w.shift.y), 0.2 * frame.height + 1e-9) << "view " << i;
        minAngle = std::min(minAngle, w.angle);
        maxAngle = std::max(maxAngle, w.angle);
        minScale = std::min(minScale, w.scale);
        maxScale = std::max(maxScale, w.scale);
        minShift = Point2d(std::min(minShift.x, w.shift.x), std::min(minShift.y, w.shift.y));
        maxShift = Point2d(std::max(maxShift.x, w.shift.x), std::max(maxShift.y, w.shift.y));
        flips += w.flip;
    }
    // 399 uniform draws cover each range to within a few percent of its ends.
    EXPECT_LT(minAngle, -27);
    EXPECT_GT(maxAngle, 27);
    EXPECT_LT(minScale, 0.83);
    EXPECT_GT(maxScale, 1.22);
    EXPECT_LT(minShift.x, -0.18 * frame.width);
    EXPECT_GT(maxShift.x, 0.18 * frame.width);
    EXPECT_LT(minShift.y, -0.18 * frame.height);
    EXPECT_GT(maxShift.y, 0.18 * frame.height);
    EXPECT_GT(flips, 399 * 0.4);
    EXPECT_LT(flips, 399 * 0.6);

    // Ranges of zero give the identity for every view.
    AugmentationParams none;
    none.numAugmentations = 5;
    none.maxAngle = 0;
    none.maxShift = 0;
    generateWarps(frame, none, warps);
    for (size_t i = 0; i < warps.size(); i++)
        EXPECT_EQ(0.0, cv::norm(warps[i], Mat(Matx23d(1, 0, 0, 0, 1, 0)), NORM_INF)) << "view " << i;
}

//! A net whose only channel is the mean brightness of each 4x4 cell: its map is the image, coarsely.
static dnn::Net brightnessNet()
{
    dnn::Net net;
    dnn::LayerParams conv;
    conv.set("kernel_size", 4);
    conv.set("stride", 4);
    conv.set("num_output", 1);
    conv.set("bias_term", false);
    const int wsz[] = { 1, 3, 4, 4 };
    conv.blobs.push_back(Mat(4, wsz, CV_32F, Scalar::all(1.0 / 48)));
    net.addLayerToPrev("conv1", "Convolution", conv);
    dnn::LayerParams relu;
    net.addLayerToPrev(tinyTargetLayer(), "ReLU", relu);
    addClassifierHead(net, (Mat_<float>(2, 1) << 4, -4), Mat());
    return net;
}

TEST(XAI_AugmentedScoreCAM, rotated_view_maps_back_onto_the_original)
{
    // A bright diagonal bar: the view rotated by 90 degrees sees an anti-diagonal bar, and its map,
    // mapped back with the inverse warp, must lie on the original bar again.
    const Size frame(64, 64);
    Mat image(frame, CV_8UC3, Scalar::all(20)), bar = Mat::zeros(frame, CV_8U);
    line(bar, Point(12, 14), Point(50, 48), Scalar(255), 7);
    image.setTo(Scalar::all(230), bar);
    Mat rotatedBar;
    const Mat rotation = getRotationMatrix2D(Point2f(31.5f, 31.5f), 90, 1.0);
    warpAffine(bar, rotatedBar, rotation, frame);

    xai::ScoreCAM::Params sp;
    sp.scale = 1.0 / 255;
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam = sp;
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(brightnessNet(), p);
    cam->setWarps(std::vector<Mat>(1, rotation));
    Mat map;
    cam->compute(image, 0, map);
    const double onBar = pearson(map, bar), onRotated = pearson(map, rotatedBar);
    EXPECT_GT(onBar, 0.7);
    EXPECT_LT(onRotated, 0.1);

    // Drawn views with a rotation range change the map; without one they leave it as Score-CAM's.
    p.augmentation.numAugmentations = 6;
    p.augmentation.latticeSize = 0; // drawn views, not the designed lattice
    p.augmentation.maxShift = 0;
    p.augmentation.maxAngle = 0;
    p.fusion = xai::FUSION_MEAN;  // identical views then fuse to exactly Score-CAM's map
    Mat still, turned;
    xai::AugmentedScoreCAM::create(brightnessNet(), p)->compute(image, 0, still);
    p.augmentation.maxAngle = 90;
    xai::AugmentedScoreCAM::create(brightnessNet(), p)->compute(image, 0, turned);
    Mat plain;
    xai::ScoreCAM::create(brightnessNet(), sp)->compute(image, 0, plain);
    EXPECT_LE(maxAbsDiff(still, plain), 1e-6);
    EXPECT_GT(maxAbsDiff(turned, plain), 0.05);
}

TEST(XAI_Augmentation, unwarp_inverts_the_warp_away_from_the_border)
{
    // A smooth map, warped like a view and mapped back, returns to itself inside the valid region.
    const Size size(64, 64);
    Mat map(size, CV_32F);
    for (int y = 0; y < size.height; y++)
        for (int x = 0; x < size.width; x++)
            map.at<float>(y, x) = (float)(0.5 + 0.5 * std::sin(x * 0.1) * std::cos(y * 0.07));
    AugmentationParams p;
    p.numAugmentations = 6;
    p.maxAngle = 25;
    p.maxShift = 0.1;
    std::vector<Mat> warps;
    generateWarps(size, p, warps);
    for (size_t i = 0; i < warps.size(); i++)
    {
        Mat view, back, validity;
        warpAffine(map, view, warps[i], size, INTER_LINEAR, BORDER_CONSTANT, Scalar::all(0));
        unwarpMap(view, warps[i], back, validity);
        ASSERT_EQ(size, validity.size());
        double vmin, vmax;
        minMaxLoc(validity, &vmin, &vmax);
        EXPECT_LE(vmax, 1.0 + 1e-6);
        EXPECT_GE(vmin, 0.0);
        // Fully seen pixels, away from the edge of what the view saw and from the frame's own border
        // (where the forward warp already blended in the border fill).
        Mat seen = validity > 0.999f;
        rectangle(seen, Rect(Point(), size), Scalar::all(0), 1);
        erode(seen, seen, Mat(), Point(-1, -1), 2);
        ASSERT_GT(countNonZero(seen), size.area() / 3) << "view " << i;
        Mat diff;
        absdiff(back, map, diff);
        double maxErr = 0;
        minMaxLoc(diff, NULL, &maxErr, NULL, NULL, seen);
        EXPECT_LE(maxErr, i == 0 ? 0.0 : 0.02) << "view " << i;
    }
}

TEST(XAI_Fusion, mean_is_validity_weighted_and_max_is_pixelwise)
{
    const Size size(4, 1);
    Mat m1 = (Mat_<float>(1, 4) << 1, 1, 0.5f, 0), v1 = (Mat_<float>(1, 4) << 1, 1, 0.5f, 0);
    Mat m2 = (Mat_<float>(1, 4) << 3, 0.5f, 0, 0), v2 = (Mat_<float>(1, 4) << 1, 1, 0, 0);
    Ptr<MapFusion> mean = MapFusion::create(FUSION_MEAN), mx = MapFusion::create(FUSION_MAX);
    mean->reset(size);
    mx->reset(size);
    mean->add(m1, v1);
    mean->add(m2, v2);
    mx->add(m1, v1);
    mx->add(m2, v2);
    Mat fm, fx;
    mean->fuse(fm);
    mx->fuse(fx);
    EXPECT_EQ(2, mean->getViewCount());
    EXPECT_FLOAT_EQ(2.0f, fm.at<float>(0));
    EXPECT_FLOAT_EQ(0.75f, fm.at<float>(1));
    EXPECT_FLOAT_EQ(1.0f, fm.at<float>(2)); // half seen, value 0.5 of a full 1
    EXPECT_FLOAT_EQ(0.0f, fm.at<float>(3)); // never seen: 0, not NaN
    EXPECT_FLOAT_EQ(3.0f, fx.at<float>(0));
    EXPECT_FLOAT_EQ(1.0f, fx.at<float>(1));
}

TEST(XAI_AugmentedScoreCAM, identity_view_alone_equals_score_cam)
{
    TinyNetSpec spec;
    const Mat image = randomImage(Size(41, 29), 3);
    for (int fusion = FUSION_MEAN; fusion <= FUSION_MAX; fusion++)
    {
        xai::AugmentedScoreCAM::Params p = tinyAugmentedParams(1);
        p.fusion = fusion;
        Mat augmented, plain;
        Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
        asc->compute(image, 1, augmented);
        xai::ScoreCAM::create(makeTinyNet(spec), p.scoreCam)->compute(image, 1, plain);
        EXPECT_EQ(0.0, maxAbsDiff(augmented, plain)) << "fusion " << fusion;
        // The same single view as an explicit warp list.
        std::vector<Mat> identity(1, Mat(Matx23d(1, 0, 0, 0, 1, 0)));
        asc->setWarps(identity);
        asc->compute(image, 1, augmented);
        EXPECT_EQ(0.0, maxAbsDiff(augmented, plain));
    }
}

TEST(XAI_AugmentedScoreCAM, same_seed_same_map_other_seed_other_views)
{
    TinyNetSpec spec;
    const Mat image = randomImage(Size(32, 32), 8);
    xai::AugmentedScoreCAM::Params p = tinyAugmentedParams(5);
    Mat a, b, c;
    Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
    asc->compute(image, 0, a);
    xai::AugmentedScoreCAM::create(makeTinyNet(spec), p)->compute(image, 0, b);
    EXPECT_EQ(0, cv::norm(a, b, NORM_INF)) << "bitwise identical";
    std::vector<Mat> warpsA, warpsC;
    asc->getWarps(warpsA);
    p.augmentation.seed = 43;
    Ptr<xai::AugmentedScoreCAM> other = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
    other->compute(image, 0, c);
    other->getWarps(warpsC);
    ASSERT_EQ(5u, warpsA.size());
    ASSERT_EQ(5u, warpsC.size());
    EXPECT_GT(cv::norm(warpsA[1], warpsC[1], NORM_INF), 1e-3);
    EXPECT_GT(maxAbsDiff(a, c), 1e-4);
}

TEST(XAI_AugmentedScoreCAM, each_view_is_scored_with_its_own_activations)
{
    // A view that is the frame shifted by a whole number of conv strides has activations that are
    // the frame's shifted by one cell: its map, mapped back, matches the plain map where both saw.
    TinyNetSpec spec;
    const Mat image = randomImage(Size(32, 32), 12);
    xai::AugmentedScoreCAM::Params p = tinyAugmentedParams(1);
    p.scoreCam.inputSize = Size(32, 32);
    p.fusion = xai::FUSION_MEAN;  // leaves unseen pixels at 0 (super-resolution fills them in smoothly)
    Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
    std::vector<Mat> shifted(1, Mat(Matx23d(1, 0, 4, 0, 1, 0)));
    asc->setWarps(shifted);
    Mat viaShift, plain;
    asc->compute(image, 2, viaShift);
    xai::ScoreCAM::create(makeTinyNet(spec), p.scoreCam)->compute(image, 2, plain);
    EXPECT_GT(maxAbsDiff(viaShift, plain), 0.0) << "the view changed something";
    // The shifted view cannot see the last 4 columns of the frame.
    EXPECT_EQ(0, countNonZero(viaShift.colRange(28, 32)));
}

TEST(XAI_AugmentedScoreCAM, views_share_unmasked_forwards_and_memory_stays_bounded)
{
    TinyNetSpec spec;
    spec.channels = 8;
    const Mat image = randomImage(Size(32, 32), 4);
    xai::AugmentedScoreCAM::Params p = tinyAugmentedParams(10);
    p.scoreCam.batchSize = 4;
    p.viewWeights = xai::VIEW_WEIGHTS_PER_VIEW;
    Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
    Mat map;
    asc->compute(image, 3, map);
    // ceil(10 / 4) unmasked batches + 10 views x ceil(8 / 4) masked batches, at most.
    EXPECT_LE(asc->getForwardCount(), 3 + 10 * 2);
    EXPECT_GE(asc->getForwardCount(), 3 + 10);
    double mn, mx;
    minMaxLoc(map, &mn, &mx);
    EXPECT_TRUE(checkRange(map));
    EXPECT_GE(mn, 0.0);
    EXPECT_DOUBLE_EQ(1.0, mx);
}

TEST(XAI_AugmentedScoreCAM, fused_map_of_many_views_stays_close_to_score_cam)
{
    // Small rotations and shifts of a smooth net response: the fused map is a refinement of the
    // plain one, not a different map.
    TinyNetSpec spec;
    spec.stride = 8;
    const Mat image = randomImage(Size(64, 64), 21);
    xai::AugmentedScoreCAM::Params p = tinyAugmentedParams(12);
    p.scoreCam.inputSize = Size(64, 64);
    p.augmentation.maxAngle = 10;
    p.augmentation.maxShift = 0.05;
    Mat plain;
    xai::ScoreCAM::create(makeTinyNet(spec), p.scoreCam)->compute(image, 0, plain);
    // Super-resolution puts back detail the random net's 8x8 grid holds below its stride, so it
    // moves further from the upsampled map (measured r = 0.744 against 0.8+ for mean fusion).
    const struct { int fusion; double minR; } cases[] = {{xai::FUSION_MEAN, 0.8}, {xai::FUSION_SUPER_RESOLUTION, 0.7}};
    for (const auto& c : cases)
    {
        p.fusion = c.fusion;
        Mat fused;
        xai::AugmentedScoreCAM::create(makeTinyNet(spec), p)->compute(image, 0, fused);
        const double r = pearson(fused, plain);
        EXPECT_GT(r, c.minR) << "fusion " << c.fusion;
        EXPECT_LT(r, 1.0 - 1e-6) << "fusion " << c.fusion;
    }
}

}} // namespace

namespace opencv_test { namespace {

using namespace xai_test;

TEST(XAI_Augmentation, lattice_views_shift_by_every_sub_cell_offset_once)
{
    // A 64x48 frame over an 8x6 grid: 8-pixel cells; k = 4 gives offsets of 2 pixels.
    xai::AugmentationParams p;
    p.numAugmentations = 16;
    p.latticeSize = 4;
    p.maxAngle = 0;
    p.maxShift = 0.3; // not used by lattice views
    std::vector<Mat> warps;
    xai::generateWarps(Size(64, 48), p, warps, Size(8, 6));
    ASSERT_EQ(16u, warps.size());
    std::set<std::pair<int, int> > offsets;
    for (size_t i = 0; i < warps.size(); i++)
    {
        const Matx23d m = warps[i];
        EXPECT_EQ(0.0, std::abs(m(0, 0) - 1) + std::abs(m(1, 1) - 1) + std::abs(m(0, 1)) + std::abs(m(1, 0)));
        EXPECT_EQ(m(0, 2), std::round(m(0, 2) / 2) * 2) << "view " << i << ": x shift " << m(0, 2);
        EXPECT_EQ(m(1, 2), std::round(m(1, 2) / 2) * 2) << "view " << i << ": y shift " << m(1, 2);
        EXPECT_GE(m(0, 2), -4.0);
        EXPECT_LT(m(0, 2), 4.0);
        EXPECT_GE(m(1, 2), -4.0);
        EXPECT_LT(m(1, 2), 4.0);
        offsets.insert(std::make_pair((int)m(0, 2), (int)m(1, 2)));
    }
    EXPECT_EQ(16u, offsets.size()) << "every offset of the 4x4 lattice once";
    EXPECT_EQ(0.0, cv::norm(warps[0], Mat(Matx23d(1, 0, 0, 0, 1, 0)), NORM_INF));

    // Small rotations on top, and the lattice needs the grid.
    p.maxAngle = 5;
    xai::generateWarps(Size(64, 48), p, warps, Size(8, 6));
    EXPECT_GT(std::abs(warps[5].at<double>(0, 1)), 1e-4);
    expectError([&] { xai::generateWarps(Size(64, 48), p, warps); }, "latticeSize needs the target layer's grid size");
    p.latticeSize = -1;
    expectError([&] { xai::generateWarps(Size(64, 48), p, warps, Size(8, 6)); }, "latticeSize");
}

TEST(XAI_AugmentedScoreCAM, fuse_again_gives_what_compute_gives_without_new_forwards)
{
    TinyNetSpec spec;
    spec.stride = 8;
    const Mat image = randomImage(Size(64, 64), 19);
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam.inputSize = Size(64, 64);
    p.scoreCam.scale = 1.0 / 255;
    p.augmentation.numAugmentations = 6;
    p.augmentation.latticeSize = 2;
    std::vector<int> classes{ 0, 2 };
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
    std::vector<Mat> mean;
    cam->compute(image, classes, mean);
    const int forwards = cam->getForwardCount();
    for (int fusion : { xai::FUSION_MEAN, xai::FUSION_MAX, xai::FUSION_SUPER_RESOLUTION })
    {
        std::vector<Mat> again, direct;
        cam->fuseAgain(fusion, p.superResolution, again);
        xai::AugmentedScoreCAM::Params q = p;
        q.fusion = fusion;
        xai::AugmentedScoreCAM::create(makeTinyNet(spec), q)->compute(image, classes, direct);
        ASSERT_EQ(2u, again.size());
        for (int c = 0; c < 2; c++)
            EXPECT_EQ(0.0, maxAbsDiff(again[c], direct[c])) << "fusion " << fusion << " class " << c;
        EXPECT_EQ(forwards, cam->getForwardCount());
    }
    std::vector<Mat> views;
    cam->getViewMaps(1, views);
    ASSERT_EQ(6u, views.size());
    EXPECT_EQ(Size(8, 8), views[0].size());
    expectError([&] { cam->getViewMaps(2, views); }, "class index 2 is out of range");
}

TEST(XAI_ScoreCAM, a_forward_never_holds_more_images_than_a_batch_needs)
{
    // --batch 10000 with 6 channels: 6 masked images at most per forward (7 views: 7 unmasked ones).
    TinyNetSpec spec;
    const Mat image = randomImage(Size(32, 24), 41);
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam = tinyParams();
    p.scoreCam.batchSize = 10000;
    p.augmentation.numAugmentations = 1;
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
    Mat map;
    cam->compute(image, 0, map);
    EXPECT_EQ(spec.channels, cam->getEffectiveBatchSize());
    EXPECT_EQ(2, cam->getForwardCount());
    p.augmentation.numAugmentations = 7;
    cam = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
    cam->compute(image, 0, map);
    EXPECT_EQ(7, cam->getEffectiveBatchSize());
    p.scoreCam.maxChannels = 3;
    p.augmentation.numAugmentations = 1;
    cam = xai::AugmentedScoreCAM::create(makeTinyNet(spec), p);
    cam->compute(image, 0, map);
    EXPECT_EQ(3, cam->getEffectiveBatchSize());
}

}} // namespace
namespace opencv_test { namespace {

using namespace xai_test;

//! What OpenCV's logger writes on std::cerr (warnings and errors) while it lives.
class CapturedStderr
{
public:
    CapturedStderr() : old_(std::cerr.rdbuf(text_.rdbuf())) {}
    ~CapturedStderr() { std::cerr.rdbuf(old_); }
    std::string text() const { return text_.str(); }

private:
    std::ostringstream text_;
    std::streambuf* old_;
};

TEST(XAI_AugmentedScoreCAM, empty_map_warning_tells_an_empty_fusion_from_empty_views)
{
    // A view zoomed out 4 times: no cell of it lies wholly inside the frame, so with minValidity 1
    // super-resolution drops every cell although the view's map is positive. The warning must
    // blame the fusion's settings, not the target layer.
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam = tinyParams();
    p.fusion = xai::FUSION_SUPER_RESOLUTION;
    p.superResolution.minValidity = 1;
    Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(TinyNetSpec()), p);
    const double s = 0.25, cx = 15.5, cy = 11.5;
    asc->setWarps(std::vector<Mat>(1, Mat(Matx23d(s, 0, cx * (1 - s), 0, s, cy * (1 - s)))));
    Mat map;
    std::string log;
    {
        const CapturedStderr captured;
        asc->compute(randomImage(Size(32, 24), 1), 1, map);
        log = captured.text();
    }
    ASSERT_EQ(std::vector<int>(1, 0), asc->getEmptyMaps());
    std::vector<Mat> views;
    asc->getViewMaps(0, views);
    double viewMax = 0;
    minMaxLoc(views[0], NULL, &viewMax);
    ASSERT_GT(viewMax, 0) << "the view's own map has positive values";
    EXPECT_NE(std::string::npos, log.find("the map of class 1 is zero everywhere although the views' maps were not"))
        << log;
    EXPECT_NE(std::string::npos, log.find("FUSION_SUPER_RESOLUTION (lambdaTV 0.0005, lambdaEnergy 0.0001, "
                                          "minValidity 1)")) << log;
    EXPECT_EQ(std::string::npos, log.find("no channel raised its score")) << log;

    // Every view's map zero (a view of nothing but the border): the target layer is to blame.
    asc->setWarps(std::vector<Mat>(1, Mat(Matx23d(1, 0, 1000, 0, 1, 0))));
    {
        const CapturedStderr captured;
        asc->compute(randomImage(Size(32, 24), 1), 1, map);
        log = captured.text();
    }
    ASSERT_EQ(std::vector<int>(1, 0), asc->getEmptyMaps());
    EXPECT_NE(std::string::npos, log.find("the map of class 1 is zero everywhere: no channel raised its score")) << log;
}

}} // namespace
