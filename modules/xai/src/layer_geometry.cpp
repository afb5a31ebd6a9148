// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "net_setup.hpp"

#include <map>

#include "opencv2/dnn/all_layers.hpp"

namespace cv {
namespace xai {

LayerGeometry::LayerGeometry() : stride(0, 0), offset(0, 0), fromLayers(false) {}

bool LayerGeometry::isValid() const
{
    return stride.x > 0 && stride.y > 0;
}

static bool isWhole(double v)
{
    return v == std::floor(v);
}

bool LayerGeometry::isWholePixel() const
{
    return isValid() && isWhole(stride.x) && isWhole(stride.y) && isWhole(offset.x) && isWhole(offset.y);
}

LayerGeometry resizeGeometry(Size frame, Size grid)
{
    CV_Assert(frame.width > 0 && frame.height > 0 && grid.width > 0 && grid.height > 0);
    LayerGeometry g;
    g.stride = Point2d(frame.width / (double)grid.width, frame.height / (double)grid.height);
    g.offset = Point2d((g.stride.x - 1) * 0.5, (g.stride.y - 1) * 0.5);
    g.fromLayers = false;
    return g;
}

namespace {

//! Geometry of one blob on the way: a grid of cells, or a spatially global value (1 x 1 after global pooling).
struct Placement
{
    Placement() : known(false), global(false), stride(1, 1), offset(0, 0) {}
    bool known, global;
    Point2d stride, offset;
};

class GeometryWalk : public LayerWalk<Placement, GeometryWalk>
{
public:
    explicit GeometryWalk(const dnn::Net& net) : net_(net) {}

    Placement compute(int id, int depth)
    {
        Placement p;
        if (id == 0) // the net's input: cells are pixels
        {
            p.known = true;
            return p;
        }
        const Ptr<dnn::Layer> layer = net_.getLayer(id);
        const std::vector<Ptr<dnn::Layer> > inputs = net_.getLayerInputs(id);
        if (layer.empty() || inputs.empty())
            return p;

        // Every input that is a grid must be the same grid; global values (a squeeze-and-excitation
        // scale) broadcast over it.
        Placement in;
        bool anyGrid = false;
        for (size_t i = 0; i < inputs.size(); i++)
        {
            const Placement q = of(net_.getLayerId(inputs[i]->name), depth + 1);
            if (!q.known)
                return p;
            if (q.global)
                continue;
            if (anyGrid && (std::abs(q.stride.x - in.stride.x) > 1e-9 || std::abs(q.stride.y - in.stride.y) > 1e-9 ||
                            std::abs(q.offset.x - in.offset.x) > 1e-9 || std::abs(q.offset.y - in.offset.y) > 1e-9))
                return p; // the paths disagree
            in = q;
            anyGrid = true;
        }
        if (!anyGrid)
        {
            p.known = p.global = true;
            return p;
        }
        if (isGlobalPooling(layer))
        {
            p.known = p.global = true;
            return p;
        }
        if (keepsCells(layer))
            return in;
        std::vector<size_t> kernel, dilation, padBegin, padEnd, strides;
        if (!windowOf(layer, kernel, dilation, padBegin, padEnd, &strides))
            return p;
        // Output cell r of a window is centred on input cell t r - p + d (k - 1) / 2.
        const double cx = (dilation.empty() ? 1.0 : (double)dilation[1]) * ((double)kernel[1] - 1) / 2 - (double)padBegin[1];
        const double cy = (dilation.empty() ? 1.0 : (double)dilation[0]) * ((double)kernel[0] - 1) / 2 - (double)padBegin[0];
        p.known = true;
        p.offset = Point2d(in.offset.x + in.stride.x * cx, in.offset.y + in.stride.y * cy);
        p.stride = Point2d(in.stride.x * (double)strides[1], in.stride.y * (double)strides[0]);
        return p;
    }

private:
    const dnn::Net& net_;
};

} // namespace

bool findLayerGeometry(const dnn::Net& net, const String& layer, LayerGeometry& geometry)
{
    const int id = net.getLayerId(layer);
    if (id < 0)
        CV_Error(Error::StsObjectNotFound, cv::format("findLayerGeometry: the net has no layer '%s'", layer.c_str()));
    GeometryWalk walk(net);
    const Placement p = walk.of(id, 0);
    if (!p.known || p.global)
        return false;
    geometry.stride = p.stride;
    geometry.offset = p.offset;
    geometry.fromLayers = true;
    return true;
}

static Mat shiftedBlob(const Mat& blob, int dx, int dy)
{
    // Content moves by (dx, dy); what comes in is 0, the neutral value of a normalised input.
    Mat out(blob.dims, blob.size.p, CV_32F, Scalar::all(0));
    const int H = blob.size[2], W = blob.size[3];
    for (int c = 0; c < blob.size[1]; c++)
    {
        const Mat src(H, W, CV_32F, (void*)blob.ptr<float>(0, c));
        Mat dst(H, W, CV_32F, out.ptr<float>(0, c));
        const Rect from(std::max(0, -dx), std::max(0, -dy), W - std::abs(dx), H - std::abs(dy));
        const Rect to(std::max(0, dx), std::max(0, dy), from.width, from.height);
        if (from.width > 0 && from.height > 0)
            src(from).copyTo(dst(to));
    }
    return out;
}

//! Mean absolute difference between a's cells and b's cells one further along the axis, over the central half.
static double oneCellMismatch(const Mat& a, const Mat& b, bool alongX)
{
    const int K = a.size[1], h = a.size[2], w = a.size[3];
    const int n = alongX ? w : h;
    const int lo = n / 4, hi = std::max(lo + 1, 3 * n / 4);
    double diff = 0, mag = 0;
    for (int k = 0; k < K; k++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                const int along = alongX ? x : y;
                if (along < lo || along >= hi || along + 1 >= n)
                    continue;
                const float va = a.ptr<float>(0, k)[y * w + x];
                const float vb = b.ptr<float>(0, k)[alongX ? y * w + x + 1 : (y + 1) * w + x];
                diff += std::abs(va - vb);
                mag += std::abs(va);
            }
    return mag > 0 ? diff / mag : 0.0;
}

Point measureLayerStride(dnn::Net net, const String& layer, InputArray blob_, int maxStride)
{
    CV_CheckGE(maxStride, 1, "measureLayerStride: maxStride must be at least 1");
    const Mat blob = blob_.getMat();
    if (blob.dims != 4 || blob.size[0] != 1 || blob.depth() != CV_32F)
        CV_Error(Error::StsBadArg, "measureLayerStride: a 1 x C x H x W CV_32F blob is expected");
    net.setInput(blob);
    const Mat base = net.forward(layer).clone();
    if (base.dims != 4 || base.size[2] < 2 || base.size[3] < 2)
        CV_Error(Error::StsBadArg, "measureLayerStride: the layer's output must be a grid of at least 2 x 2 cells");
    Point stride(0, 0);
    for (int axis = 0; axis < 2; axis++)
    {
        const bool alongX = axis == 0;
        const int limit = std::min(maxStride, (alongX ? blob.size[3] : blob.size[2]) - 1);
        std::vector<double> mismatch;
        for (int d = 1; d <= limit; d++)
        {
            net.setInput(shiftedBlob(blob, alongX ? d : 0, alongX ? 0 : d));
            mismatch.push_back(oneCellMismatch(base, net.forward(layer), alongX));
        }
        if (mismatch.empty())
            continue;
        // The true stride stands out: its shift moves the interior by exactly one cell, up to the
        // edges' influence; every other shift resamples the content.
        std::vector<double> sorted = mismatch;
        std::sort(sorted.begin(), sorted.end());
        const size_t best = std::min_element(mismatch.begin(), mismatch.end()) - mismatch.begin();
        const double median = sorted[sorted.size() / 2];
        if (mismatch.size() >= 3 && mismatch[best] < 0.25 * median)
            (alongX ? stride.x : stride.y) = (int)best + 1;
    }
    return stride;
}

//! Bilinear taps along one axis: frame pixel x reads cells (x - o) / s, held constant beyond the ends.
static void axisTaps(int frame, int cells, double stride, double offset, std::vector<int>& i0, std::vector<float>& w1)
{
    i0.resize(frame);
    w1.resize(frame);
    for (int x = 0; x < frame; x++)
    {
        const double u = std::min(std::max((x - offset) / stride, 0.0), (double)(cells - 1));
        const int i = std::min((int)u, std::max(cells - 2, 0));
        i0[x] = i;
        w1[x] = cells > 1 ? (float)(u - i) : 0.f;
    }
}

void upsampleToFrame(InputArray lowRes_, const LayerGeometry& geometry, Size frame, OutputArray map_)
{
    CV_CheckTypeEQ(lowRes_.type(), CV_32FC1, "upsampleToFrame: a CV_32FC1 map is expected");
    CV_Assert(geometry.isValid() && frame.width > 0 && frame.height > 0);
    const Mat lowRes = lowRes_.getMat();
    CV_Assert(!lowRes.empty());
    const LayerGeometry classic = resizeGeometry(frame, lowRes.size());
    if (!geometry.fromLayers || (std::abs(geometry.stride.x - classic.stride.x) < 1e-9 &&
                                 std::abs(geometry.stride.y - classic.stride.y) < 1e-9 &&
                                 std::abs(geometry.offset.x - classic.offset.x) < 1e-9 &&
                                 std::abs(geometry.offset.y - classic.offset.y) < 1e-9))
    {
        // The resize convention: cv::resize itself, so that classic Score-CAM stays bit for bit.
        resize(lowRes, map_, frame, 0, 0, INTER_LINEAR);
        return;
    }
    std::vector<int> ix, iy;
    std::vector<float> wx, wy;
    axisTaps(frame.width, lowRes.cols, geometry.stride.x, geometry.offset.x, ix, wx);
    axisTaps(frame.height, lowRes.rows, geometry.stride.y, geometry.offset.y, iy, wy);
    // Rows first (h x W), then columns: separable, as the bilinear surface is.
    Mat rows(lowRes.rows, frame.width, CV_32F);
    for (int r = 0; r < lowRes.rows; r++)
    {
        const float* src = lowRes.ptr<float>(r);
        float* dst = rows.ptr<float>(r);
        for (int x = 0; x < frame.width; x++)
        {
            const int i = ix[x];
            dst[x] = wx[x] > 0 ? src[i] + wx[x] * (src[i + 1] - src[i]) : src[i];
        }
    }
    map_.create(frame, CV_32F);
    Mat map = map_.getMat();
    for (int y = 0; y < frame.height; y++)
    {
        const float* a = rows.ptr<float>(iy[y]);
        const float* b = wy[y] > 0 ? rows.ptr<float>(iy[y] + 1) : a;
        const float t = wy[y];
        float* dst = map.ptr<float>(y);
        for (int x = 0; x < frame.width; x++)
            dst[x] = a[x] + t * (b[x] - a[x]);
    }
}

}} // namespace cv::xai
