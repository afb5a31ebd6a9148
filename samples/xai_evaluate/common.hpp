// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_evaluate: failures, number formatting and CSV lines.

#ifndef XAI_EVALUATE_COMMON_HPP
#define XAI_EVALUATE_COMMON_HPP

#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "../common/cli_errors.hpp"

namespace xai_evaluate {

// Wrong usage (also an output folder made with other settings) stops with exit code 2.
using xai_samples::UsageError;
using xai_samples::messageOf;

//! A number as the CSV files hold it: 9 significant digits (enough to read the same float back); NaN: empty.
std::string number(double v);

//! A number read back from a CSV field; an empty field is NaN.
double parseNumber(const std::string& field);

//! One CSV line (no newline): fields with a comma, a quote or a newline are quoted.
std::string csvLine(const std::vector<std::string>& fields);

//! Splits one CSV line; false when it is malformed (an unterminated quote).
bool parseCsvLine(const std::string& line, std::vector<std::string>& fields);

//! "mean:16" -> "mean-16": a method name fit for a file name.
std::string fileNameOf(const std::string& method);

} // namespace xai_evaluate

#endif // XAI_EVALUATE_COMMON_HPP
