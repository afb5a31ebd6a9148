// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "test_precomp.hpp"
#include "test_common.hpp"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

namespace opencv_test {
namespace {

using namespace xai_test;

//! Same size, same type, same bytes.
bool bitwiseEqual(const Mat& a, const Mat& b)
{
    return a.size == b.size && a.type() == b.type() && a.isContinuous() && b.isContinuous() &&
           std::memcmp(a.data, b.data, a.total() * a.elemSize()) == 0;
}

xai::AugmentedScoreCAM::Params fourViews()
{
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam = tinyParams();
    p.scoreCam.inputSize = Size(64, 48);
    p.scoreCam.batchSize = 5;
    p.augmentation.numAugmentations = 4;
    return p;
}

TinyNetSpec threadNetSpec()
{
    TinyNetSpec spec;
    spec.channels = 12;
    return spec;
}

//! The maps of every image for the top two classes, from a new net and explainer.
std::vector<Mat> mapsOf(const std::vector<Mat>& images)
{
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(makeTinyNet(threadNetSpec()), fourViews());
    std::vector<int> classes;
    classes.push_back(-1);
    classes.push_back(-2);
    std::vector<Mat> all;
    for (size_t i = 0; i < images.size(); i++)
    {
        std::vector<Mat> maps;
        cam->compute(images[i], classes, maps);
        all.insert(all.end(), maps.begin(), maps.end());
    }
    return all;
}

TEST(XAI_Threads, each_thread_with_its_own_net_gets_the_maps_of_one_thread)
{
    std::vector<Mat> images;
    for (int i = 0; i < 3; i++)
        images.push_back(randomImage(Size(80 + 8 * i, 60), 100 + i));
    const std::vector<Mat> reference = mapsOf(images);

    const int numThreads = 4;
    std::vector<std::vector<Mat> > results(numThreads);
    std::vector<std::string> errors(numThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < numThreads; t++)
        threads.push_back(std::thread([&, t]() {
            try
            {
                results[t] = mapsOf(images);
            }
            catch (const cv::Exception& e)
            {
                errors[t] = e.msg;
            }
        }));
    for (int t = 0; t < numThreads; t++)
        threads[t].join();

    for (int t = 0; t < numThreads; t++)
    {
        ASSERT_EQ("", errors[t]) << "thread " << t;
        ASSERT_EQ(reference.size(), results[t].size());
        for (size_t m = 0; m < reference.size(); m++)
            EXPECT_TRUE(bitwiseEqual(reference[m], results[t][m])) << "thread " << t << ", map " << m;
    }
}

/** Starts cam->compute() in a thread whose first progress callback waits until `second` has run
    in this thread, so that `second` runs while the computation is under way. Returns the message of
    the cv::Exception that `second` threw ("no exception" when none); `firstMap` gets the
    computation's map, `firstError` its own exception's message. */
std::string whileComputing(const Ptr<xai::ScoreCAM>& cam, const Mat& image, Mat& firstMap, std::string& firstError,
                           const std::function<void()>& second)
{
    std::mutex mutex;
    std::condition_variable changed;
    bool inside = false, tried = false;
    std::thread::id first;
    const std::chrono::seconds patience(120); // only against a hang if the guard is broken
    cam->setProgressCallback([&](int, int) {
        std::unique_lock<std::mutex> lock(mutex);
        if (std::this_thread::get_id() == first && !inside)
        {
            inside = true;
            changed.notify_all();
            changed.wait_for(lock, patience, [&]() { return tried; });
        }
        return true;
    });
    std::thread computing([&]() {
        {
            std::lock_guard<std::mutex> lock(mutex);
            first = std::this_thread::get_id();
        }
        try
        {
            cam->compute(image, -1, firstMap);
        }
        catch (const cv::Exception& e)
        {
            firstError = e.msg;
        }
    });
    {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait_for(lock, patience, [&]() { return inside; });
    }
    std::string message = "no exception";
    try
    {
        second();
    }
    catch (const cv::Exception& e)
    {
        message = e.msg;
    }
    {
        std::lock_guard<std::mutex> lock(mutex);
        tried = true;
        changed.notify_all();
    }
    computing.join();
    cam->setProgressCallback(xai::ProgressCallback());
    return message;
}

TEST(XAI_Threads, one_explainer_in_two_threads_at_once_throws)
{
    const Mat image = randomImage(Size(64, 48), 7);
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(threadNetSpec()), fourViews().scoreCam);
    Mat expected;
    cam->compute(image, -1, expected);

    Mat first, second;
    std::string firstError;
    const std::string message = whileComputing(cam, image, first, firstError, [&]() { cam->compute(image, -1, second); });
    EXPECT_NE(std::string::npos, message.find("explainer is in use in another thread")) << message;
    EXPECT_EQ("", firstError);
    EXPECT_TRUE(bitwiseEqual(expected, first)); // the first computation was not disturbed

    cam->compute(image, -1, second); // and the explainer is free again
    EXPECT_TRUE(bitwiseEqual(expected, second));
}

TEST(XAI_Threads, two_explainers_sharing_a_net_in_two_threads_throw)
{
    const Mat image = randomImage(Size(64, 48), 8);
    const dnn::Net net = makeTinyNet(threadNetSpec());
    Ptr<xai::ScoreCAM> a = xai::ScoreCAM::create(net, fourViews().scoreCam);
    Ptr<xai::ScoreCAM> b = xai::ScoreCAM::create(net, fourViews().scoreCam);
    Mat expected;
    a->compute(image, -1, expected);

    Mat first, second;
    std::string firstError;
    std::string message = whileComputing(a, image, first, firstError, [&]() { b->compute(image, -1, second); });
    EXPECT_NE(std::string::npos, message.find("Net is in use in another thread")) << message;
    EXPECT_EQ("", firstError);
    EXPECT_TRUE(bitwiseEqual(expected, first));

    // A metric on the same net from another thread is refused too.
    message = whileComputing(a, image, first, firstError, [&]() {
        xai::confidenceChange(net, fourViews().scoreCam, image, expected);
    });
    EXPECT_NE(std::string::npos, message.find("Net is in use in another thread")) << message;

    // One after the other, in one thread or in two, they share the net as before.
    b->compute(image, -1, second);
    EXPECT_TRUE(bitwiseEqual(expected, second));
    std::thread([&]() { b->compute(image, -1, second); }).join();
    EXPECT_TRUE(bitwiseEqual(expected, second));
}

TEST(XAI_Threads, compute_from_its_own_progress_callback_throws)
{
    const Mat image = randomImage(Size(64, 48), 9);
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(threadNetSpec()), fourViews().scoreCam);
    std::string message = "no exception";
    cam->setProgressCallback([&](int done, int) {
        if (done == 1)
        {
            try
            {
                Mat inner;
                cam->compute(image, -1, inner);
            }
            catch (const cv::Exception& e)
            {
                message = e.msg;
            }
        }
        return true;
    });
    Mat map;
    cam->compute(image, -1, map);
    EXPECT_NE(std::string::npos, message.find("was called while the same explainer was computing")) << message;
}

}} // namespace opencv_test::<anonymous>

namespace opencv_test { namespace {

using namespace xai_test;

TEST(XAI_Threads, every_member_throws_while_another_thread_computes)
{
    const Mat image = randomImage(Size(64, 48), 7);
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(makeTinyNet(threadNetSpec()), fourViews());
    Mat expected;
    cam->compute(image, -1, expected);
    const std::vector<std::pair<std::string, std::function<void()> > > members = {
        {"fuseAgain()", [&] { std::vector<Mat> m; cam->fuseAgain(xai::FUSION_MEAN, xai::SuperResolutionParams(), m); }},
        {"getViewMaps()", [&] { std::vector<Mat> m; cam->getViewMaps(0, m); }},
        {"getWarps()", [&] { std::vector<Mat> m; cam->getWarps(m); }},
        {"setWarps()", [&] { cam->setWarps(std::vector<Mat>()); }},
        {"getTargetLayer()", [&] { cam->getTargetLayer(); }},
        {"getClassIds()", [&] { cam->getClassIds(); }},
        {"getScores()", [&] { Mat s; cam->getScores(s); }},
        {"getChannelWeights()", [&] { Mat w; cam->getChannelWeights(w); }},
        {"getEmptyMaps()", [&] { cam->getEmptyMaps(); }},
        {"getForwardCount()", [&] { cam->getForwardCount(); }},
        {"getLayerGeometry()", [&] { cam->getLayerGeometry(); }},
    };
    for (const auto& m : members)
    {
        Mat first;
        std::string firstError;
        const std::string message = whileComputing(cam, image, first, firstError, m.second);
        EXPECT_NE(std::string::npos, message.find(m.first + " was called while this explainer is in use in another "
                                                  "thread")) << message;
        EXPECT_EQ("", firstError);
        EXPECT_TRUE(bitwiseEqual(expected, first)) << m.first;
    }
}

TEST(XAI_ScoreCAM, getters_report_the_last_completed_computation_after_a_failed_one)
{
    TinyNetSpec spec;
    spec.softmax = true; // probabilities: getScores must never apply a softmax again
    xai::ScoreCAM::Params p = tinyParams();
    p.inputSize = Size(); // each image at its own size: a new size sets the net up again
    Ptr<xai::ScoreCAM> cam = xai::ScoreCAM::create(makeTinyNet(spec), p);
    Mat map, scores;
    cam->compute(randomImage(Size(32, 24), 1), -1, map);
    const String layer = cam->getTargetLayer();
    const std::vector<int> classes = cam->getClassIds();
    cam->getScores(scores, true);
    ASSERT_FALSE(layer.empty());
    // A new size the net refuses (smaller than its 4 x 4 window) fails while the net is set up again.
    EXPECT_ANY_THROW(cam->compute(randomImage(Size(2, 2), 1), -1, map));
    EXPECT_EQ(layer, cam->getTargetLayer());
    EXPECT_EQ(classes, cam->getClassIds());
    Mat again;
    cam->getScores(again, true);
    EXPECT_EQ(0.0, maxAbsDiff(scores, again)) << "no second softmax over probabilities";
}

}} // namespace
