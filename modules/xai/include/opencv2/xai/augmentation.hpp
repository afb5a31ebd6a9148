// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_AUGMENTATION_HPP
#define OPENCV_XAI_AUGMENTATION_HPP

#include "opencv2/core.hpp"
#include "opencv2/xai/layer_geometry.hpp"

namespace cv {
namespace xai {

//! @addtogroup xai
//! @{

/** @brief Random affine views of an image: rotation, translation, optional scale and flip.

Every warp is a 2x3 matrix about the centre of the frame. View 0 is always the identity. */
struct CV_EXPORTS_W_SIMPLE AugmentationParams
{
    CV_WRAP AugmentationParams();

    //! Number of views, the identity included (at least 1).
    CV_PROP_RW int numAugmentations;
    //! Rotation angles are drawn uniformly from [-maxAngle, maxAngle], in degrees.
    CV_PROP_RW double maxAngle;
    /** Shifts are drawn uniformly from [-maxShift, maxShift] per axis, as a fraction of the frame's
        width (x) and height (y): 0.1 moves by up to a tenth of the frame. */
    CV_PROP_RW double maxShift;
    //! Scale factors are drawn uniformly from [minScale, maxScale] (both 1: no scaling).
    CV_PROP_RW double minScale;
    //! Upper end of the scale range.
    CV_PROP_RW double maxScale;
    //! Mirror half of the views horizontally, at random.
    CV_PROP_RW bool horizontalFlip;
    //! Seed of the cv::RNG that draws the views: the same seed gives the same views.
    CV_PROP_RW int seed;
    /** Border of the warped views: cv::BORDER_CONSTANT fills with the mean colour (zero after
        normalisation, the same neutral value masking uses); cv::BORDER_REFLECT_101 reflects. */
    CV_PROP_RW int borderMode;
    /** Designed views: 0 draws every shift at random. k > 0 shifts the views by a lattice of
        sub-cell offsets instead: multiples of s / k in x and y, s being the target layer's cell
        size in frame pixels, between -s / 2 and s / 2, so that k x k views sample the cell evenly
        (view 0, the identity, has offset 0; views beyond k x k go round the lattice again).
        Rotation, scale and flip are still drawn from their ranges (maxAngle 0: pure shifts);
        maxShift is not used. Meant for FUSION_SUPER_RESOLUTION, which gains most from views whose
        grids fall between each other's cells: 4 with 16 views was the best setting measured on the
        project's models (docs/quality.md). Not the default: generateWarps() needs the grid's size
        for it, which only an explainer knows. */
    CV_PROP_RW int latticeSize;
};

/** @brief Draws the affine warps of the views of a frame.

A warp maps the original frame onto the view (as cv::warpAffine takes it): the frame is mirrored
about its vertical centre line (if flipped), rotated by the angle (counter-clockwise, as
cv::getRotationMatrix2D) and scaled about the frame's centre \f$((W - 1) / 2, (H - 1) / 2)\f$, then
shifted.
@param frameSize size of the frame the warps apply to (the network input).
@param params how many views and how far they move.
@param warps one CV_64F 2x3 matrix per view; the first is the identity.
@param gridSize the target layer's spatial size (w x h), needed by AugmentationParams::latticeSize.
*/
CV_EXPORTS_W void generateWarps(Size frameSize, const AugmentationParams& params, OutputArrayOfArrays warps,
                                Size gridSize = Size());

/** @brief Draws the warps of the views of a frame for a layer of known geometry.

As generateWarps(), but AugmentationParams::latticeSize divides the layer's true stride
(LayerGeometry::stride) rather than the frame's size over the grid's, and on a whole-pixel layer
grid the lattice offsets are rounded to whole pixels: with k = stride / step for a whole step, the
shifted views' cells then interleave exactly (FUSION_INTERLEAVE). latticeSize equal to the stride
gives every whole-pixel shift of one cell: shift-and-stitch.
@param frameSize size of the frame the warps apply to (the network input).
@param params how many views and how far they move.
@param geometry where the target layer's cells lie (see findLayerGeometry()).
@param warps one CV_64F 2x3 matrix per view; the first is the identity.
*/
CV_EXPORTS_W void generateLayerWarps(Size frameSize, const AugmentationParams& params, const LayerGeometry& geometry,
                                     OutputArrayOfArrays warps);

/** @brief Maps a map computed on a warped view back into the frame of the original view.
@param map map of the warped view (CV_32FC1).
@param warp the 2x3 warp that made the view (from the original frame to the view).
@param unwarped the map in the original frame; pixels the view did not see are 0.
@param validity optional CV_32F map of how much of each original pixel the view saw, in [0, 1]
(the all-ones image mapped back the same way).
*/
CV_EXPORTS_W void unwarpMap(InputArray map, InputArray warp, OutputArray unwarped,
                            OutputArray validity = noArray());

//! @}

}} // namespace cv::xai

#endif // OPENCV_XAI_AUGMENTATION_HPP
