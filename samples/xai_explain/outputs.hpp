// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain: pictures, map files and summary.json.

#ifndef XAI_EXPLAIN_OUTPUTS_HPP
#define XAI_EXPLAIN_OUTPUTS_HPP

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "options.hpp"

namespace xai_explain {

struct MapStats
{
    double min = 0, max = 0, mean = 0, sum = 0;
    cv::Point2d centroid{-1, -1};  //!< map-weighted mean pixel position; (-1, -1) for a zero map
};

//! Statistics of a CV_32FC1 map.
MapStats mapStatistics(const cv::Mat& map);

//! File-name part for a class: its id, then its name made file-safe when known ("3-circle").
std::string classTag(int id, const std::string& name);

//! The map coloured with the colour map, blended over an 8-bit BGR image with opacity alpha.
cv::Mat overlayMap(const cv::Mat& imageBgr, const cv::Mat& map, int colormap, double alpha);

//! Pictures side by side at one height, each with a caption strip above it.
cv::Mat montage(const std::vector<cv::Mat>& pictures, const std::vector<std::string>& captions);

// The writers below write a file whole or not at all and throw xai_samples::WriteError, with the
// reason, when it cannot be written.

//! A [0, 1] CV_32F map as a 16-bit grey PNG: 65535 stands for 1.0.
void writeMap16(const std::string& path, const cv::Mat& map);
/** A CV_32F map as a float TIFF: lossless, and cv::imread(path, IMREAD_UNCHANGED) reads it back
    exactly (OpenEXR, the usual float format, is disabled in Debian's OpenCV). */
void writeMapFloat(const std::string& path, const cv::Mat& map);

// ---- what summary.json records ----

//! One method's map of one class. The call's figures (time, forwards) cover all classes of the image.
struct MapRecord
{
    Method method = Method::ScoreCam;
    int fusion = -1;  //!< the fusion of an Augmented Score-CAM map (its own, or one of --compare-fusions)
    std::string layer;
    int forwards = 0;
    int batchSize = 0;
    double timeMs = 0;
    int backend = -1, target = -1;
    MapStats stats;
    bool empty = false;
    std::string overlayFile, map16File, mapFloatFile;
};

struct ClassRecord
{
    int id = -1;
    std::string name;
    double score = 0, probability = 0;
    std::vector<MapRecord> maps;
    std::string montageFile;
};

struct ImageRecord
{
    int index = 0;  //!< in the whole list of images (written in a shard's summary)
    std::string path, stem;
    std::string error;  //!< empty when the image was explained
    std::string warning;  //!< what was wrong with an image that was explained all the same
    cv::Size size;
    std::vector<ClassRecord> classes;
};

//! "summary.json", or a shard's "summary-shard-I-of-N.json".
std::string summaryFileName(int shardIndex, int shardCount);

/** Joins the summaries the shards of one run wrote in `dir` into dir/summary.json, images in the
    order of a whole run, the counts and times added up; returns the exit code (1 when a shard was
    stopped or some images failed, as a whole run would). Throws UsageError when a shard's summary is
    missing, or the shards were run with different settings. */
int mergeSummaries(const std::string& dir, bool quiet);

/** Writes summary.json: the run's settings, then per image done and class every map's figures;
    `stoppedBy` names the signal that stopped the run before all `imagesRequested` images were done
    (empty when none did). Whole or not at all: throws xai_samples::WriteError. */
void writeSummary(const std::string& path, const Options& options, int imagesRequested,
                  const std::vector<ImageRecord>& images, const std::string& stoppedBy, double totalMs);

} // namespace xai_explain

#endif // XAI_EXPLAIN_OUTPUTS_HPP
