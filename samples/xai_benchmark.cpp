// xai_benchmark: how close an explanation comes to the cost of its forwards alone.
//
// For each case it measures, in one process of its own (so peak memory is the case's own):
//   explain  the median time of a whole explanation, after a warm-up;
//   limit    the median time of the same number of forwards with the same batch shape and the same
//            requested outputs on the same net, and nothing else;
//   ratio    explain / limit: what everything but the forwards costs (1.00 = nothing);
//   fwd/s    images (not batches) forwarded per second during the explanation;
//   peak     the peak resident memory of the process (VmHWM).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/xai.hpp>

#include "common/cli_errors.hpp"
#include "common/cli_files.hpp"
#include "common/cli_parse.hpp"
#include "common/cli_values.hpp"
#include "common/fusion_options.hpp"
#include "xai_benchmark/fusion_case.hpp"
#include "xai_benchmark/resnet18.hpp"

namespace po = boost::program_options;

namespace {

struct Case
{
    std::string model;       // "resnet18" (built in code), a project model name, or a file
    std::string method;      // "score-cam" or "augmented"
    cv::xai::AugmentedScoreCAM::Params params;
    int repeats = 3;
    int threads = 0;         // cv::setNumThreads in the case's process; 0: OpenCV's default
};

struct Measure
{
    double explainS = 0, limitS = 0;
    double fusionS = 0;     // the fusion alone (fusing the same views again), part of explainS
    int forwards = 0, batch = 0, channels = 0;
    double peakMb = 0;
    double pearson = -2;    // mean correlation with the all-channel map, when asked for
    double pearsonMin = -2; // and the lowest of the images
    int backend = -1, target = -1; // in effect (a CUDA request without CUDA runs on the CPU)
};

double pearson(const cv::Mat& a, const cv::Mat& b)
{
    cv::Mat x = a.reshape(1, 1), y = b.reshape(1, 1);
    cv::Scalar mx, sx, my, sy;
    cv::meanStdDev(x, mx, sx);
    cv::meanStdDev(y, my, sy);
    if (sx[0] == 0 || sy[0] == 0)
        return sx[0] == sy[0] ? 1.0 : 0.0;
    return (x - mx[0]).dot(y - my[0]) / (x.total() * sx[0] * sy[0]);
}

/** The method timed: Score-CAM itself, not Augmented Score-CAM with one view (whose super-resolution
    fusion differs from Score-CAM's upsampling and costs a solve). */
cv::Ptr<cv::xai::ScoreCAM> createExplainer(const cv::dnn::Net& net, const std::string& method,
                                           const cv::xai::AugmentedScoreCAM::Params& params)
{
    if (method == "score-cam")
        return cv::xai::ScoreCAM::create(net, params.scoreCam);
    return cv::xai::AugmentedScoreCAM::create(net, params);
}

/** Mean Pearson correlation, over the images, between the case's maps and the maps of the same
    method with every channel scored (maxChannels 0, no skipped spread). */
//! Mean and lowest Pearson correlation of the maps of `params` with the all-channel maps.
std::pair<double, double> fidelity(const cv::dnn::Net& net, const std::string& method,
                                   const cv::xai::AugmentedScoreCAM::Params& params, const std::vector<cv::Mat>& images)
{
    cv::xai::AugmentedScoreCAM::Params exact = params;
    exact.scoreCam.maxChannels = 0;
    exact.scoreCam.skipSpreadFraction = 0;
    cv::Ptr<cv::xai::ScoreCAM> fast = createExplainer(net, method, params);
    cv::Ptr<cv::xai::ScoreCAM> full = createExplainer(net, method, exact);
    double sum = 0, lowest = 1;
    for (const cv::Mat& image : images)
    {
        cv::Mat a, b;
        fast->compute(image, -1, a);
        full->compute(image, fast->getClassIds()[0], b);
        const double r = pearson(a, b);
        sum += r;
        lowest = std::min(lowest, r);
    }
    return std::make_pair(sum / images.size(), lowest);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

double seconds(const std::function<void()>& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double peakResidentMb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

//! samples/data: $OPENCV_XAI_DATA_PATH first (as for the module tests: a copy elsewhere, e.g. on a GPU machine).
std::string dataDir()
{
    std::vector<std::string> dirs = { XAI_SAMPLES_DATA_DIR, XAI_INSTALLED_DATA_DIR };
    if (const char* env = std::getenv("OPENCV_XAI_DATA_PATH"))
        dirs.insert(dirs.begin(), env);
    for (const std::string& d : dirs)
        if (std::ifstream(d + "/demo.png").good())
            return d;
    return std::string(XAI_SAMPLES_DATA_DIR);
}

//! The project's models live in samples/data (the default) and tests/data (the others).
std::string projectModelPath(const std::string& name)
{
    for (const std::string& d : { dataDir(), dataDir() + "/../../tests/data" })
        if (std::ifstream(d + "/" + name + ".onnx").good())
            return d + "/" + name + ".onnx";
    return std::string();
}

cv::dnn::Net loadModel(const std::string& model)
{
    if (model == "resnet18")
        return xai_benchmark::makeResNet18();
    const std::string project = projectModelPath(model);
    return cv::dnn::readNet(project.empty() ? model : project);
}

Measure runCase(const Case& c, const std::vector<cv::Mat>& images, bool withFidelity)
{
    const cv::Mat& image = images[0];
    cv::dnn::Net net = loadModel(c.model);
    cv::Ptr<cv::xai::ScoreCAM> cam = createExplainer(net, c.method, c.params);
    cv::Mat map;
    cam->compute(image, -1, map); // warm-up: net setup, allocations
    std::vector<double> explain;
    for (int r = 0; r < c.repeats; r++)
        explain.push_back(seconds([&] { cam->compute(image, -1, map); }));

    Measure m;
    m.forwards = cam->getForwardCount();
    m.batch = cam->getEffectiveBatchSize();
    m.backend = cam->getBackend();
    m.target = cam->getTarget();
    m.explainS = median(explain);
    if (c.method != "score-cam")
    {
        const cv::Ptr<cv::xai::AugmentedScoreCAM> augmented = cam.dynamicCast<cv::xai::AugmentedScoreCAM>();
        std::vector<double> fusion;
        std::vector<cv::Mat> again;
        for (int r = 0; r < c.repeats; r++)
            fusion.push_back(seconds([&] { augmented->fuseAgain(c.params.fusion, c.params.superResolution, again); }));
        m.fusionS = median(fusion);
    }

    // The limit: the same forwards on the same net (already set up for this shape and these
    // outputs, so no re-setup is timed), with an input that does not change.
    const cv::Size frame = c.params.scoreCam.inputSize;
    const int shape[] = { m.batch, 3, frame.height, frame.width };
    cv::Mat blob(4, shape, CV_32F);
    cv::randu(blob, -1, 1);
    const std::vector<cv::String> outputs = { cam->getTargetLayer(), net.getUnconnectedOutLayersNames()[0] };
    std::vector<cv::Mat> outs;
    net.setInput(blob);
    net.forward(outs, outputs);
    m.channels = outs[0].size[1];
    std::vector<double> limit;
    for (int r = 0; r < c.repeats; r++)
        limit.push_back(seconds([&] {
            for (int i = 0; i < m.forwards; i++)
            {
                net.setInput(blob);
                net.forward(outs, outputs);
            }
        }));
    m.limitS = median(limit);
    m.peakMb = peakResidentMb();
    if (withFidelity)
        std::tie(m.pearson, m.pearsonMin) = fidelity(net, c.method, c.params, images);
    return m;
}

std::string describe(const Case& c, const Measure& m)
{
    const cv::xai::ScoreCAM::Params& s = c.params.scoreCam;
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(3);
    o << "model=" << c.model << " method=" << c.method << " size=" << s.inputSize.width << "x"
      << s.inputSize.height << " threads=" << cv::getNumThreads()
      << " backend=" << xai_samples::nameOf(m.backend, xai_samples::backendChoices())
      << " target=" << xai_samples::nameOf(m.target, xai_samples::targetChoices())
      << " views=" << c.params.augmentation.numAugmentations << " channels=" << m.channels
      << " max_channels=" << s.maxChannels << " skip_spread=" << s.skipSpreadFraction << " batch=" << m.batch << " forwards=" << m.forwards
      << " fusion=" << (c.method == "score-cam" ? std::string("none") : xai_samples::nameOf(c.params.fusion, xai_samples::fusionChoices()))
      << " fusion_s=" << m.fusionS
      << " explain_s=" << m.explainS << " limit_s=" << m.limitS
      << " fwd_per_s=" << (m.explainS > 0 ? m.forwards * m.batch / m.explainS : 0);
    o.precision(1);
    o << " peak_rss_mb=" << m.peakMb;
    o.precision(4);
    if (m.pearson > -2)
        o << " pearson=" << m.pearson << " pearson_min=" << m.pearsonMin;
    o.precision(3);
    o << " ratio=" << (m.limitS > 0 ? m.explainS / m.limitS : 0);
    return o.str();
}

/** Runs the case in a child process, so that its peak memory is its own and one failing case does
    not end the others. Returns false if the child failed. */
bool runIsolated(const Case& c, const std::vector<cv::Mat>& images, bool withFidelity)
{
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0)
    {
        int rc = 0;
        // Set in the child: a thread pool started before fork() does not survive it.
        if (c.threads > 0)
            cv::setNumThreads(c.threads);
        try
        {
            std::cout << describe(c, runCase(c, images, withFidelity)) << std::endl;
        }
        catch (const cv::Exception& e)
        {
            std::cerr << "xai_benchmark: error: " << c.model << " " << c.method << ": " << xai_samples::messageOf(e) << std::endl;
            rc = 1;
        }
        std::fflush(stdout);
        _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

cv::xai::AugmentedScoreCAM::Params projectParams(int views, int batch)
{
    cv::xai::AugmentedScoreCAM::Params p;
    p.scoreCam.inputSize = cv::Size(128, 128);
    p.scoreCam.scale = 1.0 / 127.5;
    p.scoreCam.mean = cv::Scalar::all(127.5);
    p.scoreCam.batchSize = batch;
    p.augmentation.numAugmentations = views;
    return p;
}

cv::xai::AugmentedScoreCAM::Params resnet18Params(int views, int batch)
{
    cv::xai::AugmentedScoreCAM::Params p;
    p.scoreCam.inputSize = cv::Size(224, 224);
    p.scoreCam.scale = 1.0 / (255 * 0.226);
    p.scoreCam.mean = cv::Scalar(123.675, 116.28, 103.53);
    p.scoreCam.swapRB = true;
    p.scoreCam.batchSize = batch;
    p.augmentation.numAugmentations = views;
    return p;
}

Case makeCase(const std::string& model, int views, const cv::xai::AugmentedScoreCAM::Params& p, int repeats)
{
    Case c;
    c.model = model;
    c.method = views == 1 ? "score-cam" : "augmented";
    c.params = p;
    c.repeats = repeats;
    return c;
}

//! The standard set: the figures docs/benchmark.md reports.
std::vector<Case> standardCases(int batch)
{
    std::vector<Case> cases;
    for (const char* model : { "shapes_vgg", "shapes_resnet", "shapes_mobilenet" })
        for (int views : { 1, 4, 64 })
            cases.push_back(makeCase(model, views, projectParams(views, batch), views == 64 ? 1 : 5));
    cases.push_back(makeCase("resnet18", 1, resnet18Params(1, batch), 1));
    return cases;
}

} // namespace

//! The program; wrong usage throws UsageError (see main).
static int runBenchmark(int argc, char** argv)
{
    po::options_description opts("Options");
    std::string model, method, size, backendName, targetName, layer;
    std::vector<std::string> imagePaths;
    int views = 0, batch = 0, maxChannels = 0, repeats = 0, threads = 0;
    double skipSpread = 0;
    std::string fusion, grid;
    opts.add_options()
        ("help,h", "print this help and exit")
        ("model", po::value(&model), "resnet18 (built in code, 224x224), a project model name (shapes_vgg, "
                                     "shapes_resnet, shapes_mobilenet) or an ONNX file; none: the standard set")
        ("image", po::value(&imagePaths)->multitoken(), "image(s) to explain (default: the bundled demo image); "
                                                       "times use the first, --fidelity all of them")
        ("method", po::value(&method)->default_value("score-cam"), "score-cam or augmented")
        ("augmentations", po::value(&views)->default_value(
            cv::xai::AugmentedScoreCAM::Params().augmentation.numAugmentations), "views, for --method augmented")
        ("layer", po::value(&layer), "the layer to explain, as cv::dnn names it (default: the last spatial one)")
        ("batch", po::value(&batch)->default_value(cv::xai::ScoreCAM::Params().batchSize), "images per forward")
        ("max-channels", po::value(&maxChannels)->default_value(0), "keep only this many channels (0: all)")
        ("skip-spread", po::value(&skipSpread)->default_value(0.0),
         "skip the weakest channels holding this fraction of the total spatial deviation")
        ("fidelity", "also report the mean and lowest Pearson correlation with the all-channel maps")
        ("size", po::value(&size), "input size WxH of a model given as a file (default 224x224)")
        ("repeats", po::value(&repeats)->default_value(3), "timed repeats after one warm-up (median reported)")
        ("threads", po::value(&threads)->default_value(0), "OpenCV threads (cv::setNumThreads); 0: OpenCV's default")
        ("fusion", po::value(&fusion)->default_value(xai_samples::nameOf(cv::xai::AugmentedScoreCAM::Params().fusion,
                                                                            xai_samples::fusionChoices())),
         "fusion of the augmented views: super-resolution, mean or max")
        ("fusion-only", "time the fusion alone on synthetic views (--augmentations views of a --grid grid in a "
                        "--size frame; default 100 views of 14x14 in 224x224) instead of explanations")
        ("grid", po::value(&grid)->default_value("14x14"), "the layer's grid of --fusion-only")
        ("backend", po::value(&backendName)->default_value("default"),
         ("cv::dnn backend: " + xai_samples::joinNames(xai_samples::backendChoices())).c_str())
        ("target", po::value(&targetName)->default_value("default"),
         ("cv::dnn target: " + xai_samples::joinNames(xai_samples::targetChoices()) + "; one of the two implies "
          "the other; the line names the pair in effect (unavailable CUDA runs on the CPU)").c_str());
    opts.add(xai_samples::superResolutionOptions());
    po::variables_map vm;
    std::vector<Case> cases;
    std::vector<cv::Mat> images;
    if (xai_samples::storeOptions(argc, argv, opts, nullptr, vm))
    {
        std::cout << "NAME\n    xai_benchmark - compare the cost of an explanation with the cost of its forwards\n\n"
                     "SYNOPSIS\n    xai_benchmark [--model M [options]]\n\n"
                     "DESCRIPTION\n    For each case prints one line: the median explanation time, the time of the same\n"
                     "    number of forwards with the same batch shape alone (the limit), their ratio, images\n"
                     "    forwarded per second and the peak resident memory. Each case runs in a child process.\n"
                     "    With no --model it runs the standard set: the three project models with 1, 4 and 64\n"
                     "    views, and Score-CAM on a ResNet-18-sized net at 224x224.\n\n"
                  << opts
                  << "\nEXIT STATUS\n    0 all cases ran, 1 a case failed, 2 bad usage.\n";
        return 0;
    }
    using xai_samples::requireRange;
    requireRange("batch", batch, 1, 4096, "images per forward, 1 to 4096");
    requireRange("augmentations", views, 1, 4096, "views, 1 to 4096");
    requireRange("repeats", repeats, 1, 1000, "timed repeats, 1 to 1000");
    requireRange("max-channels", maxChannels, 0, 1 << 20, "0 (all) or a number of channels");
    requireRange("threads", threads, 0, 1024, "0 (OpenCV's default) or a number of threads");
    requireRange("skip-spread", skipSpread, 0, 1, "a fraction from 0 up to, not including, 1", false);
    if (method != "score-cam" && method != "augmented")
        throw xai_samples::UsageError("--method must be score-cam or augmented, not '" + method + "'");
    const int fusionMethod = xai_samples::choose("fusion", fusion, xai_samples::fusionChoices());
    cv::xai::SuperResolutionParams superResolution;
    cv::xai::AugmentationParams augmentation;
    xai_samples::readSuperResolutionOptions(vm, superResolution, augmentation);
    xai_samples::RunShape shape;
    shape.augmented = method == "augmented" || vm.count("fusion-only");
    shape.method = "--method " + method;
    shape.superResolution = fusionMethod == cv::xai::FUSION_SUPER_RESOLUTION ||
                            fusionMethod == cv::xai::FUSION_INTERLEAVE;
    shape.fusion = "--fusion " + fusion;
    shape.randomShifts = augmentation.latticeSize == 0;
    shape.lattice = augmentation.latticeSize;
    for (const std::string& w : xai_samples::unusedOptionWarnings(vm, shape))
        std::cerr << "xai_benchmark: warning: " << w << "\n";
    if (vm.count("fusion-only"))
    {
        xai_benchmark::FusionCase f;
        f.views = vm["augmentations"].defaulted() ? f.views : views;
        f.grid = xai_samples::parseSize(grid, "grid", "cells");
        f.frame = size.empty() ? f.frame : xai_samples::parseSize(size);
        f.fusion = fusionMethod;
        f.superResolution = superResolution;
        f.augmentation.latticeSize = augmentation.latticeSize;
        f.repeats = repeats;
        if (threads > 0)
            cv::setNumThreads(threads);
        std::cout << xai_benchmark::runFusionCase(f) << std::endl;
        return 0;
    }
    const bool projectModel = !model.empty() && !projectModelPath(model).empty();
    if (!model.empty() && model != "resnet18" && !projectModel && !std::ifstream(model).good())
        throw xai_samples::UsageError("--model '" + model + "' is neither resnet18, a project model name nor a "
                                      "readable file");
    if (!model.empty() && model != "resnet18")
    {
        // Once here, so that a file cv::dnn cannot read is one line and exit code 2, not a failed case.
        xai_samples::readModel(projectModel ? projectModelPath(model) : model);
    }

    if (imagePaths.empty())
        imagePaths.push_back(dataDir() + "/demo.png");
    for (const std::string& path : imagePaths)
    {
        images.push_back(std::ifstream(path).good() ? cv::imread(path) : cv::Mat());
        if (images.back().empty())
            throw xai_samples::UsageError("cannot read the image '" + path + "'");
    }

    if (model.empty())
        cases = standardCases(batch);
    else
    {
        const int n = method == "score-cam" ? 1 : views;
        cv::xai::AugmentedScoreCAM::Params p =
            projectModel ? projectParams(n, batch) : resnet18Params(n, batch);
        if (!size.empty())
            p.scoreCam.inputSize = xai_samples::parseSize(size);
        p.scoreCam.maxChannels = maxChannels;
        p.scoreCam.skipSpreadFraction = skipSpread;
        if (!layer.empty())
            p.scoreCam.targetLayer = layer;
        p.fusion = fusionMethod;
        p.superResolution = superResolution;
        p.augmentation.latticeSize = augmentation.latticeSize;
        cases.push_back(makeCase(model, n, p, repeats));
    }
    int backend = -1, target = -1;
    const std::string fallback = xai_samples::readBackendAndTarget(backendName, targetName, backend, target);
    if (!fallback.empty())
        std::cerr << "xai_benchmark: warning: " << fallback << "\n";
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
    for (Case& c : cases)
    {
        c.threads = threads;
        c.params.scoreCam.backend = backend;
        c.params.scoreCam.target = target;
    }

    bool ok = true;
    for (size_t i = 0; i < cases.size(); i++)
    {
        if (isatty(STDERR_FILENO))
            std::cerr << "[" << i + 1 << "/" << cases.size() << "] " << cases[i].model << " " << cases[i].method
                      << " views=" << cases[i].params.augmentation.numAugmentations << "...\n";
        ok = runIsolated(cases[i], images, vm.count("fidelity") > 0) && ok;
    }
    return ok ? 0 : 1;
}

int main(int argc, char** argv)
{
    return xai_samples::runReportingErrors("xai_benchmark", [&] { return runBenchmark(argc, argv); });
}
