// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain: the two kinds of failure, and OpenCV's messages made fit for one line.

#ifndef XAI_EXPLAIN_ERRORS_HPP
#define XAI_EXPLAIN_ERRORS_HPP

#include "../common/cli_errors.hpp"

namespace xai_explain {

// Anything thrown while an image is explained, other than a UsageError, fails that image alone.
using xai_samples::UsageError;
using xai_samples::messageOf;

} // namespace xai_explain

#endif // XAI_EXPLAIN_ERRORS_HPP
