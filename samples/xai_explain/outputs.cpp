// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "outputs.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "../common/cli_document.hpp"
#include "../common/cli_files.hpp"
#include "../common/cli_preprocessing.hpp"

namespace xai_explain {
namespace {

const int kGap = 4;
const cv::Scalar kWhite(255, 255, 255);

//! Captions grow with the pictures, so that a montage shown whole (as in the README) stays readable.
int captionHeight(int pictureHeight) { return std::clamp(pictureHeight / 12, 26, 44); }

//! A caption in the strip: smaller type if it is too wide, then cut, never overflowing.
void putCaption(cv::Mat& strip, const std::string& text)
{
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    const int room = strip.cols - 8;
    const int thickness = strip.rows >= 34 ? 2 : 1;
    int baseline = 0;
    double scale = strip.rows / 52.0;
    while (scale > 0.36 && cv::getTextSize(text, font, scale, thickness, &baseline).width > room)
        scale -= 0.05;
    std::string shown = text;
    while (shown.size() > 1 && cv::getTextSize(shown, font, scale, thickness, &baseline).width > room)
        shown = shown.substr(0, shown.size() - 2) + "~";
    const cv::Size size = cv::getTextSize(shown, font, scale, thickness, &baseline);
    cv::putText(strip, shown, cv::Point(4, (strip.rows + size.height) / 2), font, scale, cv::Scalar::all(0),
                thickness, cv::LINE_AA);
}

const char* borderName(int borderMode)
{
    switch (borderMode)
    {
    case cv::BORDER_CONSTANT: return "mean-colour";  // neutral after normalisation
    case cv::BORDER_REFLECT: return "reflect";
    case cv::BORDER_REFLECT_101: return "reflect-101";
    case cv::BORDER_REPLICATE: return "replicate";
    default: return "other";
    }
}

void writeStats(xai_samples::DocumentWriter& fs, const MapStats& s)
{
    fs << "stats" << "{";
    fs << "min" << s.min << "max" << s.max << "mean" << s.mean << "sum" << s.sum;
    fs << "centroid_x" << s.centroid.x << "centroid_y" << s.centroid.y;
    fs << "}";
}

//! Every parameter the map depends on, so that each record can be reproduced on its own.
void writeParameters(xai_samples::DocumentWriter& fs, const Options& o, const MapRecord& r)
{
    const cv::xai::ScoreCAM::Params& p = o.params.scoreCam;
    fs << "parameters" << "{";
    fs << "input_width" << p.inputSize.width << "input_height" << p.inputSize.height;
    fs << "scale" << p.scale;
    fs << "mean" << "[:" << p.mean[0] << p.mean[1] << p.mean[2] << "]";
    // The std each channel is divided by, as the sidecar and --std give it: 1 / channelScale.
    fs << "std" << "[:" << 1 / p.channelScale[0] << 1 / p.channelScale[1] << 1 / p.channelScale[2] << "]";
    fs << "swap_rb" << (int)p.swapRB << "crop" << (int)p.crop << "crop_fraction" << p.cropFraction;
    fs << "target_layer" << (p.targetLayer.empty() ? std::string("auto") : p.targetLayer);
    fs << "weights" << weightModeName(p.weightMode);
    fs << "max_channels" << p.maxChannels << "skip_spread_fraction" << p.skipSpreadFraction;
    fs << "batch" << p.batchSize;
    fs << "score_layer" << (p.scoreLayer.empty() ? std::string("output") : p.scoreLayer);
    fs << "score_type" << xai_samples::scoreTypeName(p.scoreType);
    // Not on the command line, recorded all the same: with them the record is the whole Params.
    fs << "combination" << (p.combination == cv::xai::COMBINE_MAX ? "max" : "sum");
    fs << "mask_space" << (p.maskSpace == cv::xai::MASK_RAW_PIXELS ? "raw-pixels" : "normalized-input");
    if (r.method == Method::Augmented)
    {
        const cv::xai::AugmentationParams& a = o.params.augmentation;
        fs << "augmentations" << a.numAugmentations << "max_angle" << a.maxAngle << "max_shift" << a.maxShift;
        fs << "min_scale" << a.minScale << "max_scale" << a.maxScale << "horizontal_flip" << (int)a.horizontalFlip;
        fs << "border" << borderName(a.borderMode);
        fs << "seed" << a.seed << "lattice" << a.latticeSize << "fusion" << fusionName(r.fusion);
        if (r.fusion == cv::xai::FUSION_SUPER_RESOLUTION)
        {
            const cv::xai::SuperResolutionParams& sr = o.params.superResolution;
            fs << "super_resolution" << "{" << "lambda_tv" << sr.lambdaTV << "lambda_energy" << sr.lambdaEnergy
               << "max_iterations" << sr.maxIterations << "tolerance" << sr.tolerance << "downsampling"
               << (sr.downsampling == cv::xai::DOWNSAMPLE_POINT ? "point" : "area") << "resolution" << sr.resolution
               << "view_scale" << (sr.normalizeViews ? "max" : "common") << "min_validity" << sr.minValidity << "}";
        }
    }
    fs << "}";
}

void writeMapRecord(xai_samples::DocumentWriter& fs, const Options& o, const MapRecord& r)
{
    fs << "{";
    fs << "method" << methodName(r.method);
    fs << "layer" << r.layer;
    writeParameters(fs, o, r);
    fs << "backend" << backendName(r.backend) << "target" << targetName(r.target);
    fs << "effective_batch" << r.batchSize;
    // The library explains all classes of an image in one call: these two are that call's.
    fs << "forward_count" << r.forwards << "time_ms" << r.timeMs;
    writeStats(fs, r.stats);
    fs << "empty" << (int)r.empty;
    fs << "files" << "{" << "overlay" << r.overlayFile << "map16" << r.map16File << "map_float" << r.mapFloatFile
       << "}";
    fs << "}";
}

} // namespace

MapStats mapStatistics(const cv::Mat& map)
{
    CV_Assert(map.type() == CV_32FC1);
    MapStats s;
    cv::minMaxLoc(map, &s.min, &s.max);
    s.mean = cv::mean(map)[0];
    s.sum = cv::sum(map)[0];
    const cv::Moments m = cv::moments(map);
    if (m.m00 > 0)
        s.centroid = cv::Point2d(m.m10 / m.m00, m.m01 / m.m00);
    return s;
}

std::string classTag(int id, const std::string& name)
{
    std::string safe;
    for (char c : name)
    {
        if (std::isalnum((unsigned char)c))
            safe += c;
        else if (!safe.empty() && safe.back() != '-')
            safe += '-';  // spaces, commas, slashes: one dash, never an underscore (the field separator)
    }
    safe = safe.substr(0, 40);
    while (!safe.empty() && safe.back() == '-')
        safe.pop_back();
    return safe.empty() ? std::to_string(id) : std::to_string(id) + "-" + safe;
}

cv::Mat overlayMap(const cv::Mat& imageBgr, const cv::Mat& map, int colormap, double alpha)
{
    CV_Assert(imageBgr.type() == CV_8UC3 && map.type() == CV_32FC1 && imageBgr.size() == map.size());
    cv::Mat map8, heat, out;
    map.convertTo(map8, CV_8U, 255.0);
    cv::applyColorMap(map8, heat, colormap);
    cv::addWeighted(imageBgr, 1.0 - alpha, heat, alpha, 0.0, out);
    return out;
}

cv::Mat montage(const std::vector<cv::Mat>& pictures, const std::vector<std::string>& captions)
{
    CV_Assert(!pictures.empty() && pictures.size() == captions.size());
    // Small inputs (the bundled 128x128 model) are enlarged so that captions stay readable.
    const int height = std::clamp(pictures[0].rows, 256, 512);
    const int caption = captionHeight(height);
    std::vector<cv::Mat> tiles;
    int width = 0;
    for (size_t i = 0; i < pictures.size(); i++)
    {
        const cv::Mat& p = pictures[i];
        const int w = std::max(1, (int)std::lround((double)p.cols * height / p.rows));
        cv::Mat tile(height + caption, w, CV_8UC3, kWhite);
        cv::Mat picture = tile.rowRange(caption, tile.rows);
        cv::resize(p, picture, picture.size(), 0, 0, w < p.cols ? cv::INTER_AREA : cv::INTER_LINEAR);
        cv::Mat strip = tile.rowRange(0, caption);
        putCaption(strip, captions[i]);
        width += w + (i ? kGap : 0);
        tiles.push_back(tile);
    }
    cv::Mat out(height + caption, width, CV_8UC3, kWhite);
    int x = 0;
    for (const cv::Mat& t : tiles)
    {
        cv::Mat place = out.colRange(x, x + t.cols);
        t.copyTo(place);
        x += t.cols + kGap;
    }
    return out;
}

void writeMap16(const std::string& path, const cv::Mat& map)
{
    cv::Mat map16;
    map.convertTo(map16, CV_16U, 65535.0);  // rounds and saturates
    xai_samples::writeImageFile(path, map16);
}

void writeMapFloat(const std::string& path, const cv::Mat& map)
{
    CV_Assert(map.type() == CV_32FC1);
    xai_samples::writeImageFile(path, map);
}

static void writeSummaryTo(xai_samples::DocumentWriter& fs, const Options& o, int imagesRequested,
                           const std::vector<ImageRecord>& images, const std::string& stoppedBy, double totalMs)
{
    int failed = 0;
    for (const ImageRecord& im : images)
        failed += !im.error.empty();

    fs << "program" << "xai_explain";
    fs << "opencv_version" << CV_VERSION;
    fs << "model" << o.model << "config" << o.config << "framework" << o.framework;
    fs << "sidecar" << o.sidecar << "preset" << o.preset << "labels" << o.labels;
    fs << "method" << methodName(o.method);
    fs << "colormap" << o.colormapName << "alpha" << o.alpha;
    fs << "images_total" << imagesRequested << "images_done" << (int)images.size() << "images_failed" << failed;
    fs << "interrupted" << (int)!stoppedBy.empty();
    if (!stoppedBy.empty())
        fs << "stopped_by" << stoppedBy;
    fs << "total_ms" << totalMs;
    if (o.shardCount > 1)
        fs << "shard_index" << o.shardIndex << "shard_count" << o.shardCount;

    fs << "images" << "[";
    for (const ImageRecord& im : images)
    {
        fs << "{";
        if (o.shardCount > 1)
            fs << "index" << im.index;  // where --merge-summaries puts it back
        fs << "path" << im.path << "stem" << im.stem;
        fs << "status" << (im.error.empty() ? "ok" : "error");
        if (!im.error.empty())
            fs << "error" << im.error;
        if (!im.warning.empty())
            fs << "warning" << im.warning;
        fs << "width" << im.size.width << "height" << im.size.height;
        fs << "classes" << "[";
        for (const ClassRecord& c : im.classes)
        {
            fs << "{";
            fs << "class_id" << c.id << "name" << c.name << "score" << c.score << "probability" << c.probability;
            fs << "montage" << c.montageFile;
            fs << "maps" << "[";
            for (const MapRecord& r : c.maps)
                writeMapRecord(fs, o, r);
            fs << "]";
            fs << "}";
        }
        fs << "]";
        fs << "}";
    }
    fs << "]";
}

void writeSummary(const std::string& path, const Options& o, int imagesRequested, const std::vector<ImageRecord>& images,
                  const std::string& stoppedBy, double totalMs)
{
    xai_samples::writeStorageFile(
        path, [&](xai_samples::DocumentWriter& fs) { writeSummaryTo(fs, o, imagesRequested, images, stoppedBy, totalMs); });
}

} // namespace xai_explain
