// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "dataset.hpp"

#include <filesystem>

#include "../common/cli_preprocessing.hpp"
#include "common.hpp"

namespace fs = std::filesystem;

namespace xai_evaluate {
namespace {

cv::FileStorage openYaml(const std::string& path, const std::string& what)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw UsageError(what + " '" + path + "' does not exist or is not a file");
    cv::FileStorage fs;
    try
    {
        fs.open(path, cv::FileStorage::READ);
    }
    catch (const cv::Exception& e)
    {
        throw UsageError(what + " '" + path + "' is not a cv::FileStorage YAML/JSON/XML file: " + messageOf(e));
    }
    if (!fs.isOpened())
        throw UsageError("cannot read " + what + " '" + path + "'");
    return fs;
}

std::string resolve(const fs::path& base, const std::string& rel)
{
    const fs::path p(rel);
    return (p.is_absolute() ? p : base / p).lexically_normal().string();
}

} // namespace

GroundTruth readGroundTruth(const std::string& path)
{
    cv::FileStorage fs = openYaml(path, "ground-truth file");
    const fs::path base = fs::path(path).parent_path();
    GroundTruth gt;
    const cv::FileNode classes = fs["classes"];
    if (classes.isSeq())
        for (const cv::FileNode& c : classes)
            gt.classes.push_back((std::string)c);
    const cv::FileNode images = fs["images"];
    if (!images.isSeq() || images.size() == 0)
        throw UsageError("ground-truth file '" + path + "' has no 'images' list (images: [ { image, objects } ])");
    int index = 0;
    for (const cv::FileNode& item : images)
    {
        const std::string where = "ground-truth file '" + path + "', image " + std::to_string(index);
        GtImage im;
        im.index = index++;
        im.name = (std::string)item["image"];
        if (im.name.empty())
            throw UsageError(where + ": no 'image' path");
        im.path = resolve(base, im.name);
        const cv::FileNode objects = item["objects"];
        if (!objects.isSeq() || objects.size() == 0)
            throw UsageError(where + " (" + im.name + "): no 'objects' list");
        int k = 0;
        for (const cv::FileNode& o : objects)
        {
            GtObject obj;
            const std::string object = where + " (" + im.name + "), object " + std::to_string(k++);
            // A real class id: -1 is not "the top-1 class" here, it is a mistake.
            const cv::FileNode c = o["class"];
            if (c.empty() || !c.isInt())
                throw UsageError(object + ": 'class' must be a class id (a whole number), not " +
                                 xai_samples::shownValue(c));
            obj.classId = (int)c;
            if (obj.classId < 0)
                throw UsageError(object + ": class " + std::to_string(obj.classId) + " is not a class id (0 or more)");
            if (!gt.classes.empty() && obj.classId >= (int)gt.classes.size())
                throw UsageError(object + ": class " + std::to_string(obj.classId) + " is not in the file's 'classes' (" +
                                 std::to_string(gt.classes.size()) + " classes, 0 to " +
                                 std::to_string(gt.classes.size() - 1) + ")");
            // Read only once it is a list of four whole numbers: cv::FileNode's own reader refuses
            // anything else in its terms ("readRawData can only be used to read plain sequences ...").
            const cv::FileNode boxNode = o["box"];
            std::vector<int> box;
            if (boxNode.isSeq() && boxNode.size() == 4)
                for (const cv::FileNode& v : boxNode)
                    if (v.isInt())
                        box.push_back((int)v);
            if (box.size() != 4 || box[2] < 0 || box[3] < 0)
                throw UsageError(object + ": 'box' must be [ x, y, w, h ] with w, h >= 0");
            obj.box = cv::Rect(box[0], box[1], box[2], box[3]);
            const cv::FileNode maskNode = o["mask"];
            if (!maskNode.empty() && !maskNode.isString())
                throw UsageError(object + ": 'mask' must be an image file name, not " + xai_samples::shownValue(maskNode));
            const std::string mask = (std::string)maskNode;
            if (!mask.empty())
                obj.maskPath = resolve(base, mask);
            im.objects.push_back(obj);
        }
        gt.images.push_back(im);
    }
    return gt;
}

void checkClasses(const GroundTruth& gt, const std::string& path, int numClasses)
{
    for (const GtImage& im : gt.images)
        for (size_t k = 0; k < im.objects.size(); k++)
            if (im.objects[k].classId >= numClasses)
                throw UsageError("ground-truth file '" + path + "', image " + std::to_string(im.index) + " (" + im.name +
                                 "), object " + std::to_string(k) + ": class " +
                                 std::to_string(im.objects[k].classId) + " is not among the model's " +
                                 std::to_string(numClasses) + " classes (0 to " + std::to_string(numClasses - 1) + ")");
}

ModelEntry readModelEntry(const std::string& modelsYml, const std::string& name)
{
    cv::FileStorage fs = openYaml(modelsYml, "models file");
    const cv::FileNode models = fs["models"];
    std::string names;
    for (const cv::FileNode& m : models)
    {
        const std::string n = (std::string)m["name"];
        names += (names.empty() ? "" : ", ") + n;
        if (n != name)
            continue;
        ModelEntry e;
        e.name = n;
        const std::string file = (std::string)m["file"];
        // models.yml names files relative to the repository root: try the folders above it too.
        std::error_code ec;
        for (fs::path dir = fs::absolute(fs::path(modelsYml)).parent_path();; dir = dir.parent_path())
        {
            const fs::path candidate = fs::path(file).is_absolute() ? fs::path(file) : dir / file;
            if (fs::is_regular_file(candidate, ec))
            {
                e.file = candidate.lexically_normal().string();
                break;
            }
            if (dir == dir.parent_path())
                break;
        }
        if (e.file.empty() && fs::is_regular_file(file, ec))
            e.file = file;
        if (e.file.empty())
            throw UsageError("model file '" + file + "' of '" + name + "' in '" + modelsYml +
                             "' was found neither beside it nor in a folder above it");
        xai_samples::readPreprocessing(m, "models file '" + modelsYml + "', model '" + name + "'", e.pre);
        return e;
    }
    throw UsageError("models file '" + modelsYml + "' has no model named '" + name + "' (it has: " + names + ")");
}

} // namespace xai_evaluate
