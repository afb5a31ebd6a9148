// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "input_geometry.hpp"

namespace cv {
namespace xai {

InputGeometry::InputGeometry(const ScoreCAM::Params& params)
    : requested_(params.inputSize), mean_(params.mean),
      swapRB_(params.swapRB), crop_(params.crop), cropFraction_(params.cropFraction)
{
    CV_CheckGE(requested_.width, 0, "Params::inputSize must not be negative");
    CV_CheckGE(requested_.height, 0, "Params::inputSize must not be negative");
    if ((requested_.width == 0) != (requested_.height == 0))
        CV_Error(Error::StsBadArg, "Params::inputSize must have both sides positive, or be empty to use the image size");
    if (params.scale == 0 || !std::isfinite(params.scale))
        CV_Error(Error::StsBadArg, "Params::scale must be a finite non-zero number");
    for (int c = 0; c < 4; c++)
    {
        scale_[c] = params.scale * params.channelScale[c];
        if (!std::isfinite(scale_[c]))
            CV_Error(Error::StsBadArg, cv::format("Params::channelScale[%d] is %g: finite factors are expected",
                                                  c, params.channelScale[c]));
    }
    if (!(cropFraction_ > 0 && cropFraction_ <= 1))
        CV_Error(Error::StsBadArg, cv::format("Params::cropFraction is %g: a share in (0, 1] is expected",
                                              cropFraction_));
}

Size InputGeometry::torchvisionResize(Size image) const
{
    // The side that decides the factor becomes round(side / cropFraction); the other is scaled by the
    // same ratio and truncated, as torchvision's int(new_short * long / short).
    const double fx = frame_.width / (cropFraction_ * image.width);
    const double fy = frame_.height / (cropFraction_ * image.height);
    Size resized;
    if (fx >= fy)
    {
        resized.width = cvRound(frame_.width / cropFraction_);
        resized.height = (int)std::floor((double)resized.width * image.height / image.width);
    }
    else
    {
        resized.height = cvRound(frame_.height / cropFraction_);
        resized.width = (int)std::floor((double)resized.height * image.width / image.height);
    }
    // A non-square input size can leave the truncated side a pixel short of the crop.
    return Size(std::max(resized.width, frame_.width), std::max(resized.height, frame_.height));
}

void checkImage(InputArray image, const char* function)
{
    const String prefix = function && *function ? String(function) + ": " : String();
    const _InputArray::KindFlag kind = image.kind();
    if (kind == _InputArray::STD_VECTOR_MAT || kind == _InputArray::STD_VECTOR_UMAT ||
        kind == _InputArray::STD_ARRAY_MAT || kind == _InputArray::STD_VECTOR_VECTOR ||
        kind == _InputArray::STD_VECTOR_CUDA_GPU_MAT)
        CV_Error(Error::StsBadArg, cv::format("%sthe image is a list of %d arrays: one image (a Mat or UMat) is expected",
                                              prefix.c_str(), (int)image.total(-1)));
    if (image.empty())
        CV_Error(Error::StsBadArg, prefix + "the image is empty: an 8-bit or 32-bit image with 1, 3 or 4 channels is "
                 "expected");
    const int depth = image.depth(), cn = image.channels();
    if (depth != CV_8U && depth != CV_32F)
        CV_Error(Error::StsUnsupportedFormat, cv::format(
            "%sunsupported image depth %s: CV_8U or CV_32F is expected", prefix.c_str(),
            typeToString(image.type()).c_str()));
    if (cn != 1 && cn != 3 && cn != 4)
        CV_Error(Error::StsUnsupportedFormat, cv::format(
            "%sunsupported number of image channels %d: 1, 3 or 4 is expected", prefix.c_str(), cn));
    if (image.dims() > 2)
        CV_Error(Error::StsBadArg, prefix + "the image must be a 2-D Mat");
}

Mat InputGeometry::toFrame(InputArray image)
{
    checkImage(image, "");

    // Resize before converting and in the same order and rounding as cv::dnn::blobFromImage, so that
    // the frame is the blob that function would give and the crop undone later is the crop done.
    Mat img = image.getMat();
    if (img.channels() == 4)
        cvtColor(img, img, COLOR_BGRA2BGR);
    image_ = img.size();
    frame_ = requested_.empty() ? image_ : requested_;
    resized_ = frame_;
    cropRect_ = Rect(Point(), frame_);
    // torchvision's resize and crop zoom in even when the image already has the input size.
    if (frame_ != image_ || (crop_ && cropFraction_ < 1))
    {
        if (crop_)
        {
            Point offset;
            if (cropFraction_ == 1)
            {
                // cv::dnn::blobFromImage: one factor for both sides, offsets rounded down.
                const float f = std::max(frame_.width / (float)image_.width, frame_.height / (float)image_.height);
                resize(img, img, Size(), f, f, INTER_LINEAR);
                resized_ = img.size();
                offset = Point((resized_.width - frame_.width) / 2, (resized_.height - frame_.height) / 2);
            }
            else
            {
                // torchvision's CenterCrop rounds the offsets half to even, as cvRound does.
                resized_ = torchvisionResize(image_);
                resize(img, img, resized_, 0, 0, INTER_LINEAR);
                offset = Point(cvRound((resized_.width - frame_.width) / 2.0),
                               cvRound((resized_.height - frame_.height) / 2.0));
            }
            cropRect_ = Rect(offset, frame_);
            img = img(cropRect_);
        }
        else
            resize(img, img, frame_, 0, 0, INTER_LINEAR);
    }
    // A Scalar of three factors leaves the fourth 0: only the channels the image has must be non-zero.
    for (int c = 0; c < img.channels(); c++)
        if (scale_[c] == 0)
            CV_Error(Error::StsBadArg, cv::format("Params::channelScale[%d] is 0 for a %d-channel image: non-zero "
                                                  "factors are expected (1 leaves the channel as Params::scale makes it)",
                                                  c, img.channels()));
    Mat frame;
    img.convertTo(frame, CV_32F);
    if (swapRB_ && frame.channels() == 3)
        cvtColor(frame, frame, COLOR_BGR2RGB);
    return frame;
}

void InputGeometry::normalize(const Mat& rawFrame, std::vector<Mat>& planes) const
{
    // Subtract, then scale, as cv::dnn::blobFromImage does: the same float rounding.
    split(rawFrame, planes);
    for (size_t c = 0; c < planes.size(); c++)
    {
        subtract(planes[c], Scalar(mean_[(int)c]), planes[c]);
        multiply(planes[c], Scalar(scale_[(int)c]), planes[c]);
        // Checked here, before the net: OpenCV 4.10's ReLU turns NaN into 0, so an overflow would
        // otherwise come back as a plausible-looking (empty) map instead of an error.
        if (!checkRange(planes[c]))
            CV_Error(Error::StsBadArg, cv::format("the normalised network input (pixel - mean) * scale is NaN or "
                     "infinite in channel %d: check the scale (%g) and the mean (%g)", (int)c, scale_[(int)c],
                     mean_[(int)c]));
    }
}

void InputGeometry::toImage(const Mat& frameMap, Mat& imageMap) const
{
    CV_Assert(frameMap.type() == CV_32FC1 && frameMap.size() == frame_);
    Mat resizedMap;
    if (cropRect_.size() == resized_)
        resizedMap = frameMap;
    else
    {
        // The image outside the crop never reached the network: it gets no saliency.
        resizedMap = Mat::zeros(resized_, CV_32F);
        frameMap.copyTo(resizedMap(cropRect_));
    }
    if (resized_ == image_)
        resizedMap.copyTo(imageMap);
    else
        resize(resizedMap, imageMap, image_, 0, 0, INTER_LINEAR);
}

}} // namespace cv::xai
