// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "evaluate.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/xai.hpp>

#include "../common/cli_files.hpp"
#include "../common/cli_plan.hpp"
#include "../common/cli_progress.hpp"
#include "../common/cli_signals.hpp"
#include "dataset.hpp"
#include "records.hpp"
#include "report.hpp"
#include "../common/cli_values.hpp"

namespace fs = std::filesystem;
using xai_samples::Progress;

namespace xai_evaluate {
namespace {

std::string pathIn(const std::string& dir, const char* file) { return (fs::path(dir) / file).string(); }

//! The first setting that differs, as "name: a vs b"; empty when the runs agree.
std::string firstDifference(const RunInfo& a, const RunInfo& b)
{
    std::map<std::string, std::string> ma(a.settings.begin(), a.settings.end()),
        mb(b.settings.begin(), b.settings.end());
    for (const auto& kv : ma)
    {
        const auto it = mb.find(kv.first);
        const std::string other = it == mb.end() ? "(none)" : it->second;
        if (other != kv.second)
            return kv.first + ": " + kv.second + " vs " + other;
    }
    for (const auto& kv : mb)
        if (!ma.count(kv.first))
            return kv.first + ": (none) vs " + kv.second;
    return std::string();
}

int stepsOf(const RunInfo& info)
{
    for (const auto& kv : info.settings)
        if (kv.first == "steps")
            return (int)parseNumber(kv.second);
    throw UsageError("the run description has no 'steps' setting");
}

struct Tables
{
    Table perImage, curves, randomization;
};

Tables readTables(const std::string& dir, int steps)
{
    Tables t;
    t.perImage = readTable(pathIn(dir, kPerImageFile), perImageColumns());
    t.curves = readTable(pathIn(dir, kCurvesFile), curveColumns(steps));
    t.randomization = readTable(pathIn(dir, kRandomizationFile), randomizationColumns());
    return t;
}

//! Keeps the rows of `units`, sorts and writes the three tables, then the summary and the curves.
void finish(const std::string& dir, const RunInfo& info, Tables& t, const std::set<Unit>& units,
            const std::string& format, bool plots)
{
    keepUnits(t.perImage, units, perImageKey());
    keepUnits(t.curves, units, curveKey());
    keepUnits(t.randomization, units, randomizationKey());
    sortRows(t.perImage, info.methods, perImageKey());
    sortRows(t.curves, info.methods, curveKey());
    sortRows(t.randomization, info.methods, randomizationKey());
    writeTable(pathIn(dir, kPerImageFile), t.perImage);
    writeTable(pathIn(dir, kCurvesFile), t.curves);
    if (!t.randomization.rows.empty() || fs::exists(pathIn(dir, kRandomizationFile)))
        writeTable(pathIn(dir, kRandomizationFile), t.randomization);
    writeSummary(dir, format, info, t.perImage, t.randomization);
    if (plots)
        drawCurves(dir, info, t.curves);
}

void createDir(const std::string& dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec))
        throw UsageError("cannot create the output folder '" + dir + "'");
}

cv::dnn::Net loadNet(const std::string& model)
{
    return xai_samples::readModel(model);
}

/** What is wrong for every image is found before the first: a layer the model does not have, an
    input it cannot run, a ground-truth class beyond the model's classes. */
void checkModel(const Options& o, const GroundTruth& gt, const cv::dnn::Net& explainNet, cv::dnn::Net& metricNet)
{
    const std::pair<std::string, const char*> layers[] = {
        {o.scoreCam.targetLayer, "--layer, or target_layer in models.yml"},
        {o.scoreCam.scoreLayer, "--score-layer, or output_layer in models.yml"}};
    for (const auto& l : layers)
        if (!l.first.empty() && explainNet.getLayerId(l.first) < 0)
            throw UsageError("layer '" + l.first + "' (" + l.second + "): the model has no layer of that name");
    xai_samples::requireScoreOutput(explainNet, o.scoreCam.scoreLayer, "--score-layer (or output_layer in models.yml)");
    cv::Size size = o.scoreCam.inputSize;
    if (size.empty() && !gt.images.empty() && xai_samples::specialFileKind(gt.images[0].path).empty())
        size = cv::imread(gt.images[0].path).size();
    if (size.empty())
        return;  // the first image fails alone
    cv::Mat probabilities;
    try
    {
        // Batches of 2, as the per-image probabilities: the metrics' net keeps one shape.
        cv::xai::classProbabilities(metricNet, o.scoreCam, cv::Mat(size, CV_8UC3, cv::Scalar::all(127)),
                                    probabilities, 2);
    }
    catch (const cv::Exception& e)
    {
        throw UsageError("the model cannot run on a " + std::to_string(size.width) + "x" +
                         std::to_string(size.height) + " input: " + messageOf(e));
    }
    checkClasses(gt, o.groundTruth, probabilities.cols);
}

//! Layers with parameters, output side first; the first `count` of them (0: all).
std::vector<cv::String> randomizationLayers(const cv::dnn::Net& net, int count)
{
    std::vector<cv::String> layers;
    const std::vector<cv::String> names = net.getLayerNames();
    for (size_t i = names.size(); i-- > 0;)
    {
        if (net.getLayer(net.getLayerId(names[i]))->blobs.empty())
            continue;
        layers.push_back(names[i]);
        if (count > 0 && (int)layers.size() == count)
            break;
    }
    return layers;
}

cv::xai::AugmentedScoreCAM::Params explainerParams(const Options& o, const MethodSpec& m)
{
    cv::xai::AugmentedScoreCAM::Params p;
    p.scoreCam = o.scoreCam;
    p.augmentation = o.augmentation;
    p.augmentation.numAugmentations = m.augmented ? m.views : 1;
    p.augmentation.latticeSize = m.augmented ? m.lattice : 0;
    p.fusion = m.fusion;
    p.superResolution = m.superResolution;
    return p;
}

/** The explainer of a group of methods that share their views: its own fusion is the cheap mean,
    as every method of the group fuses the views again its own way. */
cv::Ptr<cv::xai::ScoreCAM> makeGroupExplainer(const cv::dnn::Net& net, const Options& o, const MethodSpec& m)
{
    if (!m.augmented)
        return cv::xai::ScoreCAM::create(net, o.scoreCam);
    cv::xai::AugmentedScoreCAM::Params p = explainerParams(o, m);
    p.fusion = cv::xai::FUSION_MEAN;
    return cv::xai::AugmentedScoreCAM::create(net, p);
}

//! The maps of one method for one image, and what they cost.
struct Explanation
{
    std::vector<cv::Mat> maps;  //!< one per object
    int forwards = 0;
    double seconds = 0;         //!< the forwards (shared by the methods of the same views) plus the method's fusion
    std::vector<int> empties;
};

double secondsSince(int64 start)
{
    return (double)(cv::getTickCount() - start) / cv::getTickFrequency();
}

/** Explains the classes with every method of `group` (methods of the same views): the views are
    computed once, and each method fuses them its own way (AugmentedScoreCAM::fuseAgain). */
std::vector<Explanation> explainGroup(cv::xai::ScoreCAM& cam, const std::vector<const MethodSpec*>& group,
                                      const cv::Mat& image, const std::vector<int>& classes)
{
    std::vector<Explanation> out(group.size());
    const int64 t0 = cv::getTickCount();
    cam.compute(image, classes, out[0].maps);
    const double views = secondsSince(t0);
    cv::xai::AugmentedScoreCAM* augmented = dynamic_cast<cv::xai::AugmentedScoreCAM*>(&cam);
    for (size_t i = 0; i < group.size(); i++)
    {
        Explanation& e = out[i];
        e.forwards = cam.getForwardCount();
        e.seconds = views;
        if (augmented)
        {
            const int64 t1 = cv::getTickCount();
            augmented->fuseAgain(group[i]->fusion, group[i]->superResolution, e.maps);
            e.seconds += secondsSince(t1);
        }
        e.empties = cam.getEmptyMaps();
    }
    return out;
}

//! --steps above the image's pixels: steps that remove no pixel, each a forward for nothing.
std::string tooManySteps(int steps, const GtImage& gt, cv::Size size)
{
    return "--steps " + std::to_string(steps) + " is more than the " + std::to_string(size.area()) + " pixels of " +
           gt.name + " (" + std::to_string(size.width) + "x" + std::to_string(size.height) +
           "): every step must remove at least one pixel";
}

/** --steps above the pixels of the images is wrong for the whole run: refused from the shard's first
    image before the output folder and its run.yml exist, which would refuse the corrected command as
    "a run with other settings". */
void checkSteps(const Options& o, const GroundTruth& gt)
{
    for (const GtImage& im : gt.images)
    {
        if (im.index % o.shardCount != o.shardIndex)
            continue;
        if (!xai_samples::specialFileKind(im.path).empty())
            return;
        const cv::Size size = cv::imread(im.path).size();
        if (!size.empty() && (long long)o.perturbation.steps > (long long)size.area())
            throw UsageError(tooManySteps(o.perturbation.steps, im, size));
        return;
    }
}

//! One image in memory, with its objects' masks.
struct LoadedImage
{
    cv::Mat image;
    std::vector<cv::Mat> masks;   //!< empty Mat where the object has no mask
};

LoadedImage loadImage(const GtImage& gt, int steps)
{
    LoadedImage li;
    const std::string special = xai_samples::specialFileKind(gt.path);
    if (!special.empty())
        throw std::runtime_error("image '" + gt.path + "' is " + special + ", not an image file: skipped");
    li.image = cv::imread(gt.path, cv::IMREAD_COLOR);
    if (li.image.empty())
        throw std::runtime_error("cannot read image '" + gt.path + "'");
    if ((long long)steps > (long long)li.image.total())
        throw std::runtime_error(tooManySteps(steps, gt, li.image.size()));
    for (size_t k = 0; k < gt.objects.size(); k++)
    {
        const GtObject& obj = gt.objects[k];
        // The metrics would refuse it per method, in their own terms: say it once, in the file's.
        const cv::Rect& b = obj.box;
        if ((b & cv::Rect(cv::Point(), li.image.size())) != b)
            throw std::runtime_error("object " + std::to_string(k) + ": its box [ " + std::to_string(b.x) + ", " +
                                     std::to_string(b.y) + ", " + std::to_string(b.width) + ", " +
                                     std::to_string(b.height) + " ] is not inside the " +
                                     std::to_string(li.image.cols) + "x" + std::to_string(li.image.rows) + " image");
        cv::Mat mask;
        if (!obj.maskPath.empty())
        {
            mask = cv::imread(obj.maskPath, cv::IMREAD_GRAYSCALE);
            if (mask.empty())
                throw std::runtime_error("cannot read mask '" + obj.maskPath + "'");
            if (mask.size() != li.image.size())
                throw std::runtime_error("mask '" + obj.maskPath + "' is not the size of its image");
        }
        li.masks.push_back(mask);
    }
    return li;
}

//! Rows of one explained image and method.
struct UnitRows
{
    std::vector<std::vector<std::string>> perImage, curves, randomization;
};

/** Forwards done so far of one unit, for the progress: the explanation's, then each curve's, one
    after the other. Its callbacks return false once a stop signal came: the unit is then cancelled. */
class UnitProgress
{
public:
    UnitProgress(Progress& progress, long long expected) : progress_(progress), expected_(expected) {}
    cv::xai::ProgressCallback callback()
    {
        return [this](int done, int total) {
            last_ = total;
            progress_.onForward((int)(offset_ + done), (int)std::max(expected_, offset_ + total));
            return xai_samples::stopSignal() == 0;
        };
    }
    //! The part that reported last is over: what follows counts after it.
    void next()
    {
        offset_ += last_;
        last_ = 0;
    }

private:
    Progress& progress_;
    long long expected_, offset_ = 0, last_ = 0;
};

UnitRows evaluateUnit(const Options& o, const MethodSpec& method, const Explanation& explained, cv::dnn::Net& explainNet,
                      cv::dnn::Net& metricNet, const GtImage& gt, const LoadedImage& li, const cv::Mat& probabilities,
                      const std::vector<cv::Mat>& dense, UnitProgress& progress)
{
    cv::xai::PerturbationParams perturbation = o.perturbation;
    perturbation.progress = progress.callback();
    const std::vector<cv::Mat>& maps = explained.maps;
    const double seconds = explained.seconds;
    const int forwards = explained.forwards;
    const std::vector<int>& empties = explained.empties;

    cv::Point top;
    cv::minMaxLoc(probabilities, nullptr, nullptr, nullptr, &top);
    const std::string index = std::to_string(gt.index);
    UnitRows out;
    for (size_t k = 0; k < gt.objects.size(); k++)
    {
        const GtObject& obj = gt.objects[k];
        const cv::Mat& map = maps[k];
        const cv::xai::ConfidenceChange conf = cv::xai::confidenceChange(
            metricNet, o.scoreCam, li.image, map, obj.classId, o.dropBaseline, o.perturbation.blurSigma);
        cv::Mat del, ins;
        const double delAuc = cv::xai::deletionCurve(metricNet, o.scoreCam, li.image, map, obj.classId, del, perturbation);
        progress.next();
        const double insAuc = cv::xai::insertionCurve(metricNet, o.scoreCam, li.image, map, obj.classId, ins, perturbation);
        progress.next();
        const double energyBox = cv::xai::energyPointingGame(map, obj.box);
        const double energyMask = li.masks[k].empty() ? std::nan("") : cv::xai::energyPointingGameMask(map, li.masks[k]);
        const cv::Rect box = cv::xai::saliencyBoundingBox(map, o.bboxThreshold);
        const double iou = cv::xai::boxIoU(box, obj.box);

        // Several objects: the other one that holds most of the map's energy.
        int other = -1;
        double otherBox = std::nan(""), otherMask = std::nan("");
        for (size_t j = 0; j < gt.objects.size(); j++)
        {
            if (j == k)
                continue;
            const double eb = cv::xai::energyPointingGame(map, gt.objects[j].box);
            const double em = li.masks[j].empty() ? std::nan("") : cv::xai::energyPointingGameMask(map, li.masks[j]);
            const double score = std::isnan(em) ? eb : em;
            const double best = std::isnan(otherMask) ? otherBox : otherMask;
            if (other < 0 || score > best)
            {
                other = (int)j;
                otherBox = eb;
                otherMask = em;
            }
        }
        // "Own mask > other mask": measured on masks only; without them the column stays empty (the
        // box energies are in their own columns).
        std::string stays;
        if (other >= 0 && !std::isnan(energyMask) && !std::isnan(otherMask))
            stays = energyMask > otherMask ? "1" : "0";
        const bool empty = std::find(empties.begin(), empties.end(), (int)k) != empties.end();
        cv::xai::DenseFidelity fidelity;
        fidelity.pearson = fidelity.movedEnergy = std::nan("");
        if (k < dense.size())
            fidelity = cv::xai::denseMapFidelity(map, dense[k]);
        out.perImage.push_back({index, method.name, std::to_string(k), gt.name, std::to_string(obj.classId),
                                std::to_string(top.x), number(probabilities.at<float>(0, obj.classId)),
                                std::to_string(method.augmented ? method.views : 1),
                                method.augmented ? xai_samples::nameOf(method.fusion, xai_samples::fusionChoices()) : "none",
                                std::to_string(forwards), number(seconds), empty ? "1" : "0", number(conf.drop),
                                conf.increase ? "1" : "0", number(conf.masked), number(delAuc), number(insAuc),
                                number(energyBox), number(energyMask), number(iou), std::to_string(box.x),
                                std::to_string(box.y), std::to_string(box.width), std::to_string(box.height),
                                other >= 0 ? std::to_string(gt.objects[other].classId) : "", number(otherBox),
                                number(otherMask), stays, number(fidelity.pearson), number(fidelity.movedEnergy)});
        for (int c = 0; c < 2; c++)
        {
            const cv::Mat& curve = c == 0 ? del : ins;
            std::vector<std::string> row = {index, method.name, std::to_string(k), c == 0 ? "deletion" : "insertion"};
            for (int i = 0; i < (int)curve.total(); i++)
                row.push_back(number(curve.at<double>(i)));
            out.curves.push_back(row);
        }
    }

    if (gt.index < o.randomizationImages)
    {
        const cv::xai::AugmentedScoreCAM::Params params = explainerParams(o, method);
        const int classId = gt.objects[0].classId;
        const cv::Mat image = li.image;
        cv::xai::SaliencyFunction explain = [&](cv::dnn::Net& net) {
            cv::Mat m;
            if (method.augmented)
                cv::xai::AugmentedScoreCAM::create(net, params)->compute(image, classId, m); // with its own fusion
            else
                cv::xai::ScoreCAM::create(net, params.scoreCam)->compute(image, classId, m);
            return m;
        };
        std::vector<cv::xai::RandomizationStep> steps;
        cv::xai::modelRandomizationTest(explainNet, o.scoreCam, image, explain, steps,
                                        (uint64)(1000003 * (int64)gt.index + 17),
                                        randomizationLayers(explainNet, o.randomizationLayers));
        for (size_t s = 0; s < steps.size(); s++)
            out.randomization.push_back({index, method.name, std::to_string(s), steps[s].layer, steps[s].type,
                                         std::to_string(steps[s].randomizedBlobs), std::to_string(steps[s].keptBlobs),
                                         number(steps[s].correlation), steps[s].note});
    }
    return out;
}

//! Methods of the same views, not done yet for an image: one computation of the views serves them all.
using Group = std::vector<const MethodSpec*>;

//! The groups of the methods still to do for an image, in the order of --methods.
std::vector<Group> groupsOf(const Options& o, const std::set<Unit>& done, int imageIndex)
{
    std::vector<Group> groups;
    std::vector<bool> grouped(o.methods.size(), false);
    for (size_t first = 0; first < o.methods.size(); first++)
    {
        if (grouped[first])
            continue;
        Group group;
        for (size_t j = first; j < o.methods.size(); j++)
            if (!grouped[j] && (j == first || o.methods[j].sameViews(o.methods[first])) &&
                !done.count(Unit(imageIndex, o.methods[j].name)))
            {
                group.push_back(&o.methods[j]);
                grouped[j] = true;
            }
        if (!group.empty())
            groups.push_back(group);
    }
    return groups;
}

//! What the pending units will cost, in forwards, by the cost model.
struct Plan
{
    std::map<std::string, xai_samples::ForwardCost> explanation;  //!< one explanation, per method
    xai_samples::ForwardCost curve;                                //!< one deletion or insertion curve
    xai_samples::ForwardCost total;                                //!< the whole run
    cv::dnn::MatShape input;                        //!< the input blob the estimate is for

    //! The views of a group once, then per method and object Average Drop and the two curves.
    xai_samples::ForwardCost groupCost(const Group& group, int objects) const
    {
        xai_samples::ForwardCost cost = explanation.at(group[0]->name);
        cost += (long long)group.size() * objects * xai_samples::batchedCost(1, 1);
        cost += (long long)group.size() * objects * 2 * curve;
        return cost;
    }
};

Plan planOf(const Options& o, cv::dnn::Net& net, const std::vector<const GtImage*>& todo, const std::set<Unit>& done,
            cv::Size firstSize)
{
    Plan plan;
    const cv::Size size = o.scoreCam.inputSize.empty() ? firstSize : o.scoreCam.inputSize;
    plan.input = {1, 3, size.height, size.width};
    const int channels = size.empty() ? 0 : xai_samples::explainedChannels(net, o.scoreCam, plan.input);
    for (const MethodSpec& m : o.methods)
        plan.explanation[m.name] = channels > 0 ? xai_samples::explanationCost(channels, o.scoreCam, m.views)
                                                : xai_samples::batchedCost(m.views, 1);  // unknown: relative costs only
    plan.curve = xai_samples::batchedCost(o.perturbation.steps + 1, o.perturbation.batchSize);
    const long long layers =
        o.randomizationImages > 0 ? (long long)randomizationLayers(net, o.randomizationLayers).size() : 0;
    for (const GtImage* im : todo)
    {
        plan.total += xai_samples::batchedCost(1, 1);  // the class probabilities of the image
        for (const Group& group : groupsOf(o, done, im->index))
        {
            plan.total += plan.groupCost(group, (int)im->objects.size());
            if (im->index < o.randomizationImages)
                for (const MethodSpec* m : group)  // an explanation per randomised layer, and a probe
                {
                    plan.total += (layers + 1) * plan.explanation[m->name];
                    plan.total += layers * xai_samples::batchedCost(1, 1);
                }
        }
    }
    return plan;
}

//! A run of many hours says so before it starts, with what makes it shorter.
void announceLongRun(const Options& o, const Plan& plan, cv::dnn::Net& net, int units)
{
    if (plan.input[2] <= 0 || plan.total.images <= 0)
        return;
    const double seconds = (double)plan.total.images * xai_samples::singleForwardSeconds(net, o.scoreCam, plan.input);
    if (seconds < xai_samples::kLongRunSeconds)
        return;
    std::string parts;
    for (const MethodSpec& m : o.methods)
        parts += (parts.empty() ? "" : ", ") + m.name + " " + xai_samples::grouped(plan.explanation.at(m.name).forwards);
    std::fprintf(stderr, "xai_evaluate: this run needs up to %s forwards of %d images for %s (explanations: %s; "
                 "each curve %s): about %s from one timed forward. Ctrl-C stops it cleanly and the same command "
                 "resumes it; --limit, --steps, --max-channels or fewer views make it shorter\n",
                 xai_samples::grouped(plan.total.forwards).c_str(), o.scoreCam.batchSize,
                 xai_samples::counted(units, "unit").c_str(), parts.c_str(), xai_samples::grouped(plan.curve.forwards).c_str(),
                 xai_samples::roughDuration(seconds).c_str());
}

} // namespace

int runEvaluation(const Options& o)
{
    GroundTruth gt = readGroundTruth(o.groundTruth);
    if (o.limit > 0 && (int)gt.images.size() > o.limit)
        gt.images.resize(o.limit);
    if (o.threads > 0)
        cv::setNumThreads(o.threads);
    // The library's warnings are printed in this program's words (Progress::libraryWarnings).
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);

    RunInfo info;
    info.settings = o.settings();
    for (const MethodSpec& m : o.methods)
        info.methods.push_back(m.name);
    const RunInfo previous = readRunInfo(pathIn(o.output, kRunFile));
    if (!previous.settings.empty())
    {
        const std::string diff = firstDifference(info, previous);
        if (!diff.empty() || previous.methods != info.methods)
            throw UsageError("the output folder '" + o.output + "' holds a run with other settings (" +
                             (diff.empty() ? std::string("methods") : diff) + "); use another --output");
    }

    // Nets: one for the explanations, one for the metrics, so that each keeps one batch shape. What
    // makes the run impossible stops it before the output folder is made.
    cv::dnn::Net explainNet = loadNet(o.model), metricNet = loadNet(o.model);
    checkModel(o, gt, explainNet, metricNet);
    checkSteps(o, gt);
    createDir(o.output);
    if (previous.settings.empty())
        writeRunInfo(pathIn(o.output, kRunFile), info);


    // What the folder holds already: complete units only (all objects of the image).
    Tables tables = readTables(o.output, o.perturbation.steps);
    std::map<Unit, int> rowsPerUnit;
    for (const auto& r : tables.perImage.rows)
        rowsPerUnit[unitOf(tables.perImage, r)]++;
    std::set<Unit> done;
    for (const GtImage& im : gt.images)
        for (const MethodSpec& m : o.methods)
        {
            const auto it = rowsPerUnit.find(Unit(im.index, m.name));
            if (it != rowsPerUnit.end() && it->second == (int)im.objects.size())
                done.insert(it->first);
        }
    // Drop what an interrupted run left half-written (a unit without all its rows, a line cut short by
    // a signal or a full disk), so that appending can neither duplicate it nor join it.
    {
        Tables clean = tables;
        keepUnits(clean.perImage, done, perImageKey());
        keepUnits(clean.curves, done, curveKey());
        keepUnits(clean.randomization, done, randomizationKey());
        const std::pair<const char*, const Table*> files[] = {
            {kPerImageFile, &clean.perImage}, {kCurvesFile, &clean.curves}, {kRandomizationFile, &clean.randomization}};
        std::error_code ec;
        for (const auto& f : files)
            if (fs::exists(pathIn(o.output, f.first), ec))
                writeTable(pathIn(o.output, f.first), *f.second);
    }

    std::vector<const GtImage*> todo;
    int pending = 0, skipped = 0;
    for (const GtImage& im : gt.images)
    {
        if (im.index % o.shardCount != o.shardIndex)
            continue;
        int n = 0;
        for (const MethodSpec& m : o.methods)
            n += done.count(Unit(im.index, m.name)) ? 0 : 1;
        skipped += (int)o.methods.size() - n;
        pending += n;
        if (n > 0)
            todo.push_back(&im);
    }

    // --steps above the pixels of the images is wrong for the whole run: say so before it starts.
    cv::Size firstSize;
    if (!todo.empty() && xai_samples::specialFileKind(todo[0]->path).empty())
        firstSize = cv::imread(todo[0]->path).size();
    if ((long long)o.perturbation.steps > (long long)firstSize.area() && !firstSize.empty())
        throw UsageError(tooManySteps(o.perturbation.steps, *todo[0], firstSize));
    const Plan plan = planOf(o, explainNet, todo, done, firstSize);
    if (!o.quiet && !o.shardSource.empty())  // --shard auto: say which, in the job's log
        std::fprintf(stderr, "xai_evaluate: shard %d of %d (%s): %s to do\n", o.shardIndex, o.shardCount,
                     o.shardSource.c_str(), xai_samples::counted((long long)todo.size(), "image").c_str());
    if (!o.quiet)
        announceLongRun(o, plan, explainNet, pending);

    std::map<std::string, cv::Ptr<cv::xai::ScoreCAM>> cams;
    Progress progress("xai_evaluate", Progress::styleFor(o.quiet), (int)todo.size());
    xai_samples::catchStopSignals();  // from here on, Ctrl-C ends the running unit and keeps the others
    int finished = 0, failures = 0;
    const int64 start = cv::getTickCount();
    std::string writeFailure;
    for (size_t i = 0; i < todo.size() && !xai_samples::stopSignal() && writeFailure.empty(); i++)
    {
        const GtImage* im = todo[i];
        std::vector<double> costs;
        for (const Group& group : groupsOf(o, done, im->index))
            costs.push_back((double)plan.groupCost(group, (int)im->objects.size()).forwards);
        progress.beginImage((int)i, im->name, costs);
        LoadedImage li;
        cv::Mat probabilities;
        try
        {
            li = loadImage(*im, o.perturbation.steps);
            cv::xai::classProbabilities(metricNet, o.scoreCam, li.image, probabilities, 2);  // the batch of confidenceChange
        }
        catch (const std::exception& e)
        {
            const cv::Exception* ce = dynamic_cast<const cv::Exception*>(&e);
            progress.message("xai_evaluate: error: " + im->name + ": " + (ce ? messageOf(*ce) : std::string(e.what())));
            failures++;
            progress.endImage();
            continue;
        }
        // Methods of the same views share one computation of them; each fuses them its own way.
        const std::vector<Group> groups = groupsOf(o, done, im->index);
        // The network's own dense map of each object's class, once per image, for every method.
        std::vector<cv::Mat> dense;
        if (o.denseFidelity && !groups.empty())
        {
            try
            {
                // Shown and stopped as the methods' units are: a stop signal cancels it.
                UnitProgress denseProgress(progress, 0);
                for (const GtObject& obj : im->objects)
                {
                    dense.emplace_back();
                    cv::xai::computeDenseMap(explainNet, o.scoreCam, li.image, obj.classId, dense.back(),
                                             denseProgress.callback());
                    denseProgress.next();
                }
            }
            catch (const cv::Exception& e)
            {
                // Cancelled: the loops below and above see the signal and end the run.
                if (!xai_samples::stopSignal())
                    throw UsageError("--dense-fidelity: " + messageOf(e));
            }
        }
        for (size_t k = 0; k < groups.size() && !xai_samples::stopSignal() && writeFailure.empty(); k++)
        {
            const Group& group = groups[k];
            progress.beginMethod((int)k, group[0]->name);
            size_t completed = 0;
            try
            {
                cv::Ptr<cv::xai::ScoreCAM>& cam = cams[group[0]->name];
                if (!cam)
                    cam = makeGroupExplainer(explainNet, o, *group[0]);
                UnitProgress unitProgress(progress, plan.groupCost(group, (int)im->objects.size()).forwards);
                cam->setProgressCallback(unitProgress.callback());
                std::vector<int> classes;
                for (const GtObject& obj : im->objects)
                    classes.push_back(obj.classId);
                const std::vector<Explanation> explained = explainGroup(*cam, group, li.image, classes);
                progress.libraryWarnings(cam->getWarnings(), im->name);
                unitProgress.next();
                for (size_t g = 0; g < group.size(); g++)
                {
                    const MethodSpec& m = *group[g];
                    const UnitRows rows =
                        evaluateUnit(o, m, explained[g], explainNet, metricNet, *im, li, probabilities, dense,
                                     unitProgress);
                    // Curves and randomisation first: a unit counts as done once its per-image rows are written.
                    appendRows(pathIn(o.output, kCurvesFile), curveColumns(o.perturbation.steps), rows.curves);
                    if (!rows.randomization.empty())
                        appendRows(pathIn(o.output, kRandomizationFile), randomizationColumns(), rows.randomization);
                    appendRows(pathIn(o.output, kPerImageFile), perImageColumns(), rows.perImage);
                    done.insert(Unit(im->index, m.name));
                    finished++;
                    completed++;
                }
            }
            catch (const UsageError&)
            {
                throw;
            }
            catch (const xai_samples::WriteError& e)
            {
                writeFailure = e.what();  // a full disk fails every unit after this one too: stop
            }
            catch (const std::exception& e)
            {
                if (xai_samples::stopSignal())
                    break;  // cancelled: not a failure, and not done
                const cv::Exception* ce = dynamic_cast<const cv::Exception*>(&e);
                progress.message("xai_evaluate: error: " + im->name + " (" + group[0]->name + "): " +
                                 (ce ? messageOf(*ce) : std::string(e.what())));
                failures += (int)(group.size() - completed);
                finished += (int)(group.size() - completed);
            }
        }
        progress.endImage();
    }
    progress.finish();

    // The summary of what the folder holds, also after a stop: a rerun of the same command resumes.
    try
    {
        tables = readTables(o.output, o.perturbation.steps);
        finish(o.output, info, tables, done, o.summaryFormat, o.plots);
    }
    catch (const xai_samples::WriteError& e)
    {
        if (writeFailure.empty())
            writeFailure = e.what();
    }
    if (!writeFailure.empty())
    {
        progress.message("xai_evaluate: error: " + writeFailure + "; the rows written so far are kept: run the same "
                         "command again to resume");
        return 1;
    }
    const std::string summary = pathIn(o.output, o.summaryFormat == "json" ? "summary.json" : "summary.yml");
    if (xai_samples::stopSignal())
    {
        progress.message("xai_evaluate: stopped by " + xai_samples::stopSignalName() + " after " +
                         xai_samples::counted(finished - failures, "unit") + " of " +
                         xai_samples::grouped(pending) + "; summary of the folder in " + summary +
                         "; run the same command again to resume");
        return xai_samples::stopExitCode();
    }
    if (!o.quiet)
        std::fprintf(stderr, "xai_evaluate: %d evaluated, %d already in %s, %d failed, %.1f s; summary in %s\n",
                     finished - failures, skipped, o.output.c_str(), failures,
                     (double)(cv::getTickCount() - start) / cv::getTickFrequency(), summary.c_str());
    return failures ? 1 : 0;
}

int runMerge(const Options& o)
{
    RunInfo info;
    Tables all;
    for (size_t i = 0; i < o.merge.size(); i++)
    {
        const std::string& dir = o.merge[i];
        const RunInfo r = readRunInfo(pathIn(dir, kRunFile));
        if (r.settings.empty())
            throw UsageError("'" + dir + "' is not an output folder of xai_evaluate (no " + kRunFile + ")");
        if (i == 0)
            info = r;
        else
        {
            const std::string diff = firstDifference(info, r);
            if (!diff.empty() || r.methods != info.methods)
                throw UsageError("'" + dir + "' was made with other settings than '" + o.merge[0] + "' (" +
                                 (diff.empty() ? std::string("methods") : diff) + "): only shards of one run merge");
        }
        const Tables t = readTables(dir, stepsOf(r));
        if (i == 0)
            all = t;
        else
        {
            all.perImage.rows.insert(all.perImage.rows.end(), t.perImage.rows.begin(), t.perImage.rows.end());
            all.curves.rows.insert(all.curves.rows.end(), t.curves.rows.begin(), t.curves.rows.end());
            all.randomization.rows.insert(all.randomization.rows.end(), t.randomization.rows.begin(),
                                          t.randomization.rows.end());
        }
    }
    std::set<Unit> units;
    for (const auto& r : all.perImage.rows)
        units.insert(unitOf(all.perImage, r));
    createDir(o.output);
    writeRunInfo(pathIn(o.output, kRunFile), info);
    finish(o.output, info, all, units, o.summaryFormat, o.plots);
    if (!o.quiet)
        std::fprintf(stderr, "xai_evaluate: merged %zu folders, %zu rows, into %s\n", o.merge.size(),
                     all.perImage.rows.size(), o.output.c_str());
    return 0;
}

} // namespace xai_evaluate
