// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "explainer.hpp"
#include "augmentation_internal.hpp"
#include "batch_scorer.hpp"
#include "channel_weights.hpp"
#include "input_geometry.hpp"
#include "masked_scoring.hpp"
#include "net_setup.hpp"
#include "usage_guard.hpp"

namespace cv {
namespace xai {

AugmentedScoreCAM::Params::Params() : scoreCam(), augmentation(), fusion(FUSION_MEAN) {}

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
    checkAugmentationParams(p.augmentation);
    MapFusion::create(p.fusion); // throws on an unknown method
}

//! Classes to explain: a negative id -k becomes the k-th most likely class of the unmasked image.
std::vector<int> resolveClasses(const std::vector<int>& requested, const Mat& baseScores)
{
    const int numClasses = baseScores.cols;
    std::vector<int> ranked(numClasses);
    for (int c = 0; c < numClasses; c++)
        ranked[c] = c;
    // Stable: equal scores keep the lower id first, so ranks are deterministic.
    std::stable_sort(ranked.begin(), ranked.end(),
                     [&](int a, int b) { return baseScores.at<float>(a) > baseScores.at<float>(b); });
    std::vector<int> classes;
    for (size_t i = 0; i < requested.size(); i++)
    {
        const int id = requested[i];
        if (id >= numClasses || -id > numClasses)
            CV_Error(Error::StsOutOfRange, cv::format(
                "class id %d is out of range: the net scores %d classes (ids 0 to %d, or -1 to -%d for the "
                "most likely ones)", id, numClasses, numClasses - 1, numClasses));
        classes.push_back(id < 0 ? ranked[-id - 1] : id);
    }
    return classes;
}

//! The map in the frame: upsampled once (upsampling is linear, so this is the sum of upsampled channels), then ReLU.
Mat upsampleRelu(const Mat& lowRes, Size frame)
{
    Mat map;
    resize(lowRes, map, frame, 0, 0, INTER_LINEAR);
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

class Explainer CV_FINAL : public AugmentedScoreCAM
{
public:
    Explainer(const dnn::Net& net, const AugmentedScoreCAM::Params& params)
        : net_(net), params_(params), geometry_(params.scoreCam), backend_(params.scoreCam.backend),
          target_(params.scoreCam.target), forwards_(0), plannedForwards_(0)
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

    void setWarps(InputArrayOfArrays warps) CV_OVERRIDE
    {
        std::vector<Mat> w;
        if (!warps.empty())
            warps.getMatVector(w);
        customWarps_.clear();
        for (size_t i = 0; i < w.size(); i++)
            customWarps_.push_back(checkWarp(w[i]));
    }

    void getWarps(OutputArrayOfArrays warps) const CV_OVERRIDE { writeMats(lastWarps_, warps); }
    String getTargetLayer() const CV_OVERRIDE { return targetLayer_; }
    std::vector<int> getClassIds() const CV_OVERRIDE { return classes_; }
    int getForwardCount() const CV_OVERRIDE { return forwards_; }
    int getEffectiveBatchSize() const CV_OVERRIDE { return scorer_ ? scorer_->capacity() : params_.scoreCam.batchSize; }
    void getChannelWeights(OutputArray weights) const CV_OVERRIDE { weights_.copyTo(weights); }
    void getScores(OutputArray scores, bool probabilities) const CV_OVERRIDE
    {
        if (!probabilities || probabilities_ || baseScores_.empty())
            baseScores_.copyTo(scores);
        else
            softmaxRows(baseScores_).copyTo(scores);
    }
    std::vector<int> getEmptyMaps() const CV_OVERRIDE { return emptyMaps_; }
    int getBackend() const CV_OVERRIDE { return backend_; }
    int getTarget() const CV_OVERRIDE { return target_; }
    void setProgressCallback(const ProgressCallback& callback) CV_OVERRIDE { progress_ = callback; }

private:
    static void writeMats(const std::vector<Mat>& mats, OutputArrayOfArrays out)
    {
        out.create((int)mats.size(), 1, CV_64F);
        for (size_t i = 0; i < mats.size(); i++)
        {
            out.create(mats[i].size(), mats[i].type(), (int)i);
            mats[i].copyTo(out.getMat((int)i));
        }
    }

    void prepare(const Mat& frame);
    std::vector<Mat> viewWarps(Size frame) const;
    void explainView(const FrameView& view, const Mat& activations, const Mat& baseScores, const Mat& warp,
                     std::vector<Ptr<MapFusion> >& fusions);
    void onForward();

    dnn::Net net_;
    AugmentedScoreCAM::Params params_;
    InputGeometry geometry_;
    int backend_, target_;
    std::vector<Mat> customWarps_;
    ProgressCallback progress_;

    // Set up for the last input shape.
    dnn::MatShape inputShape_;
    String targetLayer_, scoreLayer_;
    bool probabilities_;
    Ptr<BatchScorer> scorer_;

    // Results of the last computation.
    std::vector<int> classes_;
    Mat baseScores_; // of the identity view
    std::vector<Mat> lastWarps_;
    Mat weights_;
    std::vector<int> emptyMaps_;
    int forwards_;
    int plannedForwards_;
};

void Explainer::prepare(const Mat& frame)
{
    const int shape[] = { 1, frame.channels(), frame.rows, frame.cols };
    const dnn::MatShape inputShape(shape, shape + 4);
    if (scorer_ && inputShape == inputShape_)
        return;
    targetLayer_ = resolveTargetLayer(net_, params_.scoreCam.targetLayer, inputShape);
    scoreLayer_ = resolveScoreLayer(net_, params_.scoreCam.scoreLayer);
    probabilities_ = params_.scoreCam.scoreType == SCORE_PROBABILITIES ||
                     (params_.scoreCam.scoreType == SCORE_AUTO && isSoftmaxLayer(net_, scoreLayer_));
    scorer_ = makePtr<BatchScorer>(net_, targetLayer_, scoreLayer_, params_.scoreCam.batchSize,
                                   frame.channels(), frame.size());
    scorer_->setForwardHook(std::bind(&Explainer::onForward, this));
    inputShape_ = inputShape;
}

std::vector<Mat> Explainer::viewWarps(Size frame) const
{
    if (!customWarps_.empty())
        return customWarps_;
    std::vector<Mat> warps;
    generateWarps(frame, params_.augmentation, warps);
    return warps;
}

void Explainer::onForward()
{
    forwards_++;
    if (progress_ && !progress_(forwards_, std::max(forwards_, plannedForwards_)))
        CV_Error(Error::StsError, "the computation was cancelled by the progress callback");
}

void Explainer::compute(InputArray image, const std::vector<int>& requested, OutputArrayOfArrays saliency)
{
    const UsageGuard guard(this, net_); // one computation at a time, and the net not in use by another thread
    if (requested.empty())
        CV_Error(Error::StsBadArg, "no class to explain: give at least one class id (-1 for the top-1 class)");
    const Mat frame = geometry_.toFrame(image); // the network input frame, raw pixel values
    prepare(frame);
    const std::vector<Mat> warps = viewWarps(frame.size());
    const int numViews = (int)warps.size();
    const ScoreCAM::Params& p = params_.scoreCam;
    forwards_ = 0;
    plannedForwards_ = 0;
    emptyMaps_.clear();
    classes_.clear();
    baseScores_.release();
    std::vector<Ptr<MapFusion> > fusions;

    // Views go through the net a batch at a time: their unmasked inputs share one forward (the
    // activations and base scores of all of them), then each view's masked inputs fill batches.
    for (int first = 0; first < numViews;)
    {
        const int count = std::min(scorer_->capacity(), numViews - first);

        // 1. Augment: each view warped from the frame, borders neutral after normalisation.
        std::vector<FrameView> views(count);
        for (int i = 0; i < count; i++)
        {
            warpView(frame, warps[first + i], views[i].raw, params_.augmentation.borderMode, geometry_.neutralValue());
            geometry_.normalize(views[i].raw, views[i].planes);
            for (int c = 0; c < scorer_->channels(); c++)
                views[i].planes[c].copyTo(scorer_->plane(i, c));
        }

        // 2. Activations and unmasked scores of the views, from one forward.
        Mat activations, baseScores;
        scorer_->run(count, &activations, baseScores);
        if (activations.dims != 4 || activations.size[2] * activations.size[3] <= 1)
            CV_Error(Error::StsBadArg, "the target layer '" + targetLayer_ + "' does not give a 4-D N x K x h x w "
                     "output with a spatial size above 1x1; choose a convolutional layer as Params::targetLayer");
        if (first == 0)
        {
            baseScores_ = baseScores.row(0).clone();
            classes_ = resolveClasses(requested, baseScores_);
            for (size_t c = 0; c < classes_.size(); c++)
            {
                fusions.push_back(MapFusion::create(params_.fusion));
                fusions.back()->reset(frame.size());
            }
            const int K = activations.size[1];
            const int M = p.maxChannels > 0 ? std::min(p.maxChannels, K) : K;
            const int batch = scorer_->capacity();
            plannedForwards_ = (numViews + batch - 1) / batch + numViews * ((M + batch - 1) / batch);
        }

        for (int i = 0; i < count; i++)
        {
            const int sz[] = { activations.size[1], activations.size[2], activations.size[3] };
            const Mat viewActivations(3, sz, CV_32F, activations.ptr<float>(i));
            explainView(views[i], viewActivations, baseScores.row(i), warps[first + i], fusions);
        }
        first += count;
    }

    // 6. Bring the fused maps back to the image and normalise them there (so the maximum is exactly 1).
    std::vector<Mat> maps(classes_.size());
    for (size_t c = 0; c < classes_.size(); c++)
    {
        Mat fused;
        fusions[c]->fuse(fused);
        if (!checkRange(fused))
            CV_Error(Error::StsBadArg, "the map of class " + cv::format("%d", classes_[c]) + " overflowed: the "
                     "target layer's activations are too large for float sums; check the model and the input "
                     "normalisation (Params::scale, Params::mean)");
        geometry_.toImage(fused, maps[c]);
        if (!normalizeMap(maps[c]))
        {
            emptyMaps_.push_back((int)c);
            CV_LOG_WARNING(NULL, "xai: the map of class " << classes_[c] << " is zero everywhere: no channel "
                           "raised its score (try another target layer or weight mode)");
        }
    }
    lastWarps_ = warps;
    writeMats(maps, saliency);
}

void Explainer::explainView(const FrameView& view, const Mat& activations, const Mat& baseScores, const Mat& warp,
                            std::vector<Ptr<MapFusion> >& fusions)
{
    const ScoreCAM::Params& p = params_.scoreCam;
    const int K = activations.size[0];

    // 3. Masked scoring: one masked input per kept channel of this view's own activations.
    const std::vector<int> channels = selectChannels(activations, p.maxChannels, p.skipSpreadFraction);
    const int batch = scorer_->capacity();
    const int M = p.maxChannels > 0 ? std::min(p.maxChannels, K) : K;
    plannedForwards_ -= (M + batch - 1) / batch - ((int)channels.size() + batch - 1) / batch;
    Mat maskedScores;
    scoreMaskedInputs(*scorer_, view, geometry_, p.maskSpace, activations, channels, maskedScores);

    // 4. Combine: channel weights from the scores, weighted channels summed at the layer's resolution.
    computeChannelWeights(maskedScores, baseScores, channels, K, probabilities_, p.weightMode, classes_, weights_);
    std::vector<Mat> lowRes;
    combineChannels(activations, weights_, p.combination, lowRes);

    // 5. Unwarp each class map into the original frame and fuse it.
    for (size_t c = 0; c < lowRes.size(); c++)
    {
        Mat unwarped, validity;
        unwarpMap(upsampleRelu(lowRes[c], view.raw.size()), warp, unwarped, validity);
        fusions[c]->add(unwarped, validity, lowRes[c], warp);
    }
}

} // namespace

Ptr<AugmentedScoreCAM> makeExplainer(const dnn::Net& net, const AugmentedScoreCAM::Params& params)
{
    return makePtr<Explainer>(net, params);
}

Ptr<AugmentedScoreCAM> AugmentedScoreCAM::create(const dnn::Net& net, const AugmentedScoreCAM::Params& params)
{
    return makeExplainer(net, params);
}

}} // namespace cv::xai
