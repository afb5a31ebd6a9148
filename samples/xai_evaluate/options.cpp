// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "../common/cli_parse.hpp"
#include "../common/cli_preprocessing.hpp"
#include "../common/cli_shard.hpp"
#include "../common/cli_values.hpp"
#include "../common/fusion_options.hpp"
#include "../common/fusion_options.hpp"
#include "dataset.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace xai_evaluate {

using namespace xai_samples;

namespace {

const Choices& baselineChoices()
{
    static const Choices c = {{"zero-input", cv::xai::BASELINE_ZERO_INPUT},
                              {"black", cv::xai::BASELINE_BLACK},
                              {"blur", cv::xai::BASELINE_BLUR},
                              {"image-mean", cv::xai::BASELINE_IMAGE_MEAN}};
    return c;
}

//! FNV-1a 64 of a file's bytes, in hex: cheap, and enough to tell a retrained model from the old one.
std::string fileChecksum(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw UsageError("cannot read model '" + path + "'");
    uint64_t h = 1469598103934665603ull;
    char buf[1 << 16];
    while (in.read(buf, sizeof(buf)) || in.gcount() > 0)
    {
        for (std::streamsize i = 0; i < in.gcount(); i++)
        {
            h ^= (unsigned char)buf[i];
            h *= 1099511628211ull;
        }
    }
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
    return hex;
}

void printHelp(std::ostream& out, const po::options_description& visible)
{
    out << "NAME\n"
           "    xai_evaluate - measure how good Score-CAM and Augmented Score-CAM explanations\n"
           "    are, over images with ground-truth objects\n"
           "\n"
           "SYNOPSIS\n"
           "    xai_evaluate --model FILE --size WxH [--scale S --mean M ...] --ground-truth FILE\n"
           "                 --output DIR [OPTIONS]\n"
           "    xai_evaluate --models models.yml --model NAME --ground-truth FILE --output DIR\n"
           "    xai_evaluate --merge DIR... --output DIR\n"
           "    xai_evaluate --help\n"
           "\n"
           "DESCRIPTION\n"
           "    Explains every object of every image of a ground-truth file with each method\n"
           "    of --methods (the object's ground-truth class is explained) and measures the\n"
           "    map with the metrics of cv::xai (opencv2/xai/metrics.hpp):\n"
           "      drop, increase    Average Drop and Increase in Confidence: the class\n"
           "                        probability of the image multiplied by its map\n"
           "                        (--drop-baseline fills what the map removes)\n"
           "      deletion_auc      area under the class probability as the most salient\n"
           "                        pixels are removed first (lower is better)\n"
           "      insertion_auc     the same as they are inserted into a blurred image\n"
           "                        (higher is better)\n"
           "      energy_box, energy_mask   share of the map's energy on the object's box\n"
           "                        and mask (energy-based pointing game)\n"
           "      iou               IoU of the object's box with the box of the map (largest\n"
           "                        region above --bbox-threshold of the maximum)\n"
           "      energy_other_*    two-object images: the share on the other object\n"
           "      stays_on_object   two-object images with masks: 1 when the map puts more\n"
           "                        energy on its own mask than on the other's (empty\n"
           "                        without masks)\n"
           "      forwards, seconds cost of the explanation\n"
           "    and, on the first --randomization images, the cascading model randomisation\n"
           "    test: Spearman correlation of the map with the maps of nets whose layers are\n"
           "    randomised one after the other from the output side.\n"
           "\n"
           "    The ground-truth file is a cv::FileStorage file:\n"
           "        classes: [ circle, square, ... ]\n"
           "        images:\n"
           "          - { image: \"single/0000.png\",\n"
           "              objects: [ { class: 3, box: [ x, y, w, h ], mask: \"masks/a.png\" } ] }\n"
           "    with paths relative to its folder.\n"
           "\n"
           "    A run can be split: --shard I/N evaluates the images whose index modulo N is I\n"
           "    and --merge joins the output folders of the shards into one. A run that is\n"
           "    interrupted is resumed by running the same command again: images already in\n"
           "    the output are skipped. The output folder remembers the settings and a\n"
           "    checksum of the model file; a run with other settings, or a retrained model,\n"
           "    refuses to write into it. Under a scheduler, --shard auto takes I and N from\n"
           "    the job array (Slurm, Kubernetes indexed jobs, AWS Batch): docs/scale-out.md.\n"
           "\n"
        << visible
        << "\n"
           "OUTPUT\n"
           "    In the --output folder:\n"
           "      per_image.csv       one row per image, object and method\n"
           "      curves.csv          the deletion and insertion curves of every row\n"
           "      randomization.csv   one row per randomisation step (with --randomization)\n"
           "      run.yml             the settings, checked when a run resumes or merges\n"
           "      summary.yml         per method: mean, standard deviation and 95% confidence\n"
           "                          interval (Student t) of every metric; the paired\n"
           "                          difference of every method from the first; the mean\n"
           "                          correlation per randomised layer (summary.json with\n"
           "                          --summary-format json)\n"
           "      deletion.png, insertion.png     mean curves of all methods\n"
           "      plots/<method>_<curve>.png      each mean curve alone (cv::plot::Plot2d when\n"
           "                          OpenCV has the plot module)\n"
           "\n"
           "EXAMPLES\n"
           "    The bundled model over the project's test scenes, Score-CAM against 16 views:\n"
           "        xai_evaluate --models tests/data/models.yml --model resnet \\\n"
           "            --ground-truth tests/data/scenes/single.yml --methods score-cam,mean:16 \\\n"
           "            --limit 50 --output eval/resnet\n"
           "    The same in two processes, then merged:\n"
           "        xai_evaluate ... --shard 0/2 --output eval/s0 &\n"
           "        xai_evaluate ... --shard 1/2 --output eval/s1; wait\n"
           "        xai_evaluate --merge eval/s0 eval/s1 --output eval/resnet\n"
           "    As a Slurm job array of 4 tasks (sbatch --array=0-3), each in its own folder:\n"
           "        xai_evaluate ... --shard auto --output eval/shard-$SLURM_ARRAY_TASK_ID\n"
           "\n"
           "EXIT STATUS\n"
           "    0  every image was evaluated.\n"
           "    1  some images failed (each is reported on stderr); the others were written.\n"
           "       Also when a write failed (a full disk): the run stops, the rows written\n"
           "       are kept, and the same command resumes it.\n"
           "    2  wrong usage, a missing or unreadable file, a model that cannot be loaded,\n"
           "       a ground-truth class the model does not have, or an output folder made\n"
           "       with other settings; nothing was evaluated.\n"
           "    130, 143  stopped by Ctrl-C (SIGINT) or SIGTERM: the running unit was\n"
           "       dropped, the summary covers the finished ones, the same command resumes.\n";
}

} // namespace

std::string baselineName(int baseline) { return nameOf(baseline, baselineChoices()); }

MethodSpec parseMethod(const std::string& text, const cv::xai::SuperResolutionParams& superResolution)
{
    MethodSpec m;
    m.name = text;
    m.superResolution = superResolution;
    if (text == "score-cam")
        return m;
    // FUSION:N[:lattice][/KEY=VALUE...]; getline would drop a trailing empty part.
    if (!text.empty() && text.back() == '/')
        throw UsageError("--methods: '" + text + "' ends with '/': a KEY=VALUE setting follows every '/'");
    std::vector<std::string> parts;
    std::stringstream split(text);
    for (std::string part; std::getline(split, part, '/');)
        parts.push_back(part);
    for (size_t i = 1; i < parts.size(); i++)
        if (parts[i].empty())
            throw UsageError("--methods: '" + text + "' has an empty setting: a KEY=VALUE setting follows every '/'");
    const std::string head = parts.empty() ? std::string() : parts[0];
    const size_t colon = head.find(':');
    const std::string fusion = head.substr(0, colon);
    const Choices& fusions = fusionChoices();
    const bool known = std::any_of(fusions.begin(), fusions.end(), [&](const Choice& c) { return fusion == c.name; });
    if (colon == std::string::npos || !known)
        throw UsageError("--methods: unknown method '" + text + "' (expected score-cam, or FUSION:N with FUSION one of " +
                         joinNames(fusions) + ", optionally with :lattice and /KEY=VALUE settings)");
    std::string count = head.substr(colon + 1);
    const size_t second = count.find(':');
    if (second != std::string::npos && second > 0)  // "super-resolution::4" has no number before ':'
    {
        if (count.substr(second + 1) != "lattice")
            throw UsageError("--methods: '" + text + "': only ':lattice' may follow the number of views");
        count = count.substr(0, second);
        m.lattice = -1; // set from the number of views below
    }
    // Digits only: "mean:+4" or "mean: 4" would name a method apart from mean:4 and run it twice.
    const long views = count.empty() || count.size() > 4 || count[0] == '0' ||
                               count.find_first_not_of("0123456789") != std::string::npos
                           ? 0 : std::stol(count);
    if (views < 1 || views > 4096)
        throw UsageError("--methods: '" + text + "': the number of views must be a whole number from 1 to 4096, not '" +
                         count + "'");
    if (m.lattice < 0)
    {
        m.lattice = (int)std::lround(std::sqrt((double)views));
        if ((long)m.lattice * m.lattice != views)
            throw UsageError("--methods: '" + text + "': a lattice of k x k views needs a square number of views");
    }
    m.augmented = true;
    m.views = (int)views;
    m.fusion = choose("methods", fusion, fusions);
    for (size_t i = 1; i < parts.size(); i++)
    {
        if (m.fusion != cv::xai::FUSION_SUPER_RESOLUTION)
            throw UsageError("--methods: '" + text + "': settings after '/' are for super-resolution only");
        const std::string key = parts[i].substr(0, parts[i].find('='));
        for (size_t j = 1; j < i; j++)
            if (parts[j].substr(0, parts[j].find('=')) == key)
                throw UsageError("--methods: '" + text + "' gives " + key + " twice");
        applySuperResolutionSetting(parts[i], "methods", m.superResolution);
        m.settings.push_back(parts[i]);
    }
    return m;
}

std::vector<std::pair<std::string, std::string>> Options::settings() const
{
    std::string methodList;
    for (const MethodSpec& m : methods)
        methodList += (methodList.empty() ? "" : ",") + m.name;
    const cv::xai::ScoreCAM::Params& p = scoreCam;
    std::ostringstream mean;
    mean << p.mean[0] << "," << p.mean[1] << "," << p.mean[2];
    std::vector<std::pair<std::string, std::string>> s = {
        {"model", fs::path(model).filename().string()},
        {"model_name", modelName},
        {"model_checksum", modelChecksum},
        {"ground_truth", fs::path(groundTruth).filename().string()},
        {"limit", std::to_string(limit)},
        {"input_size", std::to_string(p.inputSize.width) + "x" + std::to_string(p.inputSize.height)},
        {"scale", number(p.scale)},
        {"mean", mean.str()},
        {"swap_rb", p.swapRB ? "1" : "0"},
        {"crop", p.crop ? "1" : "0"},
        {"target_layer", p.targetLayer},
        {"score_layer", p.scoreLayer},
        {"weights", nameOf(p.weightMode, weightChoices())},
        {"max_channels", std::to_string(p.maxChannels)},
        {"batch_size", std::to_string(p.batchSize)},
        {"methods", methodList},
        {"super_resolution", describeSuperResolution(superResolution)},
        {"lattice", std::to_string(augmentation.latticeSize)},
        {"max_angle", number(augmentation.maxAngle)},
        {"max_shift", number(augmentation.maxShift)},
        {"seed", std::to_string(augmentation.seed)},
        {"steps", std::to_string(perturbation.steps)},
        {"deletion_baseline", baselineName(perturbation.deletionBaseline)},
        {"insertion_baseline", baselineName(perturbation.insertionBaseline)},
        {"blur_sigma", number(perturbation.blurSigma)},
        {"drop_baseline", baselineName(dropBaseline)},
        {"bbox_threshold", number(bboxThreshold)},
        {"randomization_images", std::to_string(randomizationImages)},
        {"randomization_layers", std::to_string(randomizationLayers)},
    };
    // Settings added later are recorded only when they are not the default, so that the folders of
    // earlier runs, made before they existed, still resume.
    if (denseFidelity)
        s.push_back({"dense_fidelity", "1"});
    if (p.channelScale != cv::Scalar(1, 1, 1, 1))
    {
        std::ostringstream stds;
        stds << 1 / p.channelScale[0] << "," << 1 / p.channelScale[1] << "," << 1 / p.channelScale[2];
        s.push_back({"std", stds.str()});
    }
    if (p.crop && p.cropFraction != 1)
        s.push_back({"crop_fraction", number(p.cropFraction)});
    if (p.scoreType != cv::xai::SCORE_AUTO)
        s.push_back({"score_type", scoreTypeName(p.scoreType)});
    return s;
}

bool parseCommandLine(int argc, const char* const argv[], Options& o)
{
    const cv::xai::AugmentedScoreCAM::Params defaults;
    const cv::xai::PerturbationParams pd;

    po::options_description model("Model");
    model.add_options()
        ("model,m", po::value<std::string>()->value_name("FILE|NAME"), "the classifier, any format cv::dnn::readNet "
            "reads; with --models, the name of an entry of it")
        ("models", po::value<std::string>()->value_name("FILE"), "a models.yml (models: [ { name, file, input_width, "
            "input_height, scale, mean, std, swapRB, crop, crop_fraction, target_layer, output_layer, score_type } ]) "
            "to read the model and its preprocessing from; options given explicitly override it")
        ("layer", po::value<std::string>()->value_name("NAME"), "the layer to explain (default: models.yml's, else "
            "the last layer with a spatial output)")
        ("threads", po::value<int>()->value_name("N"), "threads of OpenCV (cv::setNumThreads); default: all cores");

    po::options_description method("Methods");
    method.add_options()
        ("methods", po::value<std::string>()->value_name("LIST")->default_value("score-cam,mean:16"),
            "comma-separated methods: score-cam, or FUSION:N with FUSION one of mean, max, "
            "super-resolution (Augmented Score-CAM with N views, the original included), optionally "
            "followed by :lattice (designed views, N = k x k) and, for super-resolution, /KEY=VALUE settings "
            "(tv, energy, iterations, tolerance, downsampling, resolution, view-scale; e.g. "
            "super-resolution:16:lattice/tv=0.001). Methods with the same views share their forwards. The "
            "first method is the reference of the paired comparisons")
        ("max-angle", po::value<double>()->value_name("DEG")->default_value(defaults.augmentation.maxAngle,
            shortText(defaults.augmentation.maxAngle)), "views are rotated by up to this many degrees")
        ("max-shift", po::value<double>()->value_name("F")->default_value(defaults.augmentation.maxShift,
            shortText(defaults.augmentation.maxShift)), "views are shifted by up to this fraction of the frame")
        ("seed", po::value<int>()->value_name("N")->default_value(defaults.augmentation.seed), "seed of the views")
        ("weights", po::value<std::string>()->value_name("NAME")->default_value("probability"),
            ("channel weights: " + joinNames(weightChoices())).c_str())
        ("max-channels", po::value<int>()->value_name("M")->default_value(0), "Faster Score-CAM: score only the M "
            "channels of largest variance; 0: all")
        ("batch,b", po::value<int>()->value_name("B")->default_value(defaults.scoreCam.batchSize),
            "images per forward, for the explanations and the metrics");

    po::options_description data("Data");
    data.add_options()
        ("ground-truth,g", po::value<std::string>()->value_name("FILE"), "the images and their objects (see DESCRIPTION)")
        ("limit", po::value<int>()->value_name("N")->default_value(0), "only the first N images of the file; 0: all")
        ("shard", po::value<std::string>()->value_name("I/N|auto")->default_value("0/1"), shardHelp("images").c_str());

    po::options_description metrics("Metrics");
    metrics.add_options()
        ("steps", po::value<int>()->value_name("N")->default_value(pd.steps), "steps of the deletion and insertion "
            "curves (N + 1 points)")
        ("deletion-baseline", po::value<std::string>()->value_name("NAME")->default_value(baselineName(pd.deletionBaseline)),
            ("what deleted pixels become: " + joinNames(baselineChoices()) + " (zero-input: the mean colour, "
             "a zero network input)").c_str())
        ("insertion-baseline", po::value<std::string>()->value_name("NAME")->default_value(baselineName(pd.insertionBaseline)),
            "the image pixels are inserted into")
        ("blur-sigma", po::value<double>()->value_name("PX")->default_value(pd.blurSigma, shortText(pd.blurSigma)),
            "sigma of the blur baseline, in pixels")
        ("drop-baseline", po::value<std::string>()->value_name("NAME")->default_value(baselineName(o.dropBaseline)),
            "what a map value of 0 leaves of the image for Average Drop")
        ("bbox-threshold", po::value<double>()->value_name("F")->default_value(o.bboxThreshold, shortText(o.bboxThreshold)),
            "the map's box: its largest region at or above this fraction of its maximum")
        ("randomization", po::value<int>()->value_name("N")->default_value(0), "run the model randomisation test "
            "on the images of index below N (their first object's class); costs one explanation per layer")
        ("randomization-layers", po::value<int>()->value_name("L")->default_value(0), "randomise only the last L "
            "layers with parameters; 0: all")
        ("dense-fidelity", po::bool_switch(), "also compare every map with the network's own dense map (the layer "
            "at every pixel by shift-and-stitch, cv::xai::computeDenseMap; Score-CAM plus stride^2 / batch forwards "
            "per object): columns dense_r (Pearson r) and dense_moved (share of the energy that moves); needs a "
            "layer whose geometry is a whole-pixel grid");

    po::options_description output("Output");
    output.add_options()
        ("output,o", po::value<std::string>()->value_name("DIR"), "folder for the results (created; resumed when it "
            "holds an earlier run with the same settings)")
        ("merge", po::value<std::vector<std::string>>()->value_name("DIR...")->multitoken(), "join the output "
            "folders of earlier runs (shards) into --output, then summarise; nothing is computed")
        ("summary-format", po::value<std::string>()->value_name("FMT")->default_value(o.summaryFormat),
            "yaml or json")
        ("no-plots", po::bool_switch(), "do not draw the curves")
        ("quiet,q", po::bool_switch(), "no progress on stderr; errors are still printed")
        ("help,h", "print this help and exit");

    po::options_description visible("OPTIONS", 100, 44);
    visible.add(model).add(preprocessingOptions("Preprocessing and scores (default: models.yml's, else none)"))
        .add(method).add(superResolutionOptions()).add(data).add(metrics).add(output);

    po::variables_map vm;
    if (storeOptions(argc, argv, visible, nullptr, vm))
    {
        printHelp(std::cout, visible);
        return false;
    }
    auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
    auto str = [&](const char* name) { return vm[name].as<std::string>(); };

    if (!vm.count("output"))
        throw UsageError("--output DIR is required (see --help)");
    o.output = str("output");
    o.quiet = vm["quiet"].as<bool>();
    o.plots = !vm["no-plots"].as<bool>();
    o.summaryFormat = str("summary-format");
    if (o.summaryFormat != "yaml" && o.summaryFormat != "json")
        throw UsageError("--summary-format: '" + o.summaryFormat + "' is neither yaml nor json");
    if (given("threads"))
    {
        o.threads = vm["threads"].as<int>();
        if (o.threads < 1)
            throw UsageError("--threads must be at least 1");
    }

    if (vm.count("merge"))
    {
        o.merge = vm["merge"].as<std::vector<std::string>>();
        if (o.merge.empty())
            throw UsageError("--merge needs at least one folder");
        for (const char* other : {"model", "models", "ground-truth"})
            if (vm.count(other))
                throw UsageError(std::string("--merge computes nothing: --") + other + " has no use with it");
        return true;
    }

    // Model and preprocessing: models.yml, then explicit options.
    if (!vm.count("model"))
        throw UsageError("--model is required (see --help)");
    if (given("models"))
    {
        o.modelsFile = str("models");
        const ModelEntry e = readModelEntry(o.modelsFile, str("model"));
        o.model = e.file;
        o.modelName = e.name;
        o.scoreCam = e.pre;
    }
    else
    {
        o.model = str("model");
        std::error_code ec;
        if (!fs::is_regular_file(o.model, ec))
            throw UsageError("model '" + o.model + "' does not exist or is not a file");
        o.modelName = fs::path(o.model).stem().string();
    }
    o.modelChecksum = fileChecksum(o.model);
    cv::xai::ScoreCAM::Params& p = o.scoreCam;
    applyPreprocessingOptions(vm, p);  // over models.yml's
    if (given("layer"))
        p.targetLayer = str("layer");
    p.weightMode = choose("weights", str("weights"), weightChoices());
    p.maxChannels = vm["max-channels"].as<int>();
    if (p.maxChannels < 0)
        throw UsageError("--max-channels must be 0 (all) or positive");
    p.batchSize = vm["batch"].as<int>();
    if (p.batchSize < 1 || p.batchSize > 1024)
        throw UsageError("--batch must be from 1 to 1024");

    // Methods, on top of the super-resolution options.
    readSuperResolutionOptions(vm, o.superResolution, o.augmentation);
    std::string list = str("methods");
    if (list.find_first_of(" \t\r\n") != std::string::npos)
        throw UsageError("--methods '" + list + "': write the list without spaces (score-cam,mean:16)");
    for (size_t start = 0; start <= list.size();)
    {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos)
            comma = list.size();
        const std::string item = list.substr(start, comma - start);
        if (item.empty())
            throw UsageError("--methods: an empty name in '" + list + "'");
        MethodSpec m = parseMethod(item, o.superResolution);
        if (m.augmented && m.lattice == 0)
            m.lattice = o.augmentation.latticeSize; // --lattice, for the methods that do not say
        for (const MethodSpec& other : o.methods)
            if (other.name == m.name)
                throw UsageError("--methods: '" + m.name + "' is listed twice");
        o.methods.push_back(m);
        start = comma + 1;
    }
    o.augmentation.maxAngle = vm["max-angle"].as<double>();
    requireRange("max-angle", o.augmentation.maxAngle, 0, 180, "0 to 180 degrees");
    o.augmentation.maxShift = vm["max-shift"].as<double>();
    requireRange("max-shift", o.augmentation.maxShift, 0, 1, "a fraction of the frame, 0 to 1");
    o.augmentation.seed = vm["seed"].as<int>();
    RunShape shape;
    shape.method = shape.fusion = "--methods " + list;
    shape.augmented = shape.superResolution = shape.randomShifts = false;
    for (const MethodSpec& m : o.methods)
    {
        shape.augmented = shape.augmented || m.augmented;
        shape.superResolution = shape.superResolution || m.fusion == cv::xai::FUSION_SUPER_RESOLUTION ||
                                m.fusion == cv::xai::FUSION_INTERLEAVE;
        shape.randomShifts = shape.randomShifts || (m.augmented && m.lattice == 0);
        shape.lattice = std::max(shape.lattice, m.lattice);
    }
    for (const std::string& w : unusedOptionWarnings(vm, shape))
        o.warnings.push_back("xai_evaluate: warning: " + w);

    // Data.
    if (!vm.count("ground-truth"))
        throw UsageError("--ground-truth FILE is required (see --help)");
    o.groundTruth = str("ground-truth");
    o.limit = vm["limit"].as<int>();
    if (o.limit < 0)
        throw UsageError("--limit must be 0 (all) or positive");
    const Shard shard = parseShard(str("shard"));
    o.shardIndex = shard.index;
    o.shardCount = shard.count;
    o.shardSource = shard.source;

    // Metrics.
    cv::xai::PerturbationParams& pp = o.perturbation;
    pp.steps = vm["steps"].as<int>();
    if (pp.steps < 1 || pp.steps > 100000)
        throw UsageError("--steps must be from 1 to 100000");
    pp.deletionBaseline = choose("deletion-baseline", str("deletion-baseline"), baselineChoices());
    pp.insertionBaseline = choose("insertion-baseline", str("insertion-baseline"), baselineChoices());
    pp.blurSigma = vm["blur-sigma"].as<double>();
    if (!(pp.blurSigma > 0) || !std::isfinite(pp.blurSigma))
        throw UsageError("--blur-sigma must be positive");
    pp.batchSize = p.batchSize;
    o.dropBaseline = choose("drop-baseline", str("drop-baseline"), baselineChoices());
    o.bboxThreshold = vm["bbox-threshold"].as<double>();
    requireRange("bbox-threshold", o.bboxThreshold, 0, 1, "a fraction of the maximum, 0 to 1");
    o.randomizationImages = vm["randomization"].as<int>();
    o.randomizationLayers = vm["randomization-layers"].as<int>();
    o.denseFidelity = vm["dense-fidelity"].as<bool>();
    if (o.randomizationImages < 0 || o.randomizationLayers < 0)
        throw UsageError("--randomization and --randomization-layers must not be negative");
    return true;
}

} // namespace xai_evaluate
