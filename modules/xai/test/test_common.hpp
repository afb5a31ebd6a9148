// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_TEST_COMMON_HPP
#define OPENCV_XAI_TEST_COMMON_HPP

#include "test_precomp.hpp"

/** Skips the current test and says why, in both harnesses: GTEST_SKIP() in the standalone build,
    opencv_ts's SkipTestException in-tree. Call it in the test body itself (GTEST_SKIP returns from
    the function it is in). */
#ifdef XAI_STANDALONE_TESTS
#define XAI_SKIP_TEST(why) GTEST_SKIP() << (why)
#else
#define XAI_SKIP_TEST(why) throw ::cvtest::SkipTestException(why)
#endif

namespace opencv_test {
namespace xai_test {

using namespace cv;

//! Shape of the tiny test nets: conv (kernel = stride) -> ReLU -> global average -> fully connected.
struct TinyNetSpec
{
    int inputChannels = 3;
    int channels = 6;           //!< K, channels of the target layer
    int stride = 4;             //!< the conv's kernel and stride
    int classes = 5;
    bool softmax = false;       //!< end in a Softmax layer
    int constantChannel = -1;   //!< this channel's filter is zero, so its activation is constant
    uint64 seed = 1;
    bool flattenToOneRow = false; //!< reshape scores to 1 x (N*C): a net that refuses batches
    double headScale = 1;       //!< multiplies the fully connected weights and bias
};

//! A small classifier built with Net::addLayerToPrev; the same spec gives the same weights.
dnn::Net makeTinyNet(const TinyNetSpec& spec);

/** Appends the usual classifier head: global average pooling ("pool"), then a fully connected
    layer ("fc") with `weights` (classes x channels) and `bias` (1 x classes; empty: none). */
void addClassifierHead(dnn::Net& net, const Mat& weights, const Mat& bias);

//! Default parameters with the given network input: size, scale and mean.
xai::ScoreCAM::Params inputParams(Size size, double scale, const Scalar& mean);

//! The tiny nets' preprocessing: 32x24 input, scale 1/255, a mean per channel; layers automatic.
inline xai::ScoreCAM::Params tinyParams() { return inputParams(Size(32, 24), 1.0 / 255, Scalar(10, 20, 30)); }

//! Name of the tiny net's target (ReLU) layer and score layer.
inline String tinyTargetLayer() { return "relu1"; }

//! Pearson correlation of two maps of the same size.
double pearson(const Mat& a, const Mat& b);

//! Largest absolute difference between two arrays.
inline double maxAbsDiff(InputArray a, InputArray b) { return cv::norm(a, b, NORM_INF); }

//! A random 8-bit BGR image.
Mat randomImage(Size size, uint64 seed);

struct ReferenceOptions
{
    Size inputSize;
    double scale = 1.0;
    Scalar mean;
    String targetLayer;
    String scoreLayer;
    bool probabilities = false;   //!< the score output is a softmax already
    xai::LayerGeometry geometry;  //!< where the cells lie; invalid: cv::resize's convention
};

/** Score-CAM written plainly from the paper, for comparison: one forward per channel, every channel
    upsampled separately, probability weights. Returns the map at the image size in [0, 1] and the
    weights (one per channel). */
Mat referenceScoreCAM(dnn::Net net, const Mat& image, int classId, const ReferenceOptions& options,
                      std::vector<float>* weights = NULL);

//! Runs f and checks that it throws a cv::Exception whose message contains the expected words.
template <typename F>
void expectError(F f, const std::string& words)
{
    try
    {
        f();
        ADD_FAILURE() << "no exception; expected one saying '" << words << "'";
    }
    catch (const cv::Exception& e)
    {
        EXPECT_NE(std::string::npos, e.msg.find(words)) << "message: " << e.msg;
    }
}

//! Path of a file of the project's data (samples/data), or empty when the data is not available.
String findXaiData(const String& name);

//! Path of one of the module's own test nets (modules/xai/testdata, made by tools/datagen/make_test_nets.py).
String moduleTestData(const String& name);

/** True when this OpenCV has the CUDA DNN backend and a CUDA device can be used; otherwise false,
    with the reason in `why`. */
bool haveCudaDevice(std::string* why = NULL);

}} // namespace opencv_test::xai_test

#endif // OPENCV_XAI_TEST_COMMON_HPP
