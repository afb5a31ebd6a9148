// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "batch_scorer.hpp"
#include "warnings.hpp"

namespace cv {
namespace xai {

static Mat allocateBlob(int batch, int channels, Size frame)
{
    const int sz[] = { batch, channels, frame.height, frame.width };
    return Mat(4, sz, CV_32F, Scalar::all(0));
}

BatchScorer::BatchScorer(const dnn::Net& net, const String& targetLayer, const String& scoreLayer,
                         int batchSize, int channels, Size frame)
    : net_(net), frame_(frame), refused_(false)
{
    CV_CheckGE(batchSize, 1, "Params::batchSize must be at least 1");
    outputNames_.push_back(targetLayer);
    outputNames_.push_back(scoreLayer);
    blob_ = allocateBlob(batchSize, channels, frame);
}

static String shapeToString(const Mat& m)
{
    String s = "[";
    for (int i = 0; i < m.dims; i++)
        s += (i ? " x " : "") + cv::format("%d", m.size[i]);
    return s + "]";
}

//! Images first to first+count of a blob (a view, not a copy).
static Mat imageRange(const Mat& blob, int first, int count)
{
    std::vector<Range> ranges(blob.dims, Range::all());
    ranges[0] = Range(first, first + count);
    return blob(ranges);
}

Mat scoresPerImage(const Mat& output, int rows)
{
    // N x C, or N x C x 1 x 1 as a 1x1 convolution classifier gives.
    bool vector = output.dims >= 2;
    for (int d = 2; d < output.dims; d++)
        vector = vector && output.size[d] == 1;
    if (!vector)
        CV_Error(Error::StsBadArg, "the score output of shape " + shapeToString(output) + " is not a vector per "
                 "image (N x C or N x C x 1 x 1 is expected); set Params::scoreLayer to the layer with the class scores");
    if (output.size[0] != rows)
        return Mat();
    return output.reshape(1, rows);
}

bool BatchScorer::forwardBlob(const Mat& blob, int expectedRows, std::vector<Mat>& outs)
{
    net_.setInput(blob);
    net_.forward(outs, outputNames_);
    return outs.size() == 2 && outs[1].dims >= 2 && outs[1].size[0] == expectedRows;
}

void BatchScorer::fallBackToSingleImages(const String& why)
{
    warn(cv::format("the net does not run batches of %d images (", capacity()) + why +
         "); scoring one image per forward from now on");
    blob_ = allocateBlob(1, channels(), frame_);
    refused_ = true;
}

void BatchScorer::run(int used, Mat* activations, Mat& scores)
{
    CV_Assert(used >= 1 && used <= capacity());
    std::vector<Mat> outs;
    String failure;
    bool accepted = false;
    try
    {
        accepted = forwardBlob(blob_, capacity(), outs);
    }
    catch (const cv::Exception& e)
    {
        if (capacity() == 1)
            throw;
        failure = e.msg;
    }
    // The hook may cancel by throwing: outside the try, so a cancellation is not taken for a refused batch.
    if (hook_)
        hook_();
    if (accepted)
    {
        scores = scoresPerImage(outs[1], capacity()).rowRange(0, used).clone();
        if (!checkRange(scores))
            CV_Error(Error::StsBadArg, "the net produced NaN or infinite class scores; check the model and the "
                     "input normalisation (Params::scale, Params::mean)");
        if (activations)
        {
            *activations = imageRange(outs[0], 0, used).clone();
            if (!checkRange(*activations))
                CV_Error(Error::StsBadArg, "the target layer '" + outputNames_[0] + "' produced NaN or infinite "
                         "activations; check the model and the input normalisation (Params::scale, Params::mean)");
        }
        return;
    }
    if (failure.empty())
        failure = "its score output of shape " + shapeToString(outs.size() > 1 ? outs[1] : Mat()) +
                  " has no row per image";
    if (capacity() == 1)
        CV_Error(Error::StsBadArg, "the score output does not have one row for the single input image (" + failure +
                 "); set Params::scoreLayer to the layer with the class scores");

    // Keep the filled slots, then score them one by one.
    const Mat batch = blob_;
    fallBackToSingleImages(failure);
    scores.release();
    for (int i = 0; i < used; i++)
    {
        imageRange(batch, i, 1).copyTo(blob_);
        Mat s, a;
        run(1, activations ? &a : NULL, s);
        if (i == 0)
        {
            scores.create(used, s.cols, CV_32F);
            if (activations)
            {
                std::vector<int> shape(a.size.p, a.size.p + a.dims);
                shape[0] = used;
                activations->create((int)shape.size(), &shape[0], CV_32F);
            }
        }
        s.copyTo(scores.row(i));
        if (activations)
            a.copyTo(imageRange(*activations, i, 1));
    }
}

}} // namespace cv::xai
