// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The command-line programs' shared failure handling: usage errors, and OpenCV's messages made fit
// for one line.

#ifndef XAI_SAMPLES_CLI_ERRORS_HPP
#define XAI_SAMPLES_CLI_ERRORS_HPP

#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

#include <opencv2/core.hpp>

namespace xai_samples {

/** Wrong usage (a bad option or value, a missing or malformed file, a model that cannot be
    loaded): the program stops with one line on stderr and exit code 2. */
class UsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** A library message in the words of the command line: the Params fields the programs set from
    options are named by those options ("Params::skipSpreadFraction" becomes "--skip-spread"). The
    programs check their values themselves; this is the safety net for what a check misses. */
inline std::string inOptionWords(std::string msg)
{
    static const char* const names[][2] = {
        {"AugmentationParams::numAugmentations", "--augmentations"}, {"AugmentationParams::maxAngle", "--max-angle"},
        {"AugmentationParams::maxShift", "--max-shift"}, {"PerturbationParams::batchSize", "--batch"},
        {"PerturbationParams::steps", "--steps"}, {"PerturbationParams::deletionBaseline", "--deletion-baseline"},
        {"PerturbationParams::insertionBaseline", "--insertion-baseline"}, {"Params::batchSize", "--batch"},
        {"Params::inputSize", "--size"}, {"Params::maxChannels", "--max-channels"}, {"Params::mean", "--mean"},
        {"Params::scale", "--scale"}, {"Params::scoreLayer", "--score-layer"}, {"Params::scoreType", "--score-type"},
        {"Params::skipSpreadFraction", "--skip-spread"}, {"Params::targetLayer", "--layer"},
        {"Params::weightMode", "--weights"}, {"Params::channelScale", "--channel-scale"},
        {"Params::cropFraction", "--crop-fraction"}};
    for (const auto& n : names)
        for (size_t at = msg.find(n[0]); at != std::string::npos; at = msg.find(n[0], at))
        {
            // "ScoreCAM::Params::scale": the class name goes too.
            size_t from = at;
            const std::string owner = "ScoreCAM::";
            if (from >= owner.size() && msg.compare(from - owner.size(), owner.size(), owner) == 0)
                from -= owner.size();
            msg.replace(from, at - from + std::char_traits<char>::length(n[0]), n[1]);
            at = from + std::char_traits<char>::length(n[1]);
        }
    return msg;
}

/** "line 3: Mismatched closing tag" from a cv::FileStorage parse error. OpenCV 4.6 puts
    "file(line): reason" in func and its own parser function's name in err; later versions may not
    swap them, so both are tried. Empty when neither has that form. */
inline std::string parseErrorOf(const cv::Exception& e)
{
    for (const std::string& part : {e.func, e.err})
    {
        const size_t close = part.rfind("): ");
        const size_t open = close == std::string::npos ? close : part.rfind('(', close);
        if (open == std::string::npos || open + 1 == close ||
            part.find_first_not_of("0123456789", open + 1) != close)
            continue;
        return "line " + part.substr(open + 1, close - open - 1) + ": " + part.substr(close + 3);
    }
    return std::string();
}

/** The part of a cv::Exception a user can act on, on one line, in the words of the command line. e.msg drops what()'s source
    location, but some importers rethrow with the whole what() of an inner exception as their msg
    ("OpenCV(4.6.0) file.cpp:260: error: (-210:...) Failed to parse ... in function 'F'"): that is
    unwrapped too. A failed assertion's text is OpenCV's code ("!buf.empty()"), not a reason: the
    caller's `failedCheck` says what it means where it happened. */
inline std::string messageOf(const cv::Exception& e,
                             const std::string& failedCheck = "OpenCV failed one of its internal checks")
{
    if (e.code == cv::Error::StsParseError && !parseErrorOf(e).empty())
        return parseErrorOf(e);
    if (e.code == cv::Error::StsAssert)
        return failedCheck;
    std::string msg = e.msg;
    const size_t code = msg.find(": error: (");
    if (msg.compare(0, 7, "OpenCV(") == 0 && code != std::string::npos)
    {
        const size_t close = msg.find(") ", code);
        if (close != std::string::npos)
            msg = msg.substr(close + 2);
        const size_t in = msg.rfind(" in function '");
        if (in != std::string::npos)
            msg.erase(in);
    }
    for (char& c : msg)
        if (c == '\n')
            c = ' ';
    while (!msg.empty() && msg.back() == ' ')
        msg.pop_back();
    return inOptionWords(msg);
}

/** Runs a program's `body` and turns what escapes it into one line on stderr that names the
    program, like the GNU tools' messages, and exit code 2: wrong usage, a model that cannot be
    loaded, anything that stops the program before its work. Failures of single items are the
    body's to report (exit code 1). */
inline int runReportingErrors(const char* program, const std::function<int()>& body)
{
    std::string what;
    try
    {
        return body();
    }
    catch (const UsageError& e)
    {
        what = e.what();
    }
    catch (const cv::Exception& e)
    {
        what = messageOf(e);
    }
    catch (const std::exception& e)
    {
        what = e.what();
    }
    std::fprintf(stderr, "%s: error: %s\n", program, what.c_str());
    return 2;
}

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_ERRORS_HPP
