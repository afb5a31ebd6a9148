// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_preprocessing.hpp"

#include <cmath>

#include "cli_errors.hpp"

namespace po = boost::program_options;

namespace xai_samples {
namespace {

enum Preset { PRESET_NONE, PRESET_TORCHVISION_IMAGENET, PRESET_CAFFE_IMAGENET };

//! std > 0 per channel, as the factors 1 / std.
cv::Scalar channelScaleOf(const cv::Scalar& std, const std::string& what)
{
    for (int c = 0; c < 3; c++)
        if (!(std[c] > 0) || !std::isfinite(std[c]))
            throw UsageError(what + ": every standard deviation must be a positive number, not " + shortText(std[c]));
    return cv::Scalar(1.0 / std[0], 1.0 / std[1], 1.0 / std[2], 1.0);
}

} // namespace

std::string shownValue(const cv::FileNode& n)
{
    if (n.isInt())
        return std::to_string((int)n);
    if (n.isReal())
        return shortText((double)n);
    if (n.isString())
        return "'" + (std::string)n + "'";
    return n.isSeq() ? "a list" : n.isMap() ? "a mapping" : "an empty value";
}

const Choices& presetChoices()
{
    static const Choices c = {{"none", PRESET_NONE},
                              {"torchvision-imagenet", PRESET_TORCHVISION_IMAGENET},
                              {"caffe-imagenet", PRESET_CAFFE_IMAGENET}};
    return c;
}

void applyPreset(const std::string& name, cv::xai::ScoreCAM::Params& p)
{
    switch (choose("preset", name, presetChoices()))
    {
    case PRESET_TORCHVISION_IMAGENET:
        // Resize(256) + CenterCrop(224): the shorter side becomes round(224 / 0.875) = 256. ToTensor +
        // Normalize: (x / 255 - m) / s per channel, in RGB order.
        p.inputSize = cv::Size(224, 224);
        p.crop = true;
        p.cropFraction = 0.875;
        p.scale = 1.0 / 255;
        p.mean = cv::Scalar(0.485 * 255, 0.456 * 255, 0.406 * 255);
        p.channelScale = cv::Scalar(1 / 0.229, 1 / 0.224, 1 / 0.225, 1);
        p.swapRB = true;
        break;
    case PRESET_CAFFE_IMAGENET:
        // The BVLC reference models: BGR pixels minus the ImageNet mean colour, resized.
        p.inputSize = cv::Size(224, 224);
        p.crop = false;
        p.cropFraction = 1;
        p.scale = 1;
        p.mean = cv::Scalar(104, 117, 123);
        p.channelScale = cv::Scalar::all(1);
        p.swapRB = false;
        break;
    default:
        break;
    }
}

const Choices& scoreTypeChoices()
{
    static const Choices c = {{"auto", cv::xai::SCORE_AUTO},
                              {"logits", cv::xai::SCORE_LOGITS},
                              {"probabilities", cv::xai::SCORE_PROBABILITIES}};
    return c;
}

std::string scoreTypeName(int scoreType) { return nameOf(scoreType, scoreTypeChoices()); }

bool readPreprocessing(const cv::FileNode& node, const std::string& where, cv::xai::ScoreCAM::Params& p)
{
    auto number = [&](const cv::FileNode& n, const std::string& key) {
        if (!n.isInt() && !n.isReal())
            throw UsageError(where + ": " + key + " must be a number, not " + shownValue(n));
        return (double)n;
    };
    // One number for all channels, or a list of three.
    auto channels = [&](const char* key, cv::Scalar& value) {
        const cv::FileNode n = node[key];
        if (n.empty())
            return false;
        if (n.isSeq() && n.size() == 3)
            value = cv::Scalar(number(n[0], key), number(n[1], key), number(n[2], key));
        else if (n.isSeq() && n.size() == 1)
            value = cv::Scalar::all(number(n[0], key));
        else if (n.isSeq())
            throw UsageError(where + ": " + key + " must be one number or a list of three, not a list of " +
                             std::to_string(n.size()));
        else
            value = cv::Scalar::all(number(n, key));
        return true;
    };
    auto flag = [&](const char* key, bool& value) {
        const cv::FileNode n = node[key];
        if (n.empty())
            return;
        if (!n.isInt() || ((int)n != 0 && (int)n != 1))
            throw UsageError(where + ": " + key + " must be 0 or 1, not " + shownValue(n));
        value = (int)n != 0;
    };
    auto text = [&](const char* key, cv::String& value) {
        const cv::FileNode n = node[key];
        if (n.empty())
            return;
        if (!n.isString())
            throw UsageError(where + ": " + key + " must be a string, not " + shownValue(n));
        value = (std::string)n;
    };

    const cv::FileNode width = node["input_width"], height = node["input_height"];
    if (width.empty() != height.empty())
        throw UsageError(where + ": input_width and input_height go together");
    if (!width.empty())
    {
        for (const auto& side : {std::make_pair("input_width", width), std::make_pair("input_height", height)})
            if (!side.second.isInt() || (int)side.second < 1 || (int)side.second > 65536)
                throw UsageError(where + ": " + side.first + " must be a whole number from 1 to 65536, not " +
                                 shownValue(side.second));
        p.inputSize = cv::Size((int)width, (int)height);
    }
    if (!node["scale"].empty())
    {
        p.scale = number(node["scale"], "scale");
        if (p.scale == 0 || !std::isfinite(p.scale))
            throw UsageError(where + ": scale must be a finite non-zero number, not " + shownValue(node["scale"]));
    }
    channels("mean", p.mean);
    cv::Scalar std;
    if (channels("std", std))
        p.channelScale = channelScaleOf(std, where + ": std");
    flag("swap_rb", p.swapRB);
    flag("swapRB", p.swapRB);  // models.yml's spelling
    flag("crop", p.crop);
    if (!node["crop_fraction"].empty())
    {
        p.cropFraction = number(node["crop_fraction"], "crop_fraction");
        if (!(p.cropFraction > 0 && p.cropFraction <= 1))
            throw UsageError(where + ": crop_fraction must be in (0, 1], not " + shownValue(node["crop_fraction"]));
    }
    text("target_layer", p.targetLayer);
    if (p.targetLayer == "auto")
        p.targetLayer.clear();
    text("score_layer", p.scoreLayer);
    text("output_layer", p.scoreLayer);  // models.yml's name for it
    cv::String scoreType;
    text("score_type", scoreType);
    if (!scoreType.empty())
    {
        try
        {
            p.scoreType = choose("score_type", scoreType, scoreTypeChoices());
        }
        catch (const UsageError&)
        {
            throw UsageError(where + ": score_type must be one of " + joinNames(scoreTypeChoices()) + ", not '" +
                             scoreType + "'");
        }
    }
    return !width.empty();
}

po::options_description preprocessingOptions(const std::string& caption)
{
    po::options_description o(caption);
    o.add_options()
        ("preset", po::value<std::string>()->value_name("NAME"), "torchvision-imagenet: torchvision's evaluation "
            "transform (shorter side to 256, centre 224x224 crop, RGB, (x/255 - mean) / std with ImageNet's mean "
            "and std per channel); caffe-imagenet: 224x224, BGR minus 104,117,123; none")
        ("size", po::value<std::string>()->value_name("WxH"), "network input WIDTHxHEIGHT; without one, the image's "
            "own size")
        ("scale", po::value<double>()->value_name("S"), "multiplier applied after the mean is subtracted")
        ("mean", po::value<std::string>()->value_name("A,B,C"), "mean subtracted per channel, \"a,b,c\" in the order "
            "after --swap-rb, or one value for all")
        ("std", po::value<std::string>()->value_name("A,B,C"), "standard deviation each channel is divided by after "
            "--scale, in the order after --swap-rb (torchvision's Normalize: --scale 0.00392156862745098 "
            "--mean 123.675,116.28,103.53 --std 0.229,0.224,0.225)")
        ("swap-rb", po::bool_switch(), "feed RGB instead of OpenCV's BGR")
        ("no-swap-rb", po::bool_switch(), "feed BGR even if the model's settings or preset say RGB")
        ("crop", po::bool_switch(), "resize keeping the aspect ratio and crop the centre")
        ("no-crop", po::bool_switch(), "resize to the input size (the model's settings or preset may say crop)")
        ("crop-fraction", po::value<double>()->value_name("F"), "with --crop (implied): the share of the resized "
            "image the centre crop keeps, in (0, 1]; below 1 the shorter side is resized to round(side / F) first, "
            "as torchvision's Resize + CenterCrop (0.875: 256 then 224)")
        ("score-layer", po::value<std::string>()->value_name("NAME"), "the layer whose output holds the class "
            "scores (default: the net's output)")
        ("score-type", po::value<std::string>()->value_name("NAME"), "how its output is read: auto (probabilities "
            "after a Softmax, logits otherwise), logits or probabilities");
    return o;
}

std::string applyPreprocessingOptions(const po::variables_map& vm, cv::xai::ScoreCAM::Params& p)
{
    auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
    auto str = [&](const char* name) { return vm[name].as<std::string>(); };
    auto on = [&](const char* name) { return vm.count(name) && vm[name].as<bool>(); };
    std::string sizeOrigin;
    if (given("preset"))
    {
        applyPreset(str("preset"), p);
        if (str("preset") != "none")
            sizeOrigin = "--preset " + str("preset");
    }
    if (given("size"))
    {
        p.inputSize = parseSize(str("size"));
        sizeOrigin = "--size " + str("size");
    }
    if (given("scale"))
    {
        p.scale = vm["scale"].as<double>();
        if (p.scale == 0 || !std::isfinite(p.scale))
            throw UsageError("--scale " + shortText(p.scale) + ": a finite non-zero number is expected");
    }
    if (given("mean"))
        p.mean = parseChannelValues("mean", str("mean"));
    if (given("std"))
        p.channelScale = channelScaleOf(parseChannelValues("std", str("std")), "--std " + str("std"));
    for (const char* flag : {"swap-rb", "crop"})
        if (on(flag) && on((std::string("no-") + flag).c_str()))
            throw UsageError(std::string("--") + flag + " and --no-" + flag + " contradict each other");
    if (on("swap-rb") || on("no-swap-rb"))
        p.swapRB = on("swap-rb");
    if (on("crop") || on("no-crop"))
        p.crop = on("crop");
    if (given("crop-fraction"))
    {
        p.cropFraction = vm["crop-fraction"].as<double>();
        requireRange("crop-fraction", p.cropFraction, 0, 1, "a share in (0, 1]");
        if (p.cropFraction == 0)
            throw UsageError("--crop-fraction 0 is out of range: a share in (0, 1]");
        if (on("no-crop"))
            throw UsageError("--crop-fraction and --no-crop contradict each other");
        p.crop = true;
    }
    if (given("score-layer"))
        p.scoreLayer = str("score-layer");
    if (given("score-type"))
        p.scoreType = choose("score-type", str("score-type"), scoreTypeChoices());
    return sizeOrigin;
}

} // namespace xai_samples
