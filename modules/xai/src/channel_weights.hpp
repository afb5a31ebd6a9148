// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_CHANNEL_WEIGHTS_HPP
#define OPENCV_XAI_CHANNEL_WEIGHTS_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

/** Weights of the channels for each explained class.
    @param maskedScores one row of class scores per scored channel
    @param baseScores class scores of the unmasked view (1 x C)
    @param channels the scored channels (rows of maskedScores), out of numChannels
    @param probabilities the scores are probabilities already (no softmax over classes)
    @param mode a cv::xai::WeightMode
    @param weights numChannels x classes.size() CV_32F; unscored channels get 0 */
void computeChannelWeights(const Mat& maskedScores, const Mat& baseScores, const std::vector<int>& channels,
                           int numChannels, bool probabilities, int mode, const std::vector<int>& classes,
                           Mat& weights);

/** The map of each class at the target layer's resolution: the weighted sum (or maximum) of the
    K x h x w activations. */
void combineChannels(const Mat& activations, const Mat& weights, int combination, std::vector<Mat>& lowRes);

//! Softmax of each row (double precision inside, CV_32F out).
Mat softmaxRows(const Mat& scores);

}} // namespace cv::xai

#endif // OPENCV_XAI_CHANNEL_WEIGHTS_HPP
