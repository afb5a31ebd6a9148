// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_METRICS_HPP
#define OPENCV_XAI_METRICS_HPP

#include <functional>
#include <vector>

#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"
#include "opencv2/xai/score_cam.hpp"
#include "opencv2/xai/augmented_score_cam.hpp"

namespace cv {
namespace xai {

//! @addtogroup xai
//! @{

/** @brief What replaces the pixels that a perturbation metric removes (or has not inserted yet). */
enum PerturbationBaseline
{
    /** Pixels whose network input is zero: the colour ScoreCAM::Params::mean, the value the
        "zeros" of the RISE reference code @cite petsiuk2018rise take on a normalised tensor. */
    BASELINE_ZERO_INPUT = 0,
    //! Black: raw pixel value 0, before normalisation.
    BASELINE_BLACK = 1,
    //! The image blurred with a Gaussian of PerturbationParams::blurSigma (RISE's insertion baseline).
    BASELINE_BLUR = 2,
    //! The average colour of the image.
    BASELINE_IMAGE_MEAN = 3
};

/** @brief Settings of the deletion and insertion curves. Defaults are set by the constructor. */
struct CV_EXPORTS_W_SIMPLE PerturbationParams
{
    CV_WRAP PerturbationParams();

    //! Number of steps: the curve has steps + 1 points, at fractions 0, 1/steps, ..., 1 of the pixels.
    CV_PROP_RW int steps;
    //! What deleted pixels become: one of cv::xai::PerturbationBaseline (default BASELINE_ZERO_INPUT).
    CV_PROP_RW int deletionBaseline;
    //! The image that pixels are inserted into: one of cv::xai::PerturbationBaseline (default BASELINE_BLUR).
    CV_PROP_RW int insertionBaseline;
    //! Standard deviation, in image pixels, of the blur of BASELINE_BLUR (kernel 2*round(3*sigma)+1).
    CV_PROP_RW double blurSigma;
    /** Number of perturbed images per forward. Every forward uses this one batch shape (the last
        batch is padded), so the net is set up once; a net that refuses batches is run one image at
        a time after one warning. */
    CV_PROP_RW int batchSize;
    /** Progress report of deletionCurve() and insertionCurve(), as ScoreCAM::setProgressCallback():
        called after every network forward with the forwards done and the forwards the curve needs
        (steps + 1 images in batches of batchSize); returning false cancels the call, which then
        throws a cv::Exception with code cv::Error::StsError. Empty (the default): no report. */
    ProgressCallback progress;
};

/** @brief Class scores of the original and of the saliency-masked image (Average Drop and Increase
in Confidence of Grad-CAM++ @cite chattopadhay2018gradcampp). */
struct CV_EXPORTS_W_SIMPLE ConfidenceChange
{
    CV_WRAP ConfidenceChange();

    //! The class whose probability is compared (a negative request -k resolved to the k-th most likely class).
    CV_PROP_RW int classId;
    //! \f$Y_c\f$: class probability of the original image.
    CV_PROP_RW double original;
    //! \f$O_c\f$: class probability of the image masked by the saliency map.
    CV_PROP_RW double masked;
    //! \f$\max(0, Y_c - O_c) / Y_c\f$, in [0, 1]: average it over images for the Average Drop.
    CV_PROP_RW double drop;
    //! \f$O_c > Y_c\f$: its rate over images is the Increase in Confidence.
    CV_PROP_RW bool increase;
};

/** @brief Class probabilities of images, read like the explainers read them.

@param net the classifier; its input is set and its score layer is run (one instance per thread).
@param preprocessing how images become the network input (inputSize, scale, channelScale, mean, swapRB,
 crop, cropFraction)
and where the scores are (scoreLayer, scoreType); the other fields are not used.
@param images 8-bit or 32-bit images with 1, 3 or 4 channels.
@param probabilities CV_32F matrix with one row of class probabilities per image: a softmax of the
scores, unless they are probabilities already (a Softmax score layer, or SCORE_PROBABILITIES).
@param batchSize images per forward (the last batch is padded).
*/
CV_EXPORTS_W void classProbabilities(const dnn::Net& net, const ScoreCAM::Params& preprocessing,
                                     InputArrayOfArrays images, OutputArray probabilities, int batchSize = 16);

/** @brief Class probability before and after masking the image with its saliency map.

The masked image is \f$S \cdot I + (1 - S) \cdot B\f$ for the map \f$S\f$ and the baseline
\f$B\f$: with BASELINE_ZERO_INPUT this is the normalised network input multiplied by the map (the
masking of Score-CAM), with BASELINE_BLACK the raw pixels multiplied by the map.
Average the ConfidenceChange::drop values for the Average Drop and count ConfidenceChange::increase
for the Increase in Confidence.

@param net the classifier (see classProbabilities()).
@param preprocessing the net's input and score description (see classProbabilities()).
@param image the explained image.
@param saliency single-channel map of the image's size with values in [0, 1].
@param classId class to compare; a negative value -k uses the k-th most likely class of the original
image, as ScoreCAM::compute reads it (-1: the top-1 class).
@param baseline what a map value of 0 leaves: one of cv::xai::PerturbationBaseline.
@param blurSigma blur of BASELINE_BLUR, in pixels.
*/
CV_EXPORTS_W ConfidenceChange confidenceChange(const dnn::Net& net, const ScoreCAM::Params& preprocessing,
                                               InputArray image, InputArray saliency, int classId = -1,
                                               int baseline = BASELINE_ZERO_INPUT, double blurSigma = 5.0);

/** @brief Deletion curve: the class probability as the most salient pixels are removed first
@cite petsiuk2018rise.

Pixels are ranked by decreasing saliency; equal values keep raster order (row by row), so the
ranking, and the curve, is deterministic. After step \f$i\f$ of \f$n\f$ the first
\f$\mathrm{round}(i N / n)\f$ of the \f$N\f$ pixels are replaced by PerturbationParams::deletionBaseline.
A lower area under the curve is better. The ranking depends only on the order of the map values:
scaling the map by a positive factor does not change the curve.

@param net the classifier (see classProbabilities()).
@param preprocessing the net's input and score description (see classProbabilities()).
@param image the explained image.
@param saliency single-channel map of the image's size (any finite values; only their order matters).
@param classId class whose probability is followed; a negative value -k: the k-th most likely class of
the image (as ScoreCAM::compute reads it).
@param curve CV_64F row of PerturbationParams::steps + 1 probabilities, step 0 being the image itself.
@param params steps, baseline and batch size.
@return the area under the curve over [0, 1] by the trapezoid rule (see curveAUC()).
*/
CV_EXPORTS_W double deletionCurve(const dnn::Net& net, const ScoreCAM::Params& preprocessing, InputArray image,
                                  InputArray saliency, int classId, OutputArray curve,
                                  const PerturbationParams& params = PerturbationParams());

/** @brief Insertion curve: the class probability as the most salient pixels are put back first
into PerturbationParams::insertionBaseline @cite petsiuk2018rise.

The ranking is deletionCurve()'s; step 0 is the baseline image and the last step the image
itself. A higher area under the curve is better.

@param net the classifier (see classProbabilities()).
@param preprocessing the net's input and score description (see classProbabilities()).
@param image the explained image.
@param saliency single-channel map of the image's size (any finite values; only their order matters).
@param classId class whose probability is followed; a negative value -k: the k-th most likely class of
the image (as ScoreCAM::compute reads it).
@param curve CV_64F row of PerturbationParams::steps + 1 probabilities.
@param params steps, baseline and batch size.
@return the area under the curve over [0, 1] by the trapezoid rule (see curveAUC()).
*/
CV_EXPORTS_W double insertionCurve(const dnn::Net& net, const ScoreCAM::Params& preprocessing, InputArray image,
                                   InputArray saliency, int classId, OutputArray curve,
                                   const PerturbationParams& params = PerturbationParams());

/** @brief Area under a curve sampled at equally spaced points of [0, 1], by the trapezoid rule.
@param curve a row or column of at least 2 finite values; point \f$i\f$ of \f$n+1\f$ is at \f$i/n\f$.
*/
CV_EXPORTS_W double curveAUC(InputArray curve);

/** @brief Energy-based pointing game of Score-CAM @cite wang2020score: the share of the map's
total energy (sum of its values) that falls inside a box.

@param saliency single-channel non-negative map.
@param box ground-truth box; it must lie inside the map (an empty box holds no energy).
@return a value in [0, 1]; 0 for a map that is zero everywhere.
*/
CV_EXPORTS_W double energyPointingGame(InputArray saliency, const Rect& box);

/** @brief Energy-based pointing game with a ground-truth mask instead of a box.
@param saliency single-channel non-negative map.
@param mask CV_8UC1 mask of the map's size; non-zero pixels are the object.
@return the share of the map's energy on the mask's pixels, in [0, 1]; 0 for a map that is zero everywhere.
*/
CV_EXPORTS_W double energyPointingGameMask(InputArray saliency, InputArray mask);

/** @brief Bounding box of a saliency map, as in the localisation evaluation of CAM and Grad-CAM:
the map is thresholded at a fraction of its maximum and the box of the largest connected
(8-connected) region is returned.

@param saliency single-channel finite map.
@param threshold fraction of the maximum; pixels at or above threshold * max are kept (0.15 by default).
@return the box; an empty Rect for a map with no positive value. Regions of equal area: the first
in raster order wins.
*/
CV_EXPORTS_W Rect saliencyBoundingBox(InputArray saliency, double threshold = 0.15);

/** @brief Intersection over union of two boxes; 0 when both are empty. */
CV_EXPORTS_W double boxIoU(const Rect& a, const Rect& b);

/** @brief Spearman's rank correlation of two arrays of the same size (tied values get their average rank).
@return a value in [-1, 1]; 0 when either array is constant (no ranking to correlate).
*/
CV_EXPORTS_W double spearmanCorrelation(InputArray a, InputArray b);

/** @brief How close a map is to the network's dense map (computeDenseMap()). */
struct CV_EXPORTS_W_SIMPLE DenseFidelity
{
    CV_WRAP DenseFidelity();
    //! Pearson correlation of the two maps over all pixels, in [-1, 1] (0 when either is constant).
    CV_PROP_RW double pearson;
    /** Share of the map's energy that must move to turn it into the dense map: half the sum of the
        absolute differences of the two maps, each divided by its own sum; in [0, 1]. */
    CV_PROP_RW double movedEnergy;
};

/** @brief The network's own dense class map: the target layer evaluated at every pixel of the
network input, with Score-CAM's channel weights, mapped to the image.

Shift-and-stitch, as dense prediction does it: the image is translated by every whole-pixel offset
d of one stride cell (\f$s \times s\f$ views, d in [-s/2, s/2)), and each view's cell r lands on
the pixel \f$s r + o - d\f$ of the layer's true geometry (cv::xai::LayerGeometry), so the map is
what the layer would give at stride 1. The channel weights are Score-CAM's, scored once on the
image itself (the masks placed with the layer's geometry); every other view costs one image in a
batch: Score-CAM's forwards plus \f$\lceil s^2 / B \rceil\f$. It is the reference that a
"high-resolution" map should approach (denseMapFidelity()). Computed as an AugmentedScoreCAM with
shared weights, a full s x s lattice and FUSION_INTERLEAVE.
@param net the network.
@param params preprocessing and Score-CAM settings (Params::upsampling is taken as
UPSAMPLE_LAYER_GEOMETRY).
@param image the image.
@param classId the class; a negative id -k is the k-th most likely.
@param dense CV_32F map of the image's size in [0, 1].
Throws when the target layer's geometry is not known from its layers or is not a whole-pixel grid
of equal strides along x and y.
*/
CV_EXPORTS_W void computeDenseMap(const dnn::Net& net, const ScoreCAM::Params& params, InputArray image, int classId,
                                  OutputArray dense);

/** @overload
@param net the network.
@param params preprocessing and Score-CAM settings.
@param image the image.
@param classId the class; a negative id -k is the k-th most likely.
@param dense CV_32F map of the image's size in [0, 1]; left as it was when the computation fails or
is cancelled.
@param progress called after every network forward, as ScoreCAM::setProgressCallback() says;
returning false cancels the computation with a cv::Exception (code cv::Error::StsError). An empty
callback reports nothing.
*/
CV_EXPORTS void computeDenseMap(const dnn::Net& net, const ScoreCAM::Params& params, InputArray image, int classId,
                                OutputArray dense, const ProgressCallback& progress);

/** @brief Compares a map with the network's dense map (computeDenseMap()).
@param map single-channel non-negative map.
@param dense the dense map, of the same size.
*/
CV_EXPORTS_W DenseFidelity denseMapFidelity(InputArray map, InputArray dense);

/** @brief Computes a saliency map with the given net: the explanation under test in
modelRandomizationTest(). It must explain the same image and class every time. */
typedef std::function<Mat(dnn::Net& net)> SaliencyFunction;

/** @brief One step of the cascading model randomisation test. */
struct CV_EXPORTS RandomizationStep
{
    RandomizationStep();

    //! Layer randomised at this step, on top of those of the earlier steps; empty for the trained net.
    String layer;
    //! Its type, as cv::dnn::Layer::type.
    String type;
    //! Parameter blobs of the layer whose new values changed the net's output.
    int randomizedBlobs;
    //! Parameter blobs left as trained: constant blobs, and blobs that OpenCV does not read again (see note).
    int keptBlobs;
    /** Spearman correlation of this step's map with the trained net's map (the first step repeats
        the trained net: 1 for a deterministic explanation); NaN when no blob of the layer could be
        randomised, and no map was computed. */
    double correlation;
    //! The map of this step (empty when none was computed).
    Mat saliency;
    //! What was not randomised and why; empty when every blob was.
    String note;
};

/** @brief Cascading model parameter randomisation @cite adebayo2018sanity: the layers' learned
parameters are destroyed one layer at a time from the output towards the input, and the map after
each step is compared with the map of the trained net. A map that stays the same does not explain
the model.

Each parameter blob is randomised by a random permutation of its own values (its distribution, and
so the sign of variances, is kept; what training put where is lost). OpenCV 4.6 does not read every
blob again after loading: cv::dnn::Net::setParam does not reach InnerProduct layers, and reaches
Convolution layers only after the net is set up again. This function therefore writes the new
values in place, into the memory returned by cv::dnn::Net::getParam, forces a new setup, and checks
that the net's scores for the probe image changed; a blob that does not change them (InnerProduct
weights of a row length that is not a multiple of 8, BatchNorm parameters, which are folded at
load time) is restored and reported in RandomizationStep::note. All blobs are restored before
returning, also when an exception is thrown.

@param net the trained net; it is modified during the call and restored at the end.
@param preprocessing how the probe image becomes the network input and where the scores are.
@param probeImage the explained image: its scores tell whether a randomisation reached the net.
@param explain computes the map under test from a net (it receives net).
@param steps one entry for the trained net, then one per layer with parameters, output side first.
@param seed seed of the cv::RNG that draws the permutations.
@param layers names of the layers to randomise, in the order given; empty: every layer with
parameters, from the last to the first.
*/
CV_EXPORTS void modelRandomizationTest(const dnn::Net& net, const ScoreCAM::Params& preprocessing,
                                       InputArray probeImage, const SaliencyFunction& explain,
                                       std::vector<RandomizationStep>& steps, uint64 seed = 0x5eed,
                                       const std::vector<String>& layers = std::vector<String>());

//! @}

}} // namespace cv::xai

#endif // OPENCV_XAI_METRICS_HPP
