// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "augmentation_internal.hpp"
#include "super_resolution.hpp"

#include <climits>

namespace cv {
namespace xai {

MapFusion::MapFusion() {}
MapFusion::~MapFusion() {}

SuperResolutionParams::SuperResolutionParams()
    : lambdaTV(0.0005), lambdaEnergy(1e-4), maxIterations(2000), tolerance(1e-2), downsampling(DOWNSAMPLE_AREA),
      resolution(4), normalizeViews(true), minValidity(0.5)
{
}

FusionReport::FusionReport() : views(0), iterations(0), residual(0), converged(false), interleaved(false) {}

static void checkSuperResolutionParams(const SuperResolutionParams& p)
{
    // Bounded as the command line's --sr-lambda-tv and --sr-lambda-energy are, so that a setting
    // the programs refuse is not accepted through the library (or a Python script).
    if (!(p.lambdaTV >= 0 && p.lambdaTV <= 1e6))
        CV_Error(Error::StsOutOfRange, cv::format("SuperResolutionParams::lambdaTV is %g: a value in [0, 1e6] is "
                                                  "expected", p.lambdaTV));
    if (!(p.lambdaEnergy >= 0 && p.lambdaEnergy <= 1e6))
        CV_Error(Error::StsOutOfRange, cv::format("SuperResolutionParams::lambdaEnergy is %g: a value in [0, 1e6] is "
                                                  "expected", p.lambdaEnergy));
    // Bounded so that a solve (and its objective history, one double per iteration) ends; the
    // residual is relative, and double arithmetic does not resolve it below about 1e-12.
    if (p.maxIterations < 1 || p.maxIterations > 10000000)
        CV_Error(Error::StsOutOfRange, cv::format("SuperResolutionParams::maxIterations is %d: 1 to 10000000 is "
                                                  "expected", p.maxIterations));
    if (!(p.tolerance >= 1e-12 && p.tolerance <= 1))
        CV_Error(Error::StsBadArg, cv::format("SuperResolutionParams::tolerance is %g: a relative residual from 1e-12 "
                                              "to 1 is expected", p.tolerance));
    if (p.downsampling != DOWNSAMPLE_AREA && p.downsampling != DOWNSAMPLE_POINT && p.downsampling != DOWNSAMPLE_CENTER)
        CV_Error(Error::StsBadArg, cv::format("SuperResolutionParams::downsampling is %d: DOWNSAMPLE_AREA (0), "
                                              "DOWNSAMPLE_POINT (1) or DOWNSAMPLE_CENTER (2) is expected",
                                              p.downsampling));
    CV_CheckGE(p.resolution, 0, "SuperResolutionParams::resolution must be 0 (the frame's) or positive");
    CV_CheckLE(p.resolution, 256, "SuperResolutionParams::resolution: pixels per grid cell (0 = the frame's), at most 256");
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

    void reset(Size frameSize, const LayerGeometry& /*geometry: the maps come upsampled already*/) CV_OVERRIDE
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

    void reset(Size frameSize, const LayerGeometry& geometry) CV_OVERRIDE
    {
        CV_Assert(frameSize.width > 0 && frameSize.height > 0);
        frame_ = frameSize;
        geometry_ = geometry;
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
            problem_ = makePtr<detail::SuperResolutionProblem>(frame_, grid_, params_, geometry_);
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
    LayerGeometry geometry_;
    int views_;
    Ptr<detail::SuperResolutionProblem> problem_;
    mutable FusionReport report_;
    ProgressCallback progress_;
};

//! Greatest common divisor of two non-negative integers.
int gcd(int a, int b)
{
    while (b)
    {
        const int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

//! Non-negative remainder.
int positiveMod(int a, int m)
{
    return ((a % m) + m) % m;
}

/** Shift-and-stitch of whole-pixel translated views (see FUSION_INTERLEAVE); views that are no
    lattice go to super-resolution with the same geometry. Keeps every view's low-resolution map,
    which is one layer grid per view. */
class InterleaveFusion CV_FINAL : public MapFusion
{
public:
    explicit InterleaveFusion(const SuperResolutionParams& params) : params_(params) {}

    void reset(Size frameSize, const LayerGeometry& geometry) CV_OVERRIDE
    {
        CV_Assert(frameSize.width > 0 && frameSize.height > 0);
        frame_ = frameSize;
        geometry_ = geometry;
        lowRes_.clear();
        warps_.clear();
        report_ = FusionReport();
    }

    void add(InputArray /*map*/, InputArray /*validity*/, InputArray lowResMap, InputArray warp) CV_OVERRIDE
    {
        CV_Assert(!frame_.empty() && "MapFusion::reset() must be called before add()");
        if (lowResMap.empty())
            CV_Error(Error::StsBadArg, "MapFusion::add: FUSION_INTERLEAVE needs each view's low-resolution map");
        CV_CheckTypeEQ(lowResMap.type(), CV_32FC1, "MapFusion::add: a CV_32FC1 low-resolution map is expected");
        if (!lowRes_.empty() && lowResMap.size() != lowRes_[0].size())
            CV_Error(Error::StsUnmatchedSizes, "MapFusion::add: the views' low-resolution maps differ in size");
        if (!checkRange(lowResMap))
            CV_Error(Error::StsBadArg, "MapFusion::add: the low-resolution map contains NaN or infinite values");
        lowRes_.push_back(lowResMap.getMat().clone());
        warps_.push_back(warp.empty() ? Mat(Matx23d(1, 0, 0, 0, 1, 0), true) : checkWarp(warp));
    }

    void fuse(OutputArray fused) const CV_OVERRIDE
    {
        CV_Assert(!lowRes_.empty() && "MapFusion::fuse: no view was added");
        report_ = FusionReport();
        const LayerGeometry g = geometry_.isValid() ? geometry_ : resizeGeometry(frame_, lowRes_[0].size());
        if (sameTranslation())
        {
            // One place for every view (the identity alone, say): their mean, each cell at its
            // centre, whatever the geometry; this is Score-CAM's map for the identity.
            Mat mean = Mat::zeros(lowRes_[0].size(), CV_32F);
            for (size_t v = 0; v < lowRes_.size(); v++)
                mean += lowRes_[v];
            mean /= (double)lowRes_.size();
            LayerGeometry shifted = g;
            shifted.offset -= Point2d(warps_[0].at<double>(0, 2), warps_[0].at<double>(1, 2));
            Mat map;
            upsampleToFrame(mean, shifted, frame_, map);
            max(map, 0.0, map);
            map.copyTo(fused);
            report_.views = (int)lowRes_.size();
            report_.converged = report_.interleaved = true;
            return;
        }
        std::vector<Point> shifts;
        Point step;
        if (!wholePixelLattice(g, shifts, step))
        {
            Ptr<MapFusion> sr = MapFusion::create(FUSION_SUPER_RESOLUTION, params_);
            sr->setProgressCallback(progress_);
            sr->reset(frame_, g);
            for (size_t v = 0; v < lowRes_.size(); v++)
                sr->add(noArray(), noArray(), lowRes_[v], warps_[v]);
            sr->fuse(fused);
            report_ = sr->getReport();
            return;
        }
        interleave(g, shifts, step, fused);
        report_.views = (int)lowRes_.size();
        report_.converged = report_.interleaved = true;
    }

    int getViewCount() const CV_OVERRIDE { return (int)lowRes_.size(); }
    FusionReport getReport() const CV_OVERRIDE { return report_; }
    void setProgressCallback(const ProgressCallback& callback) CV_OVERRIDE { progress_ = callback; }

private:
    //! Whether every view is the same pure translation.
    bool sameTranslation() const
    {
        for (size_t v = 0; v < warps_.size(); v++)
        {
            const Mat& w = warps_[v];
            if (w.at<double>(0, 0) != 1 || w.at<double>(0, 1) != 0 || w.at<double>(1, 0) != 0 ||
                w.at<double>(1, 1) != 1 || norm(w, warps_[0], NORM_INF) != 0)
                return false;
        }
        return true;
    }

    /** Whether the views are whole-pixel translations on a whole-pixel grid whose offsets, modulo
        the stride, fill every point of a lattice of step `step` (which divides the stride). */
    bool wholePixelLattice(const LayerGeometry& g, std::vector<Point>& shifts, Point& step) const
    {
        if (!g.isWholePixel())
            return false;
        const Point s(cvRound(g.stride.x), cvRound(g.stride.y));
        step = s;
        shifts.clear();
        for (size_t v = 0; v < warps_.size(); v++)
        {
            const Mat& w = warps_[v];
            const double dx = w.at<double>(0, 2), dy = w.at<double>(1, 2);
            if (w.at<double>(0, 0) != 1 || w.at<double>(0, 1) != 0 || w.at<double>(1, 0) != 0 ||
                w.at<double>(1, 1) != 1 || dx != std::floor(dx) || dy != std::floor(dy) ||
                std::abs(dx) > frame_.width || std::abs(dy) > frame_.height)
                return false;
            shifts.push_back(Point((int)dx, (int)dy));
            step.x = gcd(step.x, positiveMod(shifts.back().x, s.x));
            step.y = gcd(step.y, positiveMod(shifts.back().y, s.y));
        }
        const int kx = s.x / step.x, ky = s.y / step.y;
        std::vector<uchar> seen((size_t)kx * ky, 0);
        for (size_t v = 0; v < shifts.size(); v++)
            seen[(size_t)(positiveMod(shifts[v].y, s.y) / step.y) * kx + positiveMod(shifts[v].x, s.x) / step.x] = 1;
        return std::find(seen.begin(), seen.end(), 0) == seen.end();
    }

    void interleave(const LayerGeometry& g, const std::vector<Point>& shifts, Point step, OutputArray fused) const
    {
        // View v's cell (r, c) was centred on view pixel s (c, r) + o, which is original pixel
        // s (c, r) + o - d_v: fine index ((s c - d_v) / step), a whole number.
        const Point s(cvRound(g.stride.x), cvRound(g.stride.y));
        const Size grid = lowRes_[0].size();
        Point lo(INT_MAX, INT_MAX), hi(INT_MIN, INT_MIN);
        for (size_t v = 0; v < shifts.size(); v++)
        {
            lo.x = std::min(lo.x, -shifts[v].x / step.x);
            lo.y = std::min(lo.y, -shifts[v].y / step.y);
            hi.x = std::max(hi.x, (s.x * (grid.width - 1) - shifts[v].x) / step.x);
            hi.y = std::max(hi.y, (s.y * (grid.height - 1) - shifts[v].y) / step.y);
        }
        const Size fine(hi.x - lo.x + 1, hi.y - lo.y + 1);
        Mat sum = Mat::zeros(fine, CV_64F), count = Mat::zeros(fine, CV_64F);
        for (size_t v = 0; v < shifts.size(); v++)
            for (int r = 0; r < grid.height; r++)
                for (int c = 0; c < grid.width; c++)
                {
                    const int fx = (s.x * c - shifts[v].x) / step.x - lo.x;
                    const int fy = (s.y * r - shifts[v].y) / step.y - lo.y;
                    sum.at<double>(fy, fx) += lowRes_[v].at<float>(r, c);
                    count.at<double>(fy, fx) += 1;
                }
        fillUncovered(sum, count);
        Mat grid32;
        sum.convertTo(grid32, CV_32F);
        LayerGeometry fineGeometry;
        fineGeometry.stride = Point2d(step.x, step.y);
        fineGeometry.offset = Point2d(g.offset.x + step.x * lo.x, g.offset.y + step.y * lo.y);
        fineGeometry.fromLayers = true;
        Mat map;
        upsampleToFrame(grid32, fineGeometry, frame_, map);
        max(map, 0.0, map); // as Score-CAM: the ReLU after upsampling
        map.copyTo(fused);
    }

    /** Averages the views that hit each fine cell; cells that none hit (at the edges, where the
        views' grids end at different places) take the mean of their hit neighbours, outwards. */
    static void fillUncovered(Mat& sum, Mat& count)
    {
        divide(sum, max(count, 1.0), sum);
        for (int pass = 0; pass < sum.rows + sum.cols; pass++)
        {
            bool missing = false;
            Mat next = sum.clone(), nextCount = count.clone();
            for (int y = 0; y < sum.rows; y++)
                for (int x = 0; x < sum.cols; x++)
                {
                    if (count.at<double>(y, x) > 0)
                        continue;
                    double acc = 0;
                    int n = 0;
                    const int ny[] = { y - 1, y + 1, y, y }, nx[] = { x, x, x - 1, x + 1 };
                    for (int i = 0; i < 4; i++)
                        if (ny[i] >= 0 && ny[i] < sum.rows && nx[i] >= 0 && nx[i] < sum.cols &&
                            count.at<double>(ny[i], nx[i]) > 0)
                        {
                            acc += sum.at<double>(ny[i], nx[i]);
                            n++;
                        }
                    if (n > 0)
                    {
                        next.at<double>(y, x) = acc / n;
                        nextCount.at<double>(y, x) = 1;
                    }
                    else
                        missing = true;
                }
            sum = next;
            count = nextCount;
            if (!missing)
                break;
        }
    }

    SuperResolutionParams params_;
    Size frame_;
    LayerGeometry geometry_;
    std::vector<Mat> lowRes_, warps_;
    mutable FusionReport report_;
    ProgressCallback progress_;
};

} // namespace

Ptr<MapFusion> MapFusion::create(int method, const SuperResolutionParams& superResolution)
{
    if (method == FUSION_SUPER_RESOLUTION || method == FUSION_INTERLEAVE)
    {
        checkSuperResolutionParams(superResolution);
        if (method == FUSION_INTERLEAVE)
            return makePtr<InterleaveFusion>(superResolution);
        return makePtr<SuperResolutionFusion>(superResolution);
    }
    if (method != FUSION_MEAN && method != FUSION_MAX)
        CV_Error(Error::StsBadArg, cv::format("unknown fusion method %d: FUSION_MEAN (0), FUSION_MAX (1), "
                                              "FUSION_SUPER_RESOLUTION (2) or FUSION_INTERLEAVE (3) is expected",
                                              method));
    return makePtr<AccumulatingFusion>(method);
}

}} // namespace cv::xai
