// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain: the network. Loading it, listing its layers, and probing its class count.

#ifndef XAI_EXPLAIN_MODEL_HPP
#define XAI_EXPLAIN_MODEL_HPP

#include <ostream>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "options.hpp"

namespace xai_explain {

//! cv::dnn::readNet; a model that cannot be read is a UsageError.
cv::dnn::Net loadNet(const Options& options);

/** Prints every layer with its type and output shape for a 1 x channels x H x W input, and marks
    the layer that --layer auto explains (cv::xai::findTargetLayer). */
void printLayers(cv::dnn::Net& net, cv::Size inputSize, int channels, std::ostream& out);

/** Throws UsageError, naming the option that gave it, unless the net has a layer of this name
    (empty: automatic, always fine). */
void checkLayerName(const cv::dnn::Net& net, const std::string& layer, const std::string& option);

//! What one forward of a blank image tells about the model.
struct ModelProbe
{
    int numClasses = 0;
    int channels = 3;   //!< image channels the model takes: 3, or 1 for a model of grey images
};

/** One forward of a blank image at `size` (the options' input size when empty): a model that cannot
    run at that size, or a --class id beyond the model's classes, is then a usage error reported once
    rather than a failure of every image. With options.channels 0 a colour image is tried first, then
    a grey one. Throws UsageError when the input size leaves the explained layer no spatial extent
    (a map needs more than 1x1). The explainers set the net up again for their own outputs once, at
    their first image. */
ModelProbe probeModel(cv::dnn::Net& net, const Options& options, cv::Size size = cv::Size());

} // namespace xai_explain

#endif // XAI_EXPLAIN_MODEL_HPP
