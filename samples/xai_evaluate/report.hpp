// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_evaluate: the summary of an output folder (statistics, Markdown, FileStorage) and the curves.

#ifndef XAI_EVALUATE_REPORT_HPP
#define XAI_EVALUATE_REPORT_HPP

#include <string>
#include <utility>
#include <vector>

#include "records.hpp"

namespace xai_evaluate {

//! What a run was: its settings (run.yml) and the methods in their order.
struct RunInfo
{
    std::vector<std::pair<std::string, std::string>> settings;
    std::vector<std::string> methods;
};

//! Writes run.yml.
void writeRunInfo(const std::string& path, const RunInfo& info);

//! Reads run.yml; a missing file gives an empty RunInfo. Throws UsageError when it is malformed.
RunInfo readRunInfo(const std::string& path);

/** Writes summary.yml or summary.json (format "yaml" or "json") and summary.md into `dir`, from the
    rows of its tables. */
void writeSummary(const std::string& dir, const std::string& format, const RunInfo& info, const Table& perImage,
                  const Table& randomization);

/** Draws the mean deletion and insertion curves of every method: dir/deletion.png and
    dir/insertion.png together, dir/plots/<method>_<curve>.png alone. */
void drawCurves(const std::string& dir, const RunInfo& info, const Table& curves);

//! Mean and 95% confidence half-width (Student t) of the finite values.
struct Stat
{
    int n = 0;
    double mean = 0, sd = 0, ci95 = 0;
};
Stat statOf(const std::vector<double>& values);

} // namespace xai_evaluate

#endif // XAI_EVALUATE_REPORT_HPP
