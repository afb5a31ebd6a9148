// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_SCORE_CAM_HPP
#define OPENCV_XAI_SCORE_CAM_HPP

#include <functional>
#include <vector>

#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"
#include "opencv2/xai/layer_geometry.hpp"
#include "opencv2/xai/progress.hpp"

namespace cv {
namespace xai {

//! @addtogroup xai
//! @{

/** @brief How the score layer's output is read. */
enum ScoreType
{
    /** Probabilities when the scores come from a Softmax layer, logits otherwise. The graph is
        followed back from the score layer through pass-through layers (Identity, Flatten,
        Reshape, Dropout, ...), since an ONNX graph that ends in Softmax imports as a Softmax
        followed by an Identity; a LogSoftmax counts as logits. The decision is checked on the
        scores of a real forward (probabilities are non-negative and sum to 1), and where graph and
        numbers disagree the numbers decide, with a warning. */
    SCORE_AUTO = 0,
    //! Unnormalised class scores: a softmax over classes is applied where probabilities are needed.
    SCORE_LOGITS = 1,
    //! Class probabilities (the net already ends in a softmax): never normalised again.
    SCORE_PROBABILITIES = 2
};

/** @brief How the score of a masked input becomes the weight of its activation channel. */
enum WeightMode
{
    //! Class probability of the masked input, as the official Score-CAM code does.
    WEIGHT_PROBABILITY = 0,
    //! Class probability of the masked input minus that of the unmasked input (Score-CAM's "CIC").
    WEIGHT_PROBABILITY_INCREASE = 1,
    /** Softmax over channels of the class logit of the masked inputs (the formula of the paper).
        With probability outputs, log-probabilities stand in for the logits. */
    WEIGHT_CHANNEL_SOFTMAX = 2,
    //! The score layer's raw output for the class.
    WEIGHT_RAW_SCORE = 3
};

/** @brief How weighted activation channels are combined into one map. */
enum ChannelCombination
{
    //! Weighted sum of the channels (Score-CAM).
    COMBINE_SUM = 0,
    //! Maximum over the weighted channels: only to reproduce the reference script's figures.
    COMBINE_MAX = 1
};

/** @brief Where a mask multiplies the input. */
enum MaskSpace
{
    /** The normalised network input (after mean subtraction and scaling): a masked-out pixel
        becomes the mean colour. */
    MASK_NORMALIZED_INPUT = 0,
    //! The raw pixels, before normalisation: a masked-out pixel becomes black.
    MASK_RAW_PIXELS = 1
};

/** @brief Where the cells of the target layer's grid are placed when a map or a mask is brought to
the network input (see cv::xai::LayerGeometry). */
enum UpsamplingMode
{
    /** Each cell at its true centre on the input, from the layers' parameters
        (cv::xai::findLayerGeometry): bilinear between the centres, constant beyond the outermost.
        Where the path holds a layer of unknown geometry, the cv::resize convention stands in (with
        one warning). The default. */
    UPSAMPLE_LAYER_GEOMETRY = 0,
    /** Classic Score-CAM: cv::resize of the grid to the input, which centres cell c on
        (c + 0.5) W / w - 0.5: on SqueezeNet 1.1's last Fire module up to 8 pixels (half a cell)
        from where the network has it. Reproduces the official code and earlier results. */
    UPSAMPLE_RESIZE = 1
};


/** @brief Score-CAM: a gradient-free class activation map for any cv::dnn::Net.

Each channel \f$A_k\f$ of a spatial (target) layer is upsampled to the network input size,
normalised to [0, 1] and used as a mask on the input; the class score that the masked input
earns weights the channel, and the saliency map is \f$ReLU(\sum_k w_k A_k)\f$ upsampled to the
image @cite wang2020score.

All masked inputs are scored in batches of Params::batchSize images of one constant shape, so one
explanation costs \f$1 + \lceil M / B \rceil\f$ forwards for \f$M\f$ kept channels, whatever the
number of classes explained.

The object keeps a handle to the caller's net: copies of a cv::dnn::Net share one state. It sets
the net's input, requests the target and score layers as outputs (which keeps those layers from
being fused with what follows them) and, only when Params::backend and Params::target are set,
changes the net's preferable backend and target. A Net is not thread-safe: use one object (and
one net) per thread.
*/
class CV_EXPORTS_W ScoreCAM : public Algorithm
{
public:
    /** @brief Parameters of Score-CAM. Defaults are set by the constructor. */
    struct CV_EXPORTS_W_SIMPLE Params
    {
        CV_WRAP Params();

        //! Network input size (width, height); an empty size uses the image's own size.
        CV_PROP_RW Size inputSize;
        //! Multiplier applied to the pixels after mean subtraction, as in cv::dnn::blobFromImage.
        CV_PROP_RW double scale;
        /** Per-channel factors multiplied with scale (in the channel order after swapRB), as the
            Scalar scalefactor of newer OpenCV's cv::dnn::Image2BlobParams: channel c becomes
            (pixel - mean[c]) * scale * channelScale[c]. torchvision's (x / 255 - m) / s is
            scale = 1/255, mean = 255 m, channelScale = 1 / s. Default (1, 1, 1, 1). */
        CV_PROP_RW Scalar channelScale;
        //! Mean subtracted from each channel (in the channel order after swapRB).
        CV_PROP_RW Scalar mean;
        //! Swap the first and third channels (BGR to RGB).
        CV_PROP_RW bool swapRB;
        //! Resize keeping the aspect ratio and crop the centre, instead of resizing to inputSize.
        CV_PROP_RW bool crop;
        /** With crop: the share of the resized image that the centre crop keeps, in (0, 1].
            1 resizes so that the image just covers inputSize and crops exactly as
            cv::dnn::blobFromImage does (sizes rounded, offsets (resized - inputSize) / 2 rounded
            down). Below 1 resizes and crops exactly as torchvision's Resize(round(S / cropFraction))
            followed by CenterCrop(inputSize) do, S being the shorter side of inputSize: the
            image's shorter side becomes round(S / cropFraction), its longer side is scaled and
            truncated, and the crop offsets are (resized - inputSize) / 2 rounded half to even.
            torchvision's ImageNet evaluation transform (Resize(256), CenterCrop(224)) is
            inputSize 224x224 with cropFraction 0.875. The resampling filter is OpenCV's bilinear
            (PIL's is antialiased), so sizes and offsets match and pixel values differ slightly. */
        CV_PROP_RW double cropFraction;

        /** Name of the explained (target) layer as cv::dnn::Net::getLayerNames reports it; empty
            chooses automatically (see cv::xai::findTargetLayer): the last layer whose output is
            4-D with a spatial size above 1x1 and not a copy of the input. Layers are visited in the
            net's order, so an activation that follows a convolution is chosen over the
            convolution itself. */
        CV_PROP_RW String targetLayer;
        //! Name of the layer whose output holds the class scores; empty uses the net's (first) output.
        CV_PROP_RW String scoreLayer;
        //! How the score output is read: one of cv::xai::ScoreType.
        CV_PROP_RW int scoreType;

        //! Channel weighting: one of cv::xai::WeightMode.
        CV_PROP_RW int weightMode;
        //! Channel combination: one of cv::xai::ChannelCombination.
        CV_PROP_RW int combination;
        //! Where masks multiply the input: one of cv::xai::MaskSpace.
        CV_PROP_RW int maskSpace;
        /** How the target layer's grid meets the input, for the masks and for the map: one of
            cv::xai::UpsamplingMode. The default, UPSAMPLE_LAYER_GEOMETRY, places every cell where
            the network has it; on nets whose stride divides the input and whose windows are
            centred in their cells it is the same as UPSAMPLE_RESIZE, bit for bit. */
        CV_PROP_RW int upsampling;
        /** Keep only this many channels, those with the largest spatial standard deviation
            (Faster Score-CAM); 0 keeps all channels. Constant channels are never scored. */
        CV_PROP_RW int maxChannels;
        /** Skip the channels of smallest spatial standard deviation whose deviations add up to at
            most this fraction of the sum over all channels (0: score every non-constant channel).
            With probability weights (at most 1) the skipped channels could move the map by about
            this fraction at most, while on ReLU layers they are often a large share of the
            channels. Applied before maxChannels. 0.3 halved the forwards of a ResNet-18-sized
            net at 224x224 with a Pearson correlation of at least 0.996 to the all-channel map
            (docs/benchmark.md). */
        CV_PROP_RW double skipSpreadFraction;
        /** Most images per forward. A forward holds min(batchSize, max(views, kept channels))
            images, as no batch needs more, and every forward of a computation uses that one shape
            (a short last batch is padded: a new shape makes cv::dnn set the whole net up again).
            Measured on 2 CPU cores (docs/benchmark.md): on the project's default model batches of
            8 and 16 were the fastest (within 8 %; larger ones pad the last batch more), on a
            ResNet-18-sized net 16 and 32 (within 5 %), and memory grows linearly with the batch,
            hence the default 16. The default is the same on CUDA targets: no GPU could be
            measured for this project yet (scripts/gpu-check.sh times batches of 16 to 128 on
            CUDA and CUDA_FP16 and docs/benchmark.md, "On a GPU", says what it found); GPUs
            usually gain from larger batches, so set it when explaining on a GPU. */
        CV_PROP_RW int batchSize;

        /** Preferable backend (cv::dnn::Backend) applied to the net by create(); -1 leaves the net
            as the caller configured it. CUDA without CUDA support in OpenCV, or without a device,
            falls back to the CPU with one warning. */
        CV_PROP_RW int backend;
        //! Preferable target (cv::dnn::Target) applied with backend; -1 leaves the net unchanged.
        CV_PROP_RW int target;
    };

    /** @brief Creates a Score-CAM explainer for a network.
    @param net a loaded network; the object keeps a handle to it (see the class description).
    @param params parameters, checked here.
    */
    CV_WRAP static Ptr<ScoreCAM> create(const dnn::Net& net, const ScoreCAM::Params& params = ScoreCAM::Params());

    /** @brief Computes the saliency map of one class.
    @param image 8-bit or 32-bit image with 1, 3 or 4 channels (4: alpha is dropped), in BGR order
    unless Params::swapRB says otherwise.
    @param classId class to explain; a negative value -k explains the k-th most likely class of the
    image (-1: the top-1 class).
    @param saliency CV_32F map of the image's size in [0, 1]: the ReLU of the weighted sum of
    channels, divided by its maximum (the official Score-CAM code subtracts the minimum first). A
    map that is zero everywhere stays zero (see getEmptyMaps()).
    */
    CV_WRAP virtual void compute(InputArray image, int classId, OutputArray saliency) = 0;

    /** @brief Computes the saliency maps of several classes from the same masked forwards.
    @param image see compute().
    @param classIds classes to explain; a negative id -k means the k-th most likely class.
    @param saliency one CV_32F map per class id, in the same order.
    */
    CV_WRAP_AS(computeMulti) virtual void compute(InputArray image, const std::vector<int>& classIds,
                                                  OutputArrayOfArrays saliency) = 0;

    /** @brief Name of the target layer of the last computation (resolved when automatic).

    The getters report the last computation that completed (not one that was cancelled or
    failed), and nothing (empty results, 0) before the first one. */
    CV_WRAP virtual String getTargetLayer() const = 0;
    //! @brief Class ids explained by the last computation (top-1 requests resolved).
    CV_WRAP virtual std::vector<int> getClassIds() const = 0;
    /** @brief Class scores of the first view in the last computation: the unmasked image itself,
    unless AugmentedScoreCAM::setWarps() gave other warps. Negative class ids are ranked by them.
    @param scores 1 x C CV_32F row (empty before the first computation).
    @param probabilities true: as probabilities (a softmax over classes applied to logits, never
    twice); false: as the score layer gave them.
    */
    CV_WRAP virtual void getScores(OutputArray scores, bool probabilities = true) const = 0;
    /** @brief Number of batched forwards of the last computation (the cost model of the class
    description). The first computation for an input shape also runs, before them, one forward of a
    single pseudo-random image that finds the target layer's real output shape (and the layer
    itself when Params::targetLayer is empty); like the net's own setup it is not counted here. */
    CV_WRAP virtual int getForwardCount() const = 0;
    /** @brief Images per forward actually used: at most Params::batchSize (see there), or 1 after
    a net refused batches. */
    CV_WRAP virtual int getEffectiveBatchSize() const = 0;
    /** @brief Per-channel weights of the last Score-CAM (of its first view, for
    AugmentedScoreCAM): a CV_32F matrix with one row per channel of the target layer and one column
    per explained class; channels that were not scored (constant or pruned) have weight 0. */
    CV_WRAP virtual void getChannelWeights(OutputArray weights) const = 0;
    //! @brief Indices (into the class list) of the maps of the last computation that were zero everywhere.
    CV_WRAP virtual std::vector<int> getEmptyMaps() const = 0;
    /** @brief The warnings that apply to the last computation, without the "xai: " prefix of the
    log: a score layer that is not what Params::scoreType says, a net that refused batches, a layer
    whose geometry is unknown, a map that is zero everywhere. Each is also logged
    (CV_LOG_WARNING) when it arises, once per input shape for those of the net's setup, which stay
    in this list for every computation at that shape; a program can report them in its own words. */
    CV_WRAP virtual std::vector<String> getWarnings() const = 0;
    /** @brief Where the target layer's cells lie on the network input in the last computation
    (the layers' true geometry, or the cv::resize convention; see Params::upsampling). */
    CV_WRAP virtual LayerGeometry getLayerGeometry() const = 0;
    //! @brief Backend in effect (cv::dnn::Backend), or -1 when the net was left as the caller set it.
    CV_WRAP virtual int getBackend() const = 0;
    //! @brief Target in effect (cv::dnn::Target), or -1 when the net was left as the caller set it.
    CV_WRAP virtual int getTarget() const = 0;
    /** @brief Sets a callback called after every forward; returning false cancels the computation.
    An empty function removes it. */
    virtual void setProgressCallback(const ProgressCallback& callback) = 0;

protected:
    ScoreCAM();
    virtual ~ScoreCAM();
};

/** @brief The layer ScoreCAM explains when Params::targetLayer is empty.

The last layer, in the net's order, whose output is 4-D with a spatial size above 1x1 and is not a
copy of the net's input (importers add pass-through layers, such as an ONNX Flatten of a 4-D blob,
whose output is the input itself). The shapes are those of one real forward of a pseudo-random
input of the given shape, since shape inference reports wrong sizes for global pooling and for
nets with dynamic height and width. An activation that follows a convolution comes after it, so it
is the one chosen.
@param net the network (its input is set and it runs once).
@param inputShape shape of one input blob, N x C x H x W (for example {1, 3, 224, 224}).
@return the layer's name as cv::dnn::Net::getLayerNames reports it. Throws if there is none (a
multilayer perceptron, for example).
*/
CV_EXPORTS_W String findTargetLayer(const dnn::Net& net, const std::vector<int>& inputShape);

//! @}

}} // namespace cv::xai

#endif // OPENCV_XAI_SCORE_CAM_HPP
