// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "input_geometry.hpp"
#include "net_setup.hpp"
#include "usage_guard.hpp"

#include <limits>

namespace cv {
namespace xai {

RandomizationStep::RandomizationStep()
    : randomizedBlobs(0), keptBlobs(0), correlation(std::numeric_limits<double>::quiet_NaN())
{
}

namespace {

/** Runs the probe image through the net after forcing a new setup, so that every layer reads its
    parameter blobs again.

    Verified on OpenCV 4.6.0: a Convolution layer copies its bias (and, when a BatchNorm is fused
    into it, its weights) when the net is set up, and the setup runs again only when the input shape
    or the requested outputs change; an InnerProduct layer copies its weights at construction unless
    their row length is a multiple of 8 (then it shares them), and shares its bias; BatchNorm folds its
    blobs into scale and shift at construction. Asking for a different set of outputs and then for
    the scores alone sets the net up twice: whatever the last forward asked for, the scores come
    from a setup made after the blobs were written. */
class Probe
{
public:
    Probe(const dnn::Net& net, const ScoreCAM::Params& pre, InputArray image) : net_(net)
    {
        if (net_.empty())
            CV_Error(Error::StsBadArg, "modelRandomizationTest: the net is empty: load a model with cv::dnn::readNet first");
        InputGeometry geometry(pre);
        const Mat frame = geometry.toFrame(image);
        std::vector<Mat> planes;
        geometry.normalize(frame, planes);
        const int sz[] = { 1, frame.channels(), frame.rows, frame.cols };
        blob_.create(4, sz, CV_32F);
        for (int c = 0; c < sz[1]; c++)
            planes[c].copyTo(Mat(frame.size(), CV_32F, blob_.ptr<float>(0, c)));
        scoreLayer_ = resolveScoreLayer(net_, pre.scoreLayer);
        const std::vector<String> names = net_.getLayerNames();
        for (size_t i = 0; i < names.size() && otherLayer_.empty(); i++)
            if (names[i] != scoreLayer_)
                otherLayer_ = names[i];
    }

    Mat scores()
    {
        std::vector<Mat> outs;
        net_.setInput(blob_);
        if (!otherLayer_.empty())
        {
            std::vector<String> both;
            both.push_back(scoreLayer_);
            both.push_back(otherLayer_);
            net_.forward(outs, both);
        }
        net_.forward(outs, std::vector<String>(1, scoreLayer_));
        return outs[0].clone();
    }

private:
    dnn::Net net_;
    Mat blob_;
    String scoreLayer_, otherLayer_;
};

//! True when two score blobs differ beyond the noise of a repeated forward.
bool scoresChanged(const Mat& a, const Mat& b)
{
    if (a.size != b.size)
        return true;
    if (!checkRange(b))
        return true;
    const double scale = std::max(1.0, norm(a, NORM_INF));
    return norm(a, b, NORM_INF) > 1e-6 * scale;
}

//! A random permutation of the values of a blob, written in place.
void permuteInPlace(Mat& blob, RNG& rng)
{
    CV_Assert(blob.type() == CV_32F || blob.depth() == CV_32F);
    CV_Assert(blob.isContinuous());
    float* v = blob.ptr<float>();
    const size_t n = blob.total() * blob.channels();
    for (size_t i = n - 1; i > 0; i--)
    {
        const size_t j = (size_t)rng.uniform(0, (int)i + 1);
        std::swap(v[i], v[j]);
    }
}

//! The trained values of the layers' blobs, written back in place when the test ends.
class Restorer
{
public:
    Restorer(const dnn::Net& net, Probe& probe) : net_(net), probe_(probe) {}

    ~Restorer()
    {
        try
        {
            restoreAll();
        }
        catch (const std::exception& e)
        {
            CV_LOG_ERROR(NULL, "xai: modelRandomizationTest could not restore the net's parameters: " << e.what());
        }
    }

    void save(int layerId, int blobIndex)
    {
        saved_.push_back(Saved());
        saved_.back().layer = layerId;
        saved_.back().blob = blobIndex;
        saved_.back().values = net_.getParam(layerId, blobIndex).clone();
    }

    //! Writes the trained values of one blob back into the memory the layer reads.
    void restore(int layerId, int blobIndex)
    {
        for (size_t i = 0; i < saved_.size(); i++)
            if (saved_[i].layer == layerId && saved_[i].blob == blobIndex)
                writeBack(saved_[i]);
    }

    void restoreAll()
    {
        if (saved_.empty())
            return;
        for (size_t i = 0; i < saved_.size(); i++)
            writeBack(saved_[i]);
        saved_.clear();
        probe_.scores(); // set the net up again with the trained values
    }

private:
    struct Saved
    {
        int layer;
        int blob;
        Mat values;
    };

    void writeBack(const Saved& s)
    {
        Mat dst = net_.getParam(s.layer, s.blob);
        CV_Assert(dst.size == s.values.size && dst.type() == s.values.type());
        s.values.copyTo(dst); // same size and type: copied into the shared memory, not reallocated
    }

    dnn::Net net_;
    Probe& probe_;
    std::vector<Saved> saved_;
};

String blobNote(const String& layer, int blob, const char* why)
{
    return cv::format("%s blob %d: %s", layer.c_str(), blob, why);
}

} // namespace

void modelRandomizationTest(const dnn::Net& net_, const ScoreCAM::Params& preprocessing, InputArray probeImage,
                            const SaliencyFunction& explain, std::vector<RandomizationStep>& steps, uint64 seed,
                            const std::vector<String>& requestedLayers)
{
    if (!explain)
        CV_Error(Error::StsBadArg, "modelRandomizationTest: no explanation function was given");
    dnn::Net net = net_;
    const UsageGuard guard(net); // its parameters change under the explanations: no other thread may use it
    Probe probe(net, preprocessing, probeImage);

    // The layers, output side first.
    std::vector<int> layerIds;
    if (requestedLayers.empty())
    {
        const std::vector<String> names = net.getLayerNames();
        for (size_t i = names.size(); i-- > 0;)
        {
            const int id = net.getLayerId(names[i]);
            if (!net.getLayer(id)->blobs.empty())
                layerIds.push_back(id);
        }
    }
    else
    {
        const std::vector<String> names = net.getLayerNames();
        for (size_t i = 0; i < requestedLayers.size(); i++)
        {
            if (std::find(names.begin(), names.end(), requestedLayers[i]) == names.end())
                CV_Error(Error::StsObjectNotFound, "modelRandomizationTest: unknown layer '" + requestedLayers[i] +
                         "': the net has no layer of that name (cv::dnn::Net::getLayerNames lists them)");
            layerIds.push_back(net.getLayerId(requestedLayers[i]));
        }
    }

    steps.clear();
    Restorer restorer(net, probe);
    Mat previous = probe.scores();

    // The trained net, explained twice: the reference map and a check that it is reproducible.
    const Mat reference = explain(net);
    if (reference.empty())
        CV_Error(Error::StsBadArg, "modelRandomizationTest: the explanation function returned an empty map");
    {
        RandomizationStep step;
        step.saliency = explain(net);
        step.correlation = spearmanCorrelation(reference, step.saliency);
        steps.push_back(step);
    }

    RNG rng(seed);
    for (size_t l = 0; l < layerIds.size(); l++)
    {
        const Ptr<dnn::Layer> layer = net.getLayer(layerIds[l]);
        RandomizationStep step;
        step.layer = layer->name;
        step.type = layer->type;
        std::vector<String> notes;
        const int numBlobs = (int)layer->blobs.size();
        if (numBlobs == 0)
            notes.push_back(layer->name + ": the layer has no parameters");
        for (int b = 0; b < numBlobs; b++)
        {
            Mat blob = net.getParam(layerIds[l], b);
            double mn = 0, mx = 0;
            if (blob.depth() == CV_32F && blob.isContinuous() && blob.total() > 1)
                minMaxLoc(blob.reshape(1, 1), &mn, &mx);
            if (blob.depth() != CV_32F || !blob.isContinuous())
            {
                notes.push_back(blobNote(step.layer, b, "not a continuous CV_32F blob; kept"));
                step.keptBlobs++;
                continue;
            }
            if (blob.total() < 2 || mn == mx)
            {
                notes.push_back(blobNote(step.layer, b, "all values equal, a permutation changes nothing; kept"));
                step.keptBlobs++;
                continue;
            }
            restorer.save(layerIds[l], b);
            permuteInPlace(blob, rng);
            const Mat now = probe.scores();
            if (!scoresChanged(previous, now))
            {
                restorer.restore(layerIds[l], b);
                notes.push_back(blobNote(step.layer, b, "new values do not reach the output (this OpenCV does "
                                                        "not read the blob again after loading); kept"));
                step.keptBlobs++;
                continue;
            }
            step.randomizedBlobs++;
            previous = now;
        }
        for (size_t i = 0; i < notes.size(); i++)
            step.note += (i ? "; " : "") + notes[i];
        if (step.randomizedBlobs > 0)
        {
            step.saliency = explain(net);
            if (step.saliency.size() != reference.size())
                CV_Error(Error::StsUnmatchedSizes, "modelRandomizationTest: the explanation function returned maps "
                         "of different sizes");
            step.correlation = spearmanCorrelation(reference, step.saliency);
        }
        steps.push_back(step);
    }
    restorer.restoreAll();
}

}} // namespace cv::xai
