// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_evaluate: the ground-truth file and the project's models.yml.

#ifndef XAI_EVALUATE_DATASET_HPP
#define XAI_EVALUATE_DATASET_HPP

#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/xai.hpp>

namespace xai_evaluate {

struct GtObject
{
    int classId = -1;
    cv::Rect box;
    std::string maskPath;   //!< resolved path of the CV_8U mask; empty when the file names none
};

struct GtImage
{
    int index = 0;          //!< position in the ground-truth file: the key of every output row
    std::string name;       //!< the image path as the file spells it
    std::string path;       //!< resolved against the file's folder
    std::vector<GtObject> objects;
};

struct GroundTruth
{
    std::vector<std::string> classes;
    std::vector<GtImage> images;
};

/** Reads a cv::FileStorage ground-truth file:
    @code
    classes: [ circle, square, ... ]            # optional
    images:
      - { image: "single/0000.png", objects: [ { class: 3, box: [ x, y, w, h ], mask: "masks/..png" } ] }
    @endcode
    Paths are relative to the file's folder. A class must be a class id (0 or more, and within
    `classes` when the file lists them). Throws UsageError with the entry at fault. */
GroundTruth readGroundTruth(const std::string& path);

/** Throws UsageError, naming the file and the entry, for an object whose class is not one of the
    model's `numClasses` classes. */
void checkClasses(const GroundTruth& gt, const std::string& path, int numClasses);
//! A model and its preprocessing, from models.yml.
struct ModelEntry
{
    std::string name;
    std::string file;       //!< resolved path
    cv::xai::ScoreCAM::Params pre;
};

/** Reads the entry `name` of a models.yml (models: [ { name, file, input_width, input_height, scale,
    mean, std, swapRB, crop, crop_fraction, target_layer, output_layer, score_type } ], each checked as
    xai_samples::readPreprocessing checks it; the other keys are ignored). The file path is tried as it is, then
    relative to the folder of models.yml and to each folder above it (models.yml names files relative
    to the repository root). */
ModelEntry readModelEntry(const std::string& modelsYml, const std::string& name);

} // namespace xai_evaluate

#endif // XAI_EVALUATE_DATASET_HPP
