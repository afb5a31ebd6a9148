// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "explainer.hpp"

namespace cv {
namespace xai {

DenseFidelity::DenseFidelity() : pearson(0), movedEnergy(0) {}

void computeDenseMap(const dnn::Net& net, const ScoreCAM::Params& params, InputArray image, int classId,
                     OutputArray dense)
{
    computeDenseMap(net, params, image, classId, dense, ProgressCallback());
}

void computeDenseMap(const dnn::Net& net, const ScoreCAM::Params& params, InputArray image, int classId,
                     OutputArray dense, const ProgressCallback& progress)
{
    if (image.empty())
        CV_Error(Error::StsBadArg, "computeDenseMap: the image is empty");
    AugmentedScoreCAM::Params p;
    p.scoreCam = params;
    p.scoreCam.upsampling = UPSAMPLE_LAYER_GEOMETRY;
    // Pure whole-pixel shifts; their number and offsets (one view per offset of a stride cell)
    // come from the layer's geometry, which the explainer's own probe forward finds (makeExplainer).
    p.augmentation.maxAngle = 0;
    p.augmentation.minScale = p.augmentation.maxScale = 1;
    p.augmentation.horizontalFlip = false;
    p.viewWeights = VIEW_WEIGHTS_SHARED;
    p.fusion = FUSION_INTERLEAVE;
    Ptr<AugmentedScoreCAM> explainer = makeExplainer(net, p, true);
    explainer->setProgressCallback(progress);
    explainer->compute(image, classId, dense);
}

DenseFidelity denseMapFidelity(InputArray map_, InputArray dense_)
{
    if (map_.empty() || dense_.empty() || map_.channels() != 1 || dense_.channels() != 1)
        CV_Error(Error::StsBadArg, "denseMapFidelity: two non-empty single-channel maps are expected");
    if (map_.size() != dense_.size())
        CV_Error(Error::StsUnmatchedSizes, cv::format("denseMapFidelity: the maps are %dx%d and %dx%d: equal sizes are "
                                                      "expected", map_.size().width, map_.size().height,
                                                      dense_.size().width, dense_.size().height));
    Mat a, b;
    map_.getMat().convertTo(a, CV_64F);
    dense_.getMat().convertTo(b, CV_64F);
    if (!checkRange(a) || !checkRange(b))
        CV_Error(Error::StsBadArg, "denseMapFidelity: the maps contain NaN or infinite values");
    DenseFidelity f;
    Scalar ma, sa, mb, sb;
    meanStdDev(a, ma, sa);
    meanStdDev(b, mb, sb);
    if (sa[0] > 0 && sb[0] > 0)
        f.pearson = std::max(-1.0, std::min(1.0, mean((a - ma[0]).mul(b - mb[0]))[0] / (sa[0] * sb[0])));
    const double suma = sum(a)[0], sumb = sum(b)[0];
    if (suma > 0 && sumb > 0)
        f.movedEnergy = std::min(1.0, 0.5 * norm(a / suma, b / sumb, NORM_L1));
    else
        f.movedEnergy = suma > 0 || sumb > 0 ? 1.0 : 0.0;
    return f;
}

}} // namespace cv::xai
