// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_PROGRESS_HPP
#define OPENCV_XAI_PROGRESS_HPP

#include <functional>

namespace cv {
namespace xai {

//! @addtogroup xai
//! @{

/** @brief Progress report of a long step: called after every network forward of a computation
(and every 0.1 s or so of a super-resolution solve).

@param done steps done so far in the current call (forwards; iterations for a solve alone).
@param total steps the current call needs in all.
@return false to cancel the computation; it then throws a cv::Exception with code cv::Error::StsError.
*/
typedef std::function<bool(int done, int total)> ProgressCallback;

//! @}

}} // namespace cv::xai

#endif // OPENCV_XAI_PROGRESS_HPP
