// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "channel_weights.hpp"
#include "masked_scoring.hpp"

namespace cv {
namespace xai {

Mat softmaxRows(const Mat& scores)
{
    Mat s;
    scores.convertTo(s, CV_64F);
    for (int r = 0; r < s.rows; r++)
    {
        Mat row = s.row(r);
        double maxVal = 0;
        minMaxLoc(row, NULL, &maxVal);
        subtract(row, Scalar(maxVal), row); // keeps exp() finite for large logits
        exp(row, row);
        row /= sum(row)[0];
    }
    Mat out;
    s.convertTo(out, CV_32F);
    return out;
}

//! The logits of the scores: log-probabilities stand in when the net outputs probabilities.
static Mat asLogits(const Mat& scores, bool probabilities)
{
    Mat s;
    scores.convertTo(s, CV_64F);
    if (probabilities)
    {
        max(s, 1e-30, s); // a probability of exactly 0 must not become -inf
        log(s, s);
    }
    return s;
}

void computeChannelWeights(const Mat& maskedScores, const Mat& baseScores, const std::vector<int>& channels,
                           int numChannels, bool probabilities, int mode, const std::vector<int>& classes,
                           Mat& weights)
{
    CV_Assert(maskedScores.rows == (int)channels.size());
    weights = Mat::zeros(numChannels, (int)classes.size(), CV_32F);
    if (channels.empty())
        return;

    Mat perChannel; // scored channels x C, the value each mode weights by
    if (mode == WEIGHT_PROBABILITY || mode == WEIGHT_PROBABILITY_INCREASE)
    {
        perChannel = probabilities ? maskedScores.clone() : softmaxRows(maskedScores);
        if (mode == WEIGHT_PROBABILITY_INCREASE)
        {
            const Mat base = probabilities ? baseScores : softmaxRows(baseScores);
            for (int r = 0; r < perChannel.rows; r++)
                perChannel.row(r) -= base;
        }
    }
    else if (mode == WEIGHT_CHANNEL_SOFTMAX)
    {
        // A softmax over channels, per class: transpose so that each class is a row.
        perChannel = softmaxRows(asLogits(maskedScores, probabilities).t()).t();
    }
    else if (mode == WEIGHT_RAW_SCORE)
        perChannel = maskedScores;
    else
        CV_Error(Error::StsBadArg, cv::format("unknown weight mode %d: one of cv::xai::WeightMode is expected", mode));

    for (size_t j = 0; j < classes.size(); j++)
        for (size_t i = 0; i < channels.size(); i++)
            weights.at<float>(channels[i], (int)j) = perChannel.at<float>((int)i, classes[j]);
}

void combineChannels(const Mat& activations, const Mat& weights, int combination, std::vector<Mat>& lowRes)
{
    const int K = activations.size[0];
    CV_Assert(weights.rows == K);
    const Size size(activations.size[2], activations.size[1]);
    lowRes.resize(weights.cols);
    for (int j = 0; j < weights.cols; j++)
    {
        Mat map;
        if (combination == COMBINE_SUM)
        {
            // A K x (h*w) by K x 1 product: the weighted sum of all channels in one GEMM.
            const Mat flat(K, size.area(), CV_32F, (void*)activations.ptr<float>());
            gemm(weights.col(j), flat, 1.0, noArray(), 0.0, map, GEMM_1_T);
            map = map.reshape(1, size.height);
        }
        else if (combination == COMBINE_MAX)
        {
            map = Mat(size, CV_32F, Scalar::all(-FLT_MAX));
            for (int k = 0; k < K; k++)
                max(map, activationChannel(activations, k) * weights.at<float>(k, j), map);
        }
        else
            CV_Error(Error::StsBadArg, cv::format(
                "unknown channel combination %d: COMBINE_SUM (0) or COMBINE_MAX (1) is expected", combination));
        lowRes[j] = map;
    }
}

}} // namespace cv::xai
