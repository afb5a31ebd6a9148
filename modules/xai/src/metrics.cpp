// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "batch_scorer.hpp"
#include "channel_weights.hpp"
#include "class_ids.hpp"
#include "input_geometry.hpp"
#include "net_setup.hpp"
#include "usage_guard.hpp"
#include "warnings.hpp"

#include <cstring>
#include <functional>
#include <limits>

namespace cv {
namespace xai {

PerturbationParams::PerturbationParams()
    : steps(100), deletionBaseline(BASELINE_ZERO_INPUT), insertionBaseline(BASELINE_BLUR), blurSigma(5.0),
      batchSize(16)
{
}

ConfidenceChange::ConfidenceChange() : classId(-1), original(0), masked(0), drop(0), increase(false) {}

// ---------------------------------------------------------------------------------------------
// Checks shared by the metrics
// ---------------------------------------------------------------------------------------------

static Mat checkSaliency(InputArray saliency, const char* function)
{
    if (saliency.empty())
        CV_Error(Error::StsBadArg, cv::format("%s: the saliency map is empty: a single-channel 2-D map is expected",
                                              function));
    if (saliency.channels() != 1 || saliency.dims() > 2)
        CV_Error(Error::StsBadArg, cv::format("%s: the saliency map has %d channels: a single-channel 2-D map is "
                                              "expected", function, saliency.channels()));
    Mat map;
    saliency.getMat().convertTo(map, CV_32F);
    if (!checkRange(map))
        CV_Error(Error::StsBadArg, cv::format("%s: the saliency map contains NaN or infinite values", function));
    return map;
}

//! The image as CV_32F raw pixels, alpha dropped, after the checks InputGeometry::toFrame makes too.
static Mat rawImage(InputArray image, const char* function)
{
    checkImage(image, function);
    Mat img = image.getMat(), out;
    const int cn = img.channels();
    if (cn == 4)
        cvtColor(img, img, COLOR_BGRA2BGR);
    img.convertTo(out, CV_32F);
    return out;
}

static void checkSameSize(const Mat& image, const Mat& map, const char* function)
{
    if (image.size() != map.size())
        CV_Error(Error::StsUnmatchedSizes, cv::format(
            "%s: the saliency map is %dx%d but the image is %dx%d: a map of the image's size is expected",
            function, map.cols, map.rows, image.cols, image.rows));
}

static void checkBaseline(int baseline, const char* what)
{
    if (baseline < BASELINE_ZERO_INPUT || baseline > BASELINE_IMAGE_MEAN)
        CV_Error(Error::StsBadArg, cv::format("%s %d is unknown: one of cv::xai::PerturbationBaseline is expected",
                                              what, baseline));
}

//! The image that replaces removed pixels, raw pixel values of the image's type.
static Mat baselineImage(const Mat& image, int baseline, double blurSigma, const ScoreCAM::Params& pre)
{
    switch (baseline)
    {
    case BASELINE_ZERO_INPUT:
    {
        // The raw colour that normalises to zero: mean, in the image's own channel order (the mean
        // is given after swapRB).
        Scalar m = pre.mean;
        if (pre.swapRB && image.channels() == 3)
            std::swap(m[0], m[2]);
        return Mat(image.size(), image.type(), m);
    }
    case BASELINE_BLACK:
        return Mat::zeros(image.size(), image.type());
    case BASELINE_BLUR:
    {
        // Bounded: a sigma of 1e6 asked for a kernel of 6 million taps (9.3 GB, hours); beyond the
        // image's size a larger blur changes nothing but the cost.
        if (!(blurSigma > 0) || !(blurSigma <= std::max(image.cols, image.rows)))
            CV_Error(Error::StsBadArg, cv::format("the blur sigma %g of BASELINE_BLUR must be positive and at most the "
                                                  "image's larger side (%d pixels)", blurSigma,
                                                  std::max(image.cols, image.rows)));
        const int k = 2 * cvRound(3 * blurSigma) + 1;
        Mat blurred;
        GaussianBlur(image, blurred, Size(k, k), blurSigma, blurSigma, BORDER_REFLECT_101);
        return blurred;
    }
    case BASELINE_IMAGE_MEAN:
        return Mat(image.size(), image.type(), mean(image));
    default:
        checkBaseline(baseline, "the baseline");
    }
    return Mat();
}

// ---------------------------------------------------------------------------------------------
// Batched class probabilities
// ---------------------------------------------------------------------------------------------

namespace {

/** Class probabilities of many images made on demand, a batch of one constant shape at a time (a
    short last batch is padded), so that the net is set up once. */
class ProbabilityScorer
{
public:
    //! Writes image i (any type InputGeometry::toFrame accepts) into the Mat; called for i = 0, 1, ... in order.
    typedef std::function<void(int i, Mat& image)> ImageMaker;

    ProbabilityScorer(const dnn::Net& net, const ScoreCAM::Params& pre, int batchSize,
                      const ProgressCallback& progress = ProgressCallback(), const char* function = "")
        : net_(net), guard_(net), geometry_(pre), scoreType_(pre.scoreType), decided_(false), probabilities_(false),
          batch_(batchSize), progress_(progress), function_(function)
    {
        if (net_.empty())
            CV_Error(Error::StsBadArg, "the net is empty: load a model with cv::dnn::readNet first");
        CV_CheckGE(batchSize, 1, "the batch size must be at least 1");
        CV_CheckGE(pre.scoreType, (int)SCORE_AUTO, "Params::scoreType: one of cv::xai::ScoreType is expected");
        CV_CheckLE(pre.scoreType, (int)SCORE_PROBABILITIES, "Params::scoreType: one of cv::xai::ScoreType is expected");
        scoreLayer_ = resolveScoreLayer(net_, pre.scoreLayer);
    }

    //! count x C probabilities, CV_32F.
    Mat score(int count, const ImageMaker& make)
    {
        CV_Assert(count >= 1);
        Mat probs;
        Mat img;
        for (int first = 0; first < count;)
        {
            const int used = std::min(batch_, count - first);
            for (int i = 0; i < used; i++)
            {
                make(first + i, img);
                fill(i, geometry_.toFrame(img));
            }
            Mat scores = forward(used);
            if (!decided_)
            {
                // Decided on the first real scores, as the explainers decide (graph and numbers).
                probabilities_ = readsProbabilities(net_, scoreLayer_, scoreType_, scores.row(0));
                decided_ = true;
            }
            if (probs.empty())
                probs.create(count, scores.cols, CV_32F);
            CV_CheckEQ(scores.cols, probs.cols, "the number of classes changed between forwards");
            scores.copyTo(probs.rowRange(first, first + used));
            first += used;
            const int total = forwards_ + (count - first + batch_ - 1) / batch_;
            if (progress_ && !progress_(forwards_, total))
                CV_Error(Error::StsError, cv::format("%s: cancelled by the progress callback after %d of %d forwards",
                                                     function_, forwards_, total));
        }
        return probabilities_ ? probs : softmaxRows(probs);
    }

private:
    void fill(int slot, const Mat& frame)
    {
        const int sz[] = { batch_, frame.channels(), frame.rows, frame.cols };
        if (blob_.empty() || blob_.size[0] != batch_ || blob_.size[1] != sz[1] || blob_.size[2] != sz[2] ||
            blob_.size[3] != sz[3])
        {
            if (slot != 0)
                CV_Error(Error::StsBadArg, "images of one batch reach the net at different sizes: set "
                         "Params::inputSize so that every image is resized to the network input");
            checkWindowsFit(net_, std::vector<int>(sz, sz + 4));
            blob_.create(4, sz, CV_32F);
            blob_.setTo(Scalar::all(0));
        }
        geometry_.normalize(frame, planes_);
        for (int c = 0; c < sz[1]; c++)
            planes_[c].copyTo(Mat(frame.size(), CV_32F, blob_.ptr<float>(slot, c)));
    }

    //! Scores of the first `used` slots.
    Mat forward(int used)
    {
        std::vector<Mat> outs;
        String failure;
        try
        {
            net_.setInput(blob_);
            net_.forward(outs, std::vector<String>(1, scoreLayer_));
            forwards_++;
        }
        catch (const cv::Exception& e)
        {
            if (batch_ == 1)
                throw;
            failure = e.msg;
        }
        Mat scores;
        if (failure.empty())
        {
            scores = scoresPerImage(outs[0], batch_);
            if (scores.empty())
            {
                if (batch_ == 1)
                    CV_Error(Error::StsBadArg, "the score output does not have one row for the single input "
                             "image; set Params::scoreLayer to the layer with the class scores");
                failure = "the score output has no row per image";
            }
        }
        if (!failure.empty())
        {
            warn(cv::format("the net does not run batches of %d images (", batch_) + failure +
                 "); scoring one image per forward from now on");
            const Mat batch = blob_.clone();
            batch_ = 1;
            const int sz[] = { 1, batch.size[1], batch.size[2], batch.size[3] };
            Mat rows;
            for (int i = 0; i < used; i++)
            {
                blob_ = Mat(4, sz, CV_32F, (void*)batch.ptr<float>(i)).clone();
                rows.push_back(forward(1));
            }
            return rows;
        }
        scores = scores.rowRange(0, used).clone();
        if (!checkRange(scores))
            CV_Error(Error::StsBadArg, "the net produced NaN or infinite class scores; check the model and the "
                     "input normalisation (Params::scale, Params::mean)");
        return scores;
    }

    dnn::Net net_;
    UsageGuard guard_; // the net is not in use by another thread while this scorer lives
    InputGeometry geometry_;
    String scoreLayer_;
    int scoreType_;
    bool decided_;
    bool probabilities_;
    int batch_;
    ProgressCallback progress_;
    const char* function_;
    int forwards_ = 0;
    Mat blob_;
    std::vector<Mat> planes_;
};

} // namespace

void classProbabilities(const dnn::Net& net, const ScoreCAM::Params& preprocessing, InputArrayOfArrays images,
                        OutputArray probabilities, int batchSize)
{
    std::vector<Mat> imgs;
    if (images.isMatVector() || images.isUMatVector())
        images.getMatVector(imgs);
    else if (!images.empty())
        imgs.push_back(images.getMat());
    if (imgs.empty())
        CV_Error(Error::StsBadArg, "classProbabilities: no image was given");
    ProbabilityScorer scorer(net, preprocessing, batchSize);
    const Mat probs = scorer.score((int)imgs.size(), [&](int i, Mat& img) { img = imgs[i]; });
    probs.copyTo(probabilities);
}

// ---------------------------------------------------------------------------------------------
// Average Drop / Increase in Confidence
// ---------------------------------------------------------------------------------------------

ConfidenceChange confidenceChange(const dnn::Net& net, const ScoreCAM::Params& preprocessing, InputArray image,
                                  InputArray saliency, int classId, int baseline, double blurSigma)
{
    static const char* const fn = "confidenceChange";
    const Mat img = rawImage(image, fn);
    const Mat map = checkSaliency(saliency, fn);
    checkSameSize(img, map, fn);
    checkBaseline(baseline, "confidenceChange: the baseline");
    double mn, mx;
    minMaxLoc(map, &mn, &mx);
    if (mn < -1e-6 || mx > 1 + 1e-6)
        CV_Error(Error::StsBadArg, cv::format(
            "confidenceChange: the saliency map has values in [%g, %g]: a map in [0, 1] is expected (the "
            "explainers' maps are; divide other maps by their maximum)", mn, mx));

    // masked = S * I + (1 - S) * B, per channel
    const Mat base = baselineImage(img, baseline, blurSigma, preprocessing);
    Mat s, masked;
    merge(std::vector<Mat>(img.channels(), map), s);
    masked = base + s.mul(img - base);

    ProbabilityScorer scorer(net, preprocessing, 2);
    const Mat probs = scorer.score(2, [&](int i, Mat& m) { m = i == 0 ? img : masked; });
    ConfidenceChange r;
    r.classId = resolveClassId(classId, probs.row(0), fn);
    r.original = probs.at<float>(0, r.classId);
    r.masked = probs.at<float>(1, r.classId);
    r.drop = r.original > 0 ? std::max(0.0, r.original - r.masked) / r.original : 0.0;
    r.increase = r.masked > r.original;
    return r;
}

// ---------------------------------------------------------------------------------------------
// Deletion and insertion
// ---------------------------------------------------------------------------------------------

static std::vector<int> saliencyOrder(const Mat& map)
{
    CV_Assert(map.type() == CV_32FC1 && map.isContinuous());
    const float* v = map.ptr<float>();
    std::vector<int> order((size_t)map.total());
    for (size_t i = 0; i < order.size(); i++)
        order[i] = (int)i;
    // Most salient first; equal values keep raster order, whatever the sort implementation.
    std::stable_sort(order.begin(), order.end(), [v](int a, int b) { return v[a] > v[b]; });
    return order;
}

static double perturbationCurve(bool deletion, const dnn::Net& net, const ScoreCAM::Params& pre, InputArray image,
                                InputArray saliency, int classId, OutputArray curve, const PerturbationParams& params)
{
    const char* const fn = deletion ? "deletionCurve" : "insertionCurve";
    CV_CheckGE(params.steps, 1, "PerturbationParams::steps must be at least 1");
    CV_CheckGE(params.batchSize, 1, "PerturbationParams::batchSize must be at least 1");
    const int baseline = deletion ? params.deletionBaseline : params.insertionBaseline;
    checkBaseline(baseline, deletion ? "PerturbationParams::deletionBaseline" : "PerturbationParams::insertionBaseline");
    const Mat img = rawImage(image, fn);
    Mat map = checkSaliency(saliency, fn);
    checkSameSize(img, map, fn);
    if (!map.isContinuous())
        map = map.clone();

    const Mat base = baselineImage(img, baseline, params.blurSigma, pre);
    // More steps than pixels only repeats images (and 100,000 steps took hours): refused.
    if ((int64)params.steps > (int64)img.total())
        CV_Error(Error::StsOutOfRange, cv::format("%s: PerturbationParams::steps is %d, more than the image's %d "
                                                  "pixels: at most one step per pixel", fn, params.steps,
                                                  (int)img.total()));
    const std::vector<int> order = saliencyOrder(map);
    const int64 N = (int64)order.size();
    const int steps = params.steps;

    // Deletion moves pixels from the image to the baseline, insertion from the baseline to the
    // image; images are made in step order, each from the previous one.
    Mat current = deletion ? img.clone() : base.clone();
    const Mat& source = deletion ? base : img;
    const size_t pixelBytes = img.elemSize();
    int64 done = 0;
    auto make = [&](int step, Mat& out) {
        const int64 target = (2 * (int64)step * N + steps) / (2 * steps); // round(step * N / steps)
        for (; done < target; done++)
        {
            const int p = order[(size_t)done];
            std::memcpy(current.ptr() + (size_t)p * pixelBytes, source.ptr() + (size_t)p * pixelBytes, pixelBytes);
        }
        out = current;
    };
    ProbabilityScorer scorer(net, pre, params.batchSize, params.progress, fn);
    const Mat probs = scorer.score(steps + 1, make);
    const int c = resolveClassId(classId, probs.row(deletion ? 0 : steps), fn);
    Mat values;
    Mat(probs.col(c).t()).convertTo(values, CV_64F);
    values.copyTo(curve);
    return curveAUC(values);
}

double deletionCurve(const dnn::Net& net, const ScoreCAM::Params& preprocessing, InputArray image, InputArray saliency,
                     int classId, OutputArray curve, const PerturbationParams& params)
{
    return perturbationCurve(true, net, preprocessing, image, saliency, classId, curve, params);
}

double insertionCurve(const dnn::Net& net, const ScoreCAM::Params& preprocessing, InputArray image, InputArray saliency,
                      int classId, OutputArray curve, const PerturbationParams& params)
{
    return perturbationCurve(false, net, preprocessing, image, saliency, classId, curve, params);
}

double curveAUC(InputArray curve_)
{
    if (curve_.empty() || curve_.channels() != 1 || (curve_.rows() != 1 && curve_.cols() != 1))
        CV_Error(Error::StsBadArg, "curveAUC: a single-channel row or column of values is expected");
    Mat curve;
    curve_.getMat().convertTo(curve, CV_64F);
    curve = curve.reshape(1, 1);
    const int n = curve.cols - 1;
    CV_CheckGE(n, 1, "curveAUC: a curve of at least 2 points is expected");
    if (!checkRange(curve))
        CV_Error(Error::StsBadArg, "curveAUC: the curve contains NaN or infinite values");
    const double* v = curve.ptr<double>();
    double s = 0;
    for (int i = 0; i < n; i++)
        s += 0.5 * (v[i] + v[i + 1]);
    return s / n;
}

// ---------------------------------------------------------------------------------------------
// Localisation
// ---------------------------------------------------------------------------------------------

static Mat nonNegativeSaliency(InputArray saliency, const char* fn)
{
    const Mat map = checkSaliency(saliency, fn);
    double mn;
    minMaxLoc(map, &mn, NULL);
    if (mn < 0)
        CV_Error(Error::StsBadArg, cv::format("%s: the saliency map has negative values (minimum %g): a "
                                              "non-negative map is expected", fn, mn));
    return map;
}

double energyPointingGame(InputArray saliency, const Rect& box)
{
    static const char* const fn = "energyPointingGame";
    const Mat map = nonNegativeSaliency(saliency, fn);
    if (box.width < 0 || box.height < 0 || box.x < 0 || box.y < 0 || box.x + box.width > map.cols ||
        box.y + box.height > map.rows)
        CV_Error(Error::StsOutOfRange, cv::format(
            "%s: the box [x=%d, y=%d, w=%d, h=%d] is not inside the %dx%d map: a box with non-negative size "
            "inside the image is expected", fn, box.x, box.y, box.width, box.height, map.cols, map.rows));
    const double total = sum(map)[0];
    if (!(total > 0) || box.area() == 0)
        return 0.0;
    return std::min(1.0, sum(map(box))[0] / total);
}

double energyPointingGameMask(InputArray saliency, InputArray mask_)
{
    static const char* const fn = "energyPointingGameMask";
    const Mat map = nonNegativeSaliency(saliency, fn);
    if (mask_.empty() || mask_.type() != CV_8UC1)
        CV_Error(Error::StsBadArg, cv::format("%s: a non-empty CV_8UC1 mask is expected, got %s", fn,
                                              mask_.empty() ? "an empty one" : typeToString(mask_.type()).c_str()));
    const Mat mask = mask_.getMat();
    if (mask.size() != map.size())
        CV_Error(Error::StsUnmatchedSizes, cv::format("%s: the mask is %dx%d but the map is %dx%d: equal sizes are "
                                                      "expected", fn, mask.cols, mask.rows, map.cols, map.rows));
    const double total = sum(map)[0];
    if (!(total > 0))
        return 0.0;
    Mat inside = Mat::zeros(map.size(), CV_32F);
    map.copyTo(inside, mask);
    return std::min(1.0, sum(inside)[0] / total);
}

Rect saliencyBoundingBox(InputArray saliency, double threshold)
{
    static const char* const fn = "saliencyBoundingBox";
    const Mat map = checkSaliency(saliency, fn);
    if (!(threshold >= 0 && threshold <= 1))
        CV_Error(Error::StsOutOfRange, cv::format("%s: threshold %g is not a fraction of the maximum in [0, 1]",
                                                  fn, threshold));
    double mx;
    minMaxLoc(map, NULL, &mx);
    if (!(mx > 0))
        return Rect();
    Mat kept = map >= threshold * mx;
    Mat labels, stats, centroids;
    const int n = connectedComponentsWithStats(kept, labels, stats, centroids, 8, CV_32S);
    // Largest region; equal areas: the one met first in raster order.
    std::vector<int> firstPixel(n, std::numeric_limits<int>::max());
    for (int y = 0; y < labels.rows; y++)
    {
        const int* l = labels.ptr<int>(y);
        for (int x = 0; x < labels.cols; x++)
            if (l[x] > 0 && firstPixel[l[x]] == std::numeric_limits<int>::max())
                firstPixel[l[x]] = y * labels.cols + x;
    }
    int best = -1;
    for (int i = 1; i < n; i++)
    {
        const int area = stats.at<int>(i, CC_STAT_AREA);
        if (best < 0 || area > stats.at<int>(best, CC_STAT_AREA) ||
            (area == stats.at<int>(best, CC_STAT_AREA) && firstPixel[i] < firstPixel[best]))
            best = i;
    }
    if (best < 0)
        return Rect();
    return Rect(stats.at<int>(best, CC_STAT_LEFT), stats.at<int>(best, CC_STAT_TOP),
                stats.at<int>(best, CC_STAT_WIDTH), stats.at<int>(best, CC_STAT_HEIGHT));
}

double boxIoU(const Rect& a, const Rect& b)
{
    if (a.width < 0 || a.height < 0 || b.width < 0 || b.height < 0)
        CV_Error(Error::StsBadArg, "boxIoU: boxes with a negative width or height are not boxes");
    const double inter = (double)(a & b).area();
    const double uni = (double)a.area() + (double)b.area() - inter;
    return uni > 0 ? inter / uni : 0.0;
}

// ---------------------------------------------------------------------------------------------
// Rank correlation
// ---------------------------------------------------------------------------------------------

//! Ranks 1..n of the values, ties sharing their average rank.
static std::vector<double> averageRanks(const std::vector<double>& v)
{
    const size_t n = v.size();
    std::vector<size_t> idx(n);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(), [&v](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> ranks(n);
    for (size_t i = 0; i < n;)
    {
        size_t j = i + 1;
        while (j < n && v[idx[j]] == v[idx[i]])
            j++;
        const double r = 0.5 * (double)(i + j - 1) + 1.0; // average of ranks i+1 .. j
        for (size_t k = i; k < j; k++)
            ranks[idx[k]] = r;
        i = j;
    }
    return ranks;
}

static std::vector<double> flatValues(InputArray a, const char* which)
{
    if (a.empty() || a.channels() != 1)
        CV_Error(Error::StsBadArg, cv::format("spearmanCorrelation: array %s is %s: a non-empty single-channel "
                                              "array is expected", which, a.empty() ? "empty" : "multi-channel"));
    Mat m;
    a.getMat().convertTo(m, CV_64F);
    if (!checkRange(m))
        CV_Error(Error::StsBadArg, cv::format("spearmanCorrelation: array %s contains NaN or infinite values", which));
    m = m.isContinuous() ? m.reshape(1, 1) : m.clone().reshape(1, 1);
    return std::vector<double>(m.ptr<double>(), m.ptr<double>() + m.total());
}

double spearmanCorrelation(InputArray a, InputArray b)
{
    if (!a.empty() && !b.empty() && a.size() != b.size())
        CV_Error(Error::StsUnmatchedSizes, cv::format("spearmanCorrelation: the arrays are %dx%d and %dx%d: equal "
                                                      "sizes are expected", a.size().width, a.size().height,
                                                      b.size().width, b.size().height));
    const std::vector<double> ra = averageRanks(flatValues(a, "a")), rb = averageRanks(flatValues(b, "b"));
    const size_t n = ra.size();
    const double meanRank = 0.5 * (double)(n + 1);
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++)
    {
        const double da = ra[i] - meanRank, db = rb[i] - meanRank;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    if (!(saa > 0) || !(sbb > 0))
        return 0.0;
    return std::max(-1.0, std::min(1.0, sab / std::sqrt(saa * sbb)));
}

}} // namespace cv::xai
