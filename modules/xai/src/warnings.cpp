// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "warnings.hpp"

namespace cv {
namespace xai {

namespace {
thread_local std::vector<String>* collecting = NULL;
}

void warn(const String& message)
{
    CV_LOG_WARNING(NULL, "xai: " << message);
    if (collecting)
        collecting->push_back(message);
}

WarningCollector::WarningCollector(std::vector<String>& into) : previous_(collecting)
{
    collecting = &into;
}

WarningCollector::~WarningCollector()
{
    collecting = previous_;
}

}} // namespace cv::xai
