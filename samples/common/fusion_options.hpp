// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The options of super-resolution fusion and designed views, shared by the three programs.

#ifndef XAI_SAMPLES_FUSION_OPTIONS_HPP
#define XAI_SAMPLES_FUSION_OPTIONS_HPP

#include <string>

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

} // namespace xai_samples

#endif // XAI_SAMPLES_FUSION_OPTIONS_HPP
