// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The options of super-resolution fusion and designed views, shared by the three programs.

#ifndef XAI_SAMPLES_FUSION_OPTIONS_HPP
#define XAI_SAMPLES_FUSION_OPTIONS_HPP

#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <opencv2/xai.hpp>

namespace xai_samples {

/** --sr-lambda-tv, --sr-lambda-energy, --sr-iterations, --sr-tolerance, --sr-downsampling,
    --sr-resolution, --sr-view-scale and --lattice, with the library's defaults. */
boost::program_options::options_description superResolutionOptions();

/** Reads those options into the parameters, checking them in the options' own terms (throws
    UsageError); options not given keep the values already there. */
void readSuperResolutionOptions(const boost::program_options::variables_map& vm, cv::xai::SuperResolutionParams& sr,
                                cv::xai::AugmentationParams& augmentation);

/** One setting in a method's own terms, KEY=VALUE with KEY one of tv, energy, iterations,
    tolerance, downsampling, resolution, view-scale (xai_evaluate's "super-resolution:16/tv=0.001");
    `context` names the option it was given in, without the dashes, for the message. */
void applySuperResolutionSetting(const std::string& setting, const std::string& context,
                                 cv::xai::SuperResolutionParams& sr);

//! The settings as the programs print them ("tv=0.002 energy=0.0001 ...").
std::string describeSuperResolution(const cv::xai::SuperResolutionParams& sr);

/** What the run does, for unusedOptionWarnings(): each text names the options that chose it, in the
    program's words ("--method score-cam", "--fusion mean"). */
struct RunShape
{
    bool augmented = true;       //!< Augmented Score-CAM runs
    std::string method;          //!< the options that say whether it runs
    bool superResolution = true; //!< a fusion that runs may solve a super-resolution
    std::string fusion;          //!< the options that say which fusions run
    bool randomShifts = true;    //!< some views are shifted at random (not all on a lattice)
    int lattice = 0;             //!< the lattice of the other views
};

/** Warnings, without the program's prefix, for the options given that the run will not use, so
    that a user does not believe they changed a map: Augmented Score-CAM's options when it does not
    run, the super-resolution settings when no fusion that runs solves one, --max-shift when every
    view is on a lattice. Only options of `vm` given on the command line are named. */
std::vector<std::string> unusedOptionWarnings(const boost::program_options::variables_map& vm, const RunShape& run);

} // namespace xai_samples

#endif // XAI_SAMPLES_FUSION_OPTIONS_HPP
