// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_FUSION_HPP
#define OPENCV_XAI_FUSION_HPP

#include "opencv2/core.hpp"

namespace cv {
namespace xai {

//! @addtogroup xai
//! @{

/** @brief How the maps of several views are fused into one. */
enum FusionMethod
{
    //! Validity-weighted mean: each pixel averages the views that saw it.
    FUSION_MEAN = 0,
    //! Per-pixel maximum over the views.
    FUSION_MAX = 1
};

/** @brief Fuses the maps of augmented views, one view at a time.

Views are added as they are computed, so memory does not grow with the number of views. A view
brings its map already mapped back into the original frame, its validity, and (for methods that
reconstruct from the low-resolution maps) its low-resolution map and warp.
*/
class CV_EXPORTS_W MapFusion : public Algorithm
{
public:
    /** @brief Creates a fusion.
    @param method one of cv::xai::FusionMethod.
    */
    CV_WRAP static Ptr<MapFusion> create(int method = FUSION_MEAN);

    //! @brief Starts a new fusion of maps of the given frame size.
    CV_WRAP virtual void reset(Size frameSize) = 0;

    /** @brief Adds one view.
    @param map CV_32FC1 map of the view, mapped back into the original frame (see unwarpMap()).
    @param validity CV_32FC1 share in [0, 1] of each pixel that the view saw; empty: all of it.
    @param lowResMap the view's map at the target layer's resolution, before upsampling (optional).
    @param warp the view's 2x3 warp (optional).
    */
    CV_WRAP virtual void add(InputArray map, InputArray validity,
                             InputArray lowResMap = noArray(), InputArray warp = noArray()) = 0;

    //! @brief Writes the fused CV_32FC1 map (not normalised).
    CV_WRAP virtual void fuse(OutputArray fused) const = 0;

    //! @brief Number of views added since the last reset().
    CV_WRAP virtual int getViewCount() const = 0;

protected:
    MapFusion();
    virtual ~MapFusion();
};

//! @}

}} // namespace cv::xai

#endif // OPENCV_XAI_FUSION_HPP
