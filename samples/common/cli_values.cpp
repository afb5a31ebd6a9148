// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_values.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <opencv2/core/cuda.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/xai.hpp>

#include "cli_errors.hpp"

namespace xai_samples {

std::string joinNames(const Choices& choices)
{
    std::string s;
    for (const Choice& c : choices)
        s += (s.empty() ? "" : ", ") + std::string(c.name);
    return s;
}

int choose(const std::string& option, const std::string& value, const Choices& choices)
{
    for (const Choice& c : choices)
        if (value == c.name)
            return c.value;
    throw UsageError("unknown --" + option + " '" + value + "' (expected one of: " + joinNames(choices) + ")");
}

std::string nameOf(int value, const Choices& choices)
{
    for (const Choice& c : choices)
        if (c.value == value)
            return c.name;
    return std::to_string(value);
}

const Choices& weightChoices()
{
    static const Choices c = {{"probability", cv::xai::WEIGHT_PROBABILITY},
                              {"increase", cv::xai::WEIGHT_PROBABILITY_INCREASE},
                              {"softmax", cv::xai::WEIGHT_CHANNEL_SOFTMAX},
                              {"raw", cv::xai::WEIGHT_RAW_SCORE}};
    return c;
}

const Choices& fusionChoices()
{
    static const Choices c = {{"mean", cv::xai::FUSION_MEAN}, {"max", cv::xai::FUSION_MAX},
                              {"super-resolution", cv::xai::FUSION_SUPER_RESOLUTION},
                              {"interleave", cv::xai::FUSION_INTERLEAVE}};
    return c;
}

const Choices& viewWeightChoices()
{
    static const Choices c = {{"shared", cv::xai::VIEW_WEIGHTS_SHARED}, {"per-view", cv::xai::VIEW_WEIGHTS_PER_VIEW}};
    return c;
}

const Choices& upsamplingChoices()
{
    static const Choices c = {{"geometry", cv::xai::UPSAMPLE_LAYER_GEOMETRY}, {"resize", cv::xai::UPSAMPLE_RESIZE}};
    return c;
}

// -1 leaves the net as cv::dnn::readNet configured it (ScoreCAM::Params::backend/target).
const Choices& backendChoices()
{
    static const Choices c = {{"default", -1},
                              {"opencv", cv::dnn::DNN_BACKEND_OPENCV},
                              {"cuda", cv::dnn::DNN_BACKEND_CUDA},
                              {"openvino", cv::dnn::DNN_BACKEND_INFERENCE_ENGINE},
                              {"vulkan", cv::dnn::DNN_BACKEND_VKCOM}};
    return c;
}

const Choices& targetChoices()
{
    static const Choices c = {{"default", -1},
                              {"cpu", cv::dnn::DNN_TARGET_CPU},
                              {"opencl", cv::dnn::DNN_TARGET_OPENCL},
                              {"opencl-fp16", cv::dnn::DNN_TARGET_OPENCL_FP16},
                              {"cuda", cv::dnn::DNN_TARGET_CUDA},
                              {"cuda-fp16", cv::dnn::DNN_TARGET_CUDA_FP16},
                              {"vulkan", cv::dnn::DNN_TARGET_VULKAN}};
    return c;
}

/** When only one of --backend and --target is given, the other follows from it: a target names
    the backend that runs it and vice versa, so that "--target cuda-fp16" is enough. */
void pairBackendAndTarget(int& backend, int& target)
{
    using namespace cv::dnn;
    if (backend < 0 && target >= 0)
        backend = (target == DNN_TARGET_CUDA || target == DNN_TARGET_CUDA_FP16) ? DNN_BACKEND_CUDA
                  : target == DNN_TARGET_VULKAN                                  ? DNN_BACKEND_VKCOM
                                                                                 : DNN_BACKEND_OPENCV;
    else if (backend >= 0 && target < 0)
        target = backend == DNN_BACKEND_CUDA    ? DNN_TARGET_CUDA
                 : backend == DNN_BACKEND_VKCOM ? DNN_TARGET_VULKAN
                                                : DNN_TARGET_CPU;
}

/** A backend that OpenCV was built without fails at the first forward with "Unknown backend
    identifier": say so before anything runs. CUDA is the exception: the library falls back to the
    CPU with a warning. */
void checkBackendBuiltIn(int backend, const std::string& asked)
{
    if (backend < 0 || backend == cv::dnn::DNN_BACKEND_CUDA)
        return;
    std::vector<int> available;
    for (const auto& pair : cv::dnn::getAvailableBackends())
        available.push_back(pair.first);
    if (std::find(available.begin(), available.end(), backend) != available.end())
        return;
    std::string names = "default";
    for (const Choice& c : backendChoices())
        if (c.value >= 0 && (c.value == cv::dnn::DNN_BACKEND_CUDA ||
                             std::find(available.begin(), available.end(), c.value) != available.end()))
            names += ", " + std::string(c.name);
    throw UsageError(asked + ": the backend is unknown to this OpenCV build (it was built without it); "
                     "available: " + names);
}

std::string readBackendAndTarget(const std::string& backendText, const std::string& targetText, int& backend,
                                 int& target)
{
    backend = choose("backend", backendText, backendChoices());
    target = choose("target", targetText, targetChoices());
    // The library refuses a CUDA backend with another target, and the reverse, in its own terms.
    const bool cudaTarget = target == cv::dnn::DNN_TARGET_CUDA || target == cv::dnn::DNN_TARGET_CUDA_FP16;
    if (backend >= 0 && target >= 0 && (backend == cv::dnn::DNN_BACKEND_CUDA) != cudaTarget)
        throw UsageError("--backend " + backendText + " and --target " + targetText + " do not match: " +
                         (cudaTarget ? "--target cuda and cuda-fp16 run on --backend cuda"
                                     : "--backend cuda runs on --target cuda or cuda-fp16"));
    pairBackendAndTarget(backend, target);
    checkBackendBuiltIn(backend, backendText != "default" ? "--backend " + backendText
                                                          : "--target " + targetText + " (it runs on the " +
                                                                nameOf(backend, backendChoices()) + " backend)");
    if (backend != cv::dnn::DNN_BACKEND_CUDA)
        return std::string();
    // The library falls back to the CPU here too, but says so in its own terms (its Params, OpenCV's log).
    const std::vector<cv::dnn::Target> targets = cv::dnn::getAvailableTargets(cv::dnn::DNN_BACKEND_CUDA);
    const bool built = std::find(targets.begin(), targets.end(), (cv::dnn::Target)target) != targets.end();
    if (built && cv::cuda::getCudaEnabledDeviceCount() > 0)
        return std::string();
    const std::string asked = backendText != "default" ? "--backend " + backendText : "--target " + targetText;
    backend = cv::dnn::DNN_BACKEND_OPENCV;
    target = cv::dnn::DNN_TARGET_CPU;
    return asked + ": " + (built ? "no CUDA device was found" : "this OpenCV was built without CUDA for that target") +
           "; running on the CPU";
}

std::string shortText(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", v);
    return buf;
}

double parseNumber(const std::string& option, const std::string& text)
{
    const char* begin = text.c_str();
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin || *end != '\0' || !std::isfinite(v))
        throw UsageError("--" + option + ": '" + text + "' is not a number");
    return v;
}

long parseWhole(const std::string& option, const std::string& text)
{
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0')
        throw UsageError("--" + option + ": '" + text + "' is not a whole number");
    return v;
}

cv::Size parseSize(const std::string& text, const std::string& option, const std::string& unit)
{
    const size_t x = text.find_first_of("xX");
    const std::string w = text.substr(0, x), h = x == std::string::npos ? w : text.substr(x + 1);
    bool inRange = true;
    auto side = [&](const std::string& s) {
        char* end = nullptr;
        errno = 0;
        const long v = std::strtol(s.c_str(), &end, 10);
        if (s.empty() || !std::isdigit((unsigned char)s[0]) || *end != '\0')
            throw UsageError("--" + option + ": '" + text + "' is not WIDTHxHEIGHT with two whole numbers");
        inRange = inRange && errno == 0 && v >= 1 && v <= 65536;
        return (int)std::min(std::max(v, 0L), 65537L);
    };
    const cv::Size size(side(w), side(h));
    if (!inRange)
        throw UsageError("--" + option + " " + text + " is out of range: each side from 1 to 65536 " + unit);
    return size;
}

cv::Scalar parseChannelValues(const std::string& option, const std::string& text)
{
    std::string spaced = text;
    for (char& c : spaced)
        if (c == ',')
            c = ' ';
    std::istringstream in(spaced);
    std::vector<double> values;
    for (std::string item; in >> item;)
        values.push_back(parseNumber(option, item));
    if (values.size() == 1)
        return cv::Scalar::all(values[0]);
    if (values.size() == 3)
        return cv::Scalar(values[0], values[1], values[2]);
    throw UsageError("--" + option + ": '" + text + "' must be one value or three, as \"a,b,c\"");
}

void requireRange(const std::string& option, double v, double lo, double hi, const std::string& what,
                  bool hiIncluded)
{
    if (!(v >= lo && (hiIncluded ? v <= hi : v < hi)))
    {
        std::ostringstream s;
        s.precision(15);  // the value as given: 2147483648, not 2.14748e+09
        s << "--" << option << " " << v << " is out of range: " << what;
        throw UsageError(s.str());
    }
}

} // namespace xai_samples
