// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "explainer.hpp"

namespace cv {
namespace xai {

ScoreCAM::Params::Params()
    : inputSize(), scale(1.0), channelScale(1.0, 1.0, 1.0, 1.0), mean(), swapRB(false), crop(false),
      cropFraction(1.0),
      targetLayer(), scoreLayer(), scoreType(SCORE_AUTO),
      weightMode(WEIGHT_PROBABILITY), combination(COMBINE_SUM), maskSpace(MASK_NORMALIZED_INPUT),
      upsampling(UPSAMPLE_LAYER_GEOMETRY),
      maxChannels(0), skipSpreadFraction(0.0), batchSize(16), backend(-1), target(-1)
{
}

ScoreCAM::ScoreCAM() {}
ScoreCAM::~ScoreCAM() {}

Ptr<ScoreCAM> ScoreCAM::create(const dnn::Net& net, const ScoreCAM::Params& params)
{
    // Score-CAM is Augmented Score-CAM with the identity view alone: one code path, so the two
    // cannot drift apart.
    AugmentedScoreCAM::Params p;
    p.scoreCam = params;
    p.augmentation.numAugmentations = 1;
    p.fusion = FUSION_MEAN;  // the identity view's map upsampled, as Score-CAM defines it
    return makeExplainer(net, p);
}

}} // namespace cv::xai
