// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "perf_precomp.hpp"

namespace opencv_test { namespace {

//! A VGG-like stack with a stride-16 target layer, built in code so the perf test needs no data.
dnn::Net makePerfNet(int channels)
{
    dnn::Net net;
    RNG rng(7);
    int in = 3;
    for (int i = 0; i < 4; i++)
    {
        dnn::LayerParams conv;
        conv.set("kernel_size", 3);
        conv.set("pad", 1);
        conv.set("stride", 2);
        conv.set("num_output", channels);
        conv.set("bias_term", false);
        const int sz[] = { channels, in, 3, 3 };
        Mat w(4, sz, CV_32F);
        rng.fill(w, RNG::NORMAL, 0, std::sqrt(2.0 / (in * 9)));
        conv.blobs.push_back(w);
        net.addLayerToPrev(cv::format("conv%d", i), "Convolution", conv);
        dnn::LayerParams relu;
        net.addLayerToPrev(cv::format("relu%d", i), "ReLU", relu);
        in = channels;
    }
    dnn::LayerParams pool;
    pool.set("pool", "ave");
    pool.set("global_pooling", true);
    net.addLayerToPrev("pool", "Pooling", pool);
    dnn::LayerParams fc;
    fc.set("num_output", 10);
    fc.set("bias_term", false);
    Mat fw(10, channels, CV_32F);
    rng.fill(fw, RNG::NORMAL, 0, 1);
    fc.blobs.push_back(fw);
    net.addLayerToPrev("fc", "InnerProduct", fc);
    return net;
}

typedef tuple<int, int> ViewsBatch;
typedef TestBaseWithParam<ViewsBatch> Perf_AugmentedScoreCAM;

PERF_TEST_P(Perf_AugmentedScoreCAM, compute, Combine(Values(1, 4), Values(8, 32)))
{
    const int views = get<0>(GetParam()), batch = get<1>(GetParam());
    Mat image(128, 128, CV_8UC3);
    randu(image, 0, 255);
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam.inputSize = Size(128, 128);
    p.scoreCam.scale = 1.0 / 255;
    p.scoreCam.batchSize = batch;
    p.augmentation.numAugmentations = views;
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(makePerfNet(32), p);
    Mat map;
    TEST_CYCLE() cam->compute(image, 0, map);
    SANITY_CHECK_NOTHING();
}

}} // namespace
