// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "model.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>

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
    cv::dnn::Net net;
    try
    {
        net = cv::dnn::readNet(o.model, o.config, o.framework);
    }
    catch (const cv::Exception& e)
    {
        throw UsageError("cannot load model '" + o.model + "': " + messageOf(e));
    }
    if (net.empty())
        throw UsageError("cannot load model '" + o.model + "': cv::dnn found no layers in it");
    return net;
}

void printLayers(cv::dnn::Net& net, cv::Size inputSize, std::ostream& out)
{
    const cv::dnn::MatShape input = {1, 3, inputSize.height, inputSize.width};
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

void checkLayerName(const cv::dnn::Net& net, const std::string& layer)
{
    if (!layer.empty() && net.getLayerId(layer) < 0)
        throw UsageError("the model has no layer '" + layer + "' (see --list-layers)");
}

int probeClassCount(cv::dnn::Net& net, const Options& o)
{
    const cv::xai::ScoreCAM::Params& p = o.params.scoreCam;
    const std::string output = p.scoreLayer.empty() ? net.getUnconnectedOutLayersNames().at(0) : p.scoreLayer;
    try
    {
        net.setInput(cv::dnn::blobFromImage(cv::Mat(p.inputSize, CV_8UC3, cv::Scalar::all(127)), p.scale,
                                            p.inputSize, p.mean, p.swapRB, p.crop));
        return (int)net.forward(output).total();
    }
    catch (const cv::Exception& e)
    {
        throw UsageError("the model cannot run on a " + std::to_string(p.inputSize.width) + "x" +
                         std::to_string(p.inputSize.height) + " input: " + messageOf(e));
    }
}

} // namespace xai_explain
