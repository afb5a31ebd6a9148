// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_values.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

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
                              {"super-resolution", cv::xai::FUSION_SUPER_RESOLUTION}};
    return c;
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

cv::Size parseSize(const std::string& text)
{
    const size_t x = text.find_first_of("xX");
    const std::string w = text.substr(0, x), h = x == std::string::npos ? w : text.substr(x + 1);
    const std::string wrong = "--size: '" + text + "' is not WIDTHxHEIGHT with two positive whole numbers";
    auto side = [&](const std::string& s) {
        char* end = nullptr;
        const long v = std::strtol(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || v <= 0 || v > 65536)
            throw UsageError(wrong);
        return (int)v;
    };
    return cv::Size(side(w), side(h));
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
        s << "--" << option << " " << v << " is out of range: " << what;
        throw UsageError(s.str());
    }
}

} // namespace xai_samples
