// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// What the library fuzz targets check on every result.

#ifndef XAI_FUZZ_COMMON_HPP
#define XAI_FUZZ_COMMON_HPP

#include <vector>

#include <opencv2/core.hpp>

namespace xai_fuzz {

/** The contract of ScoreCAM::compute: one CV_32F map per class, of the image's size, finite, in
    [0, 1]; anything else is a finding. */
void checkMaps(const std::vector<cv::Mat>& maps, size_t classes, cv::Size imageSize);

} // namespace xai_fuzz

#endif // XAI_FUZZ_COMMON_HPP
