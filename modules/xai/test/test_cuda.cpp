// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Maps across targets: Score-CAM and Augmented Score-CAM computed on DNN_TARGET_CUDA and
// DNN_TARGET_CUDA_FP16 are compared with DNN_TARGET_CPU on the project's models (Pearson
// correlation at least 0.999 for CUDA, 0.99 for FP16; every measured value is printed on a
// "[ MEASURE  ]" line). Without the CUDA DNN backend in OpenCV or without a CUDA device, every
// test here is skipped and says why.

#include "test_precomp.hpp"
#include "test_common.hpp"

#include <algorithm>
#include <sstream>

namespace opencv_test { namespace {

using namespace xai_test;

const double kMinPearsonCuda = 0.999;
const double kMinPearsonFp16 = 0.99;

struct ProjectModel
{
    String name;
    String path;
    xai::ScoreCAM::Params params;
};

/** The project's models as tests/data/models.yml lists them (files relative to the repository,
    which is two levels above the data directory samples/data); empty when the data is missing. */
std::vector<ProjectModel> projectModels()
{
    std::vector<ProjectModel> models;
    const String yml = findXaiData("../../tests/data/models.yml");
    if (yml.empty())
        return models;
    const String root = yml.substr(0, yml.size() - String("tests/data/models.yml").size());
    FileStorage fs(yml, FileStorage::READ);
    const FileNode list = fs["models"];
    for (FileNodeIterator it = list.begin(); it != list.end(); ++it)
    {
        const FileNode n = *it;
        ProjectModel m;
        m.name = (String)n["name"];
        m.path = root + (String)n["file"];
        std::vector<double> mean;
        n["mean"] >> mean;
        CV_Assert(mean.size() == 3);
        m.params.inputSize = Size((int)n["input_width"], (int)n["input_height"]);
        m.params.scale = (double)n["scale"];
        m.params.mean = Scalar(mean[0], mean[1], mean[2]);
        m.params.swapRB = (int)n["swapRB"] != 0;
        m.params.crop = (int)n["crop"] != 0;
        m.params.targetLayer = (String)n["target_layer"];
        models.push_back(m);
    }
    return models;
}

const char* targetName(int target)
{
    return target == dnn::DNN_TARGET_CUDA ? "CUDA" : target == dnn::DNN_TARGET_CUDA_FP16 ? "CUDA_FP16" : "CPU";
}

/** One map of `classId` (negative: ranked on this target) with Score-CAM (views == 0) or Augmented
    Score-CAM (views > 0) on a fresh net set to `target`; checks that the target is in effect. */
Mat mapOn(const ProjectModel& m, int views, int target, const Mat& image, int& classId)
{
    xai::ScoreCAM::Params p = m.params;
    p.backend = target == dnn::DNN_TARGET_CPU ? dnn::DNN_BACKEND_OPENCV : dnn::DNN_BACKEND_CUDA;
    p.target = target;
    Mat map;
    const dnn::Net net = dnn::readNet(m.path);
    if (views == 0)
    {
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(net, p);
        cam->compute(image, classId, map);
        EXPECT_EQ(p.target, cam->getTarget());
        classId = cam->getClassIds()[0];
    }
    else
    {
        xai::AugmentedScoreCAM::Params ap;
        ap.scoreCam = p;
        ap.augmentation.numAugmentations = views;
        Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(net, ap);
        cam->compute(image, classId, map);
        EXPECT_EQ(p.target, cam->getTarget());
        classId = cam->getClassIds()[0];
    }
    return map;
}

/** Compares the maps of every project model on CUDA and CUDA_FP16 with the CPU's, on the bundled
    demo images; returns a message naming what is missing, or empty when it ran. */
std::string compareTargets(int views)
{
    const std::vector<ProjectModel> models = projectModels();
    const char* images[] = { "demo.png", "demo_pair.png" };
    if (models.empty() || findXaiData(images[0]).empty())
        return "the project's data was not found: set OPENCV_XAI_DATA_PATH to <cv::xai>/samples/data";
    const char* method = views == 0 ? "score-cam" : "augmented";
    double lowest[2] = { 1, 1 };
    for (size_t i = 0; i < models.size(); i++)
        for (size_t j = 0; j < sizeof(images) / sizeof(images[0]); j++)
        {
            const Mat image = imread(findXaiData(images[j]));
            EXPECT_FALSE(image.empty()) << images[j];
            if (image.empty())
                continue;
            int classId = -1; // the CPU's top-1, then the same class on the GPU
            const Mat cpu = mapOn(models[i], views, dnn::DNN_TARGET_CPU, image, classId);
            const int targets[2] = { dnn::DNN_TARGET_CUDA, dnn::DNN_TARGET_CUDA_FP16 };
            const double floors[2] = { kMinPearsonCuda, kMinPearsonFp16 };
            std::ostringstream line;
            line << "[ MEASURE  ] " << method << " views=" << std::max(views, 1) << " model=" << models[i].name
                 << " image=" << images[j] << " class=" << classId;
            for (int t = 0; t < 2; t++)
            {
                int c = classId;
                const Mat map = mapOn(models[i], views, targets[t], image, c);
                const double r = pearson(cpu, map);
                lowest[t] = std::min(lowest[t], r);
                line << " pearson_" << targetName(targets[t]) << "=" << cv::format("%.6f", r)
                     << " maxdiff_" << targetName(targets[t]) << "=" << cv::format("%.2e", maxAbsDiff(cpu, map));
                EXPECT_GE(r, floors[t]) << method << " " << models[i].name << " " << images[j] << " on "
                                        << targetName(targets[t]) << " against the CPU";
            }
            std::cout << line.str() << std::endl;
        }
    std::cout << "[ MEASURE  ] " << method << " lowest pearson_CUDA=" << cv::format("%.6f", lowest[0])
              << " pearson_CUDA_FP16=" << cv::format("%.6f", lowest[1]) << std::endl;
    return std::string();
}

TEST(XAI_CUDA, score_cam_maps_match_cpu)
{
    std::string why;
    if (!haveCudaDevice(&why) || !(why = compareTargets(0)).empty())
        XAI_SKIP_TEST(why);
}

TEST(XAI_CUDA, augmented_score_cam_maps_match_cpu)
{
    std::string why;
    if (!haveCudaDevice(&why) || !(why = compareTargets(8)).empty())
        XAI_SKIP_TEST(why);
}

TEST(XAI_CUDA, net_refusing_batches_falls_back_to_single_images)
{
    std::string why;
    if (!haveCudaDevice(&why))
        XAI_SKIP_TEST(why);
    TinyNetSpec refusing;
    refusing.flattenToOneRow = true;
    const Mat image = randomImage(Size(32, 24), 29);
    xai::ScoreCAM::Params p = tinyParams();
    p.batchSize = 4;
    Mat cpu;
    xai::ScoreCAM::create(makeTinyNet(TinyNetSpec()), p)->compute(image, 1, cpu);
    const int targets[2] = { dnn::DNN_TARGET_CUDA, dnn::DNN_TARGET_CUDA_FP16 };
    const double floors[2] = { kMinPearsonCuda, kMinPearsonFp16 };
    for (int t = 0; t < 2; t++)
    {
        p.backend = dnn::DNN_BACKEND_CUDA;
        p.target = targets[t];
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(refusing), p);
        Mat map;
        cam->compute(image, 1, map);
        EXPECT_EQ(targets[t], cam->getTarget());
        EXPECT_EQ(1, cam->getEffectiveBatchSize()) << targetName(targets[t]);
        const double r = pearson(cpu, map);
        std::cout << "[ MEASURE  ] batch fallback target=" << targetName(targets[t]) << " batch="
                  << cam->getEffectiveBatchSize() << " pearson=" << cv::format("%.6f", r) << std::endl;
        EXPECT_GE(r, floors[t]) << targetName(targets[t]);
    }
}

TEST(XAI_CUDA, large_batches_give_the_same_map)
{
    // A GPU wants batches far above the CPU's 16: they must not change the map.
    std::string why;
    if (!haveCudaDevice(&why))
        XAI_SKIP_TEST(why);
    const std::vector<ProjectModel> models = projectModels();
    const String imagePath = findXaiData("demo.png");
    if (models.empty() || imagePath.empty())
        XAI_SKIP_TEST("the project's data was not found: set OPENCV_XAI_DATA_PATH to <cv::xai>/samples/data");
    const Mat image = imread(imagePath);
    const ProjectModel& m = models[0];
    Mat reference;
    int classId = -1;
    const int batches[3] = { 16, 64, 128 };
    for (int i = 0; i < 3; i++)
    {
        xai::ScoreCAM::Params p = m.params;
        p.backend = dnn::DNN_BACKEND_CUDA;
        p.target = dnn::DNN_TARGET_CUDA;
        p.batchSize = batches[i];
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(dnn::readNet(m.path), p);
        Mat map;
        cam->compute(image, classId, map);
        classId = cam->getClassIds()[0];
        EXPECT_EQ(batches[i], cam->getEffectiveBatchSize());
        if (reference.empty())
        {
            reference = map;
            continue;
        }
        const double r = pearson(reference, map);
        std::cout << "[ MEASURE  ] CUDA batch " << batches[i] << " against batch 16: model=" << m.name
                  << " forwards=" << cam->getForwardCount() << " pearson=" << cv::format("%.6f", r) << std::endl;
        EXPECT_GE(r, kMinPearsonCuda) << "batch " << batches[i];
    }
}

}} // namespace
