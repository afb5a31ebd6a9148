// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "augmentation_internal.hpp"
#include "super_resolution.hpp"

namespace cv {
namespace xai {

MapFusion::MapFusion() {}
MapFusion::~MapFusion() {}

SuperResolutionParams::SuperResolutionParams()
    : lambdaTV(0.0005), lambdaEnergy(1e-4), maxIterations(2000), tolerance(1e-2), downsampling(DOWNSAMPLE_AREA),
      resolution(4), normalizeViews(true), minValidity(0.5)
{
}

FusionReport::FusionReport() : views(0), iterations(0), residual(0), converged(false) {}

static void checkSuperResolutionParams(const SuperResolutionParams& p)
{
    if (!(p.lambdaTV >= 0) || !std::isfinite(p.lambdaTV))
        CV_Error(Error::StsBadArg, cv::format("SuperResolutionParams::lambdaTV is %g: a finite value >= 0 is expected",
                                              p.lambdaTV));
    if (!(p.lambdaEnergy >= 0) || !std::isfinite(p.lambdaEnergy))
        CV_Error(Error::StsBadArg, cv::format("SuperResolutionParams::lambdaEnergy is %g: a finite value >= 0 is "
                                              "expected", p.lambdaEnergy));
    // Bounded so that a solve (and its objective history, one double per iteration) ends; the
    // residual is relative, and double arithmetic does not resolve it below about 1e-12.
    if (p.maxIterations < 1 || p.maxIterations > 10000000)
        CV_Error(Error::StsOutOfRange, cv::format("SuperResolutionParams::maxIterations is %d: 1 to 10000000 is "
                                                  "expected", p.maxIterations));
    if (!(p.tolerance >= 1e-12 && p.tolerance <= 1))
        CV_Error(Error::StsBadArg, cv::format("SuperResolutionParams::tolerance is %g: a relative residual from 1e-12 "
                                              "to 1 is expected", p.tolerance));
    if (p.downsampling != DOWNSAMPLE_AREA && p.downsampling != DOWNSAMPLE_POINT)
        CV_Error(Error::StsBadArg, cv::format("SuperResolutionParams::downsampling is %d: DOWNSAMPLE_AREA (0) or "
                                              "DOWNSAMPLE_POINT (1) is expected", p.downsampling));
    CV_CheckGE(p.resolution, 0, "SuperResolutionParams::resolution must be 0 (the frame's) or positive");
    CV_CheckLE(p.resolution, 256, "SuperResolutionParams::resolution: unknown pixels per grid cell, at most 256");
    if (!(p.minValidity >= 0 && p.minValidity <= 1))
        CV_Error(Error::StsBadArg, cv::format("SuperResolutionParams::minValidity is %g: a share in [0, 1] is expected",
                                              p.minValidity));
}

namespace {

//! The fused map goes out as CV_32FC1: into a Mat_<uchar> it would be cut to 0 and 1.
void checkOutput(OutputArray fused)
{
    if (fused.fixedType() && fused.type() != CV_32FC1)
        CV_Error(Error::StsBadArg, "MapFusion::fuse: the fused map is CV_32FC1; the output given is fixed to " +
                 typeToString(fused.type()) + " (pass a Mat or a Mat_<float>)");
}

//! Sums of finite float maps can still overflow: say so rather than hand out inf.
void checkFused(const Mat& map)
{
    if (!checkRange(map))
        CV_Error(Error::StsOutOfRange, "MapFusion::fuse: the views' values are too large: the fused map is not finite "
                 "in float; scale the maps down");
}

/** Fusions that keep running per-pixel accumulators: memory is two frame-sized maps, whatever
    the number of views. */
class AccumulatingFusion CV_FINAL : public MapFusion
{
public:
    explicit AccumulatingFusion(int method) : method_(method), views_(0), converged_(false) {}

    void reset(Size frameSize) CV_OVERRIDE
    {
        CV_Assert(frameSize.width > 0 && frameSize.height > 0);
        accumulator_ = Mat::zeros(frameSize, CV_32F);
        weight_ = Mat::zeros(frameSize, CV_32F);
        views_ = 0;
        converged_ = false;
    }

    void add(InputArray map_, InputArray validity_, InputArray /*lowResMap*/, InputArray /*warp*/) CV_OVERRIDE
    {
        CV_Assert(!accumulator_.empty() && "MapFusion::reset() must be called before add()");
        CV_CheckTypeEQ(map_.type(), CV_32FC1, "MapFusion::add: a CV_32FC1 map is expected");
        CV_CheckEQ(map_.size(), accumulator_.size(), "MapFusion::add: the map must have the frame size given to reset()");
        const Mat map = map_.getMat();
        if (!checkRange(map))
            CV_Error(Error::StsBadArg, "MapFusion::add: the map contains NaN or infinite values");
        Mat validity;
        if (validity_.empty())
            validity = Mat::ones(map.size(), CV_32F);
        else
        {
            CV_CheckTypeEQ(validity_.type(), CV_32FC1, "MapFusion::add: a CV_32FC1 validity is expected");
            CV_CheckEQ(validity_.size(), map.size(), "MapFusion::add: validity and map sizes differ");
            validity = validity_.getMat();
            // A share of the pixel the view saw; a negative one would subtract the view's map.
            if (!checkRange(validity, true, NULL, 0.0, 1.0 + 1e-6))
                CV_Error(Error::StsOutOfRange, "MapFusion::add: the validity must be a share in [0, 1] at every pixel");
        }
        if (method_ == FUSION_MEAN)
        {
            // The map came back through the same bilinear warp as the validity: it is already
            // weighted by it, and the ratio of the sums is the validity-weighted mean.
            accumulator_ += map;
            weight_ += validity;
        }
        else
            max(accumulator_, map, accumulator_);
        views_++;
    }

    void fuse(OutputArray fused) const CV_OVERRIDE
    {
        CV_Assert(views_ > 0 && "MapFusion::fuse: no view was added");
        checkOutput(fused);
        converged_ = false;
        if (method_ == FUSION_MAX)
        {
            accumulator_.copyTo(fused);
            converged_ = true;
            return;
        }
        // Pixels no view saw get 0, not 0/0.
        Mat seen = weight_ > 1e-6f;
        Mat out = Mat::zeros(accumulator_.size(), CV_32F);
        divide(accumulator_, weight_, out);
        out.setTo(Scalar::all(0), ~seen);
        checkFused(out);
        out.copyTo(fused);
        converged_ = true;
    }

    int getViewCount() const CV_OVERRIDE { return views_; }

    FusionReport getReport() const CV_OVERRIDE
    {
        FusionReport r;
        r.views = views_;
        r.converged = converged_;
        return r;
    }

    void setProgressCallback(const ProgressCallback&) CV_OVERRIDE {}  // nothing to report: no solve

private:
    int method_;
    int views_;
    mutable bool converged_; //!< the last fuse() gave a map
    Mat accumulator_;
    Mat weight_;
};

/** Super-resolution: solves for the map whose warped, downsampled copies reproduce the views'
    low-resolution maps (see SuperResolutionParams). Views are folded into the problem's normal
    equations as they arrive. */
class SuperResolutionFusion CV_FINAL : public MapFusion
{
public:
    explicit SuperResolutionFusion(const SuperResolutionParams& params) : params_(params), views_(0) {}

    void reset(Size frameSize) CV_OVERRIDE
    {
        CV_Assert(frameSize.width > 0 && frameSize.height > 0);
        frame_ = frameSize;
        problem_.release();
        views_ = 0;
        report_ = FusionReport();
    }

    void add(InputArray /*map*/, InputArray /*validity*/, InputArray lowResMap, InputArray warp_) CV_OVERRIDE
    {
        CV_Assert(!frame_.empty() && "MapFusion::reset() must be called before add()");
        if (lowResMap.empty())
            CV_Error(Error::StsBadArg, "MapFusion::add: FUSION_SUPER_RESOLUTION needs each view's low-resolution map");
        CV_CheckTypeEQ(lowResMap.type(), CV_32FC1, "MapFusion::add: a CV_32FC1 low-resolution map is expected");
        const Matx23d warp = warp_.empty() ? Matx23d(1, 0, 0, 0, 1, 0) : Matx23d(checkWarp(warp_));
        if (problem_ && lowResMap.size() != grid_)
            CV_Error(Error::StsUnmatchedSizes, "MapFusion::add: the views' low-resolution maps differ in size");
        Mat data;
        lowResMap.getMat().convertTo(data, CV_64F);
        if (!checkRange(data))
            CV_Error(Error::StsBadArg, "MapFusion::add: the low-resolution map contains NaN or infinite values");
        max(data, 0.0, data); // the views' maps are ReLU'd, as the maps themselves
        views_++;
        double maxVal = 0;
        minMaxLoc(data, NULL, &maxVal);
        if (!(maxVal > 0))
            return; // a view that saw nothing of the class: no scale to compare it with
        if (params_.normalizeViews)
            data /= maxVal;
        if (!problem_)
        {
            grid_ = data.size();
            problem_ = makePtr<detail::SuperResolutionProblem>(frame_, grid_, params_);
        }
        problem_->addView(data, warp);
    }

    void fuse(OutputArray fused) const CV_OVERRIDE
    {
        CV_Assert(views_ > 0 && "MapFusion::fuse: no view was added");
        checkOutput(fused);
        report_ = FusionReport();
        report_.views = problem_ ? problem_->views() : 0;
        if (!problem_)
        {
            // Every view was zero everywhere: so is the map.
            fused.create(frame_, CV_32F);
            fused.setTo(Scalar::all(0));
            report_.converged = true;
            return;
        }
        Mat u;
        problem_->solve(u, report_.iterations, report_.residual, &report_.objective, progress_);
        Mat map;
        resize(u, map, frame_, 0, 0, INTER_LINEAR);
        map.convertTo(map, CV_32F);
        checkFused(map);
        report_.converged = report_.residual < params_.tolerance;
        map.copyTo(fused);
    }

    int getViewCount() const CV_OVERRIDE { return views_; }
    FusionReport getReport() const CV_OVERRIDE { return report_; }
    void setProgressCallback(const ProgressCallback& callback) CV_OVERRIDE { progress_ = callback; }

private:
    SuperResolutionParams params_;
    Size frame_, grid_;
    int views_;
    Ptr<detail::SuperResolutionProblem> problem_;
    mutable FusionReport report_;
    ProgressCallback progress_;
};

} // namespace

Ptr<MapFusion> MapFusion::create(int method, const SuperResolutionParams& superResolution)
{
    if (method == FUSION_SUPER_RESOLUTION)
    {
        checkSuperResolutionParams(superResolution);
        return makePtr<SuperResolutionFusion>(superResolution);
    }
    if (method != FUSION_MEAN && method != FUSION_MAX)
        CV_Error(Error::StsBadArg, cv::format("unknown fusion method %d: FUSION_MEAN (0), FUSION_MAX (1) or "
                                              "FUSION_SUPER_RESOLUTION (2) is expected", method));
    return makePtr<AccumulatingFusion>(method);
}

}} // namespace cv::xai
