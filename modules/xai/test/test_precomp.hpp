// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_TEST_PRECOMP_HPP
#define OPENCV_XAI_TEST_PRECOMP_HPP

#include <limits>
#include <set>

#include "opencv2/core.hpp"
#include "opencv2/imgproc.hpp"
#include "opencv2/imgcodecs.hpp"
#include "opencv2/dnn.hpp"
#include "opencv2/xai.hpp"

#ifdef XAI_STANDALONE_TESTS
// Debian's OpenCV ships no opencv_ts: the same tests run on plain GoogleTest.
#include <gtest/gtest.h>
namespace opencv_test {
using namespace cv;
// opencv_ts hides these names inside opencv_test so that tests say cv::norm or cvtest::norm;
// hide them here too, so what would not compile in-tree does not compile here either.
#define XAI_TEST_GUARD_SYMBOL(name) \
    class required_namespace_specification_here_for_symbol_ ## name {}; \
    using name = required_namespace_specification_here_for_symbol_ ## name;
XAI_TEST_GUARD_SYMBOL(norm)
XAI_TEST_GUARD_SYMBOL(add)
XAI_TEST_GUARD_SYMBOL(multiply)
XAI_TEST_GUARD_SYMBOL(divide)
XAI_TEST_GUARD_SYMBOL(transpose)
XAI_TEST_GUARD_SYMBOL(copyMakeBorder)
XAI_TEST_GUARD_SYMBOL(filter2D)
XAI_TEST_GUARD_SYMBOL(compare)
XAI_TEST_GUARD_SYMBOL(minMaxIdx)
XAI_TEST_GUARD_SYMBOL(threshold)
#undef XAI_TEST_GUARD_SYMBOL
}
#else
#include "opencv2/ts.hpp"
#endif

#endif // OPENCV_XAI_TEST_PRECOMP_HPP
