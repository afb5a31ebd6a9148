// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_evaluate: the evaluation of a (shard of a) ground-truth set, and the merge of shards.

#ifndef XAI_EVALUATE_EVALUATE_HPP
#define XAI_EVALUATE_EVALUATE_HPP

#include "options.hpp"

namespace xai_evaluate {

/** Evaluates the images of the shard that the output folder does not hold yet, then rewrites the
    folder's tables in order and its summary and curves. Returns the exit code (0, or 1 when some
    images failed); throws UsageError for wrong usage. */
int runEvaluation(const Options& options);

//! Joins the output folders of --merge into --output and summarises them. Returns the exit code.
int runMerge(const Options& options);

} // namespace xai_evaluate

#endif // XAI_EVALUATE_EVALUATE_HPP
