// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_AUGMENTATION_INTERNAL_HPP
#define OPENCV_XAI_AUGMENTATION_INTERNAL_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

//! Throws a cv::Exception naming the first parameter out of range.
void checkAugmentationParams(const AugmentationParams& params);

//! A 2x3 warp as CV_64F, after checking its shape, values and invertibility.
Mat checkWarp(InputArray warp);

//! True for the exact identity: such views skip the warp, so one view reproduces Score-CAM bit for bit.
bool isIdentityWarp(const Mat& warp);

//! The view of a frame under a warp, borders filled as asked (borderValue for BORDER_CONSTANT).
void warpView(const Mat& frame, const Mat& warp, Mat& view, int borderMode, const Scalar& borderValue);

}} // namespace cv::xai

#endif // OPENCV_XAI_AUGMENTATION_INTERNAL_HPP
