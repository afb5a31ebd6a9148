// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_BATCH_SCORER_HPP
#define OPENCV_XAI_BATCH_SCORER_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

/** Runs the net on batches of one constant shape and returns the target layer's activations and
    the class scores of each image.

    dnn re-runs the whole net setup when the input shape or the requested outputs change, so every
    forward uses the same blob shape and asks for the same two outputs; a short last batch is
    padded. A net that refuses batches (an exception, or a score output without one row per image)
    is run one image at a time from then on, after one warning. */
class BatchScorer
{
public:
    typedef std::function<void()> ForwardHook;

    BatchScorer(const dnn::Net& net, const String& targetLayer, const String& scoreLayer,
                int batchSize, int channels, Size frame);

    int capacity() const { return blob_.size[0]; }

    //! Plane c of slot i of the input blob, to be filled by the caller.
    Mat plane(int slot, int c) { return Mat(frame_, CV_32F, blob_.ptr<float>(slot, c)); }

    int channels() const { return blob_.size[1]; }

    /** Runs the net on the first `used` slots.
        @param activations used x K x h x w activations of the target layer (not filled if null)
        @param scores used x C class scores, CV_32F */
    void run(int used, Mat* activations, Mat& scores);

    //! Called after every forward, for progress and cancellation.
    void setForwardHook(const ForwardHook& hook) { hook_ = hook; }

    //! True once the net refused a batch: the scorer then runs one image at a time for good.
    bool refusedBatches() const { return refused_; }

private:
    bool forwardBlob(const Mat& blob, int expectedRows, std::vector<Mat>& outs);
    void fallBackToSingleImages(const String& why);

    dnn::Net net_;
    std::vector<String> outputNames_;
    Size frame_;
    Mat blob_;
    bool refused_;
    ForwardHook hook_;
};

//! Class scores as a rows x C matrix, after checking they form one vector per image.
Mat scoresPerImage(const Mat& output, int rows);

}} // namespace cv::xai

#endif // OPENCV_XAI_BATCH_SCORER_HPP
