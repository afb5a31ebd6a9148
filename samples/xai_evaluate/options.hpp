// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_evaluate: the command line, turned into one checked Options value.

#ifndef XAI_EVALUATE_OPTIONS_HPP
#define XAI_EVALUATE_OPTIONS_HPP

#include <string>
#include <vector>

#include <opencv2/xai.hpp>

#include "common.hpp"

namespace xai_evaluate {

/** One explanation method of the comparison: "score-cam", or FUSION:N[:lattice][/KEY=VALUE...]
    (Augmented Score-CAM with N views fused by mean, max or super-resolution, random views or a
    lattice of sub-cell shifts, and super-resolution settings of its own). */
struct MethodSpec
{
    std::string name;
    bool augmented = false;
    int views = 1;
    int fusion = cv::xai::FUSION_MEAN;
    int lattice = 0;                                //!< k of a k x k lattice of designed views; 0: random
    std::vector<std::string> settings;              //!< super-resolution settings, KEY=VALUE
    cv::xai::SuperResolutionParams superResolution; //!< the global options with the settings applied

    //! Methods with the same views share their forwards: only the fusion differs.
    bool sameViews(const MethodSpec& other) const
    {
        return augmented && other.augmented && views == other.views && lattice == other.lattice;
    }
};

/** Parses "score-cam", "mean:16", "max:4", "super-resolution:16:lattice/tv=0.001"; the settings
    apply on top of `superResolution` (the command line's). Throws UsageError. */
MethodSpec parseMethod(const std::string& text, const cv::xai::SuperResolutionParams& superResolution =
                                                    cv::xai::SuperResolutionParams());

struct Options
{
    // Model: a file plus preprocessing, or an entry of models.yml.
    std::string model;
    std::string modelsFile;
    std::string modelName;   //!< the models.yml entry, or the file's stem
    std::string modelChecksum;  //!< FNV-1a 64 of the model file: a retrained model is another run
    cv::xai::ScoreCAM::Params scoreCam;       //!< preprocessing and Score-CAM settings
    cv::xai::AugmentationParams augmentation; //!< angle, shift, seed, lattice (numAugmentations comes from each method)
    cv::xai::SuperResolutionParams superResolution; //!< the --sr-* options; a method's own settings go on top
    std::vector<MethodSpec> methods;

    // Data.
    std::string groundTruth;
    int limit = 0;           //!< first N images only; 0: all
    int shardIndex = 0;
    int shardCount = 1;
    std::string shardSource; //!< --shard auto: the variables the shard came from

    // Metrics.
    cv::xai::PerturbationParams perturbation;
    int dropBaseline = cv::xai::BASELINE_ZERO_INPUT;
    double bboxThreshold = 0.15;
    int randomizationImages = 0;  //!< the randomisation test on images with index below this
    bool denseFidelity = false;   //!< compare every map with the network's dense map (cv::xai::computeDenseMap)
    int randomizationLayers = 0;  //!< the last N layers with parameters; 0: all

    // Output.
    std::string output;
    std::string summaryFormat = "yaml";
    bool plots = true;
    bool quiet = false;
    int threads = -1;

    std::vector<std::string> merge;  //!< --merge: output folders of earlier runs
    std::vector<std::string> warnings; //!< about options that will not do what they seem to; printed before the run

    /** The settings that make two runs' rows comparable (everything but the shard, the output and
        the threads): a resumed run and merged shards must agree on it. */
    std::vector<std::pair<std::string, std::string>> settings() const;
};

/** Parses and checks the command line. Prints --help to stdout and returns false when the
    program should exit 0 without running; throws UsageError on wrong usage. */
bool parseCommandLine(int argc, const char* const argv[], Options& options);

//! Names of the baselines as the options spell them.
std::string baselineName(int baseline);

} // namespace xai_evaluate

#endif // XAI_EVALUATE_OPTIONS_HPP
