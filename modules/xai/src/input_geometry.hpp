// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_INPUT_GEOMETRY_HPP
#define OPENCV_XAI_INPUT_GEOMETRY_HPP

#include "precomp.hpp"

namespace cv {
namespace xai {

/** Throws unless `image` is one 2-D CV_8U or CV_32F image of 1, 3 or 4 channels, the images the
    explainers and the metrics take; `function` prefixes the message ("deletionCurve"), or nothing
    when empty. A list of images is refused before OpenCV's own accessors assert on it. */
void checkImage(InputArray image, const char* function);

/** Brings an image into the network frame the way cv::dnn::blobFromImage does (resize or
    resize-and-crop, channel swap, mean, scale), and brings maps computed in that frame back to the
    image, undoing the resize and the crop. */
class InputGeometry
{
public:
    explicit InputGeometry(const ScoreCAM::Params& params);

    /** Checks the image and returns it in the network frame, still in raw pixel values:
        CV_32F with the image's channel count (alpha dropped), channels swapped if asked. */
    Mat toFrame(InputArray image);

    //! Normalised network input of a raw frame: (raw - mean) * scale, one plane per channel.
    void normalize(const Mat& rawFrame, std::vector<Mat>& planes) const;

    //! Raw frame pixel value that normalises to zero: the mean colour.
    Scalar neutralValue() const { return mean_; }

    //! Maps a CV_32FC1 map of the last frame back to the original image.
    void toImage(const Mat& frameMap, Mat& imageMap) const;

    Size frameSize() const { return frame_; }
    //! Factor of each channel after mean subtraction: Params::scale times Params::channelScale.
    const Scalar& scale() const { return scale_; }
    const Scalar& mean() const { return mean_; }

private:
    //! Size torchvision's Resize gives before a centre crop of cropFraction_ (frame_ must be set).
    Size torchvisionResize(Size image) const;

    Size requested_;
    Scalar scale_;
    Scalar mean_;
    bool swapRB_;
    bool crop_;
    double cropFraction_;

    // Geometry of the last image, to undo it.
    Size image_;
    Size frame_;
    Size resized_;  // image size after resizing, before the centre crop
    Rect cropRect_; // the frame inside the resized image
};

}} // namespace cv::xai

#endif // OPENCV_XAI_INPUT_GEOMETRY_HPP
