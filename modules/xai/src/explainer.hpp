// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_EXPLAINER_HPP
#define OPENCV_XAI_EXPLAINER_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

//! The one implementation behind ScoreCAM and AugmentedScoreCAM (augmented_score_cam.cpp).
Ptr<AugmentedScoreCAM> makeExplainer(const dnn::Net& net, const AugmentedScoreCAM::Params& params);

}} // namespace cv::xai

#endif // OPENCV_XAI_EXPLAINER_HPP
