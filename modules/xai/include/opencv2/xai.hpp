// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_HPP
#define OPENCV_XAI_HPP

#include "opencv2/xai/layer_geometry.hpp"
#include "opencv2/xai/score_cam.hpp"
#include "opencv2/xai/augmentation.hpp"
#include "opencv2/xai/fusion.hpp"
#include "opencv2/xai/augmented_score_cam.hpp"
#include "opencv2/xai/metrics.hpp"

/**
@defgroup xai Explainable AI: class activation maps for cv::dnn classifiers

This module explains what an image classifier loaded with cv::dnn looks at, without gradients.

- cv::xai::ScoreCAM computes Score-CAM @cite wang2020score: every channel of a spatial layer, upsampled
  and normalised, masks the input, and the class score of each masked input weights the channel.
  Faster Score-CAM's channel pruning is available through ScoreCAM::Params::maxChannels.
- cv::xai::AugmentedScoreCAM computes Augmented Score-CAM @cite ibrahim2022augmented: Score-CAM on
  many rotated and shifted views of the image, each mapped back by the inverse warp and fused
  (mean or maximum, in the spirit of Augmented Grad-CAM @cite morbidelli2020augmented), for maps
  sharper than the target layer's stride allows.

Typical use:
@code
    cv::dnn::Net net = cv::dnn::readNet("classifier.onnx");
    cv::xai::AugmentedScoreCAM::Params params;
    params.scoreCam.inputSize = cv::Size(224, 224);
    params.scoreCam.scale = 1.0 / 255;
    cv::Ptr<cv::xai::AugmentedScoreCAM> cam = cv::xai::AugmentedScoreCAM::create(net, params);
    cv::Mat saliency;                      // CV_32F, image size, [0, 1]
    cam->compute(image, -1, saliency);     // -1: explain the top-1 class
@endcode

Both classes read the image like cv::dnn::Model::setInputParams (size, scale, mean, swapRB, crop)
and give maps at the original image size.
*/

#endif // OPENCV_XAI_HPP
