// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "fusion_case.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "../common/cli_values.hpp"
#include "../common/fusion_options.hpp"

namespace xai_benchmark {

namespace {

//! Blobs and bars of several sizes, some finer than a cell.
cv::Mat pattern(cv::Size frame)
{
    cv::Mat p = cv::Mat::zeros(frame, CV_32F);
    const double s = frame.width / 64.0;
    cv::circle(p, cv::Point(int(22 * s), int(27 * s)), int(7 * s), cv::Scalar::all(1.0), cv::FILLED, cv::LINE_AA);
    cv::rectangle(p, cv::Rect(int(38 * s), int(12 * s), int(5 * s), int(18 * s)), cv::Scalar::all(0.7), cv::FILLED);
    cv::line(p, cv::Point(int(8 * s), int(52 * s)), cv::Point(int(56 * s), int(46 * s)), cv::Scalar::all(0.5),
             std::max(1, int(3 * s)), cv::LINE_AA);
    return p;
}

} // namespace

std::string runFusionCase(const FusionCase& c)
{
    const cv::Mat truth = pattern(c.frame);
    cv::xai::AugmentationParams a = c.augmentation;
    a.numAugmentations = c.views;
    std::vector<cv::Mat> warps, lowRes, unwarped, validity;
    cv::xai::generateWarps(c.frame, a, warps, c.grid);
    for (const cv::Mat& w : warps)
    {
        cv::Mat view, low, up, back, valid;
        cv::warpAffine(truth, view, w, c.frame, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
        cv::resize(view, low, c.grid, 0, 0, cv::INTER_AREA);
        cv::resize(low, up, c.frame, 0, 0, cv::INTER_LINEAR);
        cv::xai::unwarpMap(up, w, back, valid);
        lowRes.push_back(low);
        unwarped.push_back(back);
        validity.push_back(valid);
    }
    std::vector<double> times;
    cv::Mat fused;
    cv::xai::FusionReport report;
    for (int r = 0; r < c.repeats; r++)
    {
        const auto t0 = std::chrono::steady_clock::now();
        cv::Ptr<cv::xai::MapFusion> f = cv::xai::MapFusion::create(c.fusion, c.superResolution);
        f->reset(c.frame);
        for (size_t i = 0; i < warps.size(); i++)
            f->add(unwarped[i], validity[i], lowRes[i], warps[i]);
        f->fuse(fused);
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        report = f->getReport();
    }
    std::sort(times.begin(), times.end());
    double top = 0;
    cv::minMaxLoc(fused, nullptr, &top);
    const double psnr = top > 0 ? cv::PSNR(truth, fused / top, 1.0) : 0.0;
    std::ostringstream o;
    o << "case=fusion fusion=" << xai_samples::nameOf(c.fusion, xai_samples::fusionChoices()) << " views=" << c.views
      << " grid=" << c.grid.width << "x" << c.grid.height << " frame=" << c.frame.width << "x" << c.frame.height
      << " lattice=" << a.latticeSize << " threads=" << cv::getNumThreads() << " ";
    if (c.fusion == cv::xai::FUSION_SUPER_RESOLUTION)
        o << xai_samples::describeSuperResolution(c.superResolution) << " solved_in=" << report.iterations
          << " residual=" << report.residual << " ";
    o.setf(std::ios::fixed);
    o.precision(4);
    o << "fusion_s=" << times[times.size() / 2];
    o.precision(2);
    o << " psnr_db=" << psnr;
    return o.str();
}

} // namespace xai_benchmark
