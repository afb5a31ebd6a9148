// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "options.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>

#include <boost/program_options.hpp>
#include <opencv2/dnn.hpp>

#include "../common/cli_parse.hpp"
#include "../common/cli_preprocessing.hpp"
#include "../common/cli_shard.hpp"
#include "../common/cli_values.hpp"
#include "../common/fusion_options.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace xai_explain {

using namespace xai_samples;

namespace {

const char* const kProgram = "xai_explain";

//! A bundled model with the picture it explains when no image is given (files relative to the data folder).
struct Demo
{
    const char* name;
    const char* model;
    const char* image;
};

const Demo kDemos[] = {{"photo", "squeezenet1.1/squeezenet1.1.onnx", "photos/squirrel_cls.jpg"},
                       {"shapes", "shapes_resnet.onnx", "demo.png"}};

const Demo& demoNamed(const std::string& name)
{
    std::string names;
    for (const Demo& d : kDemos)
    {
        if (name == d.name)
            return d;
        names += (names.empty() ? "" : ", ") + std::string(d.name);
    }
    throw UsageError("--demo '" + name + "': one of " + names + " is expected");
}

// ---- names of enumerated values: one table per option, used both ways ----

const Choices& methodChoices()
{
    static const Choices c = {{"score-cam", (int)Method::ScoreCam},
                              {"augmented", (int)Method::Augmented},
                              {"both", (int)Method::Both}};
    return c;
}

const Choices& colormapChoices()
{
    static const Choices c = {
        {"autumn", cv::COLORMAP_AUTUMN}, {"bone", cv::COLORMAP_BONE}, {"jet", cv::COLORMAP_JET},
        {"winter", cv::COLORMAP_WINTER}, {"rainbow", cv::COLORMAP_RAINBOW}, {"ocean", cv::COLORMAP_OCEAN},
        {"summer", cv::COLORMAP_SUMMER}, {"spring", cv::COLORMAP_SPRING}, {"cool", cv::COLORMAP_COOL},
        {"hsv", cv::COLORMAP_HSV}, {"pink", cv::COLORMAP_PINK}, {"hot", cv::COLORMAP_HOT},
        {"parula", cv::COLORMAP_PARULA}, {"magma", cv::COLORMAP_MAGMA}, {"inferno", cv::COLORMAP_INFERNO},
        {"plasma", cv::COLORMAP_PLASMA}, {"viridis", cv::COLORMAP_VIRIDIS}, {"cividis", cv::COLORMAP_CIVIDIS},
        {"twilight", cv::COLORMAP_TWILIGHT}, {"twilight-shifted", cv::COLORMAP_TWILIGHT_SHIFTED},
        {"turbo", cv::COLORMAP_TURBO}, {"deepgreen", cv::COLORMAP_DEEPGREEN}};
    return c;
}

/** The names cv::dnn::readNet knows (OpenCV 4.6; tflite from 4.8). An unknown one is not an error
    there: the file extension decides, and the user's word is silently ignored. */
const Choices& frameworkChoices()
{
    static const Choices c = {{"caffe", 0}, {"tensorflow", 0}, {"torch", 0}, {"darknet", 0}, {"dldt", 0},
                              {"onnx", 0},
#if CV_VERSION_MAJOR > 4 || (CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR >= 8)
                              {"tflite", 0},
#endif
    };
    return c;
}

// ---- option values with the names --help shows for them ----

po::typed_value<std::string>* word(const char* name)
{
    return po::value<std::string>()->value_name(name);
}

po::typed_value<std::string>* word(const char* name, const std::string& byDefault)
{
    return word(name)->default_value(byDefault);
}

po::typed_value<int>* whole(const char* name, int byDefault)
{
    return po::value<int>()->value_name(name)->default_value(byDefault);
}

po::typed_value<double>* number(const char* name, double byDefault)
{
    return po::value<double>()->value_name(name)->default_value(byDefault, shortText(byDefault));
}

// ---- files ----

void requireReadableFile(const std::string& what, const std::string& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw UsageError(what + " '" + path + "' does not exist");
    if (fs::is_directory(path, ec))
        throw UsageError(what + " '" + path + "' is a folder, a file is expected");
    if (!std::ifstream(path))
        throw UsageError(what + " '" + path + "' cannot be read");
}

fs::path executableDir(const char* argv0)
{
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);  // Linux; argv[0] elsewhere
    if (ec)
        exe = fs::weakly_canonical(fs::path(argv0), ec);
    return exe.parent_path();
}

/** The bundled model and pictures: the source tree when run from the build, the install prefix
    chosen at build time, then share/opencv_xai beside the executable for a relocated install. */
fs::path findDataDir(const char* argv0)
{
    const std::vector<fs::path> candidates = {XAI_SAMPLES_DATA_DIR, XAI_INSTALLED_DATA_DIR,
                                              executableDir(argv0) / ".." / "share" / "opencv_xai"};
    std::error_code ec;
    for (const fs::path& dir : candidates)
        if (fs::is_directory(dir, ec))
            return dir.lexically_normal();
    std::string tried;
    for (const fs::path& dir : candidates)
        tried += (tried.empty() ? "" : ", ") + dir.string();
    throw UsageError("the bundled data folder was not found (looked in " + tried +
                     "); name a model with --model and an image with --image");
}

// ---- preprocessing: library defaults < sidecar < --preset < explicit options ----

/** Reads <model-stem>.yml beside the model, if there is one: the preprocessing the model was
    trained with travels with it, so a bundled or shared model needs no option to be explained. */
void applySidecar(const std::string& model, Options& o)
{
    const fs::path path = fs::path(model).replace_extension(".yml");
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return;
    cv::FileStorage file;
    try
    {
        file.open(path.string(), cv::FileStorage::READ);
    }
    catch (const cv::Exception& e)
    {
        throw UsageError("cannot parse '" + path.string() + "': " + messageOf(e));
    }
    if (!file.isOpened())
        throw UsageError("cannot read '" + path.string() + "'");
    o.sidecar = path.string();
    const std::string where = "sidecar '" + path.string() + "'";

    // Every key that is there must make sense: a wrong value silently ignored explains the wrong input.
    if (readPreprocessing(file.root(), where, o.params.scoreCam))
        o.sizeOrigin = "input_width/input_height of " + where;
    const cv::FileNode channels = file["channels"], labels = file["labels"];
    if (!channels.empty() && (!channels.isInt() || ((int)channels != 1 && (int)channels != 3)))
        throw UsageError(where + ": channels must be 1 or 3, not " + shownValue(channels));
    if (!channels.empty())
        o.channels = (int)channels;
    if (!labels.empty() && !labels.isString())
        throw UsageError(where + ": labels must be a file name, not " + shownValue(labels));
    if (!labels.empty() && !((std::string)labels).empty())
        o.labels = (path.parent_path() / (std::string)labels).string();  // relative to the sidecar
}

// ---- --help ----

void printHelp(std::ostream& out, const po::options_description& visible)
{
    out << "NAME\n"
           "    xai_explain - show where an image classifier looks, with Score-CAM and\n"
           "    Augmented Score-CAM saliency maps\n"
           "\n"
           "SYNOPSIS\n"
           "    xai_explain [OPTIONS] [IMAGE...]\n"
           "    xai_explain --model FILE [--size WxH] --list-layers\n"
           "    xai_explain --shard I/N|auto [OPTIONS] [IMAGE...]\n"
           "    xai_explain --merge-summaries DIR\n"
           "    xai_explain --help\n"
           "\n"
           "DESCRIPTION\n"
           "    For every image and every requested class, computes a saliency map: the parts\n"
           "    of the image that raise the network's score for the class. Score-CAM masks the\n"
           "    image with each channel of a convolutional layer and weights the channel by the\n"
           "    score the masked image earns; Augmented Score-CAM repeats this on rotated and\n"
           "    shifted views of the image and fuses the maps, which gives maps finer than the\n"
           "    layer's resolution. Any classifier cv::dnn reads (ONNX, Caffe, TensorFlow,\n"
           "    Darknet, ...) can be explained; no gradients are needed.\n"
           "\n"
           "    Without arguments, explains a photo of a squirrel with the bundled ImageNet\n"
           "    classifier (SqueezeNet 1.1) and writes the results to ./xai_out/; --demo shapes\n"
           "    explains a synthetic picture with a small classifier of shapes instead.\n"
           "\n"
           "    IMAGE is an image file, a folder (its image files in name order, not\n"
           "    recursive) or a list file (@list.txt, or any .txt file) with one path per\n"
           "    line, relative to the list file; blank lines and lines starting with # are\n"
           "    skipped.\n"
           "\n"
           "    The preprocessing a model expects can be kept beside it in <model-stem>.yml, a\n"
           "    cv::FileStorage file with the keys input_width, input_height, scale, mean, std,\n"
           "    swap_rb, crop, crop_fraction, channels, target_layer, score_layer, score_type\n"
           "    and labels (a file name relative to the .yml). It is read when present;\n"
           "    --preset replaces its preprocessing, and options given explicitly override both.\n"
           "    Channel c of the network input is (resize(image) - mean[c]) * scale / std[c],\n"
           "    as cv::dnn::blobFromImage makes it when std is 1.\n"
           "\n"
        << visible
        << "\n"
           "OUTPUT\n"
           "    In the --output folder, for every image and class, with <class> the class id\n"
           "    followed by its name when labels are known (e.g. 0-circle), and <method>\n"
           "    scorecam or augmented:\n"
           "      <stem>_<class>_<method>_overlay.png  the map, coloured, over the image\n"
           "      <stem>_<class>_<method>_map.png      the map as 16-bit grey (65535 = 1.0)\n"
           "      <stem>_<class>_<method>_map.tiff     the map as 32-bit float, lossless\n"
           "      <stem>_<class>_montage.png           image | Score-CAM | Augmented Score-CAM\n"
           "                                           (with --method both)\n"
           "      summary.json   per image and class: class id, name, score and probability,\n"
           "                     layer, parameters, effective backend and target, forward\n"
           "                     count, timings (ms), map statistics (min, max, mean, sum,\n"
           "                     centroid)\n"
           "    Maps have the image's size and values in [0, 1]. Images whose names share a\n"
           "    stem get -2, -3, ... appended.\n"
           "\n"
           "    With --shard I/N, the images whose index in the whole list modulo N is I are\n"
           "    explained, with the names they get in a whole run, and the summary is\n"
           "    summary-shard-I-of-N.json (each image with its \"index\" in the list). When\n"
           "    every shard is done, --merge-summaries DIR joins them into DIR/summary.json:\n"
           "    a whole run's, but for the timings. docs/scale-out.md has job scripts.\n"
           "\n"
           "EXAMPLES\n"
           "    Explain the bundled photo with the bundled ImageNet classifier:\n"
           "        xai_explain\n"
           "    Your own photos with the same classifier:\n"
           "        xai_explain cat.jpg dog.jpg\n"
           "    The three most likely classes of every image in a folder:\n"
           "        xai_explain --class top:3 --output results photos/\n"
           "    A torchvision ResNet-18 exported to ONNX (see docs/cli.md):\n"
           "        xai_explain --model resnet18.onnx --preset torchvision-imagenet \\\n"
           "            --labels imagenet_classes.txt --image cat.jpg\n"
           "    Which layers can be explained, and their output sizes:\n"
           "        xai_explain --model resnet18.onnx --size 224x224 --list-layers\n"
           "    Two named classes, a sharper fusion, on the GPU:\n"
           "        xai_explain --model resnet18.onnx --preset torchvision-imagenet \\\n"
           "            --labels imagenet_classes.txt --class \"tabby,tiger cat\" \\\n"
           "            --method augmented --augmentations 32 --fusion max --target cuda cat.jpg\n"
           "\n"
           "EXIT STATUS\n"
           "    0  every image was explained.\n"
           "    1  some images failed (each is reported on stderr), or summary.json could not\n"
           "       be written; the others were written.\n"
           "    2  wrong usage, a missing or unreadable file, or a model that cannot be\n"
           "       loaded; nothing was explained.\n"
           "    130, 143  stopped by Ctrl-C (SIGINT) or SIGTERM: the image being explained\n"
           "       was dropped, summary.json lists the images done (\"interrupted\": 1).\n"
           "    Every file is written whole or not at all; a failed write is reported with\n"
           "    its reason and fails its image.\n";
}

} // namespace

const char* methodName(Method m)
{
    switch (m)
    {
    case Method::ScoreCam: return "score-cam";
    case Method::Augmented: return "augmented";
    default: return "both";
    }
}

std::string weightModeName(int weightMode) { return nameOf(weightMode, weightChoices()); }
std::string fusionName(int fusion) { return nameOf(fusion, fusionChoices()); }
std::string backendName(int backend) { return nameOf(backend, backendChoices()); }
std::string targetName(int target) { return nameOf(target, targetChoices()); }

bool parseCommandLine(int argc, const char* const argv[], Options& o)
{
    // Defaults shown by --help come from the library's own Params, so they cannot drift apart.
    const cv::xai::AugmentedScoreCAM::Params defaults;
    const cv::xai::ScoreCAM::Params& sd = defaults.scoreCam;

    po::options_description input("Model and images");
    input.add_options()
        ("demo", word("NAME", "photo"), "the bundled model to use, and the picture it explains when no image is "
            "given: photo (SqueezeNet 1.1, 1000 ImageNet classes; a squirrel) or "
            "shapes (a small classifier of 10 synthetic shapes; demo.png)")
        ("model,m", word("FILE"), "network weights in any format cv::dnn::readNet reads (default: the --demo "
            "model)")
        ("config", word("FILE"), "network description, for formats that keep it apart (.prototxt, .pbtxt, .cfg, "
            ".xml)")
        ("framework", word("NAME"), (joinNames(frameworkChoices()) + ": the format, when the file extension "
            "does not tell").c_str())
        ("image,i", po::value<std::vector<std::string>>()->value_name("PATH"), "image file, folder or list file; "
            "repeatable, also as positional arguments (default: the --demo picture)")
        ("labels", word("FILE"), "class names, one a line, line n for class n")
        ("class,c", word("LIST", o.classes), "classes to explain: an id, ids separated by commas, top:K for the K "
            "most likely, or a class name from --labels; kinds may be mixed (\"top:2,cat\")")
        ("layer,l", word("NAME", "auto"), "the layer to explain, as --list-layers names it; auto: the last layer "
            "with a spatial output")
        ("list-layers", po::bool_switch(), "print every layer with its output shape for the input size (224x224 "
            "when none is set), mark the one auto picks, and exit");

    po::options_description prep = preprocessingOptions("Preprocessing and scores (default: the model's .yml, else "
                                                        "none)");
    prep.add_options()
        ("channels", po::value<int>()->value_name("N"), "1: feed the model grey images, 3: colour; default: what "
            "the model accepts (colour first)");

    po::options_description method("Method");
    method.add_options()
        ("method", word("NAME", "both"), "score-cam, augmented or both")
        ("augmentations,n", whole("N", defaults.augmentation.numAugmentations), "views of the image for Augmented "
            "Score-CAM, the "
            "original included")
        ("max-angle", number("DEG", defaults.augmentation.maxAngle), "views are rotated by up to this many degrees")
        ("max-shift", number("F", defaults.augmentation.maxShift), "views are shifted by up to this fraction of the "
            "frame, per axis")
        ("fusion", word("NAME", fusionName(defaults.fusion)), "how views are fused: interleave (shift-and-stitch: "
            "views shifted by a whole-pixel lattice of the layer's stride put their cells where the network has them; "
            "other views go to super-resolution), super-resolution (the map whose warped, downsampled copies best "
            "match every view's low-resolution map; see the super-resolution options), mean (over the views that "
            "saw a pixel) or max")
        ("view-weights", word("NAME", nameOf(defaults.viewWeights, viewWeightChoices())), "shared: the channel "
            "weights are scored once, on the image, and every view uses them (a view costs one image in a batch); "
            "per-view: every view scored on its own masked inputs, as the paper does (N times Score-CAM's cost)")
        ("upsampling", word("NAME", nameOf(sd.upsampling, upsamplingChoices())), "geometry: the layer's cells are "
            "placed where the network has them (its true stride and offset); resize: classic Score-CAM, cv::resize "
            "of the grid to the input")
        ("compare-fusions", word("LIST", ""), "also fuse the same views by these fusions (comma-separated), "
            "for the montage and as maps of their own; costs no forwards")
        ("weights", word("NAME", weightModeName(sd.weightMode)), "channel weights: probability (of the class on "
            "the masked image), increase (over the unmasked image), softmax (over channels, of the logit) or raw "
            "(score)")
        ("max-channels", whole("M", sd.maxChannels), "score only the channels with the largest spatial variance "
            "(Faster Score-CAM); 0: all")
        ("skip-spread", number("F", sd.skipSpreadFraction), "skip the flattest channels whose spatial deviations "
            "add up to at most this fraction of all (0 to 1; applied before --max-channels)")
        ("batch,b", whole("B", sd.batchSize), "masked images per forward")
        ("seed", whole("N", defaults.augmentation.seed), "seed of the random views");

    po::options_description compute("Computation");
    compute.add_options()
        ("backend", word("NAME", "default"), ("cv::dnn backend: " + joinNames(backendChoices())).c_str())
        ("target", word("NAME", "default"), ("cv::dnn target: " + joinNames(targetChoices()) + "; one of the two "
            "implies the other. Unavailable CUDA falls back to the CPU with a warning").c_str());

    po::options_description output("Output");
    output.add_options()
        ("output,o", word("DIR", o.outputDir), "folder for the results (created)")
        ("colormap", word("NAME", o.colormapName), ("colour map of the overlays: " +
            joinNames(colormapChoices())).c_str())
        ("alpha", number("A", o.alpha), "opacity of the map over the image, 0 to 1")
        ("quiet,q", po::bool_switch(), "no progress, no estimate of a long run and no final note; errors and "
            "warnings about the input are still printed")
        ("shard", word("I/N|auto", "0/1"), (shardHelp("images") + "; each shard writes "
            "summary-shard-I-of-N.json instead of summary.json").c_str())
        ("merge-summaries", word("DIR"), "join the shards' summaries in DIR into DIR/summary.json, in the order "
            "of one run's; nothing is computed")
        ("help,h", "print this help and exit");

    po::options_description visible("OPTIONS", 80, 40);
    visible.add(input).add(prep).add(method).add(superResolutionOptions()).add(compute).add(output);
    po::positional_options_description positional;
    positional.add("image", -1);

    po::variables_map vm;
    if (storeOptions(argc, argv, visible, &positional, vm))
    {
        printHelp(std::cout, visible);
        return false;
    }
    auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
    auto str = [&](const char* name) { return vm[name].as<std::string>(); };

    if (vm.count("merge-summaries"))
    {
        o.mergeSummaries = str("merge-summaries");
        if (o.mergeSummaries.empty())
            throw UsageError("--merge-summaries must name a folder");
        for (const char* other : {"model", "image", "shard", "output", "list-layers"})
            if (given(other))
                throw UsageError(std::string("--merge-summaries computes nothing: --") + other + " has no use with it");
        o.quiet = vm["quiet"].as<bool>();
        return true;
    }

    // Model, sidecar, labels. The bundled data is looked for only when something is missing.
    fs::path dataDir;
    auto bundled = [&](const char* file) {
        if (dataDir.empty())
            dataDir = findDataDir(argc > 0 ? argv[0] : kProgram);
        return (dataDir / file).string();
    };
    const Demo& demo = demoNamed(str("demo"));
    o.model = given("model") ? str("model") : bundled(demo.model);
    requireReadableFile("model", o.model);
    if (given("config"))
        requireReadableFile("config", o.config = str("config"));
    if (given("framework"))
    {
        o.framework = str("framework");
        std::string lower = o.framework;
        for (char& c : lower)
            c = (char)std::tolower((unsigned char)c);
        choose("framework", lower, frameworkChoices());  // readNet lowercases it too
    }
    applySidecar(o.model, o);
    if (given("labels"))
        o.labels = str("labels");
    if (!o.labels.empty())
        requireReadableFile("labels", o.labels);

    o.listLayers = vm["list-layers"].as<bool>();
    if (given("image"))
        o.images = vm["image"].as<std::vector<std::string>>();
    else if (!o.listLayers)
        o.images = {bundled(demo.image)};
    o.classes = str("class");

    // Preprocessing, in increasing precedence: the sidecar's (read above), --preset, single options.
    cv::xai::ScoreCAM::Params& p = o.params.scoreCam;
    const std::string sizeOrigin = applyPreprocessingOptions(vm, p);
    if (!sizeOrigin.empty())
        o.sizeOrigin = sizeOrigin;
    if (given("preset"))
        o.preset = str("preset");
    if (given("channels"))
    {
        o.channels = vm["channels"].as<int>();
        if (o.channels != 1 && o.channels != 3)
            throw UsageError("--channels " + std::to_string(o.channels) + ": 1 (grey) or 3 (colour) is expected");
    }

    // Method.
    if (given("layer"))
        p.targetLayer = str("layer") == "auto" ? std::string() : str("layer");
    o.method = (Method)choose("method", str("method"), methodChoices());
    o.params.augmentation.numAugmentations = vm["augmentations"].as<int>();
    if (o.params.augmentation.numAugmentations < 1)
        throw UsageError("--augmentations must be at least 1 (the original view), got " +
                         std::to_string(o.params.augmentation.numAugmentations));
    o.params.augmentation.maxAngle = vm["max-angle"].as<double>();
    requireRange("max-angle", o.params.augmentation.maxAngle, 0, 180, "degrees, 0 to 180");
    o.params.augmentation.maxShift = vm["max-shift"].as<double>();
    requireRange("max-shift", o.params.augmentation.maxShift, 0, 1, "a fraction of the frame, 0 to 1");
    o.params.augmentation.seed = vm["seed"].as<int>();
    o.params.fusion = choose("fusion", str("fusion"), fusionChoices());
    o.params.viewWeights = choose("view-weights", str("view-weights"), viewWeightChoices());
    p.upsampling = choose("upsampling", str("upsampling"), upsamplingChoices());
    readSuperResolutionOptions(vm, o.params.superResolution, o.params.augmentation);
    const int k = o.params.augmentation.latticeSize;
    if (o.method != Method::ScoreCam && k > 0 && o.params.augmentation.numAugmentations != k * k &&
        o.params.fusion == cv::xai::FUSION_INTERLEAVE)
        o.warnings.push_back("xai_explain: warning: " + std::to_string(o.params.augmentation.numAugmentations) +
                             " views do not fill the " + std::to_string(k) + " x " + std::to_string(k) +
                             " lattice of --lattice " + std::to_string(k) + ": they cannot be interleaved and are "
                             "fused by super-resolution; give -n " + std::to_string(k * k) +
                             " (or a --lattice whose square is -n)");
    std::stringstream fusions(str("compare-fusions"));
    for (std::string name; std::getline(fusions, name, ',');)
        if (!name.empty())
        {
            const int f = choose("compare-fusions", name, fusionChoices());
            if (f != o.params.fusion &&
                std::find(o.compareFusions.begin(), o.compareFusions.end(), f) == o.compareFusions.end())
                o.compareFusions.push_back(f);
        }
    if (!o.compareFusions.empty() && o.method == Method::ScoreCam)
        throw UsageError("--compare-fusions fuses the views of Augmented Score-CAM: use --method augmented or both");
    RunShape shape;
    shape.augmented = o.method != Method::ScoreCam;
    shape.method = "--method " + str("method");
    std::vector<int> fusionsRun = o.compareFusions;
    fusionsRun.push_back(o.params.fusion);
    shape.superResolution = std::any_of(fusionsRun.begin(), fusionsRun.end(), [](int f) {
        return f == cv::xai::FUSION_SUPER_RESOLUTION || f == cv::xai::FUSION_INTERLEAVE;
    });
    shape.fusion = "--fusion " + str("fusion") + (o.compareFusions.empty() ? "" : " with --compare-fusions");
    shape.randomShifts = k == 0;
    shape.lattice = k;
    for (const std::string& w : unusedOptionWarnings(vm, shape))
        o.warnings.push_back("xai_explain: warning: " + w);
    p.weightMode = choose("weights", str("weights"), weightChoices());
    p.maxChannels = vm["max-channels"].as<int>();
    if (p.maxChannels < 0)
        throw UsageError("--max-channels must be 0 (all) or positive, got " + std::to_string(p.maxChannels));
    p.skipSpreadFraction = vm["skip-spread"].as<double>();
    requireRange("skip-spread", p.skipSpreadFraction, 0, 1, "a fraction from 0 up to, not including, 1", false);
    p.batchSize = vm["batch"].as<int>();
    if (p.batchSize < 1)
        throw UsageError("--batch must be at least 1, got " + std::to_string(p.batchSize));

    const std::string fallback = readBackendAndTarget(str("backend"), str("target"), p.backend, p.target);
    if (!fallback.empty())
        o.warnings.push_back("xai_explain: warning: " + fallback);

    // Output.
    o.outputDir = str("output");
    if (o.outputDir.empty())
        throw UsageError("--output must name a folder");
    o.colormapName = str("colormap");
    o.colormap = choose("colormap", o.colormapName, colormapChoices());
    o.alpha = vm["alpha"].as<double>();
    requireRange("alpha", o.alpha, 0, 1, "an opacity, 0 to 1");
    o.quiet = vm["quiet"].as<bool>();
    const Shard shard = parseShard(str("shard"));
    o.shardIndex = shard.index;
    o.shardCount = shard.count;
    o.shardSource = shard.source;
    return true;
}

} // namespace xai_explain
