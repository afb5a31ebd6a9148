// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_plan.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace xai_samples {

int explainedChannels(const cv::dnn::Net& net, const cv::xai::ScoreCAM::Params& params,
                      const cv::dnn::MatShape& input)
{
    try
    {
        const std::string layer =
            params.targetLayer.empty() ? cv::xai::findTargetLayer(net, input) : params.targetLayer;
        std::vector<int> ids;
        std::vector<std::vector<cv::dnn::MatShape>> inShapes, outShapes;
        net.getLayersShapes(input, ids, inShapes, outShapes);
        const int id = net.getLayerId(layer);
        for (size_t i = 0; i < ids.size(); i++)
            if (ids[i] == id && !outShapes[i].empty() && outShapes[i][0].size() == 4)
                return outShapes[i][0][1];
    }
    catch (const cv::Exception&)
    {
    }
    return 0;
}

ForwardCost batchedCost(long long images, int batch)
{
    const long long b = std::max(1, batch);
    return {(images + b - 1) / b, images};
}

ForwardCost explanationCost(int channels, const cv::xai::ScoreCAM::Params& params, int views, int viewWeights)
{
    const long long m = params.maxChannels > 0 ? std::min(channels, params.maxChannels) : channels;
    const long long scored = viewWeights == cv::xai::VIEW_WEIGHTS_PER_VIEW ? std::max(views, 1) : 1;
    ForwardCost cost = batchedCost(std::max(views, 1), params.batchSize);
    cost += scored * batchedCost(m, params.batchSize);
    return cost;
}

double singleForwardSeconds(cv::dnn::Net& net, const cv::xai::ScoreCAM::Params& params,
                            const cv::dnn::MatShape& input)
{
    cv::Mat blob(input, CV_32F, cv::Scalar::all(0));
    const std::string output =
        params.scoreLayer.empty() ? net.getUnconnectedOutLayersNames().at(0) : params.scoreLayer;
    net.setInput(blob);
    net.forward(output);
    const auto start = std::chrono::steady_clock::now();
    net.setInput(blob);
    net.forward(output);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string roughDuration(double seconds)
{
    char buf[48];
    if (seconds < 90)
        std::snprintf(buf, sizeof(buf), "%.0f s", seconds);
    else if (seconds < 90 * 60)
        std::snprintf(buf, sizeof(buf), "%.0f min", seconds / 60);
    else if (seconds < 48 * 3600)
        std::snprintf(buf, sizeof(buf), "%.1f h", seconds / 3600);
    else
        std::snprintf(buf, sizeof(buf), "%.0f days", seconds / 86400);
    return buf;
}

std::string grouped(long long n)
{
    std::string digits = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < digits.size(); i++)
    {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string counted(long long n, const std::string& noun)
{
    return grouped(n) + " " + noun + (n == 1 ? "" : "s");
}

} // namespace xai_samples
