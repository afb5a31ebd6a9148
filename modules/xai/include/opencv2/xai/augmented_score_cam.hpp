// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_AUGMENTED_SCORE_CAM_HPP
#define OPENCV_XAI_AUGMENTED_SCORE_CAM_HPP

#include "opencv2/xai/score_cam.hpp"
#include "opencv2/xai/augmentation.hpp"
#include "opencv2/xai/fusion.hpp"

namespace cv {
namespace xai {

//! @addtogroup xai
//! @{

/** @brief How the views of Augmented Score-CAM get their channel weights. */
enum ViewWeights
{
    /** Scored once, on the first view (the image itself), and shared by every view: each other view
        contributes only its own activations. A view's channel weights are mostly noise about the
        shared ones (measured on SqueezeNet 1.1: r = 0.29-0.41 between views' weights, yet r =
        0.94-0.95 between a view's maps from either), so N views cost Score-CAM plus
        \f$\lceil (N - 1) / B \rceil\f$ forwards at most. The default. */
    VIEW_WEIGHTS_SHARED = 0,
    /** Every view scored on its own masked inputs, as the paper does: N times Score-CAM's cost. */
    VIEW_WEIGHTS_PER_VIEW = 1
};

/** @brief Augmented Score-CAM: Score-CAM over many affine views of the image, fused into one map.

Each view \f$x_i = T_i(x)\f$ contributes its own activations, weighted by channel weights scored
once on the image (ViewWeights, the default) or on every view (the paper's per-view Score-CAM);
its map is brought back through \f$T_i^{-1}\f$ with the target layer's true geometry
(cv::xai::LayerGeometry) and the views are fused (cv::xai::FusionMethod), which recovers detail
finer than the target layer's stride @cite ibrahim2022augmented @cite morbidelli2020augmented.

The defaults are designed views: 64 whole-pixel shifts on an 8 x 8 lattice of the layer's stride
(AugmentationParams::latticeSize), shared weights, and FUSION_INTERLEAVE, which interleaves the
views' cells where the network has them (shift-and-stitch). With them the map approaches the
network's own dense map (the layer evaluated at every pixel, see cv::xai::computeDenseMap) at
about Score-CAM's cost (docs/quality.md). With only the identity view and FUSION_INTERLEAVE,
FUSION_MEAN or FUSION_MAX the result equals ScoreCAM's with the same ScoreCAM::Params; one view
through FUSION_SUPER_RESOLUTION is a regularised reconstruction, not Score-CAM's map.

Cost: \f$\lceil N / B \rceil + \lceil M / B \rceil\f$ forwards with shared weights,
\f$\lceil N / B \rceil + N \lceil M / B \rceil\f$ with per-view weights, for \f$N\f$ views and
\f$M\f$ kept channels (the unmasked views are scored together). Memory does not grow with \f$N\f$
beyond one low-resolution map per view and class.
The remarks on the net in ScoreCAM apply here too.
*/
class CV_EXPORTS_W AugmentedScoreCAM : public ScoreCAM
{
public:
    /** @brief Parameters of Augmented Score-CAM. Defaults are set by the constructor. */
    struct CV_EXPORTS_W_SIMPLE Params
    {
        CV_WRAP Params();

        //! Parameters of the Score-CAM run on every view.
        CV_PROP_RW ScoreCAM::Params scoreCam;
        /** The views. Defaults here differ from AugmentationParams' own: 64 views on an 8 x 8
            lattice of whole-pixel shifts of the layer's stride (latticeSize 8), no rotation: on
            the real classifier rotations lowered the closeness to the dense map (docs/quality.md). */
        CV_PROP_RW AugmentationParams augmentation;
        /** How the views are fused: one of cv::xai::FusionMethod. Default FUSION_INTERLEAVE: on the
            real classifier it brings the map closest to the network's dense map
            (docs/quality.md); it falls back to super-resolution for views that are not a lattice of
            whole-pixel shifts. */
        CV_PROP_RW int fusion;
        //! Where the views' channel weights come from: one of cv::xai::ViewWeights.
        CV_PROP_RW int viewWeights;
        //! Settings of FUSION_SUPER_RESOLUTION.
        CV_PROP_RW SuperResolutionParams superResolution;
    };

    /** @brief Creates an Augmented Score-CAM explainer for a network.
    @param net a loaded network; see ScoreCAM for what the object changes on it.
    @param params parameters, checked here.
    */
    CV_WRAP static Ptr<AugmentedScoreCAM> create(const dnn::Net& net,
                                                 const AugmentedScoreCAM::Params& params = AugmentedScoreCAM::Params());

    /** @brief Replaces the random views with the caller's own warps.
    @param warps 2x3 matrices (CV_32F or CV_64F) acting on the network input frame; an empty list
    goes back to drawing views from Params::augmentation.
    */
    CV_WRAP virtual void setWarps(InputArrayOfArrays warps) = 0;

    //! @brief The warps of the last computation, one CV_64F 2x3 matrix per view.
    CV_WRAP virtual void getWarps(OutputArrayOfArrays warps) const = 0;

    /** @brief Fuses the views of the last computation again, another way, without running the net.

    The low-resolution maps of every view are kept (they are small: one target-layer grid per view
    and class), so fusions can be compared, or their settings tuned, at the cost of the fusion
    alone.
    @param fusion one of cv::xai::FusionMethod.
    @param superResolution settings of FUSION_SUPER_RESOLUTION.
    @param saliency one map per class of getClassIds(), as compute() would have given with these
    settings.
    */
    CV_WRAP virtual void fuseAgain(int fusion, const SuperResolutionParams& superResolution,
                                   OutputArrayOfArrays saliency) = 0;

    /** @brief The low-resolution maps of the last computation for one class, one per view (in
    the order of getWarps()): the weighted sum of each view's own activation channels, before any
    ReLU, upsampling or unwarping.
    @param classIndex index into getClassIds().
    @param maps one CV_32F h x w map per view.
    */
    CV_WRAP virtual void getViewMaps(int classIndex, OutputArrayOfArrays maps) const = 0;

protected:
    AugmentedScoreCAM();
    virtual ~AugmentedScoreCAM();
};

//! @}

}} // namespace cv::xai

#endif // OPENCV_XAI_AUGMENTED_SCORE_CAM_HPP
