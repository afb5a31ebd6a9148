// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_USAGE_GUARD_HPP
#define OPENCV_XAI_USAGE_GUARD_HPP

#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"

namespace cv {
namespace xai {

/** Turns concurrent use of one explainer, or of one cv::dnn::Net, into a cv::Exception instead of
    a crash or silently wrong maps.

    While a guard lives, it holds its explainer (any object, by address) and its net in a
    process-wide registry:
    - the explainer for its thread alone and once: a second compute() on it, from another thread or
      from inside its own progress callback, throws;
    - the net for its thread: the same thread may use it again (nested, e.g. the explanation that
      modelRandomizationTest() calls back), another thread throws until the guard is gone.

    A net is known by its input layer (`net.getLayer(0)`), which every copy of a Net shares. Two
    nets read from the same file are different nets and may run in parallel. The cost is one
    mutex-protected map update per guard, once per call, not per forward. */
class UsageGuard
{
public:
    //! Holds `explainer` and `net`; throws cv::Exception (StsError) if either is in use elsewhere.
    UsageGuard(const void* explainer, const dnn::Net& net);
    //! Holds `net` alone (the metrics, which have no explainer object).
    explicit UsageGuard(const dnn::Net& net);
    /** Holds `explainer` alone, for a member that reads or writes its state without the net
        (`member`, such as "fuseAgain()", names it in the error). */
    UsageGuard(const void* explainer, const char* member);
    ~UsageGuard();

private:
    void acquire(const void* explainer, const dnn::Net* net, const char* member);

    const void* explainer_;
    const void* net_;

    UsageGuard(const UsageGuard&);            // not copyable
    UsageGuard& operator=(const UsageGuard&);
};

}} // namespace cv::xai

#endif // OPENCV_XAI_USAGE_GUARD_HPP
