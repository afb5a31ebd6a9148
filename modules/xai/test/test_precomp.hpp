// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_TEST_PRECOMP_HPP
#define OPENCV_XAI_TEST_PRECOMP_HPP

#include "opencv2/core.hpp"
#include "opencv2/imgproc.hpp"
#include "opencv2/imgcodecs.hpp"
#include "opencv2/dnn.hpp"
#include "opencv2/xai.hpp"

#ifdef XAI_STANDALONE_TESTS
// Debian's OpenCV ships no opencv_ts: the same tests run on plain GoogleTest.
#include <gtest/gtest.h>
namespace opencv_test { using namespace cv; }
#else
#include "opencv2/ts.hpp"
#endif

#endif // OPENCV_XAI_TEST_PRECOMP_HPP
