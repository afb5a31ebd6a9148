// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "class_ids.hpp"

namespace cv {
namespace xai {

std::vector<int> resolveClassIds(const std::vector<int>& requested, const Mat& scores, const String& function)
{
    CV_Assert(scores.rows == 1 && (scores.depth() == CV_32F || scores.depth() == CV_64F) && scores.channels() == 1);
    const int numClasses = scores.cols;
    const String prefix = function.empty() ? String() : function + ": ";
    std::vector<int> ranked;
    std::vector<int> classes;
    for (size_t i = 0; i < requested.size(); i++)
    {
        const int id = requested[i];
        if (id >= numClasses || id < -numClasses) // not -id > numClasses: -INT_MIN overflows
            CV_Error(Error::StsOutOfRange, cv::format(
                "%sclass id %d is out of range: the net scores %d classes (ids 0 to %d, or -1 to -%d for the "
                "most likely ones)", prefix.c_str(), id, numClasses, numClasses - 1, numClasses));
        if (id < 0 && ranked.empty())
        {
            Mat s;
            scores.convertTo(s, CV_64F);
            ranked.resize(numClasses);
            for (int c = 0; c < numClasses; c++)
                ranked[c] = c;
            // Stable: equal scores keep the lower id first, so ranks are deterministic.
            std::stable_sort(ranked.begin(), ranked.end(),
                             [&](int a, int b) { return s.at<double>(a) > s.at<double>(b); });
        }
        classes.push_back(id < 0 ? ranked[-id - 1] : id);
    }
    return classes;
}

int resolveClassId(int classId, const Mat& scores, const String& function)
{
    return resolveClassIds(std::vector<int>(1, classId), scores, function)[0];
}

}} // namespace cv::xai
