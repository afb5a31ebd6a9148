// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_PRECOMP_HPP
#define OPENCV_XAI_PRECOMP_HPP

#include <algorithm>
#include <cmath>
#include <vector>

#include "opencv2/core.hpp"
#include "opencv2/core/utils/logger.hpp"
#include "opencv2/imgproc.hpp"
#include "opencv2/dnn.hpp"

#include "opencv2/xai.hpp"

#endif // OPENCV_XAI_PRECOMP_HPP
