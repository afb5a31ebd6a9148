// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_WARNINGS_HPP
#define OPENCV_XAI_WARNINGS_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

/** Logs a warning of the module (CV_LOG_WARNING, prefixed "xai: ") and keeps it for the call that
    collects on this thread (WarningCollector): a program reports it in its own words
    (ScoreCAM::getWarnings()), which OpenCV 4.6's logger, without a callback, cannot let it do. */
void warn(const String& message);

/** While alive, the warnings of this thread go into `into` as well as to the log; collectors nest,
    the innermost one collecting. */
class WarningCollector
{
public:
    explicit WarningCollector(std::vector<String>& into);
    ~WarningCollector();

private:
    WarningCollector(const WarningCollector&);
    WarningCollector& operator=(const WarningCollector&);
    std::vector<String>* previous_;
};

}} // namespace cv::xai

#endif // OPENCV_XAI_WARNINGS_HPP
