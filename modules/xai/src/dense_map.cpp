// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"

namespace cv {
namespace xai {

DenseFidelity::DenseFidelity() : pearson(0), movedEnergy(0) {}

void computeDenseMap(const dnn::Net& net, const ScoreCAM::Params& params, InputArray image, int classId,
                     OutputArray dense)
{
    if (image.empty())
        CV_Error(Error::StsBadArg, "computeDenseMap: the image is empty");
    // The layer and its geometry first: the lattice is one view per whole-pixel offset of a cell.
    dnn::Net probe = net;
    const Size frame = params.inputSize.empty() ? image.size() : params.inputSize;
    const int shape[] = { 1, std::min(image.channels(), 3), frame.height, frame.width };
    const String layer = params.targetLayer.empty()
        ? findTargetLayer(probe, std::vector<int>(shape, shape + 4)) : params.targetLayer;
    LayerGeometry geometry;
    if (!findLayerGeometry(probe, layer, geometry) || !geometry.isWholePixel() || geometry.stride.x != geometry.stride.y)
        CV_Error(Error::StsBadArg, cv::format("computeDenseMap: layer '%s' has no whole-pixel geometry of equal strides "
                                              "known from its layers (found stride %g x %g, offset %g, %g)",
                                              layer.c_str(), geometry.stride.x, geometry.stride.y, geometry.offset.x,
                                              geometry.offset.y));
    const int s = cvRound(geometry.stride.x);
    CV_CheckLE(s, 64, "computeDenseMap: a stride above 64 pixels would need more than 4096 views");
    AugmentedScoreCAM::Params p;
    p.scoreCam = params;
    p.scoreCam.targetLayer = layer;
    p.scoreCam.upsampling = UPSAMPLE_LAYER_GEOMETRY;
    p.augmentation.latticeSize = s;
    p.augmentation.numAugmentations = s * s;
    p.augmentation.maxAngle = 0;
    p.augmentation.minScale = p.augmentation.maxScale = 1;
    p.augmentation.horizontalFlip = false;
    p.viewWeights = VIEW_WEIGHTS_SHARED;
    p.fusion = FUSION_INTERLEAVE;
    Ptr<AugmentedScoreCAM> explainer = AugmentedScoreCAM::create(net, p);
    explainer->compute(image, classId, dense);
    if (!explainer->getLayerGeometry().isWholePixel())
        CV_Error(Error::StsError, "computeDenseMap: the explainer did not use the layer's whole-pixel geometry");
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
