// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_precomp.hpp"
#include "test_common.hpp"
#include "../src/super_resolution.hpp"

namespace opencv_test { namespace {

using namespace xai_test;
using xai::detail::SparseOperator;
using xai::detail::UnknownGrid;

std::vector<double> randomVector(int n, uint64 seed, double lo = -1, double hi = 1)
{
    std::vector<double> v(n);
    RNG rng(seed);
    for (int i = 0; i < n; i++)
        v[i] = rng.uniform(lo, hi);
    return v;
}

double dotOf(const std::vector<double>& a, const std::vector<double>& b)
{
    double s = 0;
    for (size_t i = 0; i < a.size(); i++)
        s += a[i] * b[i];
    return s;
}

//! |<Ax, y> - <x, A^T y>| relative to the size of the terms.
double adjointGap(const SparseOperator& a, uint64 seed)
{
    const std::vector<double> x = randomVector(a.cols, seed), y = randomVector(a.rows, seed + 1);
    std::vector<double> ax, aty;
    a.apply(x, ax);
    a.applyTransposed(y, aty);
    const double lhs = dotOf(ax, y), rhs = dotOf(x, aty);
    return std::abs(lhs - rhs) / std::max(1.0, std::abs(lhs));
}

Matx23d rotation(Size frame, double angle, double scale, Point2d shift)
{
    Mat r = getRotationMatrix2D(Point2f((frame.width - 1) * 0.5f, (frame.height - 1) * 0.5f), angle, scale);
    Matx23d m = r;
    m(0, 2) += shift.x;
    m(1, 2) += shift.y;
    return m;
}

Mat toMat(const std::vector<double>& v, Size size)
{
    return Mat(size, CV_64F, (void*)&v[0]).clone();
}

std::vector<double> toVector(const Mat& m)
{
    Mat d;
    m.convertTo(d, CV_64F);
    return std::vector<double>(d.begin<double>(), d.end<double>());
}

TEST(XAI_SuperResolution, warp_and_downsampling_operators_are_exact_adjoints)
{
    const Size frame(48, 40), grid(6, 5);
    for (int resolution : { 0, 2, 4 })
    {
        const UnknownGrid u(frame, grid, resolution);
        for (const Matx23d& w : { Matx23d(1, 0, 0, 0, 1, 0), rotation(frame, 23, 1.1, Point2d(3.3, -2.7)),
                                  rotation(frame, -170, 0.8, Point2d(-7, 5)) })
        {
            EXPECT_LE(adjointGap(xai::detail::warpOperator(u, w), 11), 1e-6) << "resolution " << resolution;
            for (int method : { xai::DOWNSAMPLE_AREA, xai::DOWNSAMPLE_POINT })
                EXPECT_LE(adjointGap(xai::detail::viewOperator(u, grid, w, method, NULL), 13), 1e-6);
        }
    }
    for (int method : { xai::DOWNSAMPLE_AREA, xai::DOWNSAMPLE_POINT })
    {
        EXPECT_LE(adjointGap(xai::detail::downsamplingOperator(frame, grid, method), 17), 1e-6);
        EXPECT_LE(adjointGap(xai::detail::downsamplingOperator(Size(50, 37), Size(7, 6), method), 19), 1e-6);
    }
}

TEST(XAI_SuperResolution, operators_match_opencv_and_compose)
{
    const Size frame(48, 40), grid(6, 5);
    const Mat image = randomImage(frame, 3);
    Mat gray;
    cvtColor(image, gray, COLOR_BGR2GRAY);
    gray.convertTo(gray, CV_64F, 1.0 / 255);
    GaussianBlur(gray, gray, Size(7, 7), 2); // gentle slopes: warpAffine's 1/32-pixel positions cost little

    // Area downsampling is cv::resize's INTER_AREA; a whole number of pixels per cell here.
    Mat area;
    resize(gray, area, grid, 0, 0, INTER_AREA);
    std::vector<double> d;
    xai::detail::downsamplingOperator(frame, grid, xai::DOWNSAMPLE_AREA).apply(toVector(gray), d);
    EXPECT_LE(cv::norm(toMat(d, grid), area, NORM_INF), 1e-9);
    // Point sampling reads each cell's top-left pixel.
    xai::detail::downsamplingOperator(frame, grid, xai::DOWNSAMPLE_POINT).apply(toVector(gray), d);
    EXPECT_EQ(gray.at<double>(8, 16), d[1 * grid.width + 2]);

    // At the frame's resolution the warp is cv::warpAffine's bilinear sampling (which quantises
    // positions to 1/32 pixel): equal up to that quantisation on the frame.
    const UnknownGrid full(frame, grid, 0);
    const Matx23d w = rotation(frame, 17, 1.0, Point2d(2.25, -1.5));
    std::vector<double> warped;
    xai::detail::warpOperator(full, w).apply(toVector(gray), warped);
    Mat expected;
    warpAffine(gray, expected, w, frame, INTER_LINEAR, BORDER_CONSTANT, Scalar::all(0));
    Mat inside;
    warpAffine(Mat::ones(frame, CV_8U), inside, w, frame, INTER_NEAREST, BORDER_CONSTANT, Scalar::all(0));
    erode(inside, inside, Mat());
    // Within half a pixel of the frame's edge warpAffine fades to the border value, while the
    // unknown is replicated up to the edge: compare away from it.
    rectangle(inside, Rect(Point(), frame), Scalar::all(0), 2);
    double worst = 0;
    minMaxLoc(cv::abs(toMat(warped, frame) - expected), NULL, &worst, NULL, NULL, inside);
    EXPECT_LE(worst, 0.005);

    // The operator the solver uses is D times W.
    for (int resolution : { 0, 4 })
    {
        const UnknownGrid u(frame, grid, resolution);
        for (int method : { xai::DOWNSAMPLE_AREA, xai::DOWNSAMPLE_POINT })
        {
            const SparseOperator composite = xai::detail::viewOperator(u, grid, w, method, NULL);
            const SparseOperator product = xai::detail::multiply(
                xai::detail::downsamplingOperator(frame, grid, method), xai::detail::warpOperator(u, w));
            const std::vector<double> x = randomVector(u.unknown.area(), 5);
            std::vector<double> a, b;
            composite.apply(x, a);
            product.apply(x, b);
            EXPECT_LE(cv::norm(toMat(a, grid), toMat(b, grid), NORM_INF), 1e-12);
        }
    }
}

xai::SuperResolutionParams unregularised()
{
    xai::SuperResolutionParams p;
    p.lambdaTV = 0;
    p.lambdaEnergy = 0;
    p.normalizeViews = false;
    p.tolerance = 1e-8;
    p.maxIterations = 20000;
    return p;
}

TEST(XAI_SuperResolution, one_identity_view_without_regularisation_returns_its_map)
{
    // D is the identity when the grid is the frame; one unwarped view and no regularisation leave the
    // data term alone, whose minimiser over non-negative maps is the (non-negative) map itself.
    const Size frame(24, 20);
    Mat m;
    cvtColor(randomImage(frame, 9), m, COLOR_BGR2GRAY);
    m.convertTo(m, CV_32F, 1.0 / 255);
    Ptr<xai::MapFusion> fusion = xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, unregularised());
    fusion->reset(frame);
    fusion->add(m, noArray(), m, Mat(Matx23d(1, 0, 0, 0, 1, 0)));
    Mat fused;
    fusion->fuse(fused);
    EXPECT_LE(maxAbsDiff(fused, m), 1e-6);
    EXPECT_TRUE(fusion->getReport().converged);
}

//! Views of a known high-resolution pattern: warped by cv::warpAffine, downsampled by cv::resize (INTER_AREA).
struct SyntheticViews
{
    Mat truth;                 //!< CV_32F frame
    std::vector<Mat> warps, lowRes;
};

SyntheticViews syntheticViews(Size frame, Size grid, int count, uint64 seed, bool lattice)
{
    SyntheticViews s;
    s.truth = Mat::zeros(frame, CV_32F);
    circle(s.truth, Point(22, 27), 7, Scalar::all(1.0), -1, LINE_AA);
    rectangle(s.truth, Rect(38, 12, 5, 18), Scalar::all(0.7), -1);
    line(s.truth, Point(8, 52), Point(56, 46), Scalar::all(0.5), 3, LINE_AA);
    xai::AugmentationParams a;
    a.numAugmentations = count;
    a.maxAngle = 10;
    a.maxShift = 0.1;
    a.seed = (int)seed;
    a.latticeSize = lattice ? (int)std::lround(std::sqrt((double)count)) : 0;
    xai::generateWarps(frame, a, s.warps, grid);
    for (size_t i = 0; i < s.warps.size(); i++)
    {
        Mat view, low;
        warpAffine(s.truth, view, s.warps[i], frame, INTER_LINEAR, BORDER_CONSTANT, Scalar::all(0));
        resize(view, low, grid, 0, 0, INTER_AREA);
        s.lowRes.push_back(low);
    }
    return s;
}

Mat fuseSynthetic(const SyntheticViews& s, int method, const xai::SuperResolutionParams& p,
                  xai::FusionReport* report = NULL)
{
    const Size frame = s.truth.size();
    Ptr<xai::MapFusion> fusion = xai::MapFusion::create(method, p);
    fusion->reset(frame);
    for (size_t i = 0; i < s.warps.size(); i++)
    {
        Mat up, unwarped, validity;
        resize(s.lowRes[i], up, frame, 0, 0, INTER_LINEAR);
        xai::unwarpMap(up, s.warps[i], unwarped, validity);
        fusion->add(unwarped, validity, s.lowRes[i], s.warps[i]);
    }
    Mat fused;
    fusion->fuse(fused);
    if (report)
        *report = fusion->getReport();
    return fused;
}

double psnr(const Mat& truth, const Mat& map)
{
    // Both scaled to a maximum of 1, as the explainers normalise maps.
    double t = 0, m = 0;
    minMaxLoc(truth, NULL, &t);
    minMaxLoc(map, NULL, &m);
    Mat a = truth / t, b = map / m;
    return cv::PSNR(a, b, 1.0);
}

TEST(XAI_SuperResolution, recovers_detail_that_mean_fusion_blurs)
{
    // 16 views of an 8x8 grid over a 64x64 frame (8-pixel cells).
    const Size frame(64, 64), grid(8, 8);
    for (bool lattice : { false, true })
    {
        const SyntheticViews s = syntheticViews(frame, grid, 16, 4, lattice);
        xai::SuperResolutionParams p;
        p.normalizeViews = false;
        p.lambdaTV = 0.0005; // noise-free data need little regularisation
        const double mean = psnr(s.truth, fuseSynthetic(s, xai::FUSION_MEAN, p));
        xai::FusionReport report;
        const double sr = psnr(s.truth, fuseSynthetic(s, xai::FUSION_SUPER_RESOLUTION, p, &report));
        std::cout << (lattice ? "lattice" : "random") << " views: PSNR mean fusion " << mean
                  << " dB, super-resolution " << sr << " dB (" << report.iterations << " iterations)" << std::endl;
        // Measured: +4.4 dB (random views) and +4.3 dB (lattice views) over mean fusion's 16.5 dB.
        EXPECT_GT(sr, mean + 3.0);
        EXPECT_TRUE(report.converged);
    }
}

TEST(XAI_SuperResolution, solver_reaches_the_minimiser)
{
    const Size frame(64, 64), grid(8, 8);
    const SyntheticViews s = syntheticViews(frame, grid, 12, 7, false);
    xai::SuperResolutionParams p;
    p.lambdaTV = 0.01;
    p.lambdaEnergy = 1e-3;
    p.tolerance = 1e-4;
    p.maxIterations = 20000;
    xai::detail::SuperResolutionProblem problem(frame, grid, p);
    for (size_t i = 0; i < s.warps.size(); i++)
    {
        Mat low;
        s.lowRes[i].convertTo(low, CV_64F);
        problem.addView(low / 0.9, Matx23d(s.warps[i]));
    }
    Mat u;
    int iterations = 0;
    double residual = 0;
    std::vector<double> history;
    problem.solve(u, iterations, residual, &history);
    EXPECT_LT(residual, p.tolerance);
    EXPECT_LT(iterations, p.maxIterations);
    ASSERT_EQ((size_t)iterations + 1, history.size());
    EXPECT_LT(history.back(), history.front());
    double best = history.front();
    for (size_t i = 0; i < history.size(); i++)
        best = std::min(best, history[i]);
    EXPECT_LE(history.back(), best + 1e-6 * std::abs(best));
    const double at = problem.objective(u);
    EXPECT_NEAR(history.back(), at, 1e-9 * std::abs(at));

    // No feasible point nearby does better: random moves, single-pixel moves and a global scaling.
    double minU = 0;
    minMaxLoc(u, &minU);
    EXPECT_GE(minU, 0.0);
    RNG rng(3);
    for (int t = 0; t < 40; t++)
    {
        Mat d(u.size(), CV_64F);
        rng.fill(d, RNG::NORMAL, 0, t < 20 ? 1e-3 : 1e-2);
        Mat moved = cv::max(u + d, 0.0);
        EXPECT_GE(problem.objective(moved), at - 1e-7 * std::abs(at)) << "random move " << t;
    }
    for (double f : { 0.99, 1.01 })
        EXPECT_GE(problem.objective(u * f), at - 1e-7 * std::abs(at)) << "scaled by " << f;
    for (int t = 0; t < 40; t++)
    {
        Mat moved = u.clone();
        double& v = moved.at<double>(rng.uniform(0, u.rows), rng.uniform(0, u.cols));
        v = std::max(0.0, v + (t % 2 ? 1e-3 : -1e-3));
        EXPECT_GE(problem.objective(moved), at - 1e-7 * std::abs(at)) << "pixel move " << t;
    }
}

TEST(XAI_SuperResolution, zero_views_are_dropped_and_nothing_is_nan)
{
    const Size frame(32, 32), grid(4, 4);
    for (bool normalize : { true, false })
    {
        xai::SuperResolutionParams p;
        p.normalizeViews = normalize;
        Ptr<xai::MapFusion> fusion = xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p);
        fusion->reset(frame);
        const Mat zero = Mat::zeros(grid, CV_32F), negative = Mat(grid, CV_32F, Scalar::all(-2));
        fusion->add(noArray(), noArray(), zero, noArray());
        fusion->add(noArray(), noArray(), negative, noArray());
        Mat fused;
        fusion->fuse(fused);
        EXPECT_EQ(0, countNonZero(fused));
        EXPECT_EQ(2, fusion->getViewCount());
        EXPECT_EQ(0, fusion->getReport().views);

        Mat some = Mat::zeros(grid, CV_32F);
        some.at<float>(1, 2) = 0.5f;
        fusion->add(noArray(), noArray(), some, noArray());
        fusion->fuse(fused);
        EXPECT_TRUE(checkRange(fused));
        EXPECT_EQ(1, fusion->getReport().views);
        Point top;
        minMaxLoc(fused, NULL, NULL, NULL, &top);
        EXPECT_EQ(1, top.y / 8);
        EXPECT_EQ(2, top.x / 8);
    }
}

TEST(XAI_SuperResolution, bad_settings_are_refused_by_name)
{
    const auto refused = [](void (*change)(xai::SuperResolutionParams&), const char* words) {
        xai::SuperResolutionParams p;
        change(p);
        expectError([&] { xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p); }, words);
        xai::AugmentedScoreCAM::Params ap;
        ap.fusion = xai::FUSION_SUPER_RESOLUTION;
        ap.superResolution = p;
        expectError([&] { xai::AugmentedScoreCAM::create(makeTinyNet(TinyNetSpec()), ap); }, words);
    };
    refused([](xai::SuperResolutionParams& p) { p.lambdaTV = -0.1; }, "lambdaTV is -0.1");
    refused([](xai::SuperResolutionParams& p) { p.lambdaEnergy = -1; }, "lambdaEnergy is -1");
    refused([](xai::SuperResolutionParams& p) { p.lambdaTV = std::numeric_limits<double>::infinity(); }, "lambdaTV");
    refused([](xai::SuperResolutionParams& p) { p.maxIterations = 0; }, "maxIterations");
    refused([](xai::SuperResolutionParams& p) { p.tolerance = std::numeric_limits<double>::quiet_NaN(); },
            "tolerance is nan");
    refused([](xai::SuperResolutionParams& p) { p.tolerance = 0; }, "tolerance is 0");
    refused([](xai::SuperResolutionParams& p) { p.downsampling = 3; }, "downsampling is 3");
    refused([](xai::SuperResolutionParams& p) { p.resolution = -1; }, "resolution");
    refused([](xai::SuperResolutionParams& p) { p.minValidity = 1.5; }, "minValidity is 1.5");

    Ptr<xai::MapFusion> fusion = xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION);
    fusion->reset(Size(16, 16));
    expectError([&] { fusion->add(Mat::ones(16, 16, CV_32F), noArray(), noArray(), noArray()); },
                "needs each view's low-resolution map");
    fusion->add(noArray(), noArray(), Mat::ones(4, 4, CV_32F), noArray());
    expectError([&] { fusion->add(noArray(), noArray(), Mat::ones(2, 4, CV_32F), noArray()); }, "differ in size");
    Mat nan = Mat::ones(4, 4, CV_32F);
    nan.at<float>(0, 0) = std::numeric_limits<float>::quiet_NaN();
    expectError([&] { fusion->add(noArray(), noArray(), nan, noArray()); }, "NaN");
}

TEST(XAI_SuperResolution, same_inputs_give_the_same_map_bitwise_at_any_thread_count)
{
    const SyntheticViews s = syntheticViews(Size(64, 64), Size(8, 8), 10, 2, false);
    const xai::SuperResolutionParams p;
    const Mat a = fuseSynthetic(s, xai::FUSION_SUPER_RESOLUTION, p);
    const Mat b = fuseSynthetic(s, xai::FUSION_SUPER_RESOLUTION, p);
    const int threads = getNumThreads();
    setNumThreads(1);
    const Mat c = fuseSynthetic(s, xai::FUSION_SUPER_RESOLUTION, p);
    setNumThreads(threads);
    EXPECT_EQ(0.0, maxAbsDiff(a, b));
    EXPECT_EQ(0.0, maxAbsDiff(a, c));
}

}} // namespace
