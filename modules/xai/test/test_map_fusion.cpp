// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// MapFusion used on its own: bad data refused by name, a solve that can be cancelled, and
// settings whose cost has no bound refused before they run.

#include "test_precomp.hpp"
#include "test_common.hpp"

namespace opencv_test { namespace {

using namespace xai_test;

//! A low-resolution view map with one bright cell.
Mat cellMap(Size grid)
{
    Mat m = Mat::zeros(grid, CV_32F);
    m.at<float>(grid.height / 2, grid.width / 3) = 1;
    return m;
}

TEST(XAI_MapFusion, bad_maps_and_validity_are_refused)
{
    for (int method : {xai::FUSION_MEAN, xai::FUSION_MAX})
    {
        Ptr<xai::MapFusion> f = xai::MapFusion::create(method);
        f->reset(Size(8, 8));
        Mat nan = Mat::ones(8, 8, CV_32F);
        nan.at<float>(2, 3) = std::numeric_limits<float>::quiet_NaN();
        expectError([&] { f->add(nan, noArray()); }, "NaN");
        expectError([&] { f->add(Mat::ones(8, 8, CV_32F), Mat::ones(8, 8, CV_32F) * -1); }, "validity");
        expectError([&] { f->add(Mat::ones(8, 8, CV_32F), Mat::ones(8, 8, CV_32F) * 2); }, "validity");
        EXPECT_EQ(0, f->getViewCount()) << "a refused view is not counted";
    }
}

TEST(XAI_MapFusion, a_sum_that_overflows_is_an_error_not_inf)
{
    Ptr<xai::MapFusion> f = xai::MapFusion::create(xai::FUSION_MEAN);
    f->reset(Size(4, 4));
    const Mat huge(4, 4, CV_32F, Scalar::all(3e38));
    f->add(huge, noArray());
    f->add(huge, noArray());
    Mat out;
    expectError([&] { f->fuse(out); }, "too large");
    EXPECT_FALSE(f->getReport().converged);
}

TEST(XAI_MapFusion, output_of_another_type_is_refused)
{
    for (int method : {xai::FUSION_MEAN, xai::FUSION_MAX, xai::FUSION_SUPER_RESOLUTION})
    {
        Ptr<xai::MapFusion> f = xai::MapFusion::create(method);
        f->reset(Size(16, 16));
        Mat_<float> map(16, 16, 0.5f);
        f->add(map, noArray(), cellMap(Size(4, 4)), noArray());
        Mat_<uchar> bytes;
        expectError([&] { f->fuse(bytes); }, "CV_32FC1");
        Mat_<float> floats;
        f->fuse(floats);
        EXPECT_EQ(Size(16, 16), floats.size());
    }
}

TEST(XAI_MapFusion, a_solve_reports_progress_and_can_be_cancelled)
{
    xai::SuperResolutionParams p;
    p.tolerance = 1e-12;
    p.maxIterations = 10000000;
    p.resolution = 0;
    Ptr<xai::MapFusion> f = xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p);
    f->reset(Size(128, 128));
    for (int v = 0; v < 4; v++)
        f->add(noArray(), noArray(), cellMap(Size(16, 16)), Matx23d(1, 0, v, 0, 1, -v));
    int calls = 0, lastDone = -1, lastTotal = -1;
    const int64 start = getTickCount();
    f->setProgressCallback([&](int done, int total) {
        calls++;
        lastDone = done;
        lastTotal = total;
        return (getTickCount() - start) / getTickFrequency() < 0.5;
    });
    Mat out;
    expectError([&] { f->fuse(out); }, "cancelled");
    const double seconds = (getTickCount() - start) / getTickFrequency();
    EXPECT_LT(seconds, 2.0) << "the solve must stop within about a second of the cancel";
    EXPECT_GT(calls, 1);
    EXPECT_GT(lastDone, 0);
    EXPECT_EQ(p.maxIterations, lastTotal);
    EXPECT_FALSE(f->getReport().converged);

    // Without the callback (an empty function removes it) the same fusion solves to its end.
    f->setProgressCallback(xai::ProgressCallback());
    p.maxIterations = 50;
    f = xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p);
    f->reset(Size(64, 64));
    f->add(noArray(), noArray(), cellMap(Size(8, 8)), noArray());
    f->fuse(out);
    EXPECT_EQ(50, f->getReport().iterations);
}

TEST(XAI_MapFusion, unbounded_settings_are_refused)
{
    xai::SuperResolutionParams p;
    p.maxIterations = std::numeric_limits<int>::max();
    expectError([&] { xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p); }, "maxIterations");
    p = xai::SuperResolutionParams();
    p.tolerance = 1e-300;
    expectError([&] { xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p); }, "tolerance is 1e-300");
    // The command line bounds the lambdas to [0, 1e6]: the library does too, naming field, value and range.
    p = xai::SuperResolutionParams();
    p.lambdaTV = 1e300;
    expectError([&] { xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p); },
                "SuperResolutionParams::lambdaTV is 1e+300: a value in [0, 1e6] is expected");
    p = xai::SuperResolutionParams();
    p.lambdaEnergy = 1e300;
    expectError([&] { xai::MapFusion::create(xai::FUSION_INTERLEAVE, p); },
                "SuperResolutionParams::lambdaEnergy is 1e+300: a value in [0, 1e6] is expected");
    p.lambdaEnergy = 1e6;  // the bound itself is legal
    p.lambdaTV = 1e6;
    xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p);
    // The resolution's message says what 0 means.
    p = xai::SuperResolutionParams();
    p.resolution = 257;
    expectError([&] { xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p); },
                "SuperResolutionParams::resolution: pixels per grid cell (0 = the frame's), at most 256");

    // A view zoomed out 64 times couples every pixel of the frame with every other: refused by
    // its memory, as a cv::Exception (it was std::bad_alloc).
    p = xai::SuperResolutionParams();
    p.resolution = 0;
    Ptr<xai::MapFusion> f = xai::MapFusion::create(xai::FUSION_SUPER_RESOLUTION, p);
    f->reset(Size(224, 224));
    const double s = 1.0 / 64;
    const Matx23d zoomOut(s, 0, 112 * (1 - s), 0, s, 112 * (1 - s));
    expectError([&] { f->add(noArray(), noArray(), cellMap(Size(14, 14)), zoomOut); }, "MiB");
}

}} // namespace

namespace opencv_test { namespace {

using namespace xai_test;

TEST(XAI_AugmentedScoreCAM, progress_callback_cancels_a_super_resolution_solve)
{
    // Settings that would keep the solver busy for minutes: the explainer's own callback must
    // reach into the solve, and returning false there must stop it.
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam = tinyParams();
    p.augmentation.numAugmentations = 4;
    p.augmentation.latticeSize = 0;
    p.fusion = xai::FUSION_SUPER_RESOLUTION;
    p.superResolution.maxIterations = 10000000;
    p.superResolution.tolerance = 1e-12;
    p.superResolution.resolution = 0;
    Ptr<xai::AugmentedScoreCAM> asc = xai::AugmentedScoreCAM::create(makeTinyNet(TinyNetSpec()), p);
    int duringSolve = 0;
    asc->setProgressCallback([&](int done, int total) {
        if (done < total)
            return true; // the forwards
        return ++duringSolve < 2; // 1: the last forward (done == total); 2: the solve
    });
    Mat map;
    expectError([&] { asc->compute(randomImage(Size(32, 24), 2), 0, map); }, "cancelled");
    EXPECT_EQ(2, duringSolve);
}

}} // namespace
