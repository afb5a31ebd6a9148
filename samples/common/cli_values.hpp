// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The command-line programs' shared option values: named choices, numbers, sizes and means, each
// with the same wording of its error, so that every program rejects a bad value the same way.

#ifndef XAI_SAMPLES_CLI_VALUES_HPP
#define XAI_SAMPLES_CLI_VALUES_HPP

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace xai_samples {

//! One name an option accepts, and the value it stands for.
struct Choice
{
    const char* name;
    int value;
};
using Choices = std::vector<Choice>;

//! "a, b, c": the names, as --help and error messages list them.
std::string joinNames(const Choices& choices);

//! The value of `value` among `choices`; throws UsageError naming --option and the choices.
int choose(const std::string& option, const std::string& value, const Choices& choices);

//! The name of `value`, or the number itself when no choice has it.
std::string nameOf(int value, const Choices& choices);

//! probability, increase, softmax, raw: cv::xai::WeightMode by name.
//! --view-weights: where Augmented Score-CAM's views get their channel weights (cv::xai::ViewWeights).
const Choices& viewWeightChoices();
//! --upsampling: how the layer's grid meets the input (cv::xai::UpsamplingMode).
const Choices& upsamplingChoices();
const Choices& weightChoices();

//! mean, max: cv::xai::FusionMethod by name.
const Choices& fusionChoices();

//! default (-1: leave the net as it is), opencv, cuda, ...: cv::dnn::Backend by name.
const Choices& backendChoices();

//! default (-1), cpu, opencl, opencl-fp16, cuda, cuda-fp16, vulkan: cv::dnn::Target by name.
const Choices& targetChoices();

//! When only one of backend and target is given (the other -1), sets the other to match it.
void pairBackendAndTarget(int& backend, int& target);

//! Throws UsageError naming ASKED when BACKEND is not built into this OpenCV (CUDA falls back instead).
void checkBackendBuiltIn(int backend, const std::string& asked);

/** --backend and --target by name: a mismatched pair is refused in the options' words, a missing
    one follows from the other (pairBackendAndTarget), and a backend this OpenCV lacks is refused
    (checkBackendBuiltIn). Throws UsageError. CUDA that this OpenCV or machine lacks becomes the CPU:
    returns the warning to print then (without the program's prefix), else an empty string. */
std::string readBackendAndTarget(const std::string& backendText, const std::string& targetText, int& backend,
                                 int& target);

//! 0.1 rather than Boost's 0.10000000000000001 in --help.
std::string shortText(double v);

//! A finite number; throws UsageError naming --option.
double parseNumber(const std::string& option, const std::string& text);

//! A whole number (no sign check); throws UsageError naming --option.
long parseWhole(const std::string& option, const std::string& text);

/** --size: "224x224", "224X224" or "224" (square), each side from 1 to 65536; throws UsageError
    naming --option, and `unit` when a side is out of range. */
cv::Size parseSize(const std::string& text, const std::string& option = "size", const std::string& unit = "pixels");

//! --mean, --std: "a,b,c", "a b c" or one value for all channels; throws UsageError naming --option.
cv::Scalar parseChannelValues(const std::string& option, const std::string& text);

/** Throws UsageError "--option v is out of range: what" unless lo <= v <= hi, or lo <= v < hi when
    hi is excluded (NaN is out). */
void requireRange(const std::string& option, double v, double lo, double hi, const std::string& what,
                  bool hiIncluded = true);

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_VALUES_HPP
