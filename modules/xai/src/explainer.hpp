// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_EXPLAINER_HPP
#define OPENCV_XAI_EXPLAINER_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

/** The one implementation behind ScoreCAM and AugmentedScoreCAM (augmented_score_cam.cpp).
    @param denseLattice the views of computeDenseMap instead of params.augmentation's: every
    whole-pixel shift of one cell of the target layer's stride s (a lattice of s x s views). The
    stride is known only once the explainer's probe forward has resolved the layer, so the explainer
    draws them itself, and throws (before any scoring forward) when the layer's geometry is not a
    whole-pixel grid of equal strides known from its layers. */
Ptr<AugmentedScoreCAM> makeExplainer(const dnn::Net& net, const AugmentedScoreCAM::Params& params,
                                     bool denseLattice = false);

}} // namespace cv::xai

#endif // OPENCV_XAI_EXPLAINER_HPP
