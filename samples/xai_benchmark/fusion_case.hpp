// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_benchmark --fusion-only: the cost of a fusion alone, on synthetic views.

#ifndef XAI_BENCHMARK_FUSION_CASE_HPP
#define XAI_BENCHMARK_FUSION_CASE_HPP

#include <string>

#include <opencv2/xai.hpp>

namespace xai_benchmark {

struct FusionCase
{
    int views = 100;
    cv::Size grid{14, 14};     //!< the target layer's grid (VGG16's at 224x224)
    cv::Size frame{224, 224};
    int fusion = cv::xai::FUSION_SUPER_RESOLUTION;
    cv::xai::SuperResolutionParams superResolution;
    cv::xai::AugmentationParams augmentation;  //!< numAugmentations is `views`
    int repeats = 5;
};

/** Fuses `views` low-resolution views of a synthetic pattern (each warped by cv::warpAffine and
    reduced to the grid by cv::resize with INTER_AREA, as a layer's grid sees it) and returns one
    line: the median time of reset + add + fuse over the repeats, the solver's iterations and
    residual, and the PSNR of the fused map against the pattern. */
std::string runFusionCase(const FusionCase& c);

} // namespace xai_benchmark

#endif // XAI_BENCHMARK_FUSION_CASE_HPP
