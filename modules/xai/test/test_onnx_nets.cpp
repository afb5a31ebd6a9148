// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Nets exported the way users export them (torch.onnx.export with a dynamic batch axis; see
// tools/datagen/make_test_nets.py): what cv::dnn makes of their graphs is what the module must read.

#include "test_precomp.hpp"
#include "test_common.hpp"

namespace opencv_test { namespace {

using namespace xai_test;

dnn::Net readTestNet(const char* name)
{
    return dnn::readNet(moduleTestData(name));
}

/** dynamic_hw.onnx (dynamic height and width), or empty with the reason when this OpenCV cannot
    import it: 4.10's Gemm importer checks the flattened size, which its shape inference makes 0
    from the unknown height and width ("Invalid dimension of dim K"); 4.6 imports it. */
dnn::Net readDynamicNet(std::string& why)
{
    try
    {
        return readTestNet("dynamic_hw.onnx");
    }
    catch (const cv::Exception& e)
    {
        why = "OpenCV " CV_VERSION " cannot import dynamic_hw.onnx: " + e.err;
        return dnn::Net();
    }
}

xai::ScoreCAM::Params onnxParams()
{
    return inputParams(Size(32, 32), 1.0 / 64, Scalar(128, 128, 128));
}

TEST(XAI_ScoreType, onnx_softmax_under_any_name_is_read_as_probabilities)
{
    // The softmax nets share their weights with logits.onnx: read correctly, their scores are the
    // softmax of its logits and every map is the map of the logits net. Read as logits (a second
    // softmax), the weights of the channels flatten out and the maps of different classes merge.
    const Mat image = randomImage(Size(40, 36), 5);
    const xai::ScoreCAM::Params p = onnxParams();
    Ptr<xai::ScoreCAM> reference = xai::ScoreCAM::create(readTestNet("logits.onnx"), p);
    std::vector<Mat> expected;
    reference->compute(image, std::vector<int>{ 0, 3 }, expected);
    Mat expectedProbabilities;
    reference->getScores(expectedProbabilities, true);
    ASSERT_LT(pearson(expected[0], expected[1]), 0.95) << "the two classes should be explained differently";

    for (const char* name : { "softmax_prob.onnx", "softmax_top_level.onnx", "softmax_reshaped.onnx" })
    {
        Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(readTestNet(name), p);
        std::vector<Mat> maps;
        cam->compute(image, std::vector<int>{ 0, 3 }, maps);
        Mat asGiven, asProbabilities;
        cam->getScores(asGiven, false);
        cam->getScores(asProbabilities, true);
        EXPECT_LE(maxAbsDiff(asGiven, asProbabilities), 0.0) << name << ": a softmax applied to probabilities";
        EXPECT_LE(maxAbsDiff(asProbabilities, expectedProbabilities), 1e-6) << name;
        EXPECT_LE(maxAbsDiff(maps[0], expected[0]), 1e-4) << name;
        EXPECT_LE(maxAbsDiff(maps[1], expected[1]), 1e-4) << name;

        // The metrics read the scores the same way.
        Mat probs;
        xai::classProbabilities(readTestNet(name), p, std::vector<Mat>{ image }, probs);
        EXPECT_LE(maxAbsDiff(probs, expectedProbabilities), 1e-6) << name;
    }
}

TEST(XAI_ScoreType, explicit_score_types_are_obeyed)
{
    const Mat image = randomImage(Size(32, 32), 6);
    xai::ScoreCAM::Params p = onnxParams();
    p.scoreType = xai::SCORE_LOGITS; // wrong for this net, but asked for: a softmax is applied
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(readTestNet("softmax_prob.onnx"), p);
    Mat map, given, probabilities;
    cam->compute(image, 0, map);
    cam->getScores(given, false);
    cam->getScores(probabilities, true);
    EXPECT_GT(maxAbsDiff(given, probabilities), 1e-3);

    p.scoreType = xai::SCORE_PROBABILITIES;
    cam = xai::ScoreCAM::create(readTestNet("softmax_prob.onnx"), p);
    cam->compute(image, 0, map);
    cam->getScores(given, false);
    cam->getScores(probabilities, true);
    EXPECT_EQ(0.0, maxAbsDiff(given, probabilities));
}

// What the library logs about a computation is also the explainer's to report (getWarnings()), so
// that a program can say it in its own words; the warnings of the net's setup at a shape apply to
// every computation at that shape.
TEST(XAI_ScoreType, warnings_of_a_computation_are_reported_by_the_explainer)
{
    const Mat image = randomImage(Size(32, 32), 6);
    xai::ScoreCAM::Params p = onnxParams();
    p.scoreType = xai::SCORE_PROBABILITIES; // the net ends in logits
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(readTestNet("logits.onnx"), p);
    EXPECT_TRUE(cam->getWarnings().empty()) << "nothing before the first computation";
    Mat map;
    for (int i = 0; i < 2; i++)
    {
        cam->compute(image, 0, map);
        const std::vector<String> warnings = cam->getWarnings();
        ASSERT_EQ(1u, warnings.size()) << "computation " << i;
        EXPECT_EQ(0u, warnings[0].find("the scores of layer 'logits' are not probabilities (sum ")) << warnings[0];
        EXPECT_NE(std::string::npos, warnings[0].find("though Params::scoreType says they are; they are used as given"))
            << warnings[0];
    }
    p.scoreType = xai::SCORE_AUTO;
    cam = xai::ScoreCAM::create(readTestNet("logits.onnx"), p);
    cam->compute(image, 0, map);
    EXPECT_TRUE(cam->getWarnings().empty());
}

TEST(XAI_TargetLayer, chosen_from_real_output_shapes_not_shape_inference)
{
    // OpenCV 4.6's shape inference gives GlobalAveragePool (and the Flatten importer's pass-through
    // after it) the spatial size of their input, so choosing from it picks a 1x1 layer.
    for (const char* name : { "logits.onnx", "softmax_prob.onnx" })
    {
        dnn::Net net = readTestNet(name);
        EXPECT_EQ("onnx_node!/features/relu2/Relu", xai::findTargetLayer(net, std::vector<int>{ 1, 3, 32, 32 }))
            << name;
    }
    std::string why;
    const dnn::Net dynamic = readDynamicNet(why);
    if (dynamic.empty())
        XAI_SKIP_TEST(why);
    EXPECT_EQ("onnx_node!/features/relu2/Relu", xai::findTargetLayer(dynamic, std::vector<int>{ 1, 3, 32, 32 }));
}

TEST(XAI_TargetLayer, dynamic_height_and_width_work_at_every_size_from_the_first_call)
{
    std::string why;
    if (readDynamicNet(why).empty())
        XAI_SKIP_TEST(why);
    const Mat image = randomImage(Size(50, 40), 8);
    const Size sizes[] = { Size(40, 48), Size(32, 32), Size(40, 48), Size(64, 24) };
    Ptr<xai::ScoreCAM> cam;
    for (const Size& size : sizes)
    {
        xai::ScoreCAM::Params p = onnxParams();
        p.inputSize = size;
        // A fresh net and explainer at each size, and one explainer across sizes.
        Mat fresh, reused;
        Ptr<xai::ScoreCAM> once = xai::ScoreCAM::create(readTestNet("dynamic_hw.onnx"), p);
        once->compute(image, 1, fresh);
        EXPECT_EQ("onnx_node!/features/relu2/Relu", once->getTargetLayer()) << size;
        EXPECT_EQ(image.size(), fresh.size());
        double maxVal = 0;
        minMaxLoc(fresh, NULL, &maxVal);
        EXPECT_EQ(1.0, maxVal) << size;
    }
}

TEST(XAI_TargetLayer, net_without_spatial_layers_is_refused_clearly)
{
    // Flatten -> Gemm -> ReLU -> Gemm: the Flatten imports as a pass-through layer whose output is a
    // copy of the 4-D input, which must not pass for a layer to explain.
    xai::ScoreCAM::Params p = onnxParams();
    p.inputSize = Size(8, 8);
    Mat map;
    expectError([&] { xai::ScoreCAM::create(readTestNet("mlp.onnx"), p)->compute(randomImage(Size(8, 8), 1), 0, map); },
                "the net has no layer to explain");
    expectError([&] { xai::findTargetLayer(readTestNet("mlp.onnx"), std::vector<int>{ 1, 3, 8, 8 }); },
                "cannot be explained by Score-CAM");
}

}} // namespace
