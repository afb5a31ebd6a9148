// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The command-line programs' progress on stderr: a redrawn bar on a terminal and a plain line now
// and then in a log, fed by the progress callbacks of cv::xai.

#ifndef XAI_SAMPLES_CLI_PROGRESS_HPP
#define XAI_SAMPLES_CLI_PROGRESS_HPP

#include <chrono>
#include <string>
#include <vector>

namespace xai_samples {

class Progress
{
public:
    enum class Style { Bar, Lines, Off };

    //! Off when quiet, a bar when stderr is a terminal, lines otherwise (a log, a pipe, a test).
    static Style styleFor(bool quiet);

    //! `program` starts the plain lines ("xai_explain: 40%  2/5 images ...").
    Progress(const std::string& program, Style style, int imageCount);

    /** An image starts. Its methods (or phases) run one after another; their relative costs (in
        forwards: Augmented Score-CAM costs about as many Score-CAMs as it has views) weigh the time
        left. */
    void beginImage(int index, const std::string& name, const std::vector<double>& methodCosts);
    void beginMethod(int method, const std::string& label);
    //! The library's callback: forwards done so far of the total of the running method.
    bool onForward(int done, int total);
    void endImage();
    //! Prints a line (a warning, an error) on stderr without garbling the bar; in every style.
    void message(const std::string& line);
    /** Prints the warnings of an explainer's last computation (cv::xai::ScoreCAM::getWarnings()) in
        the command line's words, each once: "<program>: warning: <subject>: ...". The programs keep
        OpenCV's log to errors, so that these are not printed twice in the library's words. */
    void libraryWarnings(const std::vector<std::string>& warnings, const std::string& subject);
    //! Ends the bar's line.
    void finish();

private:
    using Clock = std::chrono::steady_clock;

    void show(bool force);
    std::string statusLine(int width) const;
    double fractionDone() const;
    double elapsedSeconds() const;

    std::string program_;
    Style style_;
    int imageCount_;
    int image_ = 0, imagesDone_ = 0;
    std::string imageName_;
    std::vector<double> costs_;
    int method_ = 0;
    std::string methodLabel_;
    int done_ = 0, total_ = 0;
    long long forwards_ = 0;
    Clock::time_point start_, lastShown_;
    bool barOnScreen_ = false;
    std::vector<std::string> reported_;  //!< library warnings printed so far
};

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_PROGRESS_HPP
