// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Fuzz target: bytes -> a tiny net, ScoreCAM::Params / AugmentationParams fields, custom warps,
// class ids and an image -> create + compute. The library must only ever throw cv::Exception:
// never crash, trip a sanitizer, hang, or return a map that is not finite and in [0, 1].

#include <vector>

#include <opencv2/core/utils/logger.hpp>

#include "fuzz_common.hpp"
#include "fuzz_input.hpp"
#include "test_common.hpp"

using namespace cv;
using opencv_test::xai_test::TinyNetSpec;

namespace {

//! Work the fuzzer may ask for that is merely slow (many views, huge frames) is only created, not computed.
const int kMaxViews = 24, kMaxBatch = 64, kMaxFrameArea = 128 * 128;

int computeFuzzedParams(xai_fuzz::Bytes& in)
{
    TinyNetSpec spec;
    spec.inputChannels = in.flag() ? 3 : 1;
    spec.channels = in.intIn(1, 16);
    spec.stride = in.intIn(1, 8);
    spec.classes = in.intIn(1, 8);
    spec.softmax = in.flag();
    spec.constantChannel = in.intIn(-1, spec.channels - 1);
    spec.seed = in.byte();
    spec.flattenToOneRow = in.flag();
    spec.headScale = in.flag() ? in.anyDouble() : 1.0;
    const dnn::Net net = opencv_test::xai_test::makeTinyNet(spec);

    static const std::vector<std::string> layers = {"", "conv1", "relu1", "pool", "fc", "prob", "one_row", "_input"};
    xai::AugmentedScoreCAM::Params p;
    xai::ScoreCAM::Params& s = p.scoreCam;
    if (in.flag())
        s.inputSize = Size(in.anyInt(), in.anyInt());
    s.scale = in.flag() ? in.anyDouble() : 1.0 / 255;
    if (in.flag())
        s.mean = Scalar(in.anyDouble(), in.anyDouble(), in.anyDouble(), in.anyDouble());
    s.swapRB = in.flag();
    s.crop = in.flag();
    s.targetLayer = in.name(layers);
    s.scoreLayer = in.name(layers);
    s.scoreType = in.flag() ? in.anyInt() : in.intIn(0, 2);
    s.weightMode = in.flag() ? in.anyInt() : in.intIn(0, 3);
    s.combination = in.flag() ? in.anyInt() : in.intIn(0, 1);
    s.maskSpace = in.flag() ? in.anyInt() : in.intIn(0, 1);
    s.maxChannels = in.flag() ? in.anyInt() : in.intIn(0, 16);
    s.skipSpreadFraction = in.flag() ? in.anyDouble() : in.intIn(0, 10) / 10.0;
    s.batchSize = in.flag() ? in.anyInt() : in.intIn(1, 17);
    if (in.flag())
    {
        s.backend = in.anyInt();
        s.target = in.anyInt();
    }
    xai::AugmentationParams& a = p.augmentation;
    a.numAugmentations = in.flag() ? in.anyInt() : in.intIn(1, 6);
    if (in.flag())
    {
        a.maxAngle = in.anyDouble();
        a.maxShift = in.anyDouble();
        a.minScale = in.anyDouble();
        a.maxScale = in.anyDouble();
    }
    a.horizontalFlip = in.flag();
    a.seed = in.anyInt();
    if (in.flag())
        a.borderMode = in.anyInt();
    p.fusion = in.flag() ? in.anyInt() : in.intIn(0, 2);

    const Size imageSize(in.intIn(1, 96), in.intIn(1, 96));
    const int imageChannels = in.intIn(0, 2) == 0 ? 1 : (in.flag() ? 3 : 4);
    Mat image = opencv_test::xai_test::randomImage(imageSize, in.byte());
    if (imageChannels == 1)
        cvtColor(image, image, COLOR_BGR2GRAY);
    else if (imageChannels == 4)
        cvtColor(image, image, COLOR_BGR2BGRA);
    if (in.flag())
        image.convertTo(image, CV_32F, in.flag() ? 1.0 : 1.0 / 255);

    std::vector<int> classes;
    for (int n = in.intIn(1, 3); n > 0; n--)
        classes.push_back(in.flag() ? in.anyInt() : in.intIn(-3, 3));

    std::vector<Mat> warps;
    if (in.flag())
        for (int n = in.intIn(0, 3); n > 0; n--)
        {
            Mat w(2, 3, in.flag() ? CV_64F : CV_32F);
            for (int i = 0; i < 6; i++)
                w.depth() == CV_64F ? (void)(w.at<double>(i / 3, i % 3) = in.anyDouble())
                                    : (void)(w.at<float>(i / 3, i % 3) = (float)in.anyDouble());
            warps.push_back(w);
        }

    xai_fuzz::note(cv::format("net: %d input channels, K=%d, stride %d, %d classes, softmax %d, constant channel %d, "
                              "one row %d, head scale %g", spec.inputChannels, spec.channels, spec.stride, spec.classes,
                              (int)spec.softmax, spec.constantChannel, (int)spec.flattenToOneRow, spec.headScale));
    xai_fuzz::note(cv::format("scoreCam: inputSize %dx%d scale %g mean (%g %g %g %g) swapRB %d crop %d target '%s' "
                              "score '%s' scoreType %d weightMode %d combination %d maskSpace %d maxChannels %d "
                              "skipSpread %g batch %d backend %d target %d", s.inputSize.width, s.inputSize.height,
                              s.scale, s.mean[0], s.mean[1], s.mean[2], s.mean[3], (int)s.swapRB, (int)s.crop,
                              s.targetLayer.c_str(), s.scoreLayer.c_str(), s.scoreType, s.weightMode, s.combination,
                              s.maskSpace, s.maxChannels, s.skipSpreadFraction, s.batchSize, s.backend, s.target));
    xai_fuzz::note(cv::format("augmentation: n %d angle %g shift %g scale [%g, %g] flip %d seed %d border %d; fusion %d; "
                              "%zu custom warps; image %dx%d type %d; %zu classes, first %d", a.numAugmentations,
                              a.maxAngle, a.maxShift, a.minScale, a.maxScale, (int)a.horizontalFlip, a.seed,
                              a.borderMode, p.fusion, warps.size(), image.cols, image.rows, image.type(),
                              classes.size(), classes[0]));
    Ptr<xai::AugmentedScoreCAM> cam = xai::AugmentedScoreCAM::create(net, p);
    if (!warps.empty())
        cam->setWarps(warps);
    const Size frame = s.inputSize.empty() ? imageSize : s.inputSize;
    const int views = warps.empty() ? a.numAugmentations : (int)warps.size();
    if (views > kMaxViews || s.batchSize > kMaxBatch || (double)frame.width * frame.height > kMaxFrameArea)
    {
        xai_fuzz::note("created; too much work to compute");
        return 0;
    }
    std::vector<Mat> maps;
    cam->compute(image, classes, maps);
    xai_fuzz::checkMaps(maps, classes.size(), imageSize);
    xai_fuzz::note("maps computed");
    return 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const bool quiet = (utils::logging::setLogLevel(utils::logging::LOG_LEVEL_SILENT), true);
    (void)quiet;
    xai_fuzz::Bytes in(data, size);
    try
    {
        return computeFuzzedParams(in);
    }
    catch (const cv::Exception& e)
    {
        xai_fuzz::note("refused: " + e.msg);
        return 0; // bad parameters are refused with a message: what we want
    }
}
