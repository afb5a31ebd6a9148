// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "explainer.hpp"
#include "augmentation_internal.hpp"
#include "batch_scorer.hpp"
#include "channel_weights.hpp"
#include "class_ids.hpp"
#include "input_geometry.hpp"
#include "masked_scoring.hpp"
#include "net_setup.hpp"
#include "usage_guard.hpp"
#include "warnings.hpp"

namespace cv {
namespace xai {

AugmentedScoreCAM::Params::Params()
    : scoreCam(), augmentation(), fusion(FUSION_INTERLEAVE), viewWeights(VIEW_WEIGHTS_SHARED), superResolution()
{
    // Designed views: an 8 x 8 lattice of whole-pixel shifts of the layer's stride, interleaved.
    // Chosen on tuning photos that docs/quality-real.md does not report on: on SqueezeNet 1.1 the
    // 8 x 8 lattice was the smallest within Pearson 0.97 of the dense map on both (4 x 4: 0.967,
    // 0.937), for 3 forwards more than Score-CAM's 33.
    augmentation.latticeSize = 8;
    augmentation.numAugmentations = 64;
    augmentation.maxAngle = 0;
}

AugmentedScoreCAM::AugmentedScoreCAM() {}
AugmentedScoreCAM::~AugmentedScoreCAM() {}

namespace {

void checkParams(const AugmentedScoreCAM::Params& p)
{
    const ScoreCAM::Params& s = p.scoreCam;
    CV_CheckGE(s.batchSize, 1, "Params::batchSize must be at least 1");
    CV_CheckGE(s.maxChannels, 0, "Params::maxChannels must be 0 (all channels) or positive");
    if (!(s.skipSpreadFraction >= 0 && s.skipSpreadFraction < 1))
        CV_Error(Error::StsOutOfRange, cv::format(
            "Params::skipSpreadFraction is %g: a fraction in [0, 1) is expected", s.skipSpreadFraction));
    CV_CheckGE(s.scoreType, (int)SCORE_AUTO, "Params::scoreType: one of cv::xai::ScoreType is expected");
    CV_CheckLE(s.scoreType, (int)SCORE_PROBABILITIES, "Params::scoreType: one of cv::xai::ScoreType is expected");
    CV_CheckGE(s.weightMode, (int)WEIGHT_PROBABILITY, "Params::weightMode: one of cv::xai::WeightMode is expected");
    CV_CheckLE(s.weightMode, (int)WEIGHT_RAW_SCORE, "Params::weightMode: one of cv::xai::WeightMode is expected");
    CV_CheckGE(s.combination, (int)COMBINE_SUM, "Params::combination: one of cv::xai::ChannelCombination is expected");
    CV_CheckLE(s.combination, (int)COMBINE_MAX, "Params::combination: one of cv::xai::ChannelCombination is expected");
    CV_CheckGE(s.maskSpace, (int)MASK_NORMALIZED_INPUT, "Params::maskSpace: one of cv::xai::MaskSpace is expected");
    CV_CheckLE(s.maskSpace, (int)MASK_RAW_PIXELS, "Params::maskSpace: one of cv::xai::MaskSpace is expected");
    if (s.upsampling != UPSAMPLE_LAYER_GEOMETRY && s.upsampling != UPSAMPLE_RESIZE)
        CV_Error(Error::StsBadArg, cv::format("Params::upsampling is %d: UPSAMPLE_LAYER_GEOMETRY (0) or "
                                              "UPSAMPLE_RESIZE (1) is expected", s.upsampling));
    if (p.viewWeights != VIEW_WEIGHTS_SHARED && p.viewWeights != VIEW_WEIGHTS_PER_VIEW)
        CV_Error(Error::StsBadArg, cv::format("Params::viewWeights is %d: VIEW_WEIGHTS_SHARED (0) or "
                                              "VIEW_WEIGHTS_PER_VIEW (1) is expected", p.viewWeights));
    checkAugmentationParams(p.augmentation);
    MapFusion::create(p.fusion, p.superResolution); // throws on an unknown method or bad settings
}

//! The map in the frame: upsampled once (upsampling is linear, so this is the sum of upsampled channels), then ReLU.
Mat upsampleRelu(const Mat& lowRes, const LayerGeometry& geometry, Size frame)
{
    Mat map;
    upsampleToFrame(lowRes, geometry, frame, map);
    max(map, 0.0, map);
    return map;
}

//! Scales a non-negative map to [0, 1]; a map with no positive value stays zero (returns false).
bool normalizeMap(Mat& map)
{
    double maxVal = 0;
    Point top;
    minMaxLoc(map, NULL, &maxVal, NULL, &top);
    if (!(maxVal > 0))
    {
        map.setTo(Scalar::all(0));
        return false;
    }
    // Scaled in double: when class probabilities underflow, the map lies below the smallest normal
    // float and 1 / max would overflow a float factor into inf (and 0 * inf into NaN).
    Mat scaled;
    map.convertTo(scaled, CV_64F);
    scaled *= 1.0 / maxVal;
    scaled.convertTo(map, CV_32F);
    map.at<float>(top) = 1.f; // exactly 1, whatever the rounding of the division
    return true;
}

//! Why a fusion gave a zero map of views that had positive values, and what to change.
String emptyFusionCause(int fusion, const SuperResolutionParams& sr, const FusionReport& report)
{
    // FUSION_INTERLEAVE solves by super-resolution when the views are no lattice.
    if (fusion == FUSION_SUPER_RESOLUTION || (fusion == FUSION_INTERLEAVE && !report.interleaved))
        return cv::format("%s (lambdaTV %g, lambdaEnergy %g, minValidity %g) gave zero; lower "
                          "SuperResolutionParams::lambdaTV and lambdaEnergy, or minValidity (a cell that saw less "
                          "of the frame than that is dropped)",
                          fusion == FUSION_INTERLEAVE ? "FUSION_INTERLEAVE, solved by FUSION_SUPER_RESOLUTION as the "
                          "views are no lattice," : "FUSION_SUPER_RESOLUTION", sr.lambdaTV, sr.lambdaEnergy,
                          sr.minValidity);
    const char* name = fusion == FUSION_MEAN ? "FUSION_MEAN" : fusion == FUSION_MAX ? "FUSION_MAX" : "FUSION_INTERLEAVE";
    return cv::format("%s gave zero: their positive values fell outside the frame once the views were mapped back "
                      "(check the warps)", name);
}

//! What the net and its layers look like for one input shape (found by a probe forward).
struct NetLayout
{
    dnn::MatShape inputShape;
    String targetLayer, scoreLayer;
    bool probabilities;
    int channels; //!< K
    Size grid;    //!< the target layer's w x h
    LayerGeometry geometry; //!< where the grid's cells lie on the frame
    std::vector<String> warnings; //!< of the setup at this shape: they apply to every computation at it
};

//! Everything one computation produced; the getters read the last one that completed.
struct Run
{
    explicit Run(const InputGeometry& g) : geometry(g), probabilities(false), forwards(0), batch(0) {}

    InputGeometry geometry;        //!< the image's way into the frame, to undo it
    Size frame;
    LayerGeometry layer;           //!< where the target layer's cells lie on the frame
    String targetLayer;
    bool probabilities;            //!< the scores are probabilities already
    std::vector<int> classes;
    Mat baseScores;                //!< of view 0
    Mat weights;                   //!< channel weights of view 0
    std::vector<Mat> warps;
    std::vector<std::vector<Mat> > lowRes; //!< [view][class], h x w, before any ReLU
    std::vector<int> emptyMaps;
    std::vector<String> warnings;
    int forwards;
    int batch;                     //!< images per forward
};

class Explainer CV_FINAL : public AugmentedScoreCAM
{
public:
    Explainer(const dnn::Net& net, const AugmentedScoreCAM::Params& params, bool denseLattice)
        : net_(net), params_(params), geometry_(params.scoreCam), backend_(params.scoreCam.backend),
          target_(params.scoreCam.target), denseLattice_(denseLattice), runForwards_(0), plannedForwards_(0),
          last_(geometry_)
    {
        if (net_.empty())
            CV_Error(Error::StsBadArg, "the net is empty: load a model with cv::dnn::readNet first");
        checkParams(params_);
        applyBackend(net_, backend_, target_);
    }

    void compute(InputArray image, int classId, OutputArray saliency) CV_OVERRIDE
    {
        std::vector<Mat> maps;
        compute(image, std::vector<int>(1, classId), maps);
        maps[0].copyTo(saliency);
    }

    void compute(InputArray image, const std::vector<int>& requested, OutputArrayOfArrays saliency) CV_OVERRIDE;

    void fuseAgain(int fusion, const SuperResolutionParams& superResolution, OutputArrayOfArrays saliency) CV_OVERRIDE
    {
        const UsageGuard guard(this, "fuseAgain()");
        if (last_.lowRes.empty())
            CV_Error(Error::StsError, "fuseAgain: there is no computation to fuse again: call compute() first");
        // On a copy: the getters keep reporting the computation, not this fusion.
        Run run = last_;
        std::vector<Mat> maps;
        fuseViews(run, fusion, superResolution, maps);
        writeMats(maps, saliency);
    }

    void getViewMaps(int classIndex, OutputArrayOfArrays maps) const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getViewMaps()");
        if (classIndex < 0 || classIndex >= (int)last_.classes.size())
            CV_Error(Error::StsOutOfRange, cv::format("getViewMaps: class index %d is out of range: the last "
                                                      "computation explained %d classes", classIndex,
                                                      (int)last_.classes.size()));
        std::vector<Mat> out;
        for (size_t v = 0; v < last_.lowRes.size(); v++)
            out.push_back(last_.lowRes[v][classIndex]);
        writeMats(out, maps);
    }

    void setWarps(InputArrayOfArrays warps) CV_OVERRIDE
    {
        const UsageGuard guard(this, "setWarps()");
        std::vector<Mat> w;
        if (!warps.empty())
            warps.getMatVector(w);
        customWarps_.clear();
        for (size_t i = 0; i < w.size(); i++)
            customWarps_.push_back(checkWarp(w[i]));
    }

    // Every member that reads or writes the object's state holds it, as compute() does: another
    // thread gets a cv::Exception instead of a half-written result.
    void getWarps(OutputArrayOfArrays warps) const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getWarps()");
        writeMats(last_.warps, warps);
    }
    String getTargetLayer() const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getTargetLayer()");
        return last_.targetLayer;
    }
    std::vector<int> getClassIds() const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getClassIds()");
        return last_.classes;
    }
    int getForwardCount() const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getForwardCount()");
        return last_.forwards;
    }
    int getEffectiveBatchSize() const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getEffectiveBatchSize()");
        return last_.batch > 0 ? last_.batch : params_.scoreCam.batchSize;
    }
    void getChannelWeights(OutputArray weights) const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getChannelWeights()");
        last_.weights.copyTo(weights);
    }
    LayerGeometry getLayerGeometry() const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getLayerGeometry()");
        return last_.layer;
    }
    void getScores(OutputArray scores, bool probabilities) const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getScores()");
        if (last_.baseScores.empty())
            scores.release();
        else if (!probabilities || last_.probabilities)
            last_.baseScores.copyTo(scores);
        else
            softmaxRows(last_.baseScores).copyTo(scores);
    }
    std::vector<int> getEmptyMaps() const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getEmptyMaps()");
        return last_.emptyMaps;
    }
    std::vector<String> getWarnings() const CV_OVERRIDE
    {
        const UsageGuard guard(this, "getWarnings()");
        return last_.warnings;
    }
    // Fixed by the constructor: no state to guard.
    int getBackend() const CV_OVERRIDE { return backend_; }
    int getTarget() const CV_OVERRIDE { return target_; }
    void setProgressCallback(const ProgressCallback& callback) CV_OVERRIDE
    {
        const UsageGuard guard(this, "setProgressCallback()");
        progress_ = callback;
    }

private:
    static void writeMats(const std::vector<Mat>& mats, OutputArrayOfArrays out)
    {
        out.create((int)mats.size(), 1, CV_32F);
        for (size_t i = 0; i < mats.size(); i++)
        {
            out.create(mats[i].size(), mats[i].type(), (int)i);
            mats[i].copyTo(out.getMat((int)i));
        }
    }

    void prepare(const Mat& frame);
    void prepareScorer(const Mat& frame, int numViews);
    std::vector<Mat> viewWarps(Size frame) const;
    void explainView(const FrameView& view, const Mat& activations, const Mat& baseScores, Run& run);
    void fuseViews(Run& run, int fusion, const SuperResolutionParams& superResolution, std::vector<Mat>& maps) const;
    void planForwards(int numViews);
    void onForward();

    dnn::Net net_;
    AugmentedScoreCAM::Params params_;
    InputGeometry geometry_;
    int backend_, target_;
    const bool denseLattice_; //!< computeDenseMap's views: the full lattice of the layer's stride
    std::vector<Mat> customWarps_;
    ProgressCallback progress_;

    NetLayout layout_;      //!< for layout_.inputShape; empty until a probe succeeded
    Ptr<BatchScorer> scorer_;
    int runForwards_;       //!< forwards of the computation in progress
    int plannedForwards_;
    Run last_;              //!< the last computation that completed
};

void Explainer::prepare(const Mat& frame)
{
    const int shape[] = { 1, frame.channels(), frame.rows, frame.cols };
    const dnn::MatShape inputShape(shape, shape + 4);
    if (!layout_.inputShape.empty() && inputShape == layout_.inputShape)
        return;
    // Nothing is kept unless the whole setup succeeds, so a failure is not cached for this shape.
    layout_ = NetLayout();
    scorer_.release();
    NetLayout layout;
    const WarningCollector collect(layout.warnings);
    layout.scoreLayer = resolveScoreLayer(net_, params_.scoreCam.scoreLayer);
    const NetProbe probe = probeNet(net_, params_.scoreCam.targetLayer, layout.scoreLayer, inputShape);
    layout.targetLayer = probe.targetLayer;
    layout.channels = probe.channels;
    layout.grid = probe.grid;
    layout.probabilities = readsProbabilities(net_, layout.scoreLayer, params_.scoreCam.scoreType, probe.scores);
    layout.geometry = resizeGeometry(frame.size(), layout.grid);
    // computeDenseMap cannot fall back on the resize convention: viewWarps() refuses it instead.
    if (params_.scoreCam.upsampling == UPSAMPLE_LAYER_GEOMETRY &&
        !findLayerGeometry(net_, layout.targetLayer, layout.geometry) && !denseLattice_)
        warn("the geometry of layer '" + layout.targetLayer + "' could not be found from the layers before it (a "
             "layer of unknown geometry is on the way); its cells are placed as cv::resize places them");
    layout.inputShape = inputShape;
    layout_ = layout;
}

void Explainer::prepareScorer(const Mat& frame, int numViews)
{
    // Never more images per forward than one batch needs: the views' unmasked inputs or one view's
    // masked inputs. Every forward then uses this one shape (a short last batch is padded), since a
    // new shape makes dnn set the whole net up again.
    const ScoreCAM::Params& p = params_.scoreCam;
    const int kept = p.maxChannels > 0 ? std::min(p.maxChannels, layout_.channels) : layout_.channels;
    const int capacity = std::min(p.batchSize, std::max(numViews, kept));
    if (scorer_ && (scorer_->capacity() == capacity || scorer_->refusedBatches()))
        return;
    scorer_ = makePtr<BatchScorer>(net_, layout_.targetLayer, layout_.scoreLayer, capacity, frame.channels(),
                                   frame.size());
    scorer_->setForwardHook(std::bind(&Explainer::onForward, this));
}

std::vector<Mat> Explainer::viewWarps(Size frame) const
{
    if (!customWarps_.empty())
        return customWarps_;
    std::vector<Mat> warps;
    if (denseLattice_)
    {
        const LayerGeometry& g = layout_.geometry;
        if (!g.fromLayers || !g.isWholePixel() || g.stride.x != g.stride.y)
            CV_Error(Error::StsBadArg, g.fromLayers
                ? cv::format("computeDenseMap: layer '%s' has no whole-pixel geometry of equal strides known from "
                             "its layers (found stride %g x %g, offset %g, %g)", layout_.targetLayer.c_str(),
                             g.stride.x, g.stride.y, g.offset.x, g.offset.y)
                : cv::format("computeDenseMap: layer '%s' has no whole-pixel geometry of equal strides known from "
                             "its layers (a layer of unknown geometry is on the way)", layout_.targetLayer.c_str()));
        const int s = cvRound(g.stride.x);
        CV_CheckLE(s, 64, "computeDenseMap: a stride above 64 pixels would need more than 4096 views");
        AugmentationParams lattice = params_.augmentation;
        lattice.latticeSize = s;
        lattice.numAugmentations = s * s;
        generateLayerWarps(frame, lattice, g, warps);
        return warps;
    }
    generateLayerWarps(frame, params_.augmentation, layout_.geometry, warps);
    return warps;
}

void Explainer::planForwards(int numViews)
{
    // All channels counted: explainView() lowers the plan when fewer are scored (skipSpreadFraction).
    const int K = layout_.channels;
    const int M = params_.scoreCam.maxChannels > 0 ? std::min(params_.scoreCam.maxChannels, K) : K;
    const int batch = scorer_->capacity();
    const int scored = params_.viewWeights == VIEW_WEIGHTS_SHARED ? 1 : numViews;
    plannedForwards_ = (numViews + batch - 1) / batch + scored * ((M + batch - 1) / batch);
}

void Explainer::onForward()
{
    runForwards_++;
    if (progress_ && !progress_(runForwards_, std::max(runForwards_, plannedForwards_)))
        CV_Error(Error::StsError, "the computation was cancelled by the progress callback");
}

void Explainer::compute(InputArray image, const std::vector<int>& requested, OutputArrayOfArrays saliency)
{
    const UsageGuard guard(this, net_); // one computation at a time, and the net not in use by another thread
    if (requested.empty())
        CV_Error(Error::StsBadArg, "no class to explain: give at least one class id (-1 for the top-1 class)");
    runForwards_ = 0;
    plannedForwards_ = 0;
    Run run(geometry_);
    const WarningCollector collect(run.warnings);
    const Mat frame = run.geometry.toFrame(image); // the network input frame, raw pixel values
    run.frame = frame.size();
    prepare(frame);
    run.warnings.insert(run.warnings.begin(), layout_.warnings.begin(), layout_.warnings.end());
    run.layer = layout_.geometry;
    run.targetLayer = layout_.targetLayer;
    run.probabilities = layout_.probabilities;
    run.warps = viewWarps(frame.size());
    const int numViews = (int)run.warps.size();
    prepareScorer(frame, numViews);
    // Before the first forward, so that the first report does not announce 1 of 1.
    planForwards(numViews);

    // Views go through the net a batch at a time: their unmasked inputs share one forward (the
    // activations and base scores of all of them), then each view's masked inputs fill batches.
    for (int first = 0; first < numViews;)
    {
        const int count = std::min(scorer_->capacity(), numViews - first);

        // 1. Augment: each view warped from the frame, borders neutral after normalisation.
        std::vector<FrameView> views(count);
        for (int i = 0; i < count; i++)
        {
            warpView(frame, run.warps[first + i], views[i].raw, params_.augmentation.borderMode,
                     run.geometry.neutralValue());
            run.geometry.normalize(views[i].raw, views[i].planes);
            for (int c = 0; c < scorer_->channels(); c++)
                views[i].planes[c].copyTo(scorer_->plane(i, c));
        }

        // 2. Activations and unmasked scores of the views, from one forward.
        Mat activations, baseScores;
        scorer_->run(count, &activations, baseScores);
        if (first == 0)
        {
            run.baseScores = baseScores.row(0).clone();
            run.classes = resolveClassIds(requested, run.baseScores, String()); // ranked on the unmasked image
            planForwards(numViews); // again: a net that refuses batches went down to one image per forward
        }

        // 3-4. Masked scoring and the weighted combination of each view's own activations.
        for (int i = 0; i < count; i++)
        {
            const int sz[] = { activations.size[1], activations.size[2], activations.size[3] };
            const Mat viewActivations(3, sz, CV_32F, activations.ptr<float>(i));
            explainView(views[i], viewActivations, baseScores.row(i), run);
        }
        first += count;
    }

    // 5-6. Unwarp and fuse the views, then bring the maps back to the image.
    std::vector<Mat> maps;
    fuseViews(run, params_.fusion, params_.superResolution, maps);
    run.forwards = runForwards_;
    run.batch = scorer_->capacity();
    last_ = run;
    writeMats(maps, saliency);
}

void Explainer::explainView(const FrameView& view, const Mat& activations, const Mat& baseScores, Run& run)
{
    const ScoreCAM::Params& p = params_.scoreCam;
    const int K = activations.size[0];
    Mat weights = run.weights;
    if (weights.empty() || params_.viewWeights == VIEW_WEIGHTS_PER_VIEW)
    {
        // 3. Masked scoring: one masked input per kept channel of this view's own activations.
        const std::vector<int> channels = selectChannels(activations, p.maxChannels, p.skipSpreadFraction);
        const int batch = scorer_->capacity();
        const int M = p.maxChannels > 0 ? std::min(p.maxChannels, K) : K;
        plannedForwards_ -= (M + batch - 1) / batch - ((int)channels.size() + batch - 1) / batch;
        Mat maskedScores;
        scoreMaskedInputs(*scorer_, view, run.geometry, run.layer, p.maskSpace, activations, channels,
                          maskedScores);
        computeChannelWeights(maskedScores, baseScores, channels, K, layout_.probabilities, p.weightMode,
                              run.classes, weights);
        if (run.weights.empty())
            run.weights = weights;
    }
    // 4. Combine: channel weights (this view's own, or the first view's), weighted channels summed
    // at the layer's resolution.
    run.lowRes.push_back(std::vector<Mat>());
    combineChannels(activations, weights, p.combination, run.lowRes.back());
}

void Explainer::fuseViews(Run& run, int fusion, const SuperResolutionParams& superResolution,
                          std::vector<Mat>& maps) const
{
    run.emptyMaps.clear();
    maps.assign(run.classes.size(), Mat());
    for (size_t c = 0; c < run.classes.size(); c++)
    {
        // 5. Unwarp each view's map into the original frame and fuse the views.
        Ptr<MapFusion> fuser = MapFusion::create(fusion, superResolution);
        // A solve can be long: the same callback (and the CLI's signals through it) can stop it.
        if (progress_)
            fuser->setProgressCallback([this](int, int) {
                return progress_(runForwards_, std::max(runForwards_, plannedForwards_));
            });
        fuser->reset(run.frame, run.layer);
        bool viewsPositive = false; // to tell an empty fusion from empty views, should the map be zero
        for (size_t v = 0; v < run.lowRes.size(); v++)
        {
            double viewMax = 0;
            minMaxLoc(run.lowRes[v][c], NULL, &viewMax);
            viewsPositive = viewsPositive || viewMax > 0;
            Mat unwarped, validity;
            unwarpMap(upsampleRelu(run.lowRes[v][c], run.layer, run.frame), run.warps[v], unwarped, validity);
            fuser->add(unwarped, validity, run.lowRes[v][c], run.warps[v]);
        }
        Mat fused;
        fuser->fuse(fused);
        if (!checkRange(fused))
            CV_Error(Error::StsBadArg, "the map of class " + cv::format("%d", run.classes[c]) + " overflowed: the "
                     "target layer's activations are too large for float sums; check the model and the input "
                     "normalisation (Params::scale, Params::mean)");

        // 6. Back to the image, normalised there (so that the maximum is exactly 1).
        run.geometry.toImage(fused, maps[c]);
        if (!normalizeMap(maps[c]))
        {
            run.emptyMaps.push_back((int)c);
            if (viewsPositive)
            {
                warn(cv::format("the map of class %d is zero everywhere although the views' maps were not: ",
                                run.classes[c]) + emptyFusionCause(fusion, superResolution, fuser->getReport()));
            }
            else
            {
                warn(cv::format("the map of class %d is zero everywhere: no channel raised its score (try another "
                                "target layer or weight mode)", run.classes[c]));
            }
        }
    }
}

} // namespace

Ptr<AugmentedScoreCAM> makeExplainer(const dnn::Net& net, const AugmentedScoreCAM::Params& params, bool denseLattice)
{
    return makePtr<Explainer>(net, params, denseLattice);
}

Ptr<AugmentedScoreCAM> AugmentedScoreCAM::create(const dnn::Net& net, const AugmentedScoreCAM::Params& params)
{
    return makeExplainer(net, params);
}

}} // namespace cv::xai
