// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_MASKED_SCORING_HPP
#define OPENCV_XAI_MASKED_SCORING_HPP

#include "precomp.hpp"
#include "batch_scorer.hpp"
#include "input_geometry.hpp"

namespace cv {
namespace xai {

//! One view of the image in the network frame.
struct FrameView
{
    Mat raw;                 //!< raw pixel values, CV_32FC(cn)
    std::vector<Mat> planes; //!< normalised network input, one CV_32F plane per channel
};

//! Channel k of K x h x w activations, as an h x w matrix (no copy).
Mat activationChannel(const Mat& activations, int k);

/** Channels worth a forward, in channel order: those that are not constant (a constant channel's
    mask is 0/0; it gets weight 0), without the weakest ones whose spatial standard deviations add
    up to at most skipSpreadFraction of the total, and of those the maxChannels (0: all) with the
    largest standard deviation. */
std::vector<int> selectChannels(const Mat& activations, int maxChannels, double skipSpreadFraction);

/** Scores the view masked by each selected channel's activation, upsampled with the layer's geometry
    and normalised to [0, 1].
    Masks are built straight into the scorer's reused blob, a batch at a time, so memory does not
    grow with the number of channels.
    @param scores one row of class scores per selected channel */
void scoreMaskedInputs(BatchScorer& scorer, const FrameView& view, const InputGeometry& geometry,
                       const LayerGeometry& layer, int maskSpace, const Mat& activations,
                       const std::vector<int>& channels, Mat& scores);

}} // namespace cv::xai

#endif // OPENCV_XAI_MASKED_SCORING_HPP
