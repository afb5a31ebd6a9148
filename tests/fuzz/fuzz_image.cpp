// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Fuzz target: bytes -> cv::imdecode -> Score-CAM / Augmented Score-CAM with a tiny net. Whatever
// the decoder makes of the bytes (any size, depth and channel count), compute() either refuses it
// with a cv::Exception or returns maps of the image's size, finite and in [0, 1].
// Input: one byte of options (bit 0: the image's own size as the network input, else 32x24;
// bit 1: centre crop; bit 2: 3 views; bit 3: swapRB; bit 4: a net ending in Softmax; bit 5: a
// 1-channel net), then the encoded image.
// Run with OPENCV_IO_MAX_IMAGE_PIXELS=4194304 in the environment (tools/fuzz.sh and the replay
// test set it): imgcodecs reads it once, when it is loaded, and its default lets a 30-byte PNG ask
// for gigabytes.

#include <cstdlib>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include "fuzz_common.hpp"
#include "fuzz_input.hpp"
#include "test_common.hpp"

using namespace cv;

namespace {

const int kMaxOwnFrameArea = 128 * 128;

void explainDecoded(uint8_t options, const Mat& image)
{
    opencv_test::xai_test::TinyNetSpec spec;
    spec.softmax = options & 16;
    spec.inputChannels = options & 32 ? 1 : 3;
    xai::AugmentedScoreCAM::Params p;
    p.scoreCam = opencv_test::xai_test::tinyParams();
    if (options & 1)
    {
        if ((double)image.cols * image.rows > kMaxOwnFrameArea)
        {
            xai_fuzz::note("too large to be the network input");
            return;
        }
        p.scoreCam.inputSize = Size();
    }
    p.scoreCam.crop = options & 2;
    p.scoreCam.swapRB = options & 8;
    p.augmentation.numAugmentations = options & 4 ? 3 : 1;
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(opencv_test::xai_test::makeTinyNet(spec), p);
    std::vector<Mat> maps;
    cam->compute(image, std::vector<int>(1, -1), maps);
    xai_fuzz::checkMaps(maps, 1, image.size());
    xai_fuzz::note(cv::format("%dx%d type %d: map computed", image.cols, image.rows, image.type()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const bool ready = [] {
        const char* limit = std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS");
        if (!limit || std::atoll(limit) > (1 << 22))
            xai_fuzz::finding("set OPENCV_IO_MAX_IMAGE_PIXELS=4194304 before starting (see fuzz_image.cpp)");
        utils::logging::setLogLevel(utils::logging::LOG_LEVEL_SILENT);
        return true;
    }();
    (void)ready;
    if (size < 2)
        return 0;
    Mat image;
    try
    {
        image = imdecode(Mat(1, (int)size - 1, CV_8U, (void*)(data + 1)), IMREAD_UNCHANGED);
    }
    catch (const cv::Exception& e)
    {
        xai_fuzz::note("imdecode threw: " + e.msg);
        return 0; // the decoder's business, not ours
    }
    if (image.empty())
    {
        xai_fuzz::note("not an image");
        return 0;
    }
    try
    {
        explainDecoded(data[0], image);
    }
    catch (const cv::Exception& e)
    {
        xai_fuzz::note("refused: " + e.msg);
    }
    return 0;
}
