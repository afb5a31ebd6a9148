// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"

namespace cv {
namespace xai {

MapFusion::MapFusion() {}
MapFusion::~MapFusion() {}

namespace {

/** Fusions that keep running per-pixel accumulators: memory is two frame-sized maps, whatever
    the number of views. */
class AccumulatingFusion CV_FINAL : public MapFusion
{
public:
    explicit AccumulatingFusion(int method) : method_(method), views_(0) {}

    void reset(Size frameSize) CV_OVERRIDE
    {
        CV_Assert(frameSize.width > 0 && frameSize.height > 0);
        accumulator_ = Mat::zeros(frameSize, CV_32F);
        weight_ = Mat::zeros(frameSize, CV_32F);
        views_ = 0;
    }

    void add(InputArray map_, InputArray validity_, InputArray /*lowResMap*/, InputArray /*warp*/) CV_OVERRIDE
    {
        CV_Assert(!accumulator_.empty() && "MapFusion::reset() must be called before add()");
        CV_CheckTypeEQ(map_.type(), CV_32FC1, "MapFusion::add: a CV_32FC1 map is expected");
        CV_CheckEQ(map_.size(), accumulator_.size(), "MapFusion::add: the map must have the frame size given to reset()");
        const Mat map = map_.getMat();
        Mat validity;
        if (validity_.empty())
            validity = Mat::ones(map.size(), CV_32F);
        else
        {
            CV_CheckTypeEQ(validity_.type(), CV_32FC1, "MapFusion::add: a CV_32FC1 validity is expected");
            CV_CheckEQ(validity_.size(), map.size(), "MapFusion::add: validity and map sizes differ");
            validity = validity_.getMat();
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
        if (method_ == FUSION_MAX)
        {
            accumulator_.copyTo(fused);
            return;
        }
        // Pixels no view saw get 0, not 0/0.
        Mat seen = weight_ > 1e-6f;
        Mat out = Mat::zeros(accumulator_.size(), CV_32F);
        divide(accumulator_, weight_, out);
        out.setTo(Scalar::all(0), ~seen);
        out.copyTo(fused);
    }

    int getViewCount() const CV_OVERRIDE { return views_; }

private:
    int method_;
    int views_;
    Mat accumulator_;
    Mat weight_;
};

} // namespace

Ptr<MapFusion> MapFusion::create(int method)
{
    if (method != FUSION_MEAN && method != FUSION_MAX)
        CV_Error(Error::StsBadArg, cv::format("unknown fusion method %d: FUSION_MEAN (0) or FUSION_MAX (1) is expected", method));
    return makePtr<AccumulatingFusion>(method);
}

}} // namespace cv::xai
