// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "model.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>

#include <opencv2/core/utils/logger.hpp>

#include "../common/cli_files.hpp"

namespace xai_explain {
namespace {

std::string shapeText(const cv::dnn::MatShape& shape)
{
    std::string s;
    for (size_t i = 0; i < shape.size(); i++)
        s += (i ? "x" : "") + std::to_string(shape[i]);
    return s.empty() ? "?" : s;
}

} // namespace

cv::dnn::Net loadNet(const Options& o)
{
    return xai_samples::readModel(o.model, o.config, o.framework);
}

void printLayers(cv::dnn::Net& net, cv::Size inputSize, int channels, std::ostream& out)
{
    const cv::dnn::MatShape input = {1, channels, inputSize.height, inputSize.width};
    std::vector<int> ids;
    std::vector<std::vector<cv::dnn::MatShape>> inShapes, outShapes;
    try
    {
        net.getLayersShapes(input, ids, inShapes, outShapes);
    }
    catch (const cv::Exception& e)
    {
        throw UsageError("cannot compute the layer shapes for a " + shapeText(input) + " input: " + messageOf(e));
    }

    struct Row
    {
        std::string name, type, shape;
    };
    std::vector<Row> rows;
    // The library's own rule, so the mark cannot disagree with what a run explains.
    std::string automatic;
    try
    {
        automatic = cv::xai::findTargetLayer(net, input);
    }
    catch (const cv::Exception&)
    {
        // No spatial layer: nothing is marked, and a run would say why.
    }
    size_t nameWidth = 4, typeWidth = 4;
    for (size_t i = 0; i < ids.size(); i++)
    {
        if (ids[i] == 0)
            continue;  // the input pseudo-layer
        const cv::Ptr<cv::dnn::Layer> layer = net.getLayer(ids[i]);
        const cv::dnn::MatShape shape = outShapes[i].empty() ? cv::dnn::MatShape() : outShapes[i][0];
        rows.push_back({layer->name, layer->type, shapeText(shape)});
        nameWidth = std::max(nameWidth, layer->name.size());
        typeWidth = std::max(typeWidth, layer->type.size());
    }

    out << "# Output shapes (N x C x H x W) for a " << shapeText(input) << " input; '*' marks the layer "
        << "that --layer auto explains.\n";
    out << "  " << std::left << std::setw((int)nameWidth) << "name" << "  " << std::setw((int)typeWidth) << "type"
        << "  output\n";
    for (size_t r = 0; r < rows.size(); r++)
        out << (rows[r].name == automatic ? "* " : "  ") << std::setw((int)nameWidth) << rows[r].name << "  "
            << std::setw((int)typeWidth) << rows[r].type << "  " << rows[r].shape << "\n";
}

void checkLayerName(const cv::dnn::Net& net, const std::string& layer, const std::string& option)
{
    if (!layer.empty() && net.getLayerId(layer) < 0)
        throw UsageError(option + " '" + layer + "': the model has no layer of that name (see --list-layers)");
}

ModelProbe probeModel(cv::dnn::Net& net, const Options& o, cv::Size size)
{
    const cv::xai::ScoreCAM::Params& p = o.params.scoreCam;
    if (size.empty())
        size = p.inputSize;
    const std::string sizeText = std::to_string(size.width) + "x" + std::to_string(size.height);
    const std::string origin = size == p.inputSize && !o.sizeOrigin.empty() ? " (" + o.sizeOrigin + ")" : "";
    const std::string output = p.scoreLayer.empty() ? net.getUnconnectedOutLayersNames().at(0) : p.scoreLayer;
    auto forward = [&](int channels) {
        const cv::Mat blank(size, CV_8UC(channels), cv::Scalar::all(127));
        net.setInput(cv::dnn::blobFromImage(blank, p.scale, size, p.mean, p.swapRB && channels == 3, p.crop));
        return (int)net.forward(output).total();
    };
    // A model of grey images refuses colour ones at its first convolution (and the reverse); OpenCV
    // logs the refusal as errors, which are not this program's: each try is silent.
    std::string refusal;
    auto tryForward = [&](int channels) {
        const cv::utils::logging::LogLevel level = cv::utils::logging::getLogLevel();
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
        int classes = 0;
        try
        {
            classes = forward(channels);
        }
        catch (const cv::Exception& e)
        {
            if (refusal.empty())
                refusal = messageOf(e, "a layer of the model refused the input's shape");
        }
        cv::utils::logging::setLogLevel(level);
        return classes;
    };
    ModelProbe probe;
    probe.channels = o.channels ? o.channels : 3;
    probe.numClasses = tryForward(probe.channels);
    if (probe.numClasses == 0 && tryForward(4 - probe.channels) > 0)
    {
        if (o.channels)
            throw UsageError("--channels " + std::to_string(o.channels) + " feeds the model " +
                             (o.channels == 3 ? "colour images, but it takes grey ones (1 channel)"
                                              : "grey images, but it takes colour ones (3 channels)") +
                             ": give --channels " + std::to_string(4 - o.channels) + ", or leave --channels out");
        probe.channels = 1;
        probe.numClasses = tryForward(1);
    }
    if (probe.numClasses == 0)
        throw UsageError("the model cannot run on a " + sizeText + " input" + origin + ": " + refusal);

    // The map is the explained layer's output upsampled: it needs more than one pixel.
    const cv::dnn::MatShape input = {1, probe.channels, size.height, size.width};
    std::string layer = p.targetLayer;
    if (layer.empty())
    {
        try
        {
            layer = cv::xai::findTargetLayer(net, input);
        }
        catch (const cv::Exception&)
        {
            // Too small, or no spatial layer at any size (the library says so at the first image).
            const cv::dnn::MatShape large = {1, probe.channels, std::max(224, 4 * size.height),
                                             std::max(224, 4 * size.width)};
            try
            {
                cv::xai::findTargetLayer(net, large);
            }
            catch (const cv::Exception&)
            {
                return probe;
            }
            throw UsageError("the input size " + sizeText + origin + " is too small for this model: no layer "
                             "has an output larger than 1x1 to explain; give a larger --size");
        }
    }
    std::vector<int> ids;
    std::vector<std::vector<cv::dnn::MatShape>> inShapes, outShapes;
    net.getLayersShapes(input, ids, inShapes, outShapes);
    const int id = net.getLayerId(layer);
    for (size_t i = 0; i < ids.size(); i++)
        if (ids[i] == id && !outShapes[i].empty())
        {
            const cv::dnn::MatShape& s = outShapes[i][0];
            if (s.size() == 4 && (int64_t)s[2] * s[3] < 2)
                throw UsageError("the input size " + sizeText + origin + " is too small for layer '" + layer +
                                 "': its output is " + shapeText(s) + ", a map needs more than 1x1; give a larger "
                                 "--size or another --layer");
        }
    return probe;
}

} // namespace xai_explain
