// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "fusion_options.hpp"

#include <sstream>

#include "cli_errors.hpp"
#include "cli_values.hpp"

namespace po = boost::program_options;

namespace xai_samples {

namespace {

const Choices& downsamplingChoices()
{
    static const Choices c = {{"area", cv::xai::DOWNSAMPLE_AREA}, {"point", cv::xai::DOWNSAMPLE_POINT},
                              {"center", cv::xai::DOWNSAMPLE_CENTER}};
    return c;
}

const Choices& viewScaleChoices()
{
    static const Choices c = {{"max", 1}, {"common", 0}};
    return c;
}

//! Sets one field from its text; `option` is how the user named it, without the dashes (for messages).
void set(const std::string& key, const std::string& text, const std::string& option, cv::xai::SuperResolutionParams& sr)
{
    if (key == "tv" || key == "energy")
    {
        const double v = parseNumber(option, text);
        requireRange(option, v, 0, 1e6, "a weight from 0 to 1000000 is expected");
        (key == "tv" ? sr.lambdaTV : sr.lambdaEnergy) = v;
    }
    else if (key == "iterations")
    {
        const long v = parseWhole(option, text);
        requireRange(option, (double)v, 1, 1e7, "1 to 10000000 iterations are expected");
        sr.maxIterations = (int)v;
    }
    else if (key == "tolerance")
    {
        const double v = parseNumber(option, text);
        requireRange(option, v, 1e-12, 1, "a relative residual from 1e-12 to 1 is expected");
        sr.tolerance = v;
    }
    else if (key == "downsampling")
        sr.downsampling = choose(option, text, downsamplingChoices());
    else if (key == "resolution")
    {
        const long v = parseWhole(option, text);
        requireRange(option, (double)v, 0, 256, "pixels per cell of the layer, 0 (the frame's) to 256");
        sr.resolution = (int)v;
    }
    else if (key == "view-scale")
        sr.normalizeViews = choose(option, text, viewScaleChoices()) != 0;
    else
        throw UsageError("--" + option + ": unknown setting '" + key + "' (expected tv, energy, iterations, "
                         "tolerance, downsampling, resolution or view-scale)");
}

const char* const kKeys[] = {"tv", "energy", "iterations", "tolerance", "downsampling", "resolution", "view-scale"};

} // namespace

po::options_description superResolutionOptions()
{
    const cv::xai::SuperResolutionParams d;
    po::options_description o("Super-resolution fusion (--fusion super-resolution) and designed views");
    o.add_options()
        ("sr-lambda-tv", po::value<std::string>()->value_name("W")->default_value(shortText(d.lambdaTV)),
            "weight of the total variation of the fused map")
        ("sr-lambda-energy", po::value<std::string>()->value_name("W")->default_value(shortText(d.lambdaEnergy)),
            "weight of the fused map's energy (sum of squares)")
        ("sr-iterations", po::value<std::string>()->value_name("N")->default_value(std::to_string(d.maxIterations)),
            "most iterations of the solver")
        ("sr-tolerance", po::value<std::string>()->value_name("R")->default_value(shortText(d.tolerance)),
            "the solver stops once its relative residual is below this")
        ("sr-downsampling", po::value<std::string>()->value_name("NAME")->default_value("area"),
            "how the fused map is compared with a view's grid: area (the mean over one stride about each cell's "
            "centre), point (one sample per cell, as Augmented Grad-CAM's code) or center (the value at the cell's "
            "true centre)")
        ("sr-resolution", po::value<std::string>()->value_name("R")->default_value(std::to_string(d.resolution)),
            "pixels of the solved map per cell of the layer, upsampled to the input at the end; 0: the input's")
        ("sr-view-scale", po::value<std::string>()->value_name("NAME")->default_value(d.normalizeViews ? "max" : "common"),
            "max: each view's map divided by its own maximum (as Augmented Grad-CAM); common: the class "
            "scores' common scale")
        ("lattice", po::value<std::string>()->value_name("K")->default_value(
            std::to_string(cv::xai::AugmentedScoreCAM::Params().augmentation.latticeSize)),
            "designed views: shift the views by a K x K lattice of whole-pixel offsets inside one stride of the "
            "layer (N = K x K views interleave exactly), instead of at random (--max-shift is then not used); "
            "0: random shifts");
    return o;
}

void readSuperResolutionOptions(const po::variables_map& vm, cv::xai::SuperResolutionParams& sr,
                                cv::xai::AugmentationParams& augmentation)
{
    for (const char* key : kKeys)
    {
        const std::string option = std::string("sr-") + (std::string(key) == "tv" ? "lambda-tv" :
                                                         std::string(key) == "energy" ? "lambda-energy" : key);
        if (vm.count(option) && !vm[option].defaulted())
            set(key, vm[option].as<std::string>(), option, sr);
    }
    if (vm.count("lattice") && !vm["lattice"].defaulted())
    {
        const long k = parseWhole("lattice", vm["lattice"].as<std::string>());
        requireRange("lattice", (double)k, 0, 64, "offsets per cell side, 0 (random views) to 64");
        augmentation.latticeSize = (int)k;
    }
}

void applySuperResolutionSetting(const std::string& setting, const std::string& context,
                                 cv::xai::SuperResolutionParams& sr)
{
    const size_t eq = setting.find('=');
    if (eq == std::string::npos || eq == 0)
        throw UsageError("--" + context + ": '" + setting + "' is not KEY=VALUE");
    set(setting.substr(0, eq), setting.substr(eq + 1), context + " " + setting.substr(0, eq), sr);
}

std::string describeSuperResolution(const cv::xai::SuperResolutionParams& sr)
{
    std::ostringstream s;
    s << "tv=" << shortText(sr.lambdaTV) << " energy=" << shortText(sr.lambdaEnergy) << " iterations="
      << sr.maxIterations << " tolerance=" << shortText(sr.tolerance) << " downsampling="
      << nameOf(sr.downsampling, downsamplingChoices()) << " resolution=" << sr.resolution << " view-scale="
      << (sr.normalizeViews ? "max" : "common");
    return s.str();
}

namespace {

//! "--a", "--a and --b", "--a, --b and --c": the options of `names` given on the command line.
std::vector<std::string> givenOptions(const po::variables_map& vm, const std::vector<const char*>& names)
{
    std::vector<std::string> given;
    for (const char* name : names)
        if (vm.count(name) && !vm[name].defaulted())
            given.push_back(std::string("--") + name);
    return given;
}

std::string listed(const std::vector<std::string>& items)
{
    std::string s;
    for (size_t i = 0; i < items.size(); i++)
        s += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return s;
}

//! "--a is an option of X: Y does not use it", or "--a and --b are options of X: Y does not use them".
std::string notUsed(const std::vector<std::string>& options, const std::string& one, const std::string& many,
                    const std::string& by)
{
    const bool single = options.size() == 1;
    return listed(options) + (single ? " is " + one : " are " + many) + ": " + by + " does not use " +
           (single ? "it" : "them");
}

const std::vector<const char*> kSuperResolutionOptions = {"sr-lambda-tv", "sr-lambda-energy", "sr-iterations",
                                                          "sr-tolerance", "sr-downsampling", "sr-resolution",
                                                          "sr-view-scale"};

} // namespace

std::vector<std::string> unusedOptionWarnings(const po::variables_map& vm, const RunShape& run)
{
    std::vector<std::string> warnings;
    if (!run.augmented)
    {
        std::vector<const char*> names = {"augmentations", "max-angle", "max-shift", "seed", "fusion", "view-weights",
                                          "compare-fusions", "lattice"};
        names.insert(names.end(), kSuperResolutionOptions.begin(), kSuperResolutionOptions.end());
        const std::vector<std::string> given = givenOptions(vm, names);
        if (!given.empty())
            warnings.push_back(notUsed(given, "an option of Augmented Score-CAM", "options of Augmented Score-CAM", run.method));
        return warnings;
    }
    const std::vector<std::string> sr = givenOptions(vm, kSuperResolutionOptions);
    if (!run.superResolution && !sr.empty())
        warnings.push_back(notUsed(sr, "a setting of the super-resolution solve", "settings of the super-resolution solve",
                                           run.fusion));
    if (!run.randomShifts && !givenOptions(vm, {"max-shift"}).empty())
        warnings.push_back("--max-shift is not used with --lattice " + std::to_string(run.lattice) +
                           ": the lattice sets the shifts (--lattice 0 for random shifts)");
    return warnings;
}

} // namespace xai_samples
