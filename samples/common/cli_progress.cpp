// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_progress.hpp"

#include "cli_errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <sstream>

#include <sys/ioctl.h>
#include <unistd.h>

namespace xai_samples {
namespace {

// A bar redrawn more often than this only costs time; a log line more often is noise.
const double kBarInterval = 0.1;
const double kLineInterval = 10.0;
const int kBarWidth = 16;

std::string formatDuration(double seconds)
{
    if (!(seconds >= 0) || seconds > 360000)
        return "--:--";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof(buf), "%ld:%02ld", s / 60, s % 60);
    return buf;
}

int terminalWidth()
{
    winsize ws{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
        return ws.ws_col;
    return 80;
}

} // namespace

Progress::Style Progress::styleFor(bool quiet)
{
    if (quiet)
        return Style::Off;
    const char* term = std::getenv("TERM");
    const bool dumb = term && std::strcmp(term, "dumb") == 0;  // no cursor control (Emacs shells)
    return isatty(STDERR_FILENO) && !dumb ? Style::Bar : Style::Lines;
}

Progress::Progress(const std::string& program, Style style, int imageCount)
    : program_(program), style_(style), imageCount_(std::max(1, imageCount)), start_(Clock::now()), lastShown_(start_)
{
}

void Progress::beginImage(int index, const std::string& name, const std::vector<double>& methodCosts)
{
    image_ = index;
    imageName_ = name;
    costs_ = methodCosts;
    method_ = 0;
    done_ = total_ = 0;
    show(false);
}

void Progress::beginMethod(int method, const std::string& label)
{
    method_ = method;
    methodLabel_ = label;
    done_ = total_ = 0;
    show(false);
}

bool Progress::onForward(int done, int total)
{
    forwards_ += std::max(0, done - done_);
    done_ = done;
    total_ = total;
    show(false);
    return true;  // never cancels: Ctrl-C ends the program anyway
}

void Progress::endImage()
{
    imagesDone_++;
    method_ = (int)costs_.size();
    done_ = total_ = 0;
    show(imagesDone_ == imageCount_);
}

void Progress::message(const std::string& line)
{
    if (barOnScreen_)
        std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s\n", line.c_str());
    if (barOnScreen_)
        std::fputs(statusLine(terminalWidth()).c_str(), stderr);
    std::fflush(stderr);
}

void Progress::libraryWarnings(const std::vector<std::string>& warnings, const std::string& subject)
{
    for (const std::string& w : warnings)
        if (std::find(reported_.begin(), reported_.end(), w) == reported_.end())
        {
            reported_.push_back(w);
            message(program_ + ": warning: " + subject + ": " + inOptionWords(w));
        }
}

void Progress::finish()
{
    if (style_ == Style::Bar && barOnScreen_)
    {
        std::fputs("\n", stderr);  // the last image's end drew the final state
        std::fflush(stderr);
        barOnScreen_ = false;
    }
}

double Progress::elapsedSeconds() const
{
    return std::chrono::duration<double>(Clock::now() - start_).count();
}

double Progress::fractionDone() const
{
    double within = 0;
    const double all = std::accumulate(costs_.begin(), costs_.end(), 0.0);
    if (all > 0 && imagesDone_ <= image_)
    {
        for (int m = 0; m < method_ && m < (int)costs_.size(); m++)
            within += costs_[m];
        if (method_ < (int)costs_.size() && total_ > 0)
            within += costs_[method_] * done_ / total_;
        within /= all;
    }
    return std::min(1.0, (imagesDone_ + within) / imageCount_);
}

std::string Progress::statusLine(int width) const
{
    // Most important first: a narrow terminal cuts the end of the line.
    const double elapsed = elapsedSeconds(), f = fractionDone();
    std::ostringstream s;
    if (style_ == Style::Bar)
    {
        const int filled = (int)(f * kBarWidth);
        s << '[' << std::string(filled, '#') << std::string(kBarWidth - filled, '.') << "] ";
    }
    else
        s << program_ << ": ";
    s << (int)(f * 100) << "%  " << imagesDone_ << "/" << imageCount_ << " images  ";
    if (f >= 1)
        s << formatDuration(elapsed) << " total";
    else
        s << (f > 0.01 ? formatDuration(elapsed * (1 - f) / f) : std::string("--:--")) << " left";
    if (elapsed > 0 && forwards_ > 0)
    {
        char rate[32];
        std::snprintf(rate, sizeof(rate), "%.1f", forwards_ / elapsed);
        s << "  " << rate << " fwd/s";
    }
    if (total_ > 0)
        s << "  " << methodLabel_ << " " << done_ << "/" << total_;
    if (style_ == Style::Bar && f < 1 && !imageName_.empty())
        s << "  " << imageName_;
    std::string line = s.str();
    if ((int)line.size() > width - 1)
        line.resize(std::max(0, width - 1));
    return line;
}

void Progress::show(bool force)
{
    if (style_ == Style::Off)
        return;
    const Clock::time_point now = Clock::now();
    const double since = std::chrono::duration<double>(now - lastShown_).count();
    if (!force && since < (style_ == Style::Bar ? kBarInterval : kLineInterval))
        return;
    lastShown_ = now;
    if (style_ == Style::Bar)
    {
        std::fputs(("\r\033[K" + statusLine(terminalWidth())).c_str(), stderr);
        barOnScreen_ = true;
    }
    else
        std::fprintf(stderr, "%s\n", statusLine(1000).c_str());
    std::fflush(stderr);
}

} // namespace xai_samples
