// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "masked_scoring.hpp"

namespace cv {
namespace xai {

Mat activationChannel(const Mat& activations, int k)
{
    CV_Assert(activations.dims == 3 && k >= 0 && k < activations.size[0]);
    return Mat(activations.size[1], activations.size[2], CV_32F, (void*)activations.ptr<float>(k));
}

static bool isConstant(double minVal, double maxVal)
{
    // Relative to the channel's magnitude: float rounding must not turn a constant into a mask.
    return maxVal - minVal <= 1e-6 * std::max(1.0, std::max(std::abs(minVal), std::abs(maxVal)));
}

std::vector<int> selectChannels(const Mat& activations, int maxChannels, double skipSpreadFraction)
{
    const int K = activations.size[0];
    std::vector<std::pair<double, int> > spread; // (-stddev, channel): ascending = largest spread first
    double total = 0;
    for (int k = 0; k < K; k++)
    {
        const Mat a = activationChannel(activations, k);
        double minVal = 0, maxVal = 0;
        minMaxLoc(a, &minVal, &maxVal);
        if (isConstant(minVal, maxVal))
            continue;
        Scalar mean, stddev;
        meanStdDev(a, mean, stddev);
        spread.push_back(std::make_pair(-stddev[0], k));
        total += stddev[0];
    }
    // Ties are broken by channel index, so the choice is deterministic.
    std::sort(spread.begin(), spread.end());
    size_t keep = spread.size();
    if (skipSpreadFraction > 0)
    {
        double skipped = 0;
        while (keep > 1 && skipped - spread[keep - 1].first <= skipSpreadFraction * total)
            skipped -= spread[--keep].first;
    }
    if (maxChannels > 0)
        keep = std::min(keep, (size_t)maxChannels);
    std::vector<int> channels;
    for (size_t i = 0; i < keep; i++)
        channels.push_back(spread[i].second);
    std::sort(channels.begin(), channels.end());
    return channels;
}

namespace {

//! Writes the masked input of one channel into one slot of the scorer's blob.
class MaskBuilder
{
public:
    MaskBuilder(BatchScorer& scorer, const FrameView& view, const InputGeometry& geometry, const LayerGeometry& layer,
                int maskSpace, const Mat& activations)
        : scorer_(scorer), view_(view), geometry_(geometry), layer_(layer), maskSpace_(maskSpace),
          activations_(activations)
    {
        if (maskSpace_ == MASK_RAW_PIXELS)
            split(view_.raw, rawPlanes_);
    }

    void build(int channel, int slot)
    {
        Mat mask;
        upsampleToFrame(activationChannel(activations_, channel), layer_, view_.raw.size(), mask);
        double minVal = 0, maxVal = 0;
        minMaxLoc(mask, &minVal, &maxVal);
        const double range = maxVal - minVal;
        // selectChannels() keeps constant channels out; the guard keeps a degenerate upsampling finite.
        const double a = range > 0 ? 1.0 / range : 0.0;
        mask.convertTo(mask, CV_32F, a, -minVal * a);
        for (int c = 0; c < scorer_.channels(); c++)
        {
            Mat dst = scorer_.plane(slot, c);
            if (maskSpace_ == MASK_NORMALIZED_INPUT)
                multiply(view_.planes[c], mask, dst);
            else
            {
                // Mask the pixels, then normalise exactly as InputGeometry::normalize does.
                multiply(rawPlanes_[c], mask, dst);
                subtract(dst, Scalar(geometry_.mean()[c]), dst);
                multiply(dst, Scalar(geometry_.scale()[c]), dst);
            }
        }
    }

private:
    BatchScorer& scorer_;
    const FrameView& view_;
    const InputGeometry& geometry_;
    const LayerGeometry& layer_;
    int maskSpace_;
    const Mat& activations_;
    std::vector<Mat> rawPlanes_;
};

} // namespace

void scoreMaskedInputs(BatchScorer& scorer, const FrameView& view, const InputGeometry& geometry,
                       const LayerGeometry& layer, int maskSpace, const Mat& activations,
                       const std::vector<int>& channels, Mat& scores)
{
    scores.release();
    if (channels.empty())
        return;
    MaskBuilder builder(scorer, view, geometry, layer, maskSpace, activations);
    std::vector<Mat> rows;
    for (size_t first = 0; first < channels.size();)
    {
        // Re-read the capacity each batch: the scorer drops to single images if the net refuses batches.
        const int count = std::min(scorer.capacity(), (int)(channels.size() - first));
        parallel_for_(Range(0, count), [&](const Range& r) {
            for (int slot = r.start; slot < r.end; slot++)
                builder.build(channels[first + slot], slot);
        });
        Mat batchScores;
        scorer.run(count, NULL, batchScores);
        rows.push_back(batchScores);
        first += count;
    }
    vconcat(rows, scores);
}

}} // namespace cv::xai
