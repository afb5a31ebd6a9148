// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_NET_SETUP_HPP
#define OPENCV_XAI_NET_SETUP_HPP

#include "precomp.hpp"

#include <map>

namespace cv {
namespace xai {

/** Applies a requested backend and target to the net, falling back to the CPU (with one warning)
    when CUDA is asked for but OpenCV has no CUDA support or no device. -1 for both leaves the net
    alone. Returns the pair in effect through the arguments. */
void applyBackend(dnn::Net& net, int& backend, int& target);

//! Layers that compute each output cell from the same cell of their inputs (activations, sums, ...).
bool keepsCells(const Ptr<dnn::Layer>& layer);

//! A pooling layer over the whole of at least one axis.
bool isGlobalPooling(const Ptr<dnn::Layer>& layer);

/** The 2-D window of a convolution or pooling layer with explicit (or "VALID") padding: kernel,
    dilation (empty for pooling), leading and trailing padding, and the strides if asked; false for
    any other layer, global pooling and "SAME" padding. */
bool windowOf(const Ptr<dnn::Layer>& layer, std::vector<size_t>& kernel, std::vector<size_t>& dilation,
              std::vector<size_t>& padBegin, std::vector<size_t>& padEnd, std::vector<size_t>* strides = NULL);

/** Throws unless every convolution and pooling window fits its padded input for an input of this
    N x C x H x W shape: OpenCV 4.6 runs a window larger than its input (a 1-pixel-wide image through
    a 6x6 convolution) into an allocation of exabytes or a loop of hours instead of an error, and
    fails a pooling window larger than its input in its shape inference, with its internals in the
    message. Sizes are followed from the layers' parameters first, so that OpenCV's shape inference
    (and its [ERROR] log lines) is not reached for such an input. Every first forward at a new shape
    calls it (probeNet, the metrics' scorer). */
void checkWindowsFit(const dnn::Net& net, const std::vector<int>& shape);

//! What a probe forward of one input shape tells about the net.
struct NetProbe
{
    String targetLayer; //!< the explained layer, resolved
    int channels;       //!< K, channels of its output
    Size grid;          //!< w x h, the spatial size of its output
    Mat scores;         //!< 1 x C scores of the score layer for the probe input (empty if none was asked)
};

/** Runs the net once on a pseudo-random input of the given shape (N = 1) and resolves the target
    layer from the outputs it really produced: shape inference is not trusted (it reports wrong
    sizes for pooling and for nets with dynamic height and width).
    @param requestedTarget the requested target layer, or empty for the last layer, in the net's
    order, whose output is 4-D with a spatial size above 1x1 and is not a (reshaped) copy of the input
    @param scoreLayer a layer whose scores to return too, or empty */
NetProbe probeNet(dnn::Net& net, const String& requestedTarget, const String& scoreLayer,
                  const std::vector<int>& inputShape);

//! The score layer: the requested one after checking it exists, or the net's first output.
String resolveScoreLayer(const dnn::Net& net, const String& requested);

/** Whether the score layer gives probabilities (then no softmax over classes is ever applied).
    SCORE_AUTO follows pass-through layers (Identity, Flatten, Reshape, ...) back from the score
    layer to the layer that produced the scores, as an ONNX graph ending in Softmax imports as a
    Softmax followed by an Identity, and checks the decision on a row of real scores (probabilities
    are non-negative and sum to 1), with a warning where the graph and the numbers disagree.
    @param scores one row of the score layer's output */
bool readsProbabilities(const dnn::Net& net, const String& scoreLayer, int scoreType, const Mat& scores);

/** A walk from the net's input to its layers that computes a Value per layer from its inputs' (the
    cells' geometry, the blobs' extent) once each: of(id, depth) calls Derived::compute(id, depth)
    the first time, which calls of() on the layer's inputs with depth + 1. */
template <typename Value, typename Derived>
class LayerWalk
{
public:
    Value of(int id, int depth)
    {
        typename std::map<int, Value>::const_iterator found = memo_.find(id);
        if (found != memo_.end())
            return found->second;
        Value v;
        if (depth < 4096) // deeper than any real net: a cycle or a pathological graph gives up
            v = static_cast<Derived*>(this)->compute(id, depth);
        memo_[id] = v;
        return v;
    }

private:
    std::map<int, Value> memo_;
};

}} // namespace cv::xai

#endif // OPENCV_XAI_NET_SETUP_HPP
