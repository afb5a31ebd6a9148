// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain: the command line, turned into one checked Options value.

#ifndef XAI_EXPLAIN_OPTIONS_HPP
#define XAI_EXPLAIN_OPTIONS_HPP

#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/xai.hpp>

#include "errors.hpp"

namespace xai_explain {

enum class Method { ScoreCam, Augmented, Both };

/** What the user asked for, after the checks: every value here is in range and every named file
    exists, so the run itself only meets errors of the images and the model. */
struct Options
{
    // Model and data.
    std::string model;       //!< weights (or the only file of the model)
    std::string config;      //!< network description, for formats that split it from the weights
    std::string framework;   //!< cv::dnn framework name; empty: from the file extension
    std::string labels;      //!< class names, one a line; empty: ids only
    std::vector<std::string> images;  //!< as given: files, folders, list files (expanded later)
    std::string classes = "top:1";    //!< the --class specification (see ClassRequest)
    bool listLayers = false;

    //! Everything the library takes; preprocessing already merged from sidecar, preset and options.
    cv::xai::AugmentedScoreCAM::Params params;
    std::string sizeOrigin;  //!< what set params.scoreCam.inputSize, for messages ("--size 1x1")
    //! Image channels the model takes: 1 (grey) or 3 (colour); 0: found out by a probe forward.
    int channels = 0;
    Method method = Method::Both;
    //! Other fusions of the same augmented views, for the montage and as maps of their own.
    std::vector<int> compareFusions;

    // Outputs.
    std::string outputDir = "xai_out";
    int colormap = cv::COLORMAP_JET;
    std::string colormapName = "jet";
    double alpha = 0.5;
    bool quiet = false;
    std::vector<std::string> warnings; //!< about options that will not do what they seem to; printed before the run

    // Sharding: this process explains the images whose index in the whole list modulo shardCount is shardIndex.
    int shardIndex = 0;
    int shardCount = 1;
    std::string shardSource;     //!< --shard auto: the variables the shard came from
    std::string mergeSummaries;  //!< --merge-summaries DIR: join the shards' summaries there, compute nothing

    // Where the preprocessing came from, for the summary.
    std::string preset = "none";
    std::string sidecar;     //!< the <model-stem>.yml that was read, if any
};

/** Parses and checks the command line. Prints --help to stdout and returns false when the
    program should exit 0 without running; throws UsageError on wrong usage. */
bool parseCommandLine(int argc, const char* const argv[], Options& options);

//! Names as the options spell them, for the summary and the messages.
const char* methodName(Method m);
std::string weightModeName(int weightMode);
std::string fusionName(int fusion);
std::string backendName(int backend);
std::string targetName(int target);

} // namespace xai_explain

#endif // XAI_EXPLAIN_OPTIONS_HPP
