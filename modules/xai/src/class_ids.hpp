// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_CLASS_IDS_HPP
#define OPENCV_XAI_CLASS_IDS_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

/** The classes asked for, as the explainers and the metrics read them: an id c in [0, C) is class
    c, and -k in [-C, -1] the k-th most likely class of the scores (equal scores keep the lower id
    first, so ranks are deterministic); any other id throws StsOutOfRange.
    @param requested the ids asked for
    @param scores one row of C class scores or probabilities (CV_32F or CV_64F) to rank
    @param function what the error message starts with ("deletionCurve"); empty for nothing */
std::vector<int> resolveClassIds(const std::vector<int>& requested, const Mat& scores, const String& function);

//! resolveClassIds() of one id.
int resolveClassId(int classId, const Mat& scores, const String& function);

}} // namespace cv::xai

#endif // OPENCV_XAI_CLASS_IDS_HPP
