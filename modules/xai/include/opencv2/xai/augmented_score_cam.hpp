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

/** @brief Augmented Score-CAM: Score-CAM over many affine views of the image, fused into one map.

Each view \f$x_i = T_i(x)\f$ gets its own Score-CAM, computed from its own activations; the map is
warped back with \f$T_i^{-1}\f$ and the views are fused (cv::xai::FusionMethod), which recovers
detail finer than the target layer's stride @cite ibrahim2022augmented @cite morbidelli2020augmented.
With only the identity view the result equals ScoreCAM's.

Cost: \f$\lceil N / B \rceil + N \lceil M / B \rceil\f$ forwards for \f$N\f$ views and \f$M\f$ kept
channels (the unmasked views are scored together). Memory does not grow with \f$N\f$.
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
        //! The views.
        CV_PROP_RW AugmentationParams augmentation;
        /** How the views are fused: one of cv::xai::FusionMethod. Default FUSION_SUPER_RESOLUTION:
            on the project's models it localises better than Score-CAM and than mean or max
            fusion, which only blur (docs/quality.md); mean and max remain for comparison. */
        CV_PROP_RW int fusion;
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
