// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "augmentation_internal.hpp"

namespace cv {
namespace xai {

AugmentationParams::AugmentationParams()
    : numAugmentations(16), maxAngle(15.0), maxShift(0.1), minScale(1.0), maxScale(1.0),
      horizontalFlip(false), seed(0), borderMode(BORDER_CONSTANT), latticeSize(0)
{
}

void checkAugmentationParams(const AugmentationParams& p)
{
    CV_CheckGE(p.numAugmentations, 1, "AugmentationParams::numAugmentations: at least the identity view is needed");
    // One 2x3 matrix each, and a low-resolution map per view and class: INT_MAX views ran out of memory.
    CV_CheckLE(p.numAugmentations, 1000000, "AugmentationParams::numAugmentations: at most a million views");
    CV_CheckGE(p.maxAngle, 0.0, "AugmentationParams::maxAngle must not be negative");
    CV_CheckLE(p.maxAngle, 180.0, "AugmentationParams::maxAngle is in degrees, at most 180");
    CV_CheckGE(p.maxShift, 0.0, "AugmentationParams::maxShift must not be negative");
    CV_CheckLE(p.maxShift, 1.0, "AugmentationParams::maxShift is a fraction of the frame, at most 1");
    CV_CheckGT(p.minScale, 0.0, "AugmentationParams::minScale must be positive");
    CV_CheckLE(p.minScale, p.maxScale, "AugmentationParams: minScale must not exceed maxScale");
    // A view zoomed by 1e300 is no view of the image (and its warp no longer inverts in doubles).
    CV_CheckGE(p.minScale, 1.0 / 64, "AugmentationParams::minScale: at least 1/64");
    CV_CheckLE(p.maxScale, 64.0, "AugmentationParams::maxScale: at most 64");
    CV_CheckGE(p.latticeSize, 0, "AugmentationParams::latticeSize must be 0 (random shifts) or positive");
    CV_CheckLE(p.latticeSize, 64, "AugmentationParams::latticeSize: more than 64 offsets per cell side is "
                                  "finer than any map can show");
    if (p.borderMode != BORDER_CONSTANT && p.borderMode != BORDER_REFLECT_101 && p.borderMode != BORDER_REFLECT &&
        p.borderMode != BORDER_REPLICATE)
        CV_Error(Error::StsBadArg, "AugmentationParams::borderMode: BORDER_CONSTANT, BORDER_REFLECT_101, "
                                   "BORDER_REFLECT or BORDER_REPLICATE is expected");
}

bool isIdentityWarp(const Mat& warp)
{
    Mat w;
    warp.convertTo(w, CV_64F);
    const Matx23d id(1, 0, 0, 0, 1, 0);
    return norm(w.reshape(1, 2), Mat(id), NORM_INF) == 0.0;
}

Mat checkWarp(InputArray warp)
{
    if (warp.empty() || warp.rows() != 2 || warp.cols() != 3 || warp.channels() != 1 ||
        (warp.depth() != CV_32F && warp.depth() != CV_64F))
        CV_Error(Error::StsBadArg, "a warp must be a 2x3 CV_32F or CV_64F matrix");
    Mat w;
    warp.getMat().convertTo(w, CV_64F);
    if (!checkRange(w))
        CV_Error(Error::StsBadArg, "a warp contains NaN or infinite values");
    if (std::abs(determinant(w.colRange(0, 2))) < 1e-9)
        CV_Error(Error::StsBadArg, "a warp must be invertible");
    return w;
}

//! Offset m of a lattice of k per cell of size s: 0, s/k, -s/k, 2s/k, ... within [-s/2, s/2).
static double latticeOffset(int m, int k, double s)
{
    const int step = (m + 1) / 2 * (m % 2 ? 1 : -1);
    // k even: the lattice holds -s/2 but not s/2, which would repeat it.
    return (step == k / 2 && k % 2 == 0 ? -step : step) * s / k;
}

/** The views' warps; lattice offsets are multiples of cell / k, rounded to whole pixels when asked
    (a whole-pixel layer grid, whose shifted views interleave exactly). */
static void drawWarps(Size frameSize, const AugmentationParams& params, Point2d cell, bool wholePixels,
                      OutputArrayOfArrays warps)
{
    checkAugmentationParams(params);
    CV_Assert(frameSize.width > 0 && frameSize.height > 0);
    const int k = params.latticeSize;
    const Point2f centre((frameSize.width - 1) * 0.5f, (frameSize.height - 1) * 0.5f);
    RNG rng((uint64)(int64)params.seed);
    std::vector<Mat> out(params.numAugmentations);
    out[0] = Mat(Matx23d(1, 0, 0, 0, 1, 0), true);
    for (int i = 1; i < params.numAugmentations; i++)
    {
        // Every view draws all its numbers, so one range's setting does not change the others' draws.
        const double u_angle = rng.uniform(0., 1.), u_dx = rng.uniform(0., 1.), u_dy = rng.uniform(0., 1.);
        const double u_scale = rng.uniform(0., 1.), u_flip = rng.uniform(0., 1.);
        const double angle = (2 * u_angle - 1) * params.maxAngle;
        double dx = (2 * u_dx - 1) * params.maxShift * frameSize.width;
        double dy = (2 * u_dy - 1) * params.maxShift * frameSize.height;
        if (k > 0)
        {
            const int lattice = i % (k * k);
            dx = latticeOffset(lattice % k, k, cell.x);
            dy = latticeOffset(lattice / k, k, cell.y);
            if (wholePixels)
            {
                dx = cvRound(dx);
                dy = cvRound(dy);
            }
        }
        const double scale = params.minScale + u_scale * (params.maxScale - params.minScale);
        // Element by element: Mat(Matx) copies the data, so copyTo() into it would change a temporary.
        const Mat rotation = getRotationMatrix2D(centre, angle, scale);
        Matx33d m = Matx33d::eye();
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 3; c++)
                m(r, c) = rotation.at<double>(r, c);
        if (params.horizontalFlip && u_flip < 0.5)
            m = m * Matx33d(-1, 0, 2 * centre.x, 0, 1, 0, 0, 0, 1);
        // A pure shift stays exactly one (getRotationMatrix2D of angle 0 and scale 1 is exact).
        m(0, 2) += dx;
        m(1, 2) += dy;
        out[i] = Mat(m).rowRange(0, 2).clone();
    }
    warps.create((int)out.size(), 1, CV_64F);
    for (size_t i = 0; i < out.size(); i++)
    {
        warps.create(2, 3, CV_64F, (int)i);
        out[i].copyTo(warps.getMat((int)i));
    }
}

void generateWarps(Size frameSize, const AugmentationParams& params, OutputArrayOfArrays warps, Size gridSize)
{
    if (params.latticeSize > 0 && (gridSize.width <= 0 || gridSize.height <= 0))
        CV_Error(Error::StsBadArg, "AugmentationParams::latticeSize needs the target layer's grid size (gridSize)");
    const Point2d cell = gridSize.width > 0 && gridSize.height > 0
        ? Point2d(frameSize.width / (double)gridSize.width, frameSize.height / (double)gridSize.height) : Point2d();
    drawWarps(frameSize, params, cell, false, warps);
}

void generateLayerWarps(Size frameSize, const AugmentationParams& params, const LayerGeometry& geometry,
                        OutputArrayOfArrays warps)
{
    if (params.latticeSize > 0 && !geometry.isValid())
        CV_Error(Error::StsBadArg, "AugmentationParams::latticeSize needs the target layer's geometry (a positive stride)");
    drawWarps(frameSize, params, geometry.stride, geometry.isWholePixel(), warps);
}

void warpView(const Mat& frame, const Mat& warp, Mat& view, int borderMode, const Scalar& borderValue)
{
    if (isIdentityWarp(warp))
        frame.copyTo(view);
    else
        warpAffine(frame, view, warp, frame.size(), INTER_LINEAR, borderMode, borderValue);
}

void unwarpMap(InputArray map_, InputArray warp_, OutputArray unwarped, OutputArray validity)
{
    CV_CheckTypeEQ(map_.type(), CV_32FC1, "unwarpMap: a CV_32FC1 map is expected");
    const Mat map = map_.getMat(), warp = checkWarp(warp_);
    if (isIdentityWarp(warp))
    {
        map.copyTo(unwarped);
        if (validity.needed())
        {
            validity.create(map.size(), CV_32F);
            validity.setTo(Scalar::all(1.0));
        }
        return;
    }
    // WARP_INVERSE_MAP with the forward warp: each original pixel reads the view where it landed.
    const int flags = INTER_LINEAR | WARP_INVERSE_MAP;
    warpAffine(map, unwarped, warp, map.size(), flags, BORDER_CONSTANT, Scalar::all(0));
    if (validity.needed())
        warpAffine(Mat::ones(map.size(), CV_32F), validity, warp, map.size(), flags, BORDER_CONSTANT, Scalar::all(0));
}

}} // namespace cv::xai
