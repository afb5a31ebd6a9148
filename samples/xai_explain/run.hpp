// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain: the job itself, from checked options to files.

#ifndef XAI_EXPLAIN_RUN_HPP
#define XAI_EXPLAIN_RUN_HPP

#include "options.hpp"

namespace xai_explain {

/** Lists the layers, or explains every image and writes the outputs. Returns the exit code: 0 when
    every image was explained, 1 when some failed (each reported on stderr, the others written).
    Throws UsageError for what makes the whole run impossible (exit code 2). */
int run(const Options& options);

} // namespace xai_explain

#endif // XAI_EXPLAIN_RUN_HPP
