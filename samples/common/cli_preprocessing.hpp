// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// How images become the network input, as xai_explain and xai_evaluate both take it: presets, the
// keys of a model's .yml or models.yml entry, and the options, each value checked.

#ifndef XAI_SAMPLES_CLI_PREPROCESSING_HPP
#define XAI_SAMPLES_CLI_PREPROCESSING_HPP

#include <string>

#include <boost/program_options.hpp>
#include <opencv2/core.hpp>
#include <opencv2/xai.hpp>

#include "cli_values.hpp"

namespace xai_samples {

//! none, torchvision-imagenet, caffe-imagenet.
const Choices& presetChoices();

/** Sets the preprocessing of a named preset (input size, scale, std, mean, channel order, crop).
    torchvision-imagenet is torchvision's evaluation transform: Resize(256), CenterCrop(224),
    ToTensor, Normalize(mean, std), exact in sizes, crop offsets and arithmetic (the resampling
    filter differs: OpenCV's bilinear, PIL's antialiased bilinear). Throws UsageError naming
    --preset for an unknown name. */
void applyPreset(const std::string& name, cv::xai::ScoreCAM::Params& params);

//! A FileNode's value as a message shows it: 3, 0.5, 'text', a list, a mapping, an empty value.
std::string shownValue(const cv::FileNode& node);

//! auto, logits, probabilities: cv::xai::ScoreType by name.
const Choices& scoreTypeChoices();

/** Reads the preprocessing keys of a model's .yml or of a models.yml entry into `params`, each
    checked (a wrong value is a UsageError naming `where` and the key): input_width and
    input_height, scale, mean, std, swap_rb (or swapRB), crop, crop_fraction, target_layer,
    score_layer (or output_layer) and score_type. Absent keys leave `params` as it is. Returns
    true when the file set the input size. */
bool readPreprocessing(const cv::FileNode& node, const std::string& where, cv::xai::ScoreCAM::Params& params);

/** The options both programs take for the preprocessing and the scores: --preset, --size, --scale,
    --mean, --std, --swap-rb, --no-swap-rb, --crop, --no-crop, --crop-fraction, --score-layer and
    --score-type. `caption` names the group in --help. */
boost::program_options::options_description preprocessingOptions(const std::string& caption);

/** Applies those options to `params`: --preset over what `params` holds, then each option given
    over the preset. Throws UsageError for a bad value. Returns what set the input size, in the
    user's words ("--size 1x1", "--preset torchvision-imagenet"), or an empty string when none of
    them did. */
std::string applyPreprocessingOptions(const boost::program_options::variables_map& vm,
                                      cv::xai::ScoreCAM::Params& params);

//! "auto", "logits" or "probabilities": a cv::xai::ScoreType as the options spell it.
std::string scoreTypeName(int scoreType);

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_PREPROCESSING_HPP
