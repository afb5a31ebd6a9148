// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_NET_SETUP_HPP
#define OPENCV_XAI_NET_SETUP_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

/** Applies a requested backend and target to the net, falling back to the CPU (with one warning)
    when CUDA is asked for but OpenCV has no CUDA support or no device. -1 for both leaves the net
    alone. Returns the pair in effect through the arguments. */
void applyBackend(dnn::Net& net, int& backend, int& target);

/** The target layer: the requested one after checking it exists, or the last layer whose output
    is 4-D with a spatial size above 1x1 for an input of the given shape. */
String resolveTargetLayer(const dnn::Net& net, const String& requested, const std::vector<int>& inputShape);

//! The score layer: the requested one after checking it exists, or the net's first output.
String resolveScoreLayer(const dnn::Net& net, const String& requested);

//! True when the layer is a Softmax, so that its output is already probabilities.
bool isSoftmaxLayer(const dnn::Net& net, const String& layerName);

}} // namespace cv::xai

#endif // OPENCV_XAI_NET_SETUP_HPP
