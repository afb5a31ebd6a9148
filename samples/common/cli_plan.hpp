// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// What a run will cost before it starts: forwards by the library's cost model, and a time from one
// timed forward, so that a run of many hours is announced instead of discovered.

#ifndef XAI_SAMPLES_CLI_PLAN_HPP
#define XAI_SAMPLES_CLI_PLAN_HPP

#include <string>

#include <opencv2/dnn.hpp>
#include <opencv2/xai.hpp>

namespace xai_samples {

/** Channels of the layer that an explainer with these parameters explains for an input blob of
    this shape (N x C x H x W): Params::targetLayer, or the automatic choice; 0 when shape inference
    cannot tell. */
int explainedChannels(const cv::dnn::Net& net, const cv::xai::ScoreCAM::Params& params,
                      const cv::dnn::MatShape& input);

/** What a piece of work costs: its forwards, and the images they carry. Time goes with the images:
    a forward of 2 images costs about 2 single-image forwards whatever the --batch, so an estimate
    from the requested batch alone would be B / 2 times too long. */
struct ForwardCost
{
    long long forwards = 0;
    long long images = 0;

    ForwardCost& operator+=(const ForwardCost& other)
    {
        forwards += other.forwards;
        images += other.images;
        return *this;
    }
};

inline ForwardCost operator*(long long k, const ForwardCost& c) { return {k * c.forwards, k * c.images}; }

//! `images` images in forwards of at most `batch`.
ForwardCost batchedCost(long long images, int batch);

/** One explanation with `views` views (1: Score-CAM) of a layer with `channels` channels, by the
    cost model: 1 + ceil(M / B) forwards for Score-CAM, ceil(N / B) + ceil(M / B) for N views with
    shared weights, ceil(N / B) + N ceil(M / B) with per-view weights (a cv::xai::ViewWeights), with
    M the scored channels (at most Params::maxChannels). An upper bound: constant channels and the
    spread Params::skipSpreadFraction skips are not scored. */
ForwardCost explanationCost(int channels, const cv::xai::ScoreCAM::Params& params, int views,
                            int viewWeights = cv::xai::VIEW_WEIGHTS_SHARED);

/** Seconds of one forward of a single image of this shape to the score layer, timed after an
    untimed one that sets the net up. A forward of B images costs at most about B times as much. */
double singleForwardSeconds(cv::dnn::Net& net, const cv::xai::ScoreCAM::Params& params,
                            const cv::dnn::MatShape& input);

//! A run is announced before it starts when it is estimated at this many seconds or more.
const double kLongRunSeconds = 60;

//! "40 s", "25 min", "3.5 h", "4 days": a duration with the precision an estimate has.
std::string roughDuration(double seconds);

//! 1234567 as "1,234,567".
std::string grouped(long long n);

//! "1 image", "2 images": a count with its noun (plural by an s).
std::string counted(long long n, const std::string& noun);

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_PLAN_HPP
