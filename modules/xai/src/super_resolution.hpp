// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_SUPER_RESOLUTION_HPP
#define OPENCV_XAI_SUPER_RESOLUTION_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {
namespace detail {

// The pieces of FUSION_SUPER_RESOLUTION. They are exported only so that the module's tests can
// check the operators (adjoints, composition) and the solver (optimality) directly.

/** A sparse linear map from R^cols to R^rows, as rows of (column, weight). */
struct CV_EXPORTS SparseOperator
{
    SparseOperator() : rows(0), cols(0) { rowStart.push_back(0); }

    int rows, cols;
    std::vector<int> rowStart; //!< rows + 1 offsets into col and weight
    std::vector<int> col;
    std::vector<double> weight;

    //! y = A x (x has cols elements, y gets rows).
    void apply(const std::vector<double>& x, std::vector<double>& y) const;
    //! x = A^T y (y has rows elements, x gets cols).
    void applyTransposed(const std::vector<double>& y, std::vector<double>& x) const;
    //! Appends a row from (column, weight) pairs (merged by column, zeros dropped).
    void appendRow(std::vector<std::pair<int, double> >& entries);
};

//! The product A B of two sparse operators (A.cols == B.rows).
CV_EXPORTS SparseOperator multiply(const SparseOperator& a, const SparseOperator& b);

/** Where the unknown map lives: a grid of `unknown` pixels covering the frame, each pixel
    scale.width x scale.height frame pixels; pixel (a, b) is centred on the frame coordinate
    ((b + 0.5) scale.width - 0.5, (a + 0.5) scale.height - 0.5), the convention of cv::resize, which
    upsamples the solution to the frame at the end. */
struct CV_EXPORTS UnknownGrid
{
    UnknownGrid(Size frame, Size grid, int resolution);

    Size frame, unknown;
    Size2d scale; //!< frame pixels per unknown pixel
};

/** W_i: the unknown (a bilinear surface through its pixels, replicated up to the frame's edge) sampled
    at T^{-1}(p) for every pixel p of the warped view, which is 0 where T^{-1}(p) falls outside the
    frame: rows = frame pixels (row-major), cols = unknown pixels. */
CV_EXPORTS SparseOperator warpOperator(const UnknownGrid& u, const Matx23d& warp);

/** D: frame pixels to the cells of the target layer's grid, by area (mean over the cell), by
    point (the cell's top-left pixel) or at the cell's centre; see cv::xai::DownsamplingOperator.
    An invalid geometry takes the cv::resize convention (resizeGeometry()). */
CV_EXPORTS SparseOperator downsamplingOperator(Size frame, Size grid, int method,
                                               const LayerGeometry& geometry = LayerGeometry());

/** D W_i built in one pass (what the solver uses; equal to multiply(D, W_i)).
    @param validity if not null, receives each cell's share of the view that came from inside the frame */
CV_EXPORTS SparseOperator viewOperator(const UnknownGrid& u, Size grid, const Matx23d& warp, int method,
                                       std::vector<double>* validity, const LayerGeometry& geometry = LayerGeometry());

/** The super-resolution problem of the views added so far (see cv::xai::SuperResolutionParams):
    min over u >= 0 of (1/N) sum_i sum_{valid c} ((A_i u)_c - m_ic)^2 + lambdaTV TV(u) + lambdaEnergy E(u).
    The data term is kept as its normal equations (Q = sum A^T A, b = sum A^T m, sum m^2), so memory
    and the cost of an iteration do not grow with the number of views. */
class CV_EXPORTS SuperResolutionProblem
{
public:
    //! An invalid geometry takes the cv::resize convention of the frame and grid.
    SuperResolutionProblem(Size frame, Size grid, const SuperResolutionParams& params,
                           const LayerGeometry& geometry = LayerGeometry());

    //! Adds a view's data (already ReLU'd and scaled), keeping its cells of enough validity.
    void addView(const Mat& lowRes, const Matx23d& warp);

    int views() const { return views_; }
    const UnknownGrid& grid() const { return unknown_; }

    //! The objective at u (CV_64F of the unknown's size, non-negative).
    double objective(const Mat& u) const;

    /** Solves from the data's back-projection; u is CV_64F of the unknown's size.
        @param history objective after each iteration, if not null */
    void solve(Mat& u, int& iterations, double& residual, std::vector<double>* history) const;

private:
    void applyQ(const std::vector<double>& u, std::vector<double>& out) const;
    void compactQ() const;
    void accumulate(const SparseOperator& rows, const std::vector<double>& validity, const Mat& data);
    void growStencil(int radius);

    SuperResolutionParams params_;
    LayerGeometry geometry_;
    UnknownGrid unknown_;
    Size lowRes_;
    int views_;
    // Q as a stencil: for unknown n and offset (dy, dx) in [-radius, radius]^2, the coupling of n
    // with n + (dy, dx); only offsets in use are visited.
    int radius_;
    std::vector<double> q_;
    std::vector<double> b_;
    // Q again, for the iterations: only the offsets some unknown uses, read through a zero-padded copy
    // of u so that no neighbour needs a bounds check. Built on first use after the last view.
    mutable std::vector<double> compact_;
    mutable std::vector<int> compactOffsets_;
    mutable std::vector<double> padded_;
    double dataSquares_;
    double dataMax_; //!< largest data value: the solver works on data scaled to [0, 1]
};

}}} // namespace cv::xai::detail

#endif // OPENCV_XAI_SUPER_RESOLUTION_HPP
