// This file is part of the cv::xai module.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The bundled real ImageNet classifier (samples/data/squeezenet1.1) on a bundled photo: its top-1
// class, and its Score-CAM map against a committed reference, so that a change in the library, in
// the preprocessing or in OpenCV's dnn that moves the map is seen on a real model, not only on the
// synthetic ones.
//
// XAI_REGENERATE_REFERENCE=1 rewrites the reference instead of comparing (after an intended change;
// look at the map before committing it).

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/xai.hpp>

#include <cstdlib>
#include <string>

namespace opencv_test { namespace {

const std::string kData = XAI_SAMPLES_DATA_DIR;
const std::string kModel = kData + "/squeezenet1.1/squeezenet1.1.onnx";
const std::string kPhoto = kData + "/photos/squirrel_cls.jpg";
const std::string kReference = std::string(XAI_TEST_DATA_DIR) + "/real/squirrel_cls_335_scorecam.png";
const int kFoxSquirrel = 335;

/** Every parameter the map depends on, spelt out rather than left to the defaults: a change of a
    library default must not move the reference unnoticed (regenerate it on purpose instead). */
cv::xai::ScoreCAM::Params squeezeNetParams()
{
    cv::xai::ScoreCAM::Params p;
    // squeezenet1.1.yml: torchvision's evaluation transform.
    p.inputSize = cv::Size(224, 224);
    p.crop = true;
    p.cropFraction = 0.875;
    p.swapRB = true;
    p.scale = 1.0 / 255;
    p.mean = cv::Scalar(123.675, 116.28, 103.53);
    p.channelScale = cv::Scalar(1 / 0.229, 1 / 0.224, 1 / 0.225, 1);
    p.targetLayer = "onnx_node!squeezenet0_concat7";
    p.scoreType = cv::xai::SCORE_LOGITS;
    p.weightMode = cv::xai::WEIGHT_PROBABILITY;
    p.combination = cv::xai::COMBINE_SUM;
    p.maskSpace = cv::xai::MASK_NORMALIZED_INPUT;
    p.upsampling = cv::xai::UPSAMPLE_LAYER_GEOMETRY;
    p.skipSpreadFraction = 0;
    // The 64 most varied of 512 channels: 4 masked forwards instead of 32 (2 s instead of 8 on two
    // cores). The test is about the numbers staying put, which any fixed channel count shows.
    p.maxChannels = 64;
    p.batchSize = 16;
    return p;
}

double pearson(const cv::Mat& a, const cv::Mat& b)
{
    cv::Mat ca = a - cv::mean(a)[0], cb = b - cv::mean(b)[0];
    return ca.dot(cb) / std::sqrt(ca.dot(ca) * cb.dot(cb));
}

TEST(XAI_RealModel, squeezenet_explains_the_squirrel_as_its_reference)
{
    cv::dnn::Net net = cv::dnn::readNet(kModel);
    const cv::Mat photo = cv::imread(kPhoto);
    ASSERT_FALSE(photo.empty()) << kPhoto;
    cv::Ptr<cv::xai::ScoreCAM> cam = cv::xai::ScoreCAM::create(net, squeezeNetParams());
    cv::Mat map;
    cam->compute(photo, -1, map);

    ASSERT_EQ(cam->getClassIds(), std::vector<int>{kFoxSquirrel});
    cv::Mat probabilities;
    cam->getScores(probabilities, true);
    // Measured 0.731 on OpenCV 4.6: confident, as torchvision's own transform makes it.
    EXPECT_GT(probabilities.at<float>(kFoxSquirrel), 0.6);
    ASSERT_EQ(map.size(), photo.size());
    ASSERT_EQ(map.type(), CV_32FC1);

    const char* regenerate = std::getenv("XAI_REGENERATE_REFERENCE");
    if (regenerate && std::string(regenerate) == "1")
    {
        cv::Mat map16;
        map.convertTo(map16, CV_16U, 65535.0);
        ASSERT_TRUE(cv::imwrite(kReference, map16)) << kReference;
        GTEST_SKIP() << "wrote " << kReference;
    }
    const cv::Mat reference16 = cv::imread(kReference, cv::IMREAD_UNCHANGED);
    ASSERT_EQ(reference16.type(), CV_16UC1) << kReference;
    cv::Mat reference;
    reference16.convertTo(reference, CV_32F, 1.0 / 65535);
    ASSERT_EQ(reference.size(), map.size());

    // Measured on OpenCV 4.6 with 1, 2 and 3 threads: max |difference| 7.6e-6 (the reference's 16-bit
    // rounding) and r = 1. The margins leave room for another OpenCV's arithmetic (not yet measured
    // on 4.10), not for a map that moved.
    double maxDiff = 0;
    cv::minMaxLoc(cv::abs(map - reference), nullptr, &maxDiff);
    EXPECT_LT(maxDiff, 0.01);
    EXPECT_GT(pearson(map, reference), 0.999);
}

}} // namespace opencv_test::<anonymous>
