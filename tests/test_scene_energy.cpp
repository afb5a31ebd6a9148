// Score-CAM on the project's single-object scenes: most of the map's energy must lie on the object.
// This ties the models, the scenes and the library together: a regression in any of them (a model
// that looks at the background, masks built in the wrong frame, maps not mapped back) fails here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/xai.hpp>

namespace {

const std::string kRepo = std::string(XAI_TEST_DATA_DIR) + "/../..";

struct Scene
{
    std::string image, mask;
    int classId;
    cv::Rect box;
};

std::vector<Scene> singleScenes()
{
    const std::string dir = std::string(XAI_TEST_DATA_DIR) + "/scenes";
    cv::FileStorage fs(dir + "/single.yml", cv::FileStorage::READ);
    std::vector<Scene> scenes;
    for (const cv::FileNode& n : fs["images"])
    {
        const cv::FileNode o = n["objects"][0];
        std::vector<int> b;
        o["box"] >> b;
        scenes.push_back({dir + "/" + (std::string)n["image"], dir + "/" + (std::string)o["mask"], (int)o["class"],
                          cv::Rect(b[0], b[1], b[2], b[3])});
    }
    return scenes;
}

//! Share of the map's energy (sum of values) inside a region.
double energyInside(const cv::Mat& map, const cv::Mat& region)
{
    const double total = cv::sum(map)[0];
    cv::Mat inside = cv::Mat::zeros(map.size(), map.type());
    map.copyTo(inside, region);
    return total > 0 ? cv::sum(inside)[0] / total : 0.0;
}

class XAI_SceneEnergy : public ::testing::TestWithParam<int> {};

// The share of Score-CAM energy inside the object's box grown by half the target layer's stride
// (8 px, where a stride-16 map can put it), on the first 60 committed scenes (to keep the suite
// short). Measured with the committed models: 41, 49 and 42 of 60 scenes (resnet, vgg, mobilenet)
// have more than half their energy there, and the mean share is 0.56, 0.63 and 0.58, while that
// region is only about a tenth of the image. Thresholds: 60% of the scenes, a mean share of 0.5, and
// at least 3 times the region's share of the image (what a uniform map would score).
TEST_P(XAI_SceneEnergy, most_energy_is_on_the_object)
{
    cv::FileStorage models(std::string(XAI_TEST_DATA_DIR) + "/models.yml", cv::FileStorage::READ);
    ASSERT_TRUE(models.isOpened());
    const cv::FileNode m = models["models"][GetParam()];
    cv::xai::ScoreCAM::Params p;
    p.inputSize = cv::Size((int)m["input_width"], (int)m["input_height"]);
    p.scale = (double)m["scale"];
    std::vector<double> mean;
    m["mean"] >> mean;
    p.mean = cv::Scalar(mean[0], mean[1], mean[2]);
    p.swapRB = (int)m["swapRB"] != 0;
    p.targetLayer = (std::string)m["target_layer"];
    p.batchSize = 32;
    cv::Ptr<cv::xai::ScoreCAM> cam = cv::xai::ScoreCAM::create(cv::dnn::readNet(kRepo + "/" + (std::string)m["file"]), p);

    const std::vector<Scene> scenes = singleScenes();
    ASSERT_GE(scenes.size(), 200u);
    const size_t checked = 60;
    int onObject = 0;
    double meanShare = 0, meanArea = 0;
    for (size_t i = 0; i < checked; i++)
    {
        const cv::Mat image = cv::imread(scenes[i].image);
        ASSERT_FALSE(image.empty()) << scenes[i].image;
        cv::Mat map;
        cam->compute(image, scenes[i].classId, map);
        ASSERT_EQ(image.size(), map.size());
        cv::Mat region = cv::Mat::zeros(image.size(), CV_8U);
        const int margin = 8;
        cv::rectangle(region, scenes[i].box + cv::Size(2 * margin, 2 * margin) - cv::Point(margin, margin),
                      cv::Scalar(255), cv::FILLED);
        const double share = energyInside(map, region);
        meanShare += share / checked;
        meanArea += (double)cv::countNonZero(region) / region.total() / checked;
        onObject += share > 0.5;
    }
    std::cout << (std::string)m["name"] << ": mean energy share on the object " << meanShare << " (region area "
              << meanArea << "), scenes above 50%: " << onObject << "/" << checked << std::endl;
    EXPECT_GE(onObject, (int)(0.6 * checked)) << "most scenes put most of the energy on the object";
    EXPECT_GE(meanShare, 0.5);
    EXPECT_GE(meanShare, 3 * meanArea);
}

INSTANTIATE_TEST_CASE_P(Models, XAI_SceneEnergy, ::testing::Values(0, 1, 2));

} // namespace
