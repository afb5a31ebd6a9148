// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "super_resolution.hpp"

#include <cfloat>
#include <climits>

namespace cv {
namespace xai {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Sparse operators
// ---------------------------------------------------------------------------------------------

void SparseOperator::apply(const std::vector<double>& x, std::vector<double>& y) const
{
    CV_Assert((int)x.size() == cols);
    y.assign(rows, 0.0);
    for (int r = 0; r < rows; r++)
    {
        double s = 0;
        for (int k = rowStart[r]; k < rowStart[r + 1]; k++)
            s += weight[k] * x[col[k]];
        y[r] = s;
    }
}

void SparseOperator::applyTransposed(const std::vector<double>& y, std::vector<double>& x) const
{
    CV_Assert((int)y.size() == rows);
    x.assign(cols, 0.0);
    for (int r = 0; r < rows; r++)
        for (int k = rowStart[r]; k < rowStart[r + 1]; k++)
            x[col[k]] += weight[k] * y[r];
}

void SparseOperator::appendRow(std::vector<std::pair<int, double> >& entries)
{
    std::sort(entries.begin(), entries.end());
    for (size_t i = 0; i < entries.size();)
    {
        double w = 0;
        const int c = entries[i].first;
        for (; i < entries.size() && entries[i].first == c; i++)
            w += entries[i].second;
        if (w != 0)
        {
            col.push_back(c);
            weight.push_back(w);
        }
    }
    rows++;
    rowStart.push_back((int)col.size());
}

SparseOperator multiply(const SparseOperator& a, const SparseOperator& b)
{
    CV_CheckEQ(a.cols, b.rows, "sparse product: the inner dimensions differ");
    SparseOperator out;
    out.cols = b.cols;
    std::vector<std::pair<int, double> > entries;
    for (int r = 0; r < a.rows; r++)
    {
        entries.clear();
        for (int k = a.rowStart[r]; k < a.rowStart[r + 1]; k++)
            for (int j = b.rowStart[a.col[k]]; j < b.rowStart[a.col[k] + 1]; j++)
                entries.push_back(std::make_pair(b.col[j], a.weight[k] * b.weight[j]));
        out.appendRow(entries);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Geometry: the unknown, the warp, the downsampling
// ---------------------------------------------------------------------------------------------

UnknownGrid::UnknownGrid(Size frame_, Size grid, int resolution) : frame(frame_)
{
    CV_Assert(frame.width > 0 && frame.height > 0 && grid.width > 0 && grid.height > 0 && resolution >= 0);
    unknown = resolution == 0 ? frame : Size(std::min(grid.width * resolution, frame.width),
                                             std::min(grid.height * resolution, frame.height));
    scale = Size2d(frame.width / (double)unknown.width, frame.height / (double)unknown.height);
}

namespace {

//! The two linear-interpolation taps of the unknown at a frame coordinate along one axis (cv::resize's convention).
struct Taps
{
    int i0, i1;
    double w0, w1;
};

//! The taps at unknown coordinate a: replicated beyond the outermost pixel centres, as cv::resize.
inline Taps tapsAt(double a, int n)
{
    Taps t;
    if (a <= 0 || n == 1)
    {
        t.i0 = t.i1 = 0;
        t.w0 = 1;
        t.w1 = 0;
    }
    else if (a >= n - 1)
    {
        t.i0 = t.i1 = n - 1;
        t.w0 = 1;
        t.w1 = 0;
    }
    else
    {
        t.i0 = (int)a; // a > 0 here: truncation is the floor, without a call to floor()
        t.i1 = t.i0 + 1;
        t.w1 = a - t.i0;
        t.w0 = 1 - t.w1;
    }
    return t;
}

inline Taps taps(double q, double scale, int n)
{
    return tapsAt((q + 0.5) / scale - 0.5, n);
}

//! Whether the frame coordinate q lies on the frame (its pixels span [-0.5, size - 0.5)).
inline bool onFrame(const Point2d& q, Size frame)
{
    return q.x >= -0.5 && q.x < frame.width - 0.5 && q.y >= -0.5 && q.y < frame.height - 0.5;
}

//! Weights of one cell's downsampling along one axis: (pixel, weight) pairs.
typedef std::vector<std::pair<int, double> > AxisWeights;

/** Weights of each cell's downsampling along one axis, for cells centred on stride j + offset
    (pixel centres at integers). */
std::vector<AxisWeights> axisWeights(int frame, int cells, int method, double stride, double offset)
{
    std::vector<AxisWeights> out(cells);
    const double cell = frame / (double)cells;
    for (int j = 0; j < cells; j++)
    {
        if (method == DOWNSAMPLE_AREA)
        {
            // A box of one stride about the centre, in continuous coordinates (pixel x spans
            // [x, x + 1)); the part beyond the frame is what the net's padding saw, so the box is
            // renormalised over the frame. The resize convention gives [j W / w, (j + 1) W / w).
            const double lo = std::max(0.0, stride * j + offset + 0.5 - stride / 2);
            const double hi = std::min((double)frame, stride * j + offset + 0.5 + stride / 2);
            double total = 0;
            for (int x = (int)std::floor(lo); x < frame && x < hi; x++)
            {
                const double overlap = std::min(x + 1.0, hi) - std::max((double)x, lo);
                if (overlap > 1e-12)
                {
                    out[j].push_back(std::make_pair(x, overlap));
                    total += overlap;
                }
            }
            for (size_t i = 0; i < out[j].size(); i++)
                out[j][i].second /= total;
        }
        else
        {
            // A point: the cell's centre, or (DOWNSAMPLE_POINT) its top-left pixel coordinate as the
            // reference code has it; interpolated when it falls between pixels.
            const double t = method == DOWNSAMPLE_CENTER ? std::min(std::max(stride * j + offset, 0.0), frame - 1.0)
                                                         : j * cell;
            const int x0 = std::min((int)std::floor(t), frame - 1);
            const double f = t - x0;
            if (f > 1e-12 && x0 + 1 < frame)
            {
                out[j].push_back(std::make_pair(x0, 1 - f));
                out[j].push_back(std::make_pair(x0 + 1, f));
            }
            else
                out[j].push_back(std::make_pair(x0, 1.0));
        }
    }
    return out;
}

//! The geometry to use: the given one, or the cv::resize convention of this frame and grid.
LayerGeometry effectiveGeometry(Size frame, Size grid, const LayerGeometry& geometry)
{
    return geometry.isValid() ? geometry : resizeGeometry(frame, grid);
}

void checkDownsampling(int method)
{
    if (method != DOWNSAMPLE_AREA && method != DOWNSAMPLE_POINT && method != DOWNSAMPLE_CENTER)
        CV_Error(Error::StsBadArg, cv::format("SuperResolutionParams::downsampling is %d: DOWNSAMPLE_AREA (0), "
                                              "DOWNSAMPLE_POINT (1) or DOWNSAMPLE_CENTER (2) is expected", method));
}

//! Adds the bilinear taps of the unknown at T^{-1}(p), times w, to the entries; returns false off the frame.
template <typename Add>
inline bool sampleUnknown(const UnknownGrid& u, const Matx23d& inverse, double px, double py, double w, Add add)
{
    const Point2d q(inverse(0, 0) * px + inverse(0, 1) * py + inverse(0, 2),
                    inverse(1, 0) * px + inverse(1, 1) * py + inverse(1, 2));
    if (!onFrame(q, u.frame))
        return false;
    const Taps tx = taps(q.x, u.scale.width, u.unknown.width), ty = taps(q.y, u.scale.height, u.unknown.height);
    const int W = u.unknown.width;
    add(ty.i0 * W + tx.i0, w * ty.w0 * tx.w0);
    add(ty.i0 * W + tx.i1, w * ty.w0 * tx.w1);
    add(ty.i1 * W + tx.i0, w * ty.w1 * tx.w0);
    add(ty.i1 * W + tx.i1, w * ty.w1 * tx.w1);
    return true;
}

Matx23d inverseOf(const Matx23d& warp)
{
    Matx23d inverse;
    invertAffineTransform(warp, inverse);
    return inverse;
}

} // namespace

SparseOperator warpOperator(const UnknownGrid& u, const Matx23d& warp)
{
    const Matx23d inverse = inverseOf(warp);
    SparseOperator op;
    op.cols = u.unknown.area();
    std::vector<std::pair<int, double> > entries;
    for (int y = 0; y < u.frame.height; y++)
        for (int x = 0; x < u.frame.width; x++)
        {
            entries.clear();
            sampleUnknown(u, inverse, x, y, 1.0, [&](int c, double w) { entries.push_back(std::make_pair(c, w)); });
            op.appendRow(entries);
        }
    return op;
}

SparseOperator downsamplingOperator(Size frame, Size grid, int method, const LayerGeometry& geometry)
{
    checkDownsampling(method);
    const LayerGeometry g = effectiveGeometry(frame, grid, geometry);
    const std::vector<AxisWeights> wx = axisWeights(frame.width, grid.width, method, g.stride.x, g.offset.x);
    const std::vector<AxisWeights> wy = axisWeights(frame.height, grid.height, method, g.stride.y, g.offset.y);
    SparseOperator op;
    op.cols = frame.area();
    std::vector<std::pair<int, double> > entries;
    for (int i = 0; i < grid.height; i++)
        for (int j = 0; j < grid.width; j++)
        {
            entries.clear();
            for (size_t a = 0; a < wy[i].size(); a++)
                for (size_t b = 0; b < wx[j].size(); b++)
                    entries.push_back(std::make_pair(wy[i][a].first * frame.width + wx[j][b].first,
                                                     wy[i][a].second * wx[j][b].second));
            op.appendRow(entries);
        }
    return op;
}

SparseOperator viewOperator(const UnknownGrid& u, Size grid, const Matx23d& warp, int method,
                            std::vector<double>* validity, const LayerGeometry& geometry)
{
    checkDownsampling(method);
    const Matx23d inverse = inverseOf(warp);
    const LayerGeometry g = effectiveGeometry(u.frame, grid, geometry);
    const std::vector<AxisWeights> wx = axisWeights(u.frame.width, grid.width, method, g.stride.x, g.offset.x);
    const std::vector<AxisWeights> wy = axisWeights(u.frame.height, grid.height, method, g.stride.y, g.offset.y);
    SparseOperator op;
    op.cols = u.unknown.area();
    if (validity)
        validity->assign(grid.area(), 0.0);
    // Frame pixel of the view -> unknown coordinates, in one affine map: a = ((T^-1 p) + 0.5) / S - 0.5.
    // On the frame, [-0.5, W - 0.5), is then on the unknown's own span, [-0.5, U - 0.5).
    const double sx = 1.0 / u.scale.width, sy = 1.0 / u.scale.height;
    const Matx23d toUnknown(inverse(0, 0) * sx, inverse(0, 1) * sx, (inverse(0, 2) + 0.5) * sx - 0.5,
                            inverse(1, 0) * sy, inverse(1, 1) * sy, (inverse(1, 2) + 0.5) * sy - 0.5);
    const int UW = u.unknown.width, UH = u.unknown.height;
    std::vector<double> local;
    for (int i = 0; i < grid.height; i++)
        for (int j = 0; j < grid.width; j++)
        {
            // The unknowns the cell can read: the box of its pixels' images, one tap beyond.
            const double xs[] = { (double)wx[j].front().first, (double)wx[j].back().first };
            const double ys[] = { (double)wy[i].front().first, (double)wy[i].back().first };
            double lo[2] = { DBL_MAX, DBL_MAX }, hi[2] = { -DBL_MAX, -DBL_MAX };
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    for (int d = 0; d < 2; d++)
                    {
                        const double v = toUnknown(d, 0) * xs[b] + toUnknown(d, 1) * ys[a] + toUnknown(d, 2);
                        lo[d] = std::min(lo[d], v);
                        hi[d] = std::max(hi[d], v);
                    }
            const int x0 = std::max(0, (int)std::floor(lo[0]) - 1), x1 = std::min(UW - 1, (int)std::floor(hi[0]) + 2);
            const int y0 = std::max(0, (int)std::floor(lo[1]) - 1), y1 = std::min(UH - 1, (int)std::floor(hi[1]) + 2);
            const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
            double inside = 0;
            if (bw > 0 && bh > 0)
            {
                local.assign((size_t)bw * bh, 0.0);
                // Cells whose every tap lies strictly inside the unknown (most of them) need no clamping.
                const bool interior = lo[0] >= 0 && hi[0] < UW - 1 && lo[1] >= 0 && hi[1] < UH - 1;
                for (size_t a = 0; a < wy[i].size(); a++)
                {
                    const double py = wy[i][a].first;
                    double ax = toUnknown(0, 0) * wx[j].front().first + toUnknown(0, 1) * py + toUnknown(0, 2);
                    double ay = toUnknown(1, 0) * wx[j].front().first + toUnknown(1, 1) * py + toUnknown(1, 2);
                    for (size_t b = 0; b < wx[j].size(); b++)
                    {
                        if (b > 0)
                        {
                            // Pixels of a cell row are consecutive: step the affine map.
                            const double dx = wx[j][b].first - wx[j][b - 1].first;
                            ax += toUnknown(0, 0) * dx;
                            ay += toUnknown(1, 0) * dx;
                        }
                        const double w = wy[i][a].second * wx[j][b].second;
                        Taps tx, ty;
                        if (interior)
                        {
                            tx.i0 = (int)ax;
                            tx.i1 = tx.i0 + 1;
                            tx.w1 = ax - tx.i0;
                            tx.w0 = 1 - tx.w1;
                            ty.i0 = (int)ay;
                            ty.i1 = ty.i0 + 1;
                            ty.w1 = ay - ty.i0;
                            ty.w0 = 1 - ty.w1;
                        }
                        else
                        {
                            if (!(ax >= -0.5 && ax < UW - 0.5 && ay >= -0.5 && ay < UH - 0.5))
                                continue; // the border fill, which carries no saliency
                            tx = tapsAt(ax, UW);
                            ty = tapsAt(ay, UH);
                        }
                        inside += w;
                        const double w0 = w * ty.w0, w1 = w * ty.w1;
                        double* row0 = &local[(size_t)(ty.i0 - y0) * bw];
                        double* row1 = &local[(size_t)(ty.i1 - y0) * bw];
                        row0[tx.i0 - x0] += w0 * tx.w0;
                        row0[tx.i1 - x0] += w0 * tx.w1;
                        row1[tx.i0 - x0] += w1 * tx.w0;
                        row1[tx.i1 - x0] += w1 * tx.w1;
                    }
                }
                // Row-major in the box is column order: the row needs no sorting.
                for (int y = 0; y < bh; y++)
                    for (int x = 0; x < bw; x++)
                        if (local[(size_t)y * bw + x] != 0)
                        {
                            op.col.push_back((y0 + y) * UW + x0 + x);
                            op.weight.push_back(local[(size_t)y * bw + x]);
                        }
            }
            op.rows++;
            op.rowStart.push_back((int)op.col.size());
            if (validity)
                (*validity)[i * grid.width + j] = inside;
        }
    return op;
}

// ---------------------------------------------------------------------------------------------
// The problem and its solver
// ---------------------------------------------------------------------------------------------

SuperResolutionProblem::SuperResolutionProblem(Size frame, Size grid, const SuperResolutionParams& params,
                                               const LayerGeometry& geometry)
    : params_(params), geometry_(geometry), unknown_(frame, grid, params.resolution), lowRes_(grid), views_(0), radius_(0),
      dataSquares_(0), dataMax_(0)
{
    q_.assign(unknown_.unknown.area(), 0.0);
    b_.assign(unknown_.unknown.area(), 0.0);
}

void SuperResolutionProblem::growStencil(int radius)
{
    if (radius <= radius_)
        return;
    const int n = unknown_.unknown.area(), oldSide = 2 * radius_ + 1, side = 2 * radius + 1;
    std::vector<double> q((size_t)n * side * side, 0.0);
    for (int i = 0; i < n; i++)
        for (int dy = -radius_; dy <= radius_; dy++)
            for (int dx = -radius_; dx <= radius_; dx++)
                q[(size_t)i * side * side + (dy + radius) * side + dx + radius] =
                    q_[(size_t)i * oldSide * oldSide + (dy + radius_) * oldSide + dx + radius_];
    q_.swap(q);
    radius_ = radius;
}

void SuperResolutionProblem::addView(const Mat& lowRes, const Matx23d& warp)
{
    CV_Assert(lowRes.type() == CV_64FC1 && lowRes.size() == lowRes_);
    std::vector<double> validity;
    const SparseOperator rows = viewOperator(unknown_, lowRes_, warp, params_.downsampling, &validity, geometry_);
    const int W = unknown_.unknown.width;
    int radius = radius_;
    for (int r = 0; r < rows.rows; r++)
    {
        int minY = INT_MAX, maxY = INT_MIN, minX = INT_MAX, maxX = INT_MIN;
        for (int k = rows.rowStart[r]; k < rows.rowStart[r + 1]; k++)
        {
            minY = std::min(minY, rows.col[k] / W);
            maxY = std::max(maxY, rows.col[k] / W);
            minX = std::min(minX, rows.col[k] % W);
            maxX = std::max(maxX, rows.col[k] % W);
        }
        if (minY <= maxY)
            radius = std::max(radius, std::max(maxY - minY, maxX - minX));
    }
    growStencil(radius);
    compactOffsets_.clear();
    const int side = 2 * radius_ + 1;
    std::vector<int> offsets;
    for (int r = 0; r < rows.rows; r++)
    {
        if (validity[r] < params_.minValidity || validity[r] <= 0)
            continue; // mostly border fill: the view's map says nothing there
        const double m = lowRes.at<double>(r);
        dataSquares_ += m * m;
        dataMax_ = std::max(dataMax_, m);
        const int begin = rows.rowStart[r], end = rows.rowStart[r + 1];
        // Each entry's place in the stencil, relative to the row's first entry.
        offsets.resize(end - begin);
        for (int k = begin; k < end; k++)
            offsets[k - begin] = (rows.col[k] / W) * side + rows.col[k] % W;
        for (int k = begin; k < end; k++)
        {
            const int a = rows.col[k];
            const double wa = rows.weight[k];
            b_[a] += wa * m;
            const ptrdiff_t base = (ptrdiff_t)a * side * side + radius_ * side + radius_ - offsets[k - begin];
            // Columns are in increasing order: from k on, the offsets are the upper half of the stencil.
            for (int j = k; j < end; j++)
                q_[base + offsets[j - begin]] += wa * rows.weight[j];
        }
    }
    views_++;
}

namespace {

//! The total variation's linear part L u = (S_y dx u, S_x dy u) with forward differences, 0 across the last column/row.
struct Gradient
{
    Gradient(Size size_, Size2d scale) : size(size_), wx(scale.height), wy(scale.width) {}

    //! ||L||^2 <= 4 (wx^2 + wy^2).
    double normSquaredBound() const { return 4 * (wx * wx + wy * wy); }

    void apply(const std::vector<double>& u, std::vector<double>& gx, std::vector<double>& gy) const
    {
        const int W = size.width, H = size.height;
        gx.assign(u.size(), 0.0);
        gy.assign(u.size(), 0.0);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                const int i = y * W + x;
                if (x + 1 < W)
                    gx[i] = wx * (u[i + 1] - u[i]);
                if (y + 1 < H)
                    gy[i] = wy * (u[i + W] - u[i]);
            }
    }

    //! L^T (px, py).
    void applyTransposed(const std::vector<double>& px, const std::vector<double>& py, std::vector<double>& out) const
    {
        const int W = size.width, H = size.height;
        out.assign(px.size(), 0.0);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                const int i = y * W + x;
                double v = 0;
                if (x + 1 < W)
                    v -= wx * px[i];
                if (x > 0)
                    v += wx * px[i - 1];
                if (y + 1 < H)
                    v -= wy * py[i];
                if (y > 0)
                    v += wy * py[i - W];
                out[i] = v;
            }
    }

    Size size;
    double wx, wy;
};

double dot(const std::vector<double>& a, const std::vector<double>& b)
{
    double s = 0;
    for (size_t i = 0; i < a.size(); i++)
        s += a[i] * b[i];
    return s;
}

double norm2(const std::vector<double>& a)
{
    return std::sqrt(dot(a, a));
}

double totalVariation(const std::vector<double>& gx, const std::vector<double>& gy)
{
    double s = 0;
    for (size_t i = 0; i < gx.size(); i++)
        s += std::sqrt(gx[i] * gx[i] + gy[i] * gy[i]);
    return s;
}

} // namespace

void SuperResolutionProblem::compactQ() const
{
    const int W = unknown_.unknown.width, H = unknown_.unknown.height, n = W * H, side = 2 * radius_ + 1;
    const int paddedW = W + 2 * radius_;
    // q_ holds each coupling once, at the unknown whose offset to the other is in the upper half
    // (dy > 0, or dy = 0 and dx >= 0); the lower half is the same coupling read from the other end.
    std::vector<char> used(side * side, 0);
    for (int k = 0; k < side * side; k++)
        for (int i = 0; i < n && !used[k]; i++)
            if (q_[(size_t)i * side * side + k] != 0)
                used[k] = used[side * side - 1 - k] = 1;
    std::vector<int> active;
    for (int k = 0; k < side * side; k++)
        if (used[k])
            active.push_back(k);
    // Offset-major: for each offset in use, its coefficient for every unknown in a row, so that the
    // product runs along contiguous rows (and vectorises).
    compactOffsets_.clear();
    compact_.assign((size_t)n * active.size(), 0.0);
    const int centre = radius_ * side + radius_;
    for (size_t a = 0; a < active.size(); a++)
    {
        const int k = active[a], dy = k / side - radius_, dx = k % side - radius_;
        compactOffsets_.push_back(dy * paddedW + dx);
        const bool upper = k >= centre;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                const int ny = y + dy, nx = x + dx;
                if (ny < 0 || ny >= H || nx < 0 || nx >= W)
                    continue;
                compact_[a * n + y * W + x] = upper ? q_[(size_t)(y * W + x) * side * side + k]
                                                    : q_[(size_t)(ny * W + nx) * side * side + side * side - 1 - k];
            }
    }
}

void SuperResolutionProblem::applyQ(const std::vector<double>& u, std::vector<double>& out) const
{
    if (compactOffsets_.empty())
        compactQ();
    const int W = unknown_.unknown.width, H = unknown_.unknown.height, r = radius_;
    const int paddedW = W + 2 * r;
    const size_t n = (size_t)W * H;
    padded_.assign((size_t)paddedW * (H + 2 * r), 0.0);
    for (int y = 0; y < H; y++)
        std::copy(u.begin() + y * W, u.begin() + (y + 1) * W, padded_.begin() + (size_t)(y + r) * paddedW + r);
    out.assign(n, 0.0);
    const int count = (int)compactOffsets_.size();
    // Each output sums the offsets in one fixed order: the same result at any number of threads.
    // Coefficients of neighbours outside the map are 0, and the padding reads zeros there.
    parallel_for_(Range(0, H), [&](const Range& rows) {
        for (int a = 0; a < count; a++)
        {
            const double* coefficients = &compact_[a * n];
            const int offset = compactOffsets_[a];
            for (int y = rows.start; y < rows.end; y++)
            {
                const double* q = coefficients + (size_t)y * W;
                const double* v = &padded_[(size_t)(y + r) * paddedW + r + offset];
                double* o = &out[(size_t)y * W];
                for (int x = 0; x < W; x++)
                    o[x] += q[x] * v[x];
            }
        }
    });
}

double SuperResolutionProblem::objective(const Mat& u_) const
{
    CV_Assert(u_.type() == CV_64FC1 && u_.size() == unknown_.unknown);
    // The problem the solver minimises: data scaled to a maximum of 1, u in the data's own units.
    const double s = dataMax_ > 0 ? dataMax_ : 1.0;
    std::vector<double> u(u_.begin<double>(), u_.end<double>());
    for (size_t i = 0; i < u.size(); i++)
        u[i] /= s;
    std::vector<double> qu, gx, gy;
    applyQ(u, qu);
    const Gradient L(unknown_.unknown, unknown_.scale);
    L.apply(u, gx, gy);
    const double pixelArea = unknown_.scale.width * unknown_.scale.height;
    return (dot(u, qu) - 2 * dot(b_, u) / s + dataSquares_ / (s * s)) / std::max(views_, 1) +
           params_.lambdaTV * totalVariation(gx, gy) + params_.lambdaEnergy * pixelArea * dot(u, u);
}

void SuperResolutionProblem::solve(Mat& result, int& iterations, double& residual, std::vector<double>* history) const
{
    const int count = unknown_.unknown.area();
    result = Mat::zeros(unknown_.unknown, CV_64F);
    iterations = 0;
    residual = 0;
    if (history)
        history->clear();
    if (views_ == 0 || !(dataMax_ > 0))
        return; // no data, or data that is zero everywhere: the minimiser is 0

    // The solver works on data scaled to a maximum of 1 (b by 1/s, the squares by 1/s^2), so that the
    // lambdas mean the same whatever the scale of the scores; the solution is scaled back.
    const double s = dataMax_;
    const double n = views_;
    std::vector<double> b(b_);
    for (int i = 0; i < count; i++)
        b[i] /= s;
    const double squares = dataSquares_ / (s * s);
    const double energy = params_.lambdaEnergy * unknown_.scale.width * unknown_.scale.height;
    const double lambdaTV = params_.lambdaTV;
    const Gradient L(unknown_.unknown, unknown_.scale);

    // f(u) = (u'Qu - 2b'u + squares) / n + energy |u|^2, grad f = 2 (Qu - b) / n + 2 energy u.
    // Its Lipschitz constant is bounded by the largest row sum of Q (non-negative, symmetric).
    double rowMax = 0;
    std::vector<double> ones(count, 1.0), rowSums;
    applyQ(ones, rowSums);
    for (int i = 0; i < count; i++)
        rowMax = std::max(rowMax, rowSums[i]);
    const double lipschitz = 2 * rowMax / n + 2 * energy;
    const double normL2 = L.normSquaredBound();
    // Condat-Vu primal-dual steps: 1/tau - sigma |L|^2 >= lipschitz / 2 (with a margin).
    // sigma |L|^2 = lipschitz / 2 balances the two steps; on synthetic problems a tenth or ten times
    // that needed 1.5 to 5 times the iterations.
    const double sigma = lambdaTV > 0 ? lipschitz / (2 * normL2) : 0.0;
    const double tau = 0.99 / (lipschitz / 2 + sigma * normL2);

    // Start from the back-projection: each unknown the mean of the data of the cells that read it.
    std::vector<double> u(count, 0.0);
    for (int i = 0; i < count; i++)
        u[i] = rowSums[i] > 0 ? std::max(0.0, b[i] / rowSums[i]) : 0.0;

    std::vector<double> px(count, 0.0), py(count, 0.0), ltp(count, 0.0);
    std::vector<double> qu, grad(count), gx, gy, uNew(count), pxNew(count), pyNew(count), ltpNew, gradNew(count);
    std::vector<double> bx, by;
    const auto gradientAt = [&](const std::vector<double>& v, std::vector<double>& g, double& value) {
        applyQ(v, qu);
        for (int i = 0; i < count; i++)
            g[i] = 2 * (qu[i] - b[i]) / n + 2 * energy * v[i];
        value = (dot(v, qu) - 2 * dot(b, v) + squares) / n + energy * dot(v, v);
    };
    double smooth = 0;
    gradientAt(u, grad, smooth);
    L.apply(u, gx, gy);
    if (history)
        history->push_back(smooth + lambdaTV * totalVariation(gx, gy));
    const double floorScale = 1e-12 * (1 + 2 * norm2(b) / n);
    std::vector<double> primal(count), dualX(count), dualY(count), gxNew, gyNew;

    for (iterations = 1; iterations <= params_.maxIterations; iterations++)
    {
        // Primal: a projected gradient step on f plus the dual's pull, kept non-negative.
        for (int i = 0; i < count; i++)
            uNew[i] = std::max(0.0, u[i] - tau * (grad[i] + ltp[i]));
        // Dual: ascent on the extrapolated point, projected on the balls of radius lambdaTV.
        std::vector<double> bar(count);
        for (int i = 0; i < count; i++)
            bar[i] = 2 * uNew[i] - u[i];
        L.apply(bar, bx, by);
        for (int i = 0; i < count; i++)
        {
            const double ax = px[i] + sigma * bx[i], ay = py[i] + sigma * by[i];
            const double norm = std::sqrt(ax * ax + ay * ay);
            const double shrink = norm > lambdaTV ? lambdaTV / norm : 1.0;
            pxNew[i] = ax * shrink;
            pyNew[i] = ay * shrink;
        }
        L.applyTransposed(pxNew, pyNew, ltpNew);
        double smoothNew = 0;
        gradientAt(uNew, gradNew, smoothNew);
        L.apply(uNew, gxNew, gyNew);

        // Residuals of the optimality conditions at the new point (Goldstein et al.'s for
        // primal-dual splitting, with the smooth term's gradient difference):
        //   primal (u - u')/tau - grad f(u) + grad f(u') - L^T(p - p') in the subgradient at u'
        //   dual   (p - p')/sigma + L(u' - u)                     in the dual's subgradient at p'
        for (int i = 0; i < count; i++)
            primal[i] = (u[i] - uNew[i]) / tau - grad[i] + gradNew[i] - (ltp[i] - ltpNew[i]);
        double dualNorm = 0;
        if (sigma > 0)
        {
            for (int i = 0; i < count; i++)
            {
                dualX[i] = (px[i] - pxNew[i]) / sigma + gxNew[i] - gx[i];
                dualY[i] = (py[i] - pyNew[i]) / sigma + gyNew[i] - gy[i];
            }
            dualNorm = std::sqrt(dot(dualX, dualX) + dot(dualY, dualY));
        }
        const double primalScale = std::max(norm2(gradNew) + norm2(ltpNew), floorScale);
        const double dualScale = std::max(std::sqrt(dot(gxNew, gxNew) + dot(gyNew, gyNew)), floorScale);
        residual = norm2(primal) / primalScale + (sigma > 0 ? dualNorm / dualScale : 0.0);

        u.swap(uNew);
        px.swap(pxNew);
        py.swap(pyNew);
        ltp.swap(ltpNew);
        grad.swap(gradNew);
        gx.swap(gxNew);
        gy.swap(gyNew);
        if (history)
            history->push_back(smoothNew + lambdaTV * totalVariation(gx, gy));
        if (residual < params_.tolerance)
            break;
    }
    iterations = std::min(iterations, params_.maxIterations);
    for (int i = 0; i < count; i++)
        result.at<double>(i) = u[i] * s;
}

}}} // namespace cv::xai::detail
