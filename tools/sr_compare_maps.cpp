// This file is part of the cv::xai module (development-time tool).
// License: Apache 2.0, same as OpenCV.
//
// How much do super-resolution settings change the maps themselves? Explains images of a
// ground-truth file once with N random views, fuses the same views with every setting given
// (AugmentedScoreCAM::fuseAgain) and prints, for each setting, the mean and lowest Pearson
// correlation and the largest absolute difference of its maps against the first setting's, and the
// mean fusion time. Used for docs/super-resolution.md (the solver's tolerance, the unknown's
// resolution). Build and run from the repository root after building the project:
//
//   g++ -O2 -std=c++17 tools/sr_compare_maps.cpp -o build/sr_compare_maps -Imodules/xai/include \
//       $(pkg-config --cflags --libs opencv4) -Lbuild/lib -lopencv_xai -Wl,-rpath,$PWD/build/lib
//   build/sr_compare_maps MODELS.yml MODEL GROUND_TRUTH.yml FIRST COUNT VIEWS SETTING...
//
// A SETTING is a list of KEY=VALUE joined by '/', as xai_evaluate's methods take them (tv, energy,
// iterations, tolerance, resolution, view-scale, downsampling), or "default".
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/xai.hpp>

namespace {

cv::xai::SuperResolutionParams parseSetting(const std::string& text)
{
    cv::xai::SuperResolutionParams p;
    std::stringstream in(text);
    for (std::string kv; std::getline(in, kv, '/');)
    {
        if (kv == "default")
            continue;
        const size_t eq = kv.find('=');
        const std::string k = kv.substr(0, eq);
        const double v = std::atof(kv.substr(eq + 1).c_str());
        if (k == "tv") p.lambdaTV = v;
        else if (k == "energy") p.lambdaEnergy = v;
        else if (k == "iterations") p.maxIterations = (int)v;
        else if (k == "tolerance") p.tolerance = v;
        else if (k == "resolution") p.resolution = (int)v;
        else if (k == "view-scale") p.normalizeViews = kv.substr(eq + 1) == "max";
        else if (k == "downsampling") p.downsampling = kv.substr(eq + 1) == "point" ? cv::xai::DOWNSAMPLE_POINT
                                                                                 : cv::xai::DOWNSAMPLE_AREA;
        else
            throw std::runtime_error("unknown setting " + k);
    }
    return p;
}

double pearson(const cv::Mat& a, const cv::Mat& b)
{
    cv::Mat x, y;
    a.reshape(1, 1).convertTo(x, CV_64F);
    b.reshape(1, 1).convertTo(y, CV_64F);
    cv::Scalar mx, sx, my, sy;
    cv::meanStdDev(x, mx, sx);
    cv::meanStdDev(y, my, sy);
    return sx[0] > 0 && sy[0] > 0 ? (x - mx[0]).dot(y - my[0]) / (x.total() * sx[0] * sy[0]) : 0.0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 8)
    {
        std::cerr << "usage: sr_compare_maps MODELS.yml MODEL GROUND_TRUTH.yml FIRST COUNT VIEWS SETTING...\n";
        return 2;
    }
    const std::string modelsFile = argv[1], modelName = argv[2], gtFile = argv[3];
    const int first = std::atoi(argv[4]), count = std::atoi(argv[5]), views = std::atoi(argv[6]);
    std::vector<std::string> settings(argv + 7, argv + argc);

    cv::FileStorage models(modelsFile, cv::FileStorage::READ);
    const std::string root = modelsFile.substr(0, modelsFile.rfind('/')) + "/../../";
    cv::FileNode entry;
    for (const cv::FileNode& m : models["models"])
        if ((std::string)m["name"] == modelName)
            entry = m;
    if (entry.empty())
        throw std::runtime_error("no model " + modelName);
    cv::xai::AugmentedScoreCAM::Params p;
    p.scoreCam.inputSize = cv::Size((int)entry["input_width"], (int)entry["input_height"]);
    p.scoreCam.scale = (double)entry["scale"];
    std::vector<double> mean;
    entry["mean"] >> mean;
    p.scoreCam.mean = cv::Scalar(mean[0], mean[1], mean[2]);
    p.scoreCam.targetLayer = (std::string)entry["target_layer"];
    p.augmentation.numAugmentations = views;
    cv::Ptr<cv::xai::AugmentedScoreCAM> cam =
        cv::xai::AugmentedScoreCAM::create(cv::dnn::readNet(root + (std::string)entry["file"]), p);

    cv::FileStorage gt(gtFile, cv::FileStorage::READ);
    const std::string dir = gtFile.substr(0, gtFile.rfind('/') + 1);
    std::vector<double> sumR(settings.size(), 0), minR(settings.size(), 1), maxDiff(settings.size(), 0),
        seconds(settings.size(), 0);
    std::vector<double> iterations(settings.size(), 0);
    int n = 0;
    const cv::FileNode images = gt["images"];
    for (int i = first; i < first + count && i < (int)images.size(); i++, n++)
    {
        const cv::Mat image = cv::imread(dir + (std::string)images[i]["image"]);
        const int classId = (int)images[i]["objects"][0]["class"];
        cv::Mat unused;
        cam->compute(image, classId, unused);
        std::vector<cv::Mat> reference;
        for (size_t s = 0; s < settings.size(); s++)
        {
            std::vector<cv::Mat> maps;
            const auto t0 = std::chrono::steady_clock::now();
            cam->fuseAgain(cv::xai::FUSION_SUPER_RESOLUTION, parseSetting(settings[s]), maps);
            seconds[s] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (s == 0)
                reference = maps;
            const double r = pearson(maps[0], reference[0]);
            sumR[s] += r;
            minR[s] = std::min(minR[s], r);
            maxDiff[s] = std::max(maxDiff[s], cv::norm(maps[0], reference[0], cv::NORM_INF));
        }
    }
    std::cout << "model=" << modelName << " images=" << n << " (from " << first << ") views=" << views
              << ", against '" << settings[0] << "':\n";
    for (size_t s = 0; s < settings.size(); s++)
        std::cout << "  " << settings[s] << ": pearson mean " << sumR[s] / n << " min " << minR[s]
                  << ", max abs diff " << maxDiff[s] << ", fusion " << seconds[s] / n << " s per image\n";
    return 0;
}
