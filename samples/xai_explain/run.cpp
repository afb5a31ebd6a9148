// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include "../common/cli_files.hpp"
#include "../common/cli_plan.hpp"
#include "../common/cli_progress.hpp"
#include "../common/cli_signals.hpp"
#include "inputs.hpp"
#include "model.hpp"
#include "outputs.hpp"

namespace fs = std::filesystem;
using xai_samples::Progress;
using xai_samples::writeImageFile;

namespace xai_explain {
namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

const char* methodTitle(Method m) { return m == Method::Augmented ? "Augmented Score-CAM" : "Score-CAM"; }

//! One of the methods the run applies to every image.
struct Explainer
{
    Method method;
    const char* fileTag;  //!< in output file names
    const char* title;    //!< in captions and progress
    double cost;          //!< relative forwards per image, for the time left
    cv::Ptr<cv::xai::ScoreCAM> cam;
};

std::vector<Explainer> createExplainers(const cv::dnn::Net& net, const Options& o)
{
    std::vector<Explainer> list;
    try
    {
        if (o.method != Method::Augmented)
            list.push_back({Method::ScoreCam, "scorecam", methodTitle(Method::ScoreCam), 1.0,
                            cv::xai::ScoreCAM::create(net, o.params.scoreCam)});
        if (o.method != Method::ScoreCam)
            list.push_back({Method::Augmented, "augmented", methodTitle(Method::Augmented),
                            (double)o.params.augmentation.numAugmentations,
                            cv::xai::AugmentedScoreCAM::create(net, o.params)});
    }
    catch (const cv::Exception& e)
    {
        // create() checks the parameters and applies the backend: a wrong value or setup is usage.
        throw UsageError(messageOf(e));
    }
    return list;
}

class Run
{
public:
    Run(const Options& o, const std::vector<ImageItem>& images, cv::dnn::Net& net)
        : o_(o), images_(images), net_(net), labels_(o.labels.empty() ? std::vector<std::string>() : readLabels(o.labels)),
          classes_(o.classes, labels_), explainers_(createExplainers(net, o)),
          progress_("xai_explain", Progress::styleFor(o.quiet), (int)images.size())
    {
        for (Explainer& e : explainers_)
            e.cam->setProgressCallback([this](int done, int total) {
                progress_.onForward(done, total);
                return xai_samples::stopSignal() == 0;  // Ctrl-C cancels the running explanation
            });
        checkModel();
    }

    //! Explains every image; returns the exit code.
    int operator()()
    {
        const Clock::time_point start = Clock::now();
        // A summary left by an earlier run in this folder would describe files this run replaces (a
        // shard's too: the merged one).
        const std::string summary = outputPath(summaryFileName(o_.shardIndex, o_.shardCount));
        std::error_code ec;
        fs::remove(summary, ec);
        fs::remove(outputPath(summaryFileName(0, 1)), ec);
        std::vector<ImageRecord> records;
        int failed = 0;
        std::vector<double> costs;
        for (const Explainer& e : explainers_)
            costs.push_back(e.cost);
        for (size_t i = 0; i < images_.size() && !xai_samples::stopSignal(); i++)
        {
            ImageRecord rec;
            rec.index = images_[i].index;
            rec.path = images_[i].path;
            rec.stem = images_[i].stem;
            progress_.beginImage((int)i, fs::path(rec.path).filename().string(), costs);
            try
            {
                explainImage(rec);
            }
            catch (const UsageError&)
            {
                progress_.finish();
                throw;  // wrong for every image, not this one's fault: stop
            }
            catch (const cv::Exception& e)
            {
                rec.error = messageOf(e);
            }
            catch (const std::exception& e)
            {
                rec.error = e.what();
            }
            if (xai_samples::stopSignal())
            {
                removeWritten();  // stopped in the middle of this image: it is not part of the run
                break;
            }
            if (!rec.error.empty())
            {
                failed++;
                rec.classes.clear();
                removeWritten();  // the summary lists no file of a failed image
                progress_.message("xai_explain: error: " + rec.path + ": " + rec.error);
            }
            progress_.endImage();
            records.push_back(rec);
        }
        progress_.finish();

        const std::string stoppedBy = xai_samples::stopSignal() ? xai_samples::stopSignalName() : std::string();
        try
        {
            writeSummary(summary, o_, (int)images_.size(), records, stoppedBy, millisecondsSince(start));
        }
        catch (const xai_samples::WriteError& e)
        {
            progress_.message(std::string("xai_explain: error: ") + e.what());
            return stoppedBy.empty() ? 1 : xai_samples::stopExitCode();
        }
        if (!stoppedBy.empty())
        {
            progress_.message("xai_explain: stopped by " + stoppedBy + " after " + std::to_string(records.size()) +
                              " of " + xai_samples::counted((long long)images_.size(), "image") + "; " + summary +
                              " lists what was done");
            return xai_samples::stopExitCode();
        }
        if (!o_.quiet)
        {
            const cv::xai::ScoreCAM& cam = *explainers_.front().cam;
            std::cout << "xai_explain: " << images_.size() - failed << " of " << images_.size()
                      << " images explained (backend " << backendName(cam.getBackend()) << ", target "
                      << targetName(cam.getTarget()) << "), results in " << summary << std::endl;
        }
        return failed ? 1 : 0;
    }

private:
    /** With a fixed input size, a wrong --class id, an input too small or an unrunnable model is found
        before the first image, and so are the channels of the model's images. */
    void checkModel()
    {
        channels_ = o_.channels ? o_.channels : 3;
        if (o_.params.scoreCam.inputSize.empty())
            return;  // the image's own size: the first image will tell
        const ModelProbe probe = probeModel(net_, o_);
        channels_ = probe.channels;
        const int numClasses = probe.numClasses;
        classes_.checkClassCount(numClasses);
        if (!labels_.empty() && (int)labels_.size() != numClasses)
            progress_.message("xai_explain: warning: " + std::to_string(labels_.size()) + " labels in '" + o_.labels +
                              "' for " + std::to_string(numClasses) + " classes");
        if (!o_.quiet)
            announceLongRun();
    }

    //! A run of many hours (-n 100000) says so before it starts, with how to make it shorter.
    void announceLongRun()
    {
        const cv::xai::ScoreCAM::Params& p = o_.params.scoreCam;
        const cv::dnn::MatShape input = {1, channels_, p.inputSize.height, p.inputSize.width};
        const int channels = xai_samples::explainedChannels(net_, p, input);
        if (channels <= 0)
            return;
        xai_samples::ForwardCost perImage;
        std::string parts;
        for (const Explainer& e : explainers_)
        {
            const int views = e.method == Method::Augmented ? o_.params.augmentation.numAugmentations : 1;
            const xai_samples::ForwardCost n = xai_samples::explanationCost(channels, p, views, o_.params.viewWeights);
            perImage += n;
            parts += (parts.empty() ? "" : ", ") + std::string(e.title) + " " + xai_samples::grouped(n.forwards);
        }
        const xai_samples::ForwardCost run = (long long)images_.size() * perImage;
        const long long forwards = run.forwards;
        const double seconds = (double)run.images * xai_samples::singleForwardSeconds(net_, p, input);
        if (seconds < xai_samples::kLongRunSeconds)
            return;
        progress_.message("xai_explain: this run needs up to " + xai_samples::grouped(forwards) + " forwards of " +
                          std::to_string(p.batchSize) + " images (" + parts + " per image, " +
                          xai_samples::counted((long long)images_.size(), "image") + "): about " + xai_samples::roughDuration(seconds) +
                          " from one timed forward. Ctrl-C stops it cleanly; fewer --augmentations, --max-channels "
                          "or --method score-cam make it shorter");
    }

    std::string labelOf(int id) const
    {
        return id >= 0 && id < (int)labels_.size() ? labels_[id] : std::string();
    }

    //! Writes one output file of the current image, whole or not at all.
    void write(const std::string& file, const std::function<void(const std::string&)>& writer)
    {
        const std::string path = outputPath(file);
        writer(path);
        written_.push_back(path);
    }

    void removeWritten()
    {
        std::error_code ec;
        for (const std::string& path : written_)
            fs::remove(path, ec);
        written_.clear();
    }

    void explainImage(ImageRecord& rec)
    {
        written_.clear();
        const cv::Mat input = readImage(rec.path, channels_ == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR, rec.warning);
        cv::Mat image = input;  // what the overlays are drawn on
        if (input.channels() == 1)
            cv::cvtColor(input, image, cv::COLOR_GRAY2BGR);
        if (!rec.warning.empty())
            progress_.message("xai_explain: warning: " + rec.path + ": " + rec.warning);
        rec.size = image.size();

        std::vector<int> ids;           // the distinct classes, in the order asked
        std::vector<size_t> mapIndex;   // where each one's map is in the library's answer
        std::vector<std::vector<cv::Mat>> overlays;  // per class, per method
        for (size_t m = 0; m < explainers_.size(); m++)
        {
            const Explainer& ex = explainers_[m];
            progress_.beginMethod((int)m, methodName(ex.method));
            std::vector<cv::Mat> maps;
            const Clock::time_point start = Clock::now();
            try
            {
                ex.cam->compute(input, classes_.libraryIds(), maps);
            }
            catch (const cv::Exception& e)
            {
                // Every image has the same classes: an id out of range is the command's fault.
                if (e.code == cv::Error::StsOutOfRange)
                {
                    classes_.checkClassCount(probeModel(net_, o_, input.size()).numClasses);
                    throw UsageError("--class: " + messageOf(e));
                }
                throw;
            }
            const double ms = millisecondsSince(start);
            progress_.libraryWarnings(ex.cam->getWarnings(), rec.path);
            if (m == 0)
            {
                // top:K is ranked by the library on the unmasked image; its scores fill the summary.
                cv::Mat scores, probabilities;
                ex.cam->getScores(scores, false);
                ex.cam->getScores(probabilities, true);
                const std::vector<int> resolved = ex.cam->getClassIds();
                for (size_t k = 0; k < resolved.size(); k++)
                    if (std::find(ids.begin(), ids.end(), resolved[k]) == ids.end())
                    {
                        const int id = resolved[k];
                        ids.push_back(id);
                        mapIndex.push_back(k);
                        rec.classes.push_back({id, labelOf(id), scores.at<float>(id), probabilities.at<float>(id), {}, {}});
                    }
                overlays.resize(ids.size());
            }

            const auto record = [&](const std::vector<cv::Mat>& fused, int fusion, const std::string& tag) {
                for (size_t c = 0; c < ids.size(); c++)
                {
                    const size_t k = mapIndex[c];
                    MapRecord r;
                    r.method = ex.method;
                    r.fusion = fusion;
                    r.layer = ex.cam->getTargetLayer();
                    r.forwards = ex.cam->getForwardCount();
                    r.batchSize = ex.cam->getEffectiveBatchSize();
                    r.timeMs = ms;
                    r.backend = ex.cam->getBackend();
                    r.target = ex.cam->getTarget();
                    r.stats = mapStatistics(fused[k]);
                    const std::vector<int> empty = ex.cam->getEmptyMaps();
                    r.empty = std::find(empty.begin(), empty.end(), (int)k) != empty.end();

                    const std::string base = rec.stem + "_" + classTag(ids[c], labelOf(ids[c])) + "_" + tag;
                    r.overlayFile = base + "_overlay.png";
                    r.map16File = base + "_map.png";
                    r.mapFloatFile = base + "_map.tiff";
                    overlays[c].push_back(overlayMap(image, fused[k], o_.colormap, o_.alpha));
                    const cv::Mat& map = fused[k];
                    write(r.overlayFile, [&](const std::string& path) { writeImageFile(path, overlays[c].back()); });
                    write(r.map16File, [&](const std::string& path) { writeMap16(path, map); });
                    write(r.mapFloatFile, [&](const std::string& path) { writeMapFloat(path, map); });
                    rec.classes[c].maps.push_back(r);
                }
            };
            const bool augmented = ex.method == Method::Augmented;
            record(maps, augmented ? o_.params.fusion : -1, ex.fileTag);
            // The same views fused other ways: no forwards, one more panel each.
            cv::xai::AugmentedScoreCAM* views = dynamic_cast<cv::xai::AugmentedScoreCAM*>(ex.cam.get());
            for (int fusion : augmented && views ? o_.compareFusions : std::vector<int>())
            {
                std::vector<cv::Mat> fused;
                views->fuseAgain(fusion, o_.params.superResolution, fused);
                record(fused, fusion, std::string(ex.fileTag) + "-" + fusionName(fusion));
            }
        }

        if (explainers_.size() + o_.compareFusions.size() > 1)
            for (size_t c = 0; c < ids.size(); c++)
                writeMontage(rec, rec.classes[c], image, overlays[c]);
    }

    void writeMontage(const ImageRecord& rec, ClassRecord& c, const cv::Mat& image,
                      const std::vector<cv::Mat>& overlays)
    {
        char probability[32];
        std::snprintf(probability, sizeof(probability), "p=%.2f", c.probability);
        // ImageNet names list synonyms ("fox squirrel, eastern fox squirrel, Sciurus niger"): the first is enough.
        const std::string name = c.name.substr(0, c.name.find(','));
        std::vector<cv::Mat> pictures = {image};
        std::vector<std::string> captions = {std::to_string(c.id) + (name.empty() ? "" : " " + name) + "  " +
                                             probability};
        for (size_t m = 0; m < c.maps.size(); m++)
        {
            pictures.push_back(overlays[m]);
            // Short enough for a panel: "Augmented Score-CAM: 16 views, super-resolution".
            std::string caption = methodTitle(c.maps[m].method);
            if (c.maps[m].method == Method::Augmented)
                caption += ": " + std::to_string(o_.params.augmentation.numAugmentations) + " views, " +
                           fusionName(c.maps[m].fusion);
            captions.push_back(caption);
        }
        c.montageFile = rec.stem + "_" + classTag(c.id, c.name) + "_montage.png";
        const cv::Mat picture = montage(pictures, captions);
        write(c.montageFile, [&](const std::string& path) { writeImageFile(path, picture); });
    }

    std::string outputPath(const std::string& file) const { return (fs::path(o_.outputDir) / file).string(); }

    const Options& o_;
    const std::vector<ImageItem>& images_;
    cv::dnn::Net net_;  // a handle to the explainers' net
    int channels_ = 3;  // of the images the model takes
    std::vector<std::string> labels_;
    ClassRequest classes_;  // before the explainers: a misspelt class name fails fast
    std::vector<Explainer> explainers_;
    Progress progress_;
    std::vector<std::string> written_;  //!< files of the current image, removed if it fails
};

} // namespace

int run(const Options& o)
{
    // The library's warnings are printed in this program's words (getWarnings()), not as OpenCV's log.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
    if (!o.mergeSummaries.empty())
        return mergeSummaries(o.mergeSummaries, o.quiet);

    for (const std::string& w : o.warnings)
        std::fprintf(stderr, "%s\n", w.c_str());
    cv::dnn::Net net = loadNet(o);
    if (o.listLayers)
    {
        // Without --size the net has no input size to infer shapes from: a common classifier's.
        const cv::Size size = o.params.scoreCam.inputSize.empty() ? cv::Size(224, 224) : o.params.scoreCam.inputSize;
        printLayers(net, size, o.channels ? o.channels : probeModel(net, o, size).channels, std::cout);
        return 0;
    }
    checkLayerName(net, o.params.scoreCam.targetLayer, "--layer");
    checkLayerName(net, o.params.scoreCam.scoreLayer, "--score-layer");
    xai_samples::requireScoreOutput(net, o.params.scoreCam.scoreLayer, "--score-layer");
    const std::vector<ImageItem> all =
        collectImages(o.images, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
    // A shard takes every N-th image of the whole list, which every shard collects alike: the same
    // names (stems made unique over the whole list) and the same split in every process.
    std::vector<ImageItem> images;
    for (size_t i = 0; i < all.size(); i++)
        if ((long long)(i % (size_t)o.shardCount) == o.shardIndex)
        {
            images.push_back(all[i]);
            images.back().index = (int)i;
        }
    if (!o.quiet && !o.shardSource.empty())  // --shard auto: say which, in the job's log
        std::fprintf(stderr, "xai_explain: shard %d of %d (%s): %zu of %zu images\n", o.shardIndex, o.shardCount,
                     o.shardSource.c_str(), images.size(), all.size());

    std::error_code ec;
    fs::create_directories(o.outputDir, ec);
    if (ec || !fs::is_directory(o.outputDir, ec))
        throw UsageError("cannot create the output folder '" + o.outputDir + "'");

    Run job(o, images, net);
    xai_samples::catchStopSignals();  // from here on, Ctrl-C stops cleanly between files
    return job();
}

} // namespace xai_explain
