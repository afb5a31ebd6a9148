// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "fuzz_common.hpp"

#include <string>

#include "fuzz_input.hpp"

namespace xai_fuzz {

void checkMaps(const std::vector<cv::Mat>& maps, size_t classes, cv::Size imageSize)
{
    if (maps.size() != classes)
        finding(cv::format("%zu maps for %zu classes", maps.size(), classes));
    for (size_t i = 0; i < maps.size(); i++)
    {
        const cv::Mat& m = maps[i];
        if (m.type() != CV_32FC1 || m.size() != imageSize)
            finding(cv::format("map %zu is %dx%d of type %d, not the image's %dx%d CV_32F", i, m.cols, m.rows,
                               m.type(), imageSize.width, imageSize.height));
        if (!cv::checkRange(m))
            finding(cv::format("map %zu has NaN or infinite values", i));
        double lo = 0, hi = 0;
        cv::minMaxLoc(m, &lo, &hi);
        if (lo < 0 || hi > 1)
            finding(cv::format("map %zu is outside [0, 1]: [%g, %g]", i, lo, hi));
    }
}

} // namespace xai_fuzz
