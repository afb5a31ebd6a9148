// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_FUSION_HPP
#define OPENCV_XAI_FUSION_HPP

#include <functional>

#include "opencv2/core.hpp"
#include "opencv2/xai/layer_geometry.hpp"
#include "opencv2/xai/progress.hpp"

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
    FUSION_MAX = 1,
    /** Super-resolution (Augmented Grad-CAM @cite morbidelli2020augmented): the non-negative
        high-resolution map whose warped and downsampled copies best reproduce every view's
        low-resolution map, with total-variation and energy regularisation (see
        SuperResolutionParams). It recovers detail finer than the target layer's stride, which
        the mean and the maximum of upsampled maps (low-pass filters) cannot. */
    FUSION_SUPER_RESOLUTION = 2,
    /** Shift-and-stitch: when the views are whole-pixel translations whose offsets, modulo the
        layer's stride, fill a lattice (all k x k multiples of a step g that divides the stride),
        every view's cell r lands on the frame pixel \f$s r + o - d\f$ (d the view's shift) and
        the cells of all views interleave into one grid of step g, upsampled to the frame at those
        centres. With the full s x s lattice it is the layer's own map at every pixel. Needs the
        layer's true geometry (MapFusion::reset); views that are no such lattice (rotations,
        scales, random shifts) are fused by FUSION_SUPER_RESOLUTION with the same geometry
        (FusionReport::interleaved tells which ran). */
    FUSION_INTERLEAVE = 3
};

/** @brief How a high-resolution map is compared with a view's low-resolution map. */
enum DownsamplingOperator
{
    /** Mean over each cell of the target layer's grid: a box of one stride centred on the cell's
        centre \f$s j + o\f$ (the LayerGeometry given to MapFusion::reset; fractional pixels
        weighted by their overlap). With the cv::resize convention (the default geometry), cell
        (i, j) of an h x w grid in a W x H frame covers the frame's pixels x in [j W / w,
        (j + 1) W / w) and y in [i H / h, (i + 1) H / h), as cv::resize with cv::INTER_AREA. */
    DOWNSAMPLE_AREA = 0,
    /** The map's value at one point per cell, the frame pixel (j W / w, i H / h) (the cell's
        top-left pixel, bilinear where it falls between pixels): what the bilinear resize of
        Augmented Grad-CAM's reference code computes at a 16x reduction, half a cell off the
        cell centres; only to reproduce that code. */
    DOWNSAMPLE_POINT = 1,
    /** The map's value at the cell's centre \f$s j + o\f$ (bilinear between pixels): what the
        layer computes for the cell, the exact forward model of shift-and-stitch. */
    DOWNSAMPLE_CENTER = 2
};

/** @brief Settings of FUSION_SUPER_RESOLUTION. Defaults are set by the constructor.

The fused map \f$v \geq 0\f$ minimises
\f[ \frac{1}{N} \sum_i \sum_{c \in \Omega_i} \left( (D W_i v)_c - m_{i,c} \right)^2
   + \lambda_{TV} \, TV(v) + \lambda_{E} \, \|v\|^2 \f]
over the \f$N\f$ views, where \f$m_i\f$ is view \f$i\f$'s low-resolution map (after a ReLU,
scaled as normalizeViews says), \f$W_i\f$ warps the frame into the view (bilinear, zero outside the
frame), \f$D\f$ is the downsampling operator and \f$\Omega_i\f$ the cells of view \f$i\f$ that
at least minValidity of their area came from inside the original frame. \f$TV\f$ is the isotropic
total variation and \f$\|v\|^2\f$ the sum of squares, both measured in frame pixels (a pixel of
the unknown that covers \f$s \times s\f$ frame pixels counts \f$s\f$ times in the total
variation and \f$s^2\f$ times in the energy), so the lambdas do not depend on the resolution of
the unknown. With the data term averaged over views, \f$\lambda_{TV}\f$ and
\f$\lambda_E\f$ correspond to Augmented Grad-CAM's \f$\lambda_{TV} / N\f$ and
\f$\lambda_{E} / N\f$ (whose TV is anisotropic).
*/
struct CV_EXPORTS_W_SIMPLE SuperResolutionParams
{
    CV_WRAP SuperResolutionParams();

    /** Weight of the total variation, in [0, 1e6]. Default 0.0005, chosen on scenes the quality
        report does not use (docs/super-resolution.md): larger weights smooth the map and lose
        localisation on the project's models. */
    CV_PROP_RW double lambdaTV;
    //! Weight of the energy \f$\|v\|^2\f$, in [0, 1e6] (default 1e-4, as Augmented Grad-CAM's 1e-4 N).
    CV_PROP_RW double lambdaEnergy;
    //! Most solver iterations (at least 1).
    CV_PROP_RW int maxIterations;
    /** The solver stops once its relative primal-dual residual is below this (positive). The
        residual measures how far the current map is from satisfying the optimality conditions,
        relative to the size of the terms involved. At the default 1e-2 the map was within a
        Pearson correlation of 0.9999 of the map solved to 1e-5, at a tenth of the iterations
        (docs/super-resolution.md). */
    CV_PROP_RW double tolerance;
    //! The downsampling operator D: one of cv::xai::DownsamplingOperator.
    CV_PROP_RW int downsampling;
    /** Pixels of the unknown per cell of the target layer's grid along each axis; the solution
        is upsampled bilinearly to the frame. 0 solves at the frame's own resolution. */
    CV_PROP_RW int resolution;
    /** Divide each view's map by its own maximum (as Augmented Grad-CAM does) instead of keeping
        the common scale of the class score. A view whose map is zero everywhere is dropped. */
    CV_PROP_RW bool normalizeViews;
    //! Share of a cell's area that must come from inside the original frame for the cell to count, in [0, 1].
    CV_PROP_RW double minValidity;
};

/** @brief How the last MapFusion::fuse() went: the solver's account for FUSION_SUPER_RESOLUTION. */
struct CV_EXPORTS_W_SIMPLE FusionReport
{
    CV_WRAP FusionReport();

    //! Views that contributed (views whose map is zero everywhere are dropped by super-resolution).
    CV_PROP_RW int views;
    //! Solver iterations (0 for mean and maximum, which need none).
    CV_PROP_RW int iterations;
    //! The solver's last relative primal-dual residual (see SuperResolutionParams::tolerance).
    CV_PROP_RW double residual;
    //! The residual fell below the tolerance before SuperResolutionParams::maxIterations.
    CV_PROP_RW bool converged;
    //! The objective at the starting point and after each iteration.
    CV_PROP_RW std::vector<double> objective;
    //! FUSION_INTERLEAVE interleaved the views (false: they were no lattice, super-resolution fused them).
    CV_PROP_RW bool interleaved;
};

/** @brief Fuses the maps of augmented views, one view at a time.

Views are added as they are computed, so memory does not grow with the number of views (mean and
maximum keep two frame-sized maps, super-resolution its normal equations). A view brings its map
already mapped back into the original frame, its validity, and (for methods that reconstruct from
the low-resolution maps) its low-resolution map and warp.
*/
class CV_EXPORTS_W MapFusion : public Algorithm
{
public:
    /** @brief Creates a fusion.
    @param method one of cv::xai::FusionMethod.
    @param superResolution settings of FUSION_SUPER_RESOLUTION (checked here; ignored by the others).
    */
    CV_WRAP static Ptr<MapFusion> create(int method = FUSION_MEAN,
                                         const SuperResolutionParams& superResolution = SuperResolutionParams());

    /** @brief Starts a new fusion of maps of the given frame size.
    @param frameSize the frame's size.
    @param geometry where the low-resolution maps' cells lie on the frame; the default (invalid)
    geometry takes the cv::resize convention of the first low-resolution map's grid
    (resizeGeometry()). Used by FUSION_SUPER_RESOLUTION and FUSION_INTERLEAVE.
    */
    CV_WRAP virtual void reset(Size frameSize, const LayerGeometry& geometry = LayerGeometry()) = 0;

    /** @brief Adds one view.
    @param map CV_32FC1 map of the view, mapped back into the original frame (see unwarpMap()).
    @param validity CV_32FC1 share in [0, 1] of each pixel that the view saw; empty: all of it.
    @param lowResMap the view's map at the target layer's resolution, before upsampling (CV_32FC1;
    required by FUSION_SUPER_RESOLUTION, which uses it and the warp instead of map and validity).
    @param warp the view's 2x3 warp from the original frame to the view (required by
    FUSION_SUPER_RESOLUTION; empty: the identity).
    */
    CV_WRAP virtual void add(InputArray map, InputArray validity,
                             InputArray lowResMap = noArray(), InputArray warp = noArray()) = 0;

    //! @brief Writes the fused CV_32FC1 map (not normalised).
    CV_WRAP virtual void fuse(OutputArray fused) const = 0;

    //! @brief Number of views added since the last reset().
    CV_WRAP virtual int getViewCount() const = 0;

    //! @brief How the last fuse() went (see FusionReport).
    CV_WRAP virtual FusionReport getReport() const = 0;

    /** @brief Sets a callback that a super-resolution solve calls about every 0.1 s with (iterations
    done, SuperResolutionParams::maxIterations); returning false stops the solve, and fuse() throws a
    cv::Exception with code cv::Error::StsError. An empty function removes it. Mean, maximum and
    interleaving need no solve and never call it. */
    virtual void setProgressCallback(const ProgressCallback& callback) = 0;

protected:
    MapFusion();
    virtual ~MapFusion();
};

//! @}

}} // namespace cv::xai

#endif // OPENCV_XAI_FUSION_HPP
