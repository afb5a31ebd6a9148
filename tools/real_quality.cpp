// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_real_quality: Score-CAM and Augmented Score-CAM on a real ImageNet classifier, measured
// against the network's own dense map (cv::xai::computeDenseMap), by deletion/insertion and on a
// grid pointing game, with paired 95 % intervals. It writes the tables of docs/quality.md's real-
// classifier section (tools/real_quality.sh runs it as documented there).
//
// Usage: xai_real_quality MODEL LIST TUNE_COUNT [GRIDS]
//   LIST: one "image class_id" per line (paths relative to the list); the first TUNE_COUNT images
//   choose the lattice and are left out of the report; GRIDS (default 0): 2x2 grids of report
//   images for the grid pointing game.

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/xai.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace cv;

namespace {

struct Photo
{
    std::string path;
    int classId;
    Mat image; // 224 x 224: torchvision's Resize(256) + CenterCrop(224), so the frame is the image
    Rect box;  // the object in the 224 x 224 frame; empty when the list gives none
};

struct Method
{
    std::string name;
    std::function<Ptr<xai::ScoreCAM>(const dnn::Net&)> make;
};

xai::ScoreCAM::Params squeezeNetParams()
{
    xai::ScoreCAM::Params p;
    p.inputSize = Size(224, 224);
    p.swapRB = true;
    p.scale = 1.0 / 255;
    p.mean = Scalar(0.485 * 255, 0.456 * 255, 0.406 * 255);
    p.channelScale = Scalar(1 / 0.229, 1 / 0.224, 1 / 0.225);
    p.targetLayer = "onnx_node!squeezenet0_concat7";
    return p;
}

//! The 224 x 224 centre crop of the image resized to a shorter side of 256; `box` (image pixels) follows it.
Mat torchvisionCrop(const Mat& image, Rect& box)
{
    const double f = 256.0 / std::min(image.cols, image.rows);
    Mat resized;
    resize(image, resized, Size(cvRound(image.cols * f), cvRound(image.rows * f)), 0, 0, INTER_LINEAR);
    const Rect crop((resized.cols - 224) / 2, (resized.rows - 224) / 2, 224, 224);
    if (!box.empty())
    {
        const Point tl(cvRound(box.x * f) - crop.x, cvRound(box.y * f) - crop.y);
        const Point br(cvRound(box.br().x * f) - crop.x, cvRound(box.br().y * f) - crop.y);
        box = Rect(tl, br) & Rect(0, 0, 224, 224);
    }
    return resized(crop).clone();
}

xai::AugmentedScoreCAM::Params lattice(int k, double maxAngle = 0)
{
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam = squeezeNetParams();
    p.augmentation.latticeSize = k;
    p.augmentation.numAugmentations = k * k;
    p.augmentation.maxAngle = maxAngle;
    return p;
}

std::vector<Method> methods(bool paper)
{
    std::vector<Method> m;
    m.push_back({"scorecam-resize", [](const dnn::Net& net) {
        xai::ScoreCAM::Params p = squeezeNetParams();
        p.upsampling = xai::UPSAMPLE_RESIZE;
        return xai::ScoreCAM::create(net, p);
    }});
    m.push_back({"scorecam", [](const dnn::Net& net) { return xai::ScoreCAM::create(net, squeezeNetParams()); }});
    for (int k : {2, 4, 8})
        m.push_back({"lattice" + std::to_string(k), [k](const dnn::Net& net) {
            return Ptr<xai::ScoreCAM>(xai::AugmentedScoreCAM::create(net, lattice(k)));
        }});
    m.push_back({"lattice4+rot5", [](const dnn::Net& net) {
        return Ptr<xai::ScoreCAM>(xai::AugmentedScoreCAM::create(net, lattice(4, 5)));
    }});
    m.push_back({"random16-sr", [](const dnn::Net& net) {
        xai::AugmentedScoreCAM::Params p;
        p.scoreCam = squeezeNetParams();
        p.augmentation.numAugmentations = 16;
        p.augmentation.latticeSize = 0;
        p.augmentation.maxAngle = 15;
        p.augmentation.maxShift = 0.1;
        p.fusion = xai::FUSION_SUPER_RESOLUTION;
        return Ptr<xai::ScoreCAM>(xai::AugmentedScoreCAM::create(net, p));
    }});
    if (paper)
        m.push_back({"paper-random16-perview-sr-resize", [](const dnn::Net& net) {
            xai::AugmentedScoreCAM::Params p;
            p.scoreCam = squeezeNetParams();
            p.scoreCam.upsampling = xai::UPSAMPLE_RESIZE;
            p.augmentation.numAugmentations = 16;
            p.augmentation.latticeSize = 0;
            p.augmentation.maxAngle = 15;
            p.augmentation.maxShift = 0.1;
            p.viewWeights = xai::VIEW_WEIGHTS_PER_VIEW;
            p.fusion = xai::FUSION_SUPER_RESOLUTION;
            return Ptr<xai::ScoreCAM>(xai::AugmentedScoreCAM::create(net, p));
        }});
    return m;
}

//! Two-sided 95 % Student t quantile for n - 1 degrees of freedom.
double t95(int n)
{
    static const double t[] = {0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086};
    const int df = n - 1;
    return df <= 0 ? 0 : df <= 20 ? t[df] : df <= 30 ? 2.042 : df <= 60 ? 2.000 : 1.96;
}

std::string meanCi(const std::vector<double>& v, bool paired)
{
    double m = 0, s = 0;
    for (double x : v)
        m += x;
    m /= v.size();
    for (double x : v)
        s += (x - m) * (x - m);
    const double sd = v.size() > 1 ? std::sqrt(s / (v.size() - 1)) : 0;
    const double half = t95((int)v.size()) * sd / std::sqrt((double)v.size());
    char buf[96];
    if (paired)
        std::snprintf(buf, sizeof buf, "%+.3f ± %.3f%s", m, half, std::abs(m) > half ? " *" : "");
    else
        std::snprintf(buf, sizeof buf, "%.3f", m);
    return buf;
}

typedef std::map<std::string, std::map<std::string, std::vector<double> > > Table; // metric -> method -> values

void printTable(const Table& t, const std::vector<std::string>& order, const std::string& metric,
                const std::string& against, const std::string& title)
{
    const auto& rows = t.at(metric);
    std::cout << "\n" << title << " (n = " << rows.at(order[0]).size() << "; paired difference against "
              << against << ", 95 % t interval; * = the interval excludes 0)\n\n"
              << "| method | mean | lowest | difference |\n|---|---|---|---|\n";
    for (const std::string& name : order)
    {
        if (!rows.count(name))
            continue;
        const std::vector<double>& v = rows.at(name);
        std::vector<double> d(v.size());
        for (size_t i = 0; i < v.size(); i++)
            d[i] = v[i] - rows.at(against)[i];
        std::cout << "| " << name << " | " << meanCi(v, false) << " | " << *std::min_element(v.begin(), v.end())
                  << " | " << (name == against ? std::string("—") : meanCi(d, true)) << " |\n";
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 4)
    {
        std::cerr << "usage: xai_real_quality MODEL LIST TUNE_COUNT [GRIDS] [--paper]\n";
        return 2;
    }
    const std::string model = argv[1], list = argv[2];
    const int tune = std::atoi(argv[3]);
    const int grids = argc > 4 ? std::atoi(argv[4]) : 0;
    const bool paper = argc > 5 && std::string(argv[5]) == "--paper";
    dnn::Net net = dnn::readNet(model);
    const std::string dir = list.substr(0, list.find_last_of('/') + 1);
    std::vector<Photo> photos;
    std::ifstream in(list);
    for (std::string line; std::getline(in, line);)
    {
        std::istringstream ls(line);
        Photo p;
        if (line.empty() || line[0] == '#' || !(ls >> p.path >> p.classId))
            continue;
        ls >> p.box.x >> p.box.y >> p.box.width >> p.box.height; // optional: the object's box
        if (!ls)
            p.box = Rect();
        const Mat img = imread(dir + p.path);
        if (img.empty())
        {
            std::cerr << "cannot read " << dir + p.path << "\n";
            return 1;
        }
        p.image = torchvisionCrop(img, p.box);
        photos.push_back(p);
    }
    const std::vector<Method> ms = methods(paper);
    std::vector<std::string> order;
    for (const Method& m : ms)
        order.push_back(m.name);
    xai::PerturbationParams perturb;
    perturb.steps = 28; // 1792 of the frame's 50176 pixels a step: the curve's shape at 29 forwards
    perturb.batchSize = 16;
    Table tuneT, reportT;
    std::map<std::string, double> seconds;
    for (size_t i = 0; i < photos.size(); i++)
    {
        const Photo& ph = photos[i];
        Table& t = (int)i < tune ? tuneT : reportT;
        Mat dense;
        xai::computeDenseMap(net, squeezeNetParams(), ph.image, ph.classId, dense);
        std::cerr << ph.path << " (class " << ph.classId << ")";
        for (const Method& m : ms)
        {
            Ptr<xai::ScoreCAM> cam = m.make(net);
            const auto t0 = std::chrono::steady_clock::now();
            Mat map;
            cam->compute(ph.image, ph.classId, map);
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const xai::DenseFidelity f = xai::denseMapFidelity(map, dense);
            t["pearson"][m.name].push_back(f.pearson);
            t["moved"][m.name].push_back(f.movedEnergy);
            t["seconds"][m.name].push_back(s);
            t["forwards"][m.name].push_back(cam->getForwardCount());
            if ((int)i >= tune)
            {
                Mat curve;
                t["deletion"][m.name].push_back(xai::deletionCurve(net, squeezeNetParams(), ph.image, map, ph.classId,
                                                                   curve, perturb));
                t["insertion"][m.name].push_back(xai::insertionCurve(net, squeezeNetParams(), ph.image, map,
                                                                     ph.classId, curve, perturb));
                if (!ph.box.empty())
                    t["box"][m.name].push_back(xai::energyPointingGame(map, ph.box));
            }
            std::cerr << " " << m.name << " r=" << f.pearson << " " << s << "s";
        }
        std::cerr << "\n";
    }
    std::cout << "## Tuning images (" << tune << "): Pearson r to the dense map\n";
    printTable(tuneT, order, "pearson", "scorecam-resize", "Pearson r to the dense map, tuning images");
    std::cout << "\n## Report images (" << photos.size() - tune << ")\n";
    printTable(reportT, order, "pearson", "scorecam-resize", "Pearson r to the dense map");
    printTable(reportT, order, "moved", "scorecam-resize", "Share of energy that moves to reach the dense map");
    printTable(reportT, order, "deletion", "scorecam", "Deletion AUC (lower is better)");
    printTable(reportT, order, "insertion", "scorecam", "Insertion AUC (higher is better)");
    if (reportT.count("box"))
        printTable(reportT, order, "box", "scorecam", "Energy in the object's box (photos with a box)");
    printTable(reportT, order, "forwards", "scorecam", "Forwards (batches of 16)");
    printTable(reportT, order, "seconds", "scorecam", "Seconds per explanation (methods interleaved per image)");

    // Grid pointing game: 2 x 2 grids of report photos (each 112 x 112), every class explained;
    // the share of its map's energy in its own cell.
    if (grids > 0)
    {
        std::vector<int> pool;
        for (size_t i = tune; i < photos.size(); i++)
            pool.push_back((int)i);
        Table g;
        RNG rng(2022);
        int made = 0;
        for (int attempt = 0; made < grids && attempt < grids * 20 && pool.size() >= 4; attempt++)
        {
            std::vector<int> pick = pool;
            for (size_t j = 0; j < pick.size(); j++)
                std::swap(pick[j], pick[j + rng.uniform(0, (int)(pick.size() - j))]);
            pick.resize(4);
            std::vector<int> classes;
            for (int j : pick)
                classes.push_back(photos[j].classId);
            std::vector<int> sorted = classes;
            std::sort(sorted.begin(), sorted.end());
            if (std::unique(sorted.begin(), sorted.end()) != sorted.end())
                continue; // four different classes
            Mat grid(224, 224, CV_8UC3);
            for (int j = 0; j < 4; j++)
                resize(photos[pick[j]].image, grid(Rect((j % 2) * 112, (j / 2) * 112, 112, 112)), Size(112, 112), 0, 0,
                       INTER_AREA);
            for (const Method& m : ms)
            {
                if (m.name.rfind("paper", 0) == 0)
                    continue;
                std::vector<Mat> maps;
                m.make(net)->compute(grid, classes, maps);
                for (int j = 0; j < 4; j++)
                    g["cell"][m.name].push_back(
                        xai::energyPointingGame(maps[j], Rect((j % 2) * 112, (j / 2) * 112, 112, 112)));
            }
            made++;
            std::cerr << "grid " << made << "\n";
        }
        if (made > 0)
        {
            std::cout << "\n## Grid pointing game (" << made << " grids of 4 report photos)\n";
            printTable(g, order, "cell", "scorecam", "Share of each class's map in its own cell");
        }
    }
    return 0;
}
