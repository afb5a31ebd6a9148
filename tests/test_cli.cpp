// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain as a user meets it: the program is run in a scratch folder and judged by its exit
// code, its messages and its files; the maps it reports are checked against the library's own.

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <opencv2/core/cuda.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/xai.hpp>

#include "program_runner.hpp"

namespace fs = std::filesystem;
using xai_tests::quote;
using xai_tests::readText;
using xai_tests::Result;

namespace {

#ifdef XAI_EXPLAIN_EXE
const char* const kExe = XAI_EXPLAIN_EXE;
#else
const char* const kExe = nullptr;  // samples not built (XAI_BUILD_SAMPLES=OFF)
#endif

#define REQUIRE_EXE() XAI_SKIP_UNLESS_BUILT(kExe, "xai_explain")

const fs::path kData = XAI_SAMPLES_DATA_DIR;
const fs::path kModel = kData / "shapes_resnet.onnx";
const fs::path kDemo = kData / "demo.png";
//! An ONNX classifier whose graph has a second output, its pooled features (tools/datagen/make_test_nets.py).
const fs::path kTwoOutputs = fs::path(XAI_MODULE_TEST_DATA_DIR) / "two_outputs.onnx";

// The preprocessing of the bundled model (samples/data/shapes_resnet.yml), spelt out so that the
// library reference below cannot silently pick up anything else.
const cv::Size kInputSize(128, 128);
const double kScale = 1.0 / 127.5;
const double kMean = 127.5;
const char* const kPreprocessing = "--size 128x128 --scale 0.00784313725490196 --mean 127.5 --no-swap-rb --no-crop";

//! A scratch folder per test, removed when the test passed (kept to look at when it failed).
class TempDir
{
public:
    TempDir()
    {
        const testing::TestInfo* t = testing::UnitTest::GetInstance()->current_test_info();
        path_ = fs::temp_directory_path() /
                ("xai_cli_" + std::string(t->name()) + "_" + std::to_string(::getpid()));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir()
    {
        if (!testing::Test::HasFailure())
            fs::remove_all(path_);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

const std::string kShapes = "--demo shapes ";

/** Runs xai_explain with cwd in `dir`, on the small shapes model unless `args` choose a --demo: the tests
    below check the program, which is the same on any model, and that one is twenty times faster. */
Result runExplain(const fs::path& dir, const std::string& args)
{
    return xai_tests::runProgram(kExe, dir, (args.find("--demo") == std::string::npos ? kShapes : "") + args);
}

//! Runs xai_explain exactly as given, with cwd in `dir`.
Result runExplainAsGiven(const fs::path& dir, const std::string& args)
{
    return xai_tests::runProgram(kExe, dir, args);
}

void expectPicture(const fs::path& p, cv::Size size, int type)
{
    const cv::Mat m = cv::imread(p.string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(m.empty()) << p;
    EXPECT_EQ(m.size(), size) << p;
    EXPECT_EQ(m.type(), type) << p;
}

std::vector<std::string> filesIn(const fs::path& dir)
{
    std::vector<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

//! Every file a map record of summary.json names exists and holds the map in its formats.
void expectMapFiles(const fs::path& outDir, const cv::FileNode& map, cv::Size size)
{
    const cv::FileNode files = map["files"];
    expectPicture(outDir / (std::string)files["overlay"], size, CV_8UC3);
    expectPicture(outDir / (std::string)files["map16"], size, CV_16UC1);
    expectPicture(outDir / (std::string)files["map_float"], size, CV_32FC1);

    // The float file is the lossless one, the 16-bit PNG its quantisation.
    const cv::Mat f = cv::imread((outDir / (std::string)files["map_float"]).string(), cv::IMREAD_UNCHANGED);
    const cv::Mat q = cv::imread((outDir / (std::string)files["map16"]).string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(f.empty());
    ASSERT_FALSE(q.empty());
    cv::Mat qf;
    q.convertTo(qf, CV_32F, 1.0 / 65535);
    EXPECT_LE(cv::norm(f, qf, cv::NORM_INF), 0.51 / 65535 + 1e-7);

    double mn = 0, mx = 0;
    cv::minMaxLoc(f, &mn, &mx);
    EXPECT_NEAR((double)map["stats"]["min"], mn, 1e-6);
    EXPECT_NEAR((double)map["stats"]["max"], mx, 1e-6);
}

} // namespace

TEST(XAI_Explain, help_reads_like_a_man_page)
{
    REQUIRE_EXE();
    TempDir dir;
    const Result r = runExplain(dir.path(), "--help");
    EXPECT_EQ(r.code, 0) << r.err;
    for (const char* section : {"SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "EXIT STATUS", "--augmentations",
                                "--preset", "torchvision-imagenet"})
        EXPECT_NE(r.out.find(section), std::string::npos) << section;
    EXPECT_TRUE(r.err.empty()) << r.err;
}

// The program as a first-time user runs it: no arguments at all, a real photo and a real classifier.
TEST(XAI_Explain, default_run_explains_a_real_photo_with_the_imagenet_classifier)
{
    REQUIRE_EXE();
    const fs::path photo = kData / "photos" / "squirrel_cls.jpg";
    ASSERT_TRUE(fs::exists(kData / "squeezenet1.1" / "squeezenet1.1.onnx")) << "bundled data missing";
    TempDir dir;
    const Result r = runExplainAsGiven(dir.path(), "");
    ASSERT_EQ(r.code, 0) << r.err;

    const fs::path out = dir.path() / "xai_out";
    cv::FileStorage summary((out / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_TRUE(summary.isOpened());
    ASSERT_EQ(summary["images"].size(), 1u);
    const cv::FileNode image = summary["images"][0];
    EXPECT_EQ((std::string)image["status"], "ok");
    EXPECT_EQ((std::string)image["stem"], "squirrel_cls");
    ASSERT_EQ(image["classes"].size(), 1u);
    const cv::FileNode cls = image["classes"][0];
    EXPECT_EQ((int)cls["class_id"], 335);
    EXPECT_EQ(((std::string)cls["name"]).rfind("fox squirrel", 0), 0u) << (std::string)cls["name"];
    EXPECT_GT((double)cls["probability"], 0.5);
    ASSERT_EQ(cls["maps"].size(), 2u);
    EXPECT_EQ((std::string)cls["maps"][0]["method"], "score-cam");
    EXPECT_EQ((std::string)cls["maps"][1]["method"], "augmented");
    const cv::Mat picture = cv::imread(photo.string());
    for (const cv::FileNode& m : cls["maps"])
    {
        // The sidecar's torchvision transform and layer, not what the options default to.
        EXPECT_EQ((std::string)m["layer"], "onnx_node!squeezenet0_concat7");
        EXPECT_EQ((int)m["parameters"]["input_width"], 224);
        EXPECT_EQ((int)m["parameters"]["crop"], 1);
        EXPECT_EQ((int)m["parameters"]["swap_rb"], 1);
        expectMapFiles(out, m, picture.size());
    }
    EXPECT_FALSE(cv::imread((out / (std::string)cls["montage"]).string()).empty());
}

// The synthetic demo stays one word away.
TEST(XAI_Explain, demo_shapes_explains_the_synthetic_picture)
{
    REQUIRE_EXE();
    ASSERT_TRUE(fs::exists(kModel)) << kModel << " (bundled data missing)";
    TempDir dir;
    const Result r = runExplainAsGiven(dir.path(), "--demo shapes");
    ASSERT_EQ(r.code, 0) << r.err;

    // stderr is a file here, not a terminal: plain progress lines, no bar redrawn with \r.
    EXPECT_NE(r.err.find("xai_explain: 100%"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("summary.json"), std::string::npos) << r.out;

    const fs::path out = dir.path() / "xai_out";
    ASSERT_TRUE(fs::exists(out / "summary.json"));
    cv::FileStorage summary((out / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_TRUE(summary.isOpened());
    EXPECT_EQ((std::string)summary["method"], "both");
    ASSERT_EQ(summary["images"].size(), 1u);
    const cv::FileNode image = summary["images"][0];
    EXPECT_EQ((std::string)image["status"], "ok");
    EXPECT_EQ((std::string)image["stem"], "demo");

    const cv::Mat demo = cv::imread(kDemo.string());
    ASSERT_FALSE(demo.empty());
    ASSERT_EQ(image["classes"].size(), 1u);  // top:1
    const cv::FileNode cls = image["classes"][0];
    EXPECT_FALSE(((std::string)cls["name"]).empty()) << "labels from the sidecar";
    const double p = (double)cls["probability"];
    EXPECT_GT(p, 0.0);
    EXPECT_LE(p, 1.0);
    ASSERT_EQ(cls["maps"].size(), 2u);
    EXPECT_EQ((std::string)cls["maps"][0]["method"], "score-cam");
    EXPECT_EQ((std::string)cls["maps"][1]["method"], "augmented");
    EXPECT_EQ((int)cls["maps"][1]["parameters"]["augmentations"],
              cv::xai::AugmentedScoreCAM::Params().augmentation.numAugmentations);
    EXPECT_EQ((int)cls["maps"][1]["parameters"]["input_width"], 128);
    for (const cv::FileNode& m : cls["maps"])
    {
        EXPECT_GT((int)m["forward_count"], 0);
        EXPECT_FALSE(((std::string)m["layer"]).empty());
        expectMapFiles(out, m, demo.size());
    }
    const std::string montage = (std::string)cls["montage"];
    EXPECT_EQ(montage.rfind("demo_", 0), 0u) << montage;
    const cv::Mat mont = cv::imread((out / montage).string());
    ASSERT_FALSE(mont.empty()) << montage;
    EXPECT_GT(mont.cols, 3 * mont.rows / 2);  // three pictures side by side, plus the caption strip
}

TEST(XAI_Explain, bad_usage_is_one_line_and_exit_code_2)
{
    REQUIRE_EXE();
    TempDir dir;
    std::ofstream(dir.path() / "not_a_model.onnx") << "this is not a network\n";
    std::ofstream(dir.path() / "empty_labels.txt") << "\n  \n";
    std::ofstream(dir.path() / "empty.onnx");
    fs::copy_file(kModel, dir.path() / "unparsable.onnx");
    std::ofstream(dir.path() / "unparsable.yml") << "%YAML:1.0\n---\nmean: [ 1, 2\n";
    // Models whose sidecar holds a wrong value: ignoring it would explain a wrongly prepared input.
    for (const auto& [name, yml] : std::vector<std::pair<std::string, std::string>>{
             {"negative", "input_width: -5\ninput_height: 128\n"},
             {"halfsize", "input_width: 128\n"},
             {"badscale", "scale: 0\n"},
             {"badswap", "swap_rb: \"yes please\"\n"},
             {"badscoretype", "score_type: softmax\n"},
             {"badstd", "std: [ 0.2, 0.2, 0 ]\n"}})
    {
        fs::copy_file(kModel, dir.path() / (name + ".onnx"));
        std::ofstream(dir.path() / (name + ".yml")) << "%YAML:1.0\n---\n" << yml;
    }
    const struct
    {
        std::string args, message;
    } cases[] = {
        {"--no-such-option", "no-such-option"},
        {"--augmentations 0", "--augmentations"},
        {"--alpha 2", "--alpha"},
        {"--size 0x5", "--size"},
        {"--batch abc", "--batch"},
        {"--max-shift -0.5", "--max-shift"},
        {"--fusion median", "--fusion"},
        {"--demo cats", "--demo 'cats': one of photo, shapes is expected"},
        {"--colormap nosuchmap", "--colormap"},
        {"--image missing.png", "missing.png"},
        {"@missing_list.txt", "missing_list.txt"},
        {"--model missing.onnx", "missing.onnx"},
        {"--model not_a_model.onnx --size 8x8", "not_a_model.onnx"},
        {"--class no-such-class", "no-such-class"},
        {"--class 12345", "12345"},
        {"--layer no_such_layer", "no_such_layer"},
        {"--labels empty_labels.txt", "'empty_labels.txt' holds no class name"},
        {"--labels /dev/zero", "'/dev/zero' is larger than 16 MiB"},
        {"--framework onx", "unknown --framework 'onx'"},
        {"--model negative.onnx", "input_width must be a whole number from 1 to 65536, not -5"},
        {"--model halfsize.onnx", "input_width and input_height go together"},
        {"--model badscale.onnx", "scale must be a finite non-zero number, not 0"},
        {"--model badscoretype.onnx", "score_type must be one of auto, logits, probabilities, not 'softmax'"},
        {"--model badstd.onnx", "std: every standard deviation must be a positive number, not 0"},
        {"--score-layer no_such_output", "--score-layer 'no_such_output': the model has no layer of that name"},
        {"--score-type softmax", "unknown --score-type 'softmax'"},
        {"--std 0.2,0,0.2", "--std 0.2,0,0.2: every standard deviation must be a positive number, not 0"},
        {"--crop-fraction 1.5", "--crop-fraction 1.5 is out of range"},
        {"--crop-fraction 0.875 --no-crop", "--crop-fraction and --no-crop contradict each other"},
        {"--model badswap.onnx", "swap_rb must be 0 or 1, not 'yes please'"},
        // In the words of the command line, never the library's field names or its encoding of top:K.
        {"--skip-spread 1", "--skip-spread 1 is out of range"},
        {"--class top:11", "--class top:11: the model has only 10 classes"},
        {"--size 1x1", "the input size 1x1 (--size 1x1) is too small for this model"},
        {"--backend openvino", "--backend openvino: the backend is unknown to this OpenCV build"},
        {"--target vulkan", "--target vulkan (it runs on the vulkan backend): the backend is unknown"},
        {"--channels 2", "--channels 2"},
        // cv::dnn lists this model's outputs as features, logits: the first is not the class scores.
        {"--model " + quote(kTwoOutputs.string()) + " --size 32x32",
         "the model has 2 outputs (features, logits): name the one that holds the class scores with --score-layer"},
        {"--size 100000x100000", "--size 100000x100000 is out of range: each side from 1 to 65536 pixels"},
        {"--size 0x5", "--size 0x5 is out of range: each side from 1 to 65536 pixels"},
        {"--size 12xabc", "--size: '12xabc' is not WIDTHxHEIGHT"},
        {"--backend cuda --target cpu", "--backend cuda and --target cpu do not match: --backend cuda runs on "
                                        "--target cuda or cuda-fp16"},
        // What OpenCV says, without its internals (an assertion's expression, a parser's function name).
        {"--model empty.onnx", "cannot load model 'empty.onnx': the file is empty"},
        {"--model unparsable.onnx", "cannot parse 'unparsable.yml': line 3: "},
        // Boost's own placeholders in the user's words once made the message loop forever (fuzz finding cli-1).
        {"-no%value%", "the argument ('o%value%') for option '--augmentations' is invalid"},
        {"--batch %value%", "the argument ('%value%') for option '--batch' is invalid"},
    };
    for (const auto& c : cases)
    {
        SCOPED_TRACE(c.args);
        const Result r = runExplain(dir.path(), c.args);
        EXPECT_EQ(r.code, 2) << r.err;
        EXPECT_EQ(r.err.rfind("xai_explain: error: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.err.find("Params::"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("class id -"), std::string::npos) << r.err;
        for (const char* internal : {"OpenCV(", " in function ", "has_graph", "!buf", "parseValue", "()"})
            EXPECT_EQ(r.err.find(internal), std::string::npos) << internal << " in " << r.err;
    }
    EXPECT_FALSE(fs::exists(dir.path() / "xai_out" / "summary.json"));
}

TEST(XAI_Explain, corrupt_image_in_a_folder_fails_alone)
{
    REQUIRE_EXE();
    TempDir dir;
    const fs::path images = dir.path() / "images";
    fs::create_directories(images);
    fs::copy_file(kDemo, images / "a.png");
    fs::copy_file(kDemo, images / "c.png");
    std::ofstream(images / "b.png") << "not a png";
    std::ofstream(images / "d.png");
    std::ofstream(images / "notes.md") << "not an image, not even tried";

    const Result r = runExplain(dir.path(), "--method score-cam --max-channels 8 --quiet --output out images");
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("xai_explain: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("b.png"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("d.png: cannot decode the image: the file is empty"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("!buf"), std::string::npos) << "no OpenCV internals: " << r.err;
    EXPECT_TRUE(r.out.empty()) << "--quiet: " << r.out;

    cv::FileStorage summary((dir.path() / "out" / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_TRUE(summary.isOpened());
    ASSERT_EQ(summary["images"].size(), 4u);
    EXPECT_EQ((int)summary["images_failed"], 2);
    const char* expected[] = {"ok", "error", "ok", "error"};
    for (int i = 0; i < 4; i++)
        EXPECT_EQ((std::string)summary["images"][i]["status"], expected[i]) << i;
    const std::vector<std::string> files = filesIn(dir.path() / "out");
    auto startingWith = [&](const std::string& prefix) {
        return std::count_if(files.begin(), files.end(), [&](const std::string& f) { return f.rfind(prefix, 0) == 0; });
    };
    EXPECT_EQ(startingWith("a_"), 3) << "overlay, 16-bit map, float map";
    EXPECT_EQ(startingWith("c_"), 3) << "overlay, 16-bit map, float map";
    EXPECT_EQ(startingWith("b_"), 0);
}

TEST(XAI_Explain, list_files_and_repeated_names)
{
    REQUIRE_EXE();
    TempDir dir;
    fs::create_directories(dir.path() / "x");
    fs::create_directories(dir.path() / "y");
    fs::copy_file(kDemo, dir.path() / "x" / "pic.png");
    fs::copy_file(kDemo, dir.path() / "y" / "pic.png");
    std::ofstream(dir.path() / "list.txt") << "# two pictures with one name\nx/pic.png\n\ny/pic.png\n";

    const Result r = runExplain(dir.path(), "--method score-cam --max-channels 4 --quiet @list.txt");
    ASSERT_EQ(r.code, 0) << r.err;
    cv::FileStorage summary((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_EQ(summary["images"].size(), 2u);
    EXPECT_EQ((std::string)summary["images"][0]["stem"], "pic");
    EXPECT_EQ((std::string)summary["images"][1]["stem"], "pic-2");
}

// Preprocessing comes from the model's .yml, then --preset, then single options; labels from the
// .yml make class names usable in --class.
TEST(XAI_Explain, sidecar_preset_and_options_in_that_order)
{
    REQUIRE_EXE();
    TempDir dir;
    const std::string quick = "--method score-cam --max-channels 4 --quiet ";
    auto parameters = [&](const std::string& args) {
        const Result r = runExplain(dir.path(), quick + args);
        EXPECT_EQ(r.code, 0) << args << ": " << r.err;
        cv::FileStorage fs((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
        const cv::FileNode cls = fs["images"][0]["classes"][0];
        cv::FileNode p = cls["maps"][0]["parameters"];
        return std::make_tuple((int)p["input_width"], (int)p["swap_rb"], (double)p["mean"][0], (int)cls["class_id"],
                               (std::string)cls["name"]);
    };

    const auto [width, swap, mean, id, name] = parameters("");
    EXPECT_EQ(width, 128);
    EXPECT_EQ(swap, 0);
    EXPECT_DOUBLE_EQ(mean, 127.5);
    ASSERT_FALSE(name.empty());

    const auto preset = parameters("--preset torchvision-imagenet");
    EXPECT_EQ(std::get<0>(preset), 224);
    EXPECT_EQ(std::get<1>(preset), 1);
    EXPECT_DOUBLE_EQ(std::get<2>(preset), 123.675);

    const auto explicitSize = parameters("--preset torchvision-imagenet --size 96x96 --no-swap-rb");
    EXPECT_EQ(std::get<0>(explicitSize), 96);
    EXPECT_EQ(std::get<1>(explicitSize), 0);

    // The top class asked for by name, in other letter case.
    std::string shouted = name;
    for (char& c : shouted)
        c = (char)std::toupper((unsigned char)c);
    const auto byName = parameters("--class " + quote(shouted));
    EXPECT_EQ(std::get<3>(byName), id);
    EXPECT_EQ(std::get<4>(byName), name);
}

// summary.json reports the library's maps: the same parameters through the C++ API give the same
// statistics, and the float files hold the maps themselves.
TEST(XAI_Explain, summary_statistics_equal_the_library)
{
    REQUIRE_EXE();
    TempDir dir;
    const std::string args = std::string(kPreprocessing) + " --augmentations 4 --max-channels 32 --class top:2 " +
                             "--quiet " + quote(kDemo.string());
    const Result r = runExplain(dir.path(), args);
    ASSERT_EQ(r.code, 0) << r.err;
    const fs::path out = dir.path() / "xai_out";
    cv::FileStorage summary((out / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_TRUE(summary.isOpened());
    const cv::FileNode classes = summary["images"][0]["classes"];
    ASSERT_EQ(classes.size(), 2u);
    std::vector<int> ids;
    for (const cv::FileNode& c : classes)
        ids.push_back((int)c["class_id"]);

    // The reference, with the library's defaults for what the command line left alone.
    cv::xai::AugmentedScoreCAM::Params params;
    params.scoreCam.inputSize = kInputSize;
    params.scoreCam.scale = kScale;
    params.scoreCam.mean = cv::Scalar::all(kMean);
    params.scoreCam.swapRB = false;
    params.scoreCam.crop = false;
    params.scoreCam.maxChannels = 32;
    params.augmentation.numAugmentations = 4;
    const cv::Mat image = cv::imread(kDemo.string());
    cv::dnn::Net net = cv::dnn::readNet(kModel.string());
    const cv::Ptr<cv::xai::ScoreCAM> reference[] = {cv::xai::ScoreCAM::create(net, params.scoreCam),
                                                    cv::xai::AugmentedScoreCAM::create(net, params)};

    std::vector<cv::Mat> top1;
    reference[0]->compute(image, std::vector<int>{-1}, top1);
    EXPECT_EQ(reference[0]->getClassIds().at(0), ids[0]) << "top:2 starts with the top-1 class";

    for (int m = 0; m < 2; m++)
    {
        std::vector<cv::Mat> maps;
        reference[m]->compute(image, ids, maps);
        ASSERT_EQ(maps.size(), ids.size());
        for (size_t k = 0; k < ids.size(); k++)
        {
            SCOPED_TRACE("method " + std::to_string(m) + ", class " + std::to_string(ids[k]));
            const cv::FileNode rec = classes[(int)k]["maps"][m];
            EXPECT_EQ((std::string)rec["layer"], reference[m]->getTargetLayer());
            EXPECT_EQ((int)rec["forward_count"], reference[m]->getForwardCount());
            double mn = 0, mx = 0;
            cv::minMaxLoc(maps[k], &mn, &mx);
            EXPECT_NEAR((double)rec["stats"]["min"], mn, 1e-4);
            EXPECT_NEAR((double)rec["stats"]["max"], mx, 1e-4);
            EXPECT_NEAR((double)rec["stats"]["mean"], cv::mean(maps[k])[0], 1e-4);
            EXPECT_NEAR((double)rec["stats"]["sum"], cv::sum(maps[k])[0], 1e-4 * maps[k].total());

            const fs::path floatFile = out / (std::string)rec["files"]["map_float"];
            const cv::Mat saved = cv::imread(floatFile.string(), cv::IMREAD_UNCHANGED);
            ASSERT_EQ(saved.type(), CV_32FC1);
            EXPECT_LE(cv::norm(saved, maps[k], cv::NORM_INF), 1e-4);
        }
    }
}

// --list-layers marks the layer that "auto" explains; the run must then explain that very layer.
TEST(XAI_Explain, fusions_of_the_same_views_side_by_side)
{
    REQUIRE_EXE();
    TempDir dir;
    const std::string args = std::string(kPreprocessing) + " --augmentations 4 --lattice 2 --max-channels 32 "
                             "--fusion super-resolution --sr-lambda-tv 0.001 --compare-fusions mean,max --quiet " +
                             quote(kDemo.string());
    const Result r = runExplain(dir.path(), args);
    ASSERT_EQ(r.code, 0) << r.err;
    const fs::path out = dir.path() / "xai_out";
    cv::FileStorage summary((out / "summary.json").string(), cv::FileStorage::READ);
    const cv::FileNode c = summary["images"][0]["classes"][0];
    const cv::FileNode maps = c["maps"];
    ASSERT_EQ(maps.size(), 4u);  // Score-CAM, then the views fused three ways
    const char* const fusions[] = {"super-resolution", "mean", "max"};
    for (int m = 1; m < 4; m++)
    {
        EXPECT_EQ((std::string)maps[m]["method"], "augmented");
        EXPECT_EQ((std::string)maps[m]["parameters"]["fusion"], fusions[m - 1]);
        EXPECT_EQ((int)maps[m]["forward_count"], (int)maps[1]["forward_count"]) << "the same views";
        EXPECT_TRUE(fs::exists(out / (std::string)maps[m]["files"]["overlay"]));
    }
    EXPECT_EQ((double)maps[1]["parameters"]["super_resolution"]["lambda_tv"], 0.001);
    EXPECT_EQ((int)maps[1]["parameters"]["lattice"], 2);
    // One panel per map beside the picture: 5 panels, where a run without other fusions has 3.
    const cv::Mat montage = cv::imread((out / (std::string)c["montage"]).string());
    ASSERT_EQ(runExplain(dir.path(), std::string(kPreprocessing) + " --augmentations 2 --max-channels 8 --quiet -o plain " +
                                         quote(kDemo.string())).code, 0);
    const cv::Mat three = cv::imread((dir.path() / "plain" / (std::string)c["montage"]).string());
    ASSERT_FALSE(three.empty());
    EXPECT_NEAR(montage.cols, three.cols * 5.0 / 3.0, 0.05 * montage.cols);

    // The super-resolution map is the library's with the same settings.
    cv::xai::AugmentedScoreCAM::Params params;
    params.scoreCam.inputSize = kInputSize;
    params.scoreCam.scale = kScale;
    params.scoreCam.mean = cv::Scalar::all(kMean);
    params.scoreCam.maxChannels = 32;
    params.augmentation.numAugmentations = 4;
    params.augmentation.latticeSize = 2;
    params.fusion = cv::xai::FUSION_SUPER_RESOLUTION;
    params.superResolution.lambdaTV = 0.001;
    cv::Mat map;
    cv::xai::AugmentedScoreCAM::create(cv::dnn::readNet(kModel.string()), params)
        ->compute(cv::imread(kDemo.string()), (int)c["class_id"], map);
    const cv::Mat saved = cv::imread((out / (std::string)maps[1]["files"]["map_float"]).string(), cv::IMREAD_UNCHANGED);
    EXPECT_LE(cv::norm(saved, map, cv::NORM_INF), 1e-4);

    const Result bad = runExplain(dir.path(), "--method score-cam --compare-fusions max " + quote(kDemo.string()));
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--compare-fusions"), std::string::npos) << bad.err;
}

TEST(XAI_Explain, list_layers_marks_the_automatic_layer)
{
    REQUIRE_EXE();
    TempDir dir;
    const Result list = runExplain(dir.path(), "--list-layers");
    ASSERT_EQ(list.code, 0) << list.err;
    std::istringstream lines(list.out);
    std::string marked;
    int layers = 0;
    for (std::string line; std::getline(lines, line);)
    {
        if (line.empty() || line[0] == '#')
            continue;
        layers++;
        if (line[0] == '*')
            std::istringstream(line.substr(1)) >> marked;
    }
    EXPECT_GT(layers, 5);
    ASSERT_FALSE(marked.empty()) << list.out;
    EXPECT_NE(list.out.find("x128x128"), std::string::npos) << "shapes for the sidecar's 128x128 input";

    const Result r = runExplain(dir.path(), "--method score-cam --max-channels 4 --quiet");
    ASSERT_EQ(r.code, 0) << r.err;
    cv::FileStorage summary((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
    EXPECT_EQ((std::string)summary["images"][0]["classes"][0]["maps"][0]["layer"], marked);
}

namespace {

//! A file size limit in the program's shell: writes beyond `kib` KiB fail with EFBIG, as on a full disk.
std::string fileSizeLimit(int kib) { return "trap '' XFSZ; ulimit -f " + std::to_string(2 * kib) + ";"; }

//! Names in `dir` that no finished write would leave: temporaries and empty files.
std::vector<std::string> halfWritten(const fs::path& dir)
{
    std::vector<std::string> bad;
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
        if (e.path().filename().string()[0] == '.' && e.path().filename() != ".stdout" &&
            e.path().filename() != ".stderr")
            bad.push_back(e.path().filename().string());
        else if (e.is_regular_file() && fs::file_size(e.path()) == 0)
            bad.push_back(e.path().filename().string());
    return bad;
}

} // namespace

// A full disk (a file size limit here, which binds root too) fails what it hits, with the system's
// reason; nothing is left half-written: no temporary, no truncated picture.
TEST(XAI_Explain, a_full_disk_fails_the_image_with_the_reason_and_leaves_no_partial_file)
{
    REQUIRE_EXE();
    TempDir dir;
    // 16 KiB: the summary fits, a 128x128 float map (64 KiB) does not.
    const Result r = xai_tests::runProgram(kExe, dir.path(), kShapes + "--method score-cam --max-channels 4 --output . " +
                                                                 quote(kDemo.string()),
                                           fileSizeLimit(16));
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("xai_explain: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("_map.tiff': File too large"), std::string::npos) << r.err;
    EXPECT_EQ(halfWritten(dir.path()), std::vector<std::string>()) << r.err;
    // The failed image leaves none of its files; summary.json says why it failed.
    for (const std::string& f : filesIn(dir.path()))
        EXPECT_TRUE(f == "summary.json" || f[0] == '.') << f;
    cv::FileStorage summary((dir.path() / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_TRUE(summary.isOpened());
    EXPECT_EQ((std::string)summary["images"][0]["status"], "error");
    EXPECT_NE(((std::string)summary["images"][0]["error"]).find("File too large"), std::string::npos);
}

// summary.json that cannot be written is an error, and no summary is better than an empty one or one
// of an earlier run beside this run's maps.
TEST(XAI_Explain, a_summary_that_cannot_be_written_is_an_error_and_no_stale_summary_stays)
{
    REQUIRE_EXE();
    TempDir dir;
    std::string images;
    cv::Mat tiny(8, 8, CV_8UC3, cv::Scalar(40, 200, 90));
    for (int i = 0; i < 6; i++)
    {
        const std::string name = "tiny" + std::to_string(i) + ".png";
        cv::imwrite((dir.path() / name).string(), tiny);
        images += " " + name;
    }
    const std::string args = "--method score-cam --max-channels 2 --output out" + images;
    const Result first = runExplain(dir.path(), args);
    ASSERT_EQ(first.code, 0) << first.err;
    ASSERT_GT(fs::file_size(dir.path() / "out" / "summary.json"), 4096u) << "the test needs a summary above 4 KiB";

    const Result r = xai_tests::runProgram(kExe, dir.path(), kShapes + args, fileSizeLimit(4));
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("xai_explain: error: cannot write 'out/summary.json': File too large"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.out.find("results in"), std::string::npos) << "no closing line pointing at a missing summary: "
                                                           << r.out;
    EXPECT_FALSE(fs::exists(dir.path() / "out" / "summary.json"));
    EXPECT_EQ(halfWritten(dir.path() / "out"), std::vector<std::string>());
}

// Ctrl-C in a reused folder: the run stops between images and summary.json describes this run's
// images, all of them complete, rather than the earlier run whose files were being replaced.
TEST(XAI_Explain, an_interrupted_run_stops_cleanly_and_summarises_what_was_done)
{
    REQUIRE_EXE();
    TempDir dir;
    const std::string quick = "--method score-cam --max-channels 16 --output out ";
    ASSERT_EQ(runExplain(dir.path(), quick + quote(kDemo.string())).code, 0);  // an earlier run in the folder

    std::string images;
    for (int i = 0; i < 40; i++)
    {
        const std::string name = "img" + std::to_string(10 + i) + ".png";
        fs::copy_file(kDemo, dir.path() / name);
        images += " " + name;
    }
    const xai_tests::Running run = xai_tests::startProgram(kExe, dir.path(), kShapes + quick + images);
    // Once the first image's last file is there, the run is under way.
    bool started = false;
    for (int i = 0; i < 1200 && !started; i++)
    {
        for (const std::string& f : filesIn(dir.path() / "out"))
            started = started || (f.rfind("img10_", 0) == 0 && f.find("_map.tiff") != std::string::npos);
        if (!started)
            ::usleep(50000);
    }
    ASSERT_TRUE(started);
    ::kill(run.pid, SIGINT);
    const Result r = xai_tests::finishProgram(run);

    EXPECT_EQ(r.code, 130) << "128 + SIGINT, as the shell reports a program stopped by Ctrl-C\n" << r.err;
    EXPECT_NE(r.err.find("xai_explain: stopped by SIGINT after "), std::string::npos) << r.err;
    cv::FileStorage summary((dir.path() / "out" / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_TRUE(summary.isOpened());
    EXPECT_EQ((int)summary["interrupted"], 1);
    EXPECT_EQ((std::string)summary["stopped_by"], "SIGINT");
    EXPECT_EQ((int)summary["images_total"], 40);
    const cv::FileNode listed = summary["images"];
    EXPECT_GE((int)listed.size(), 1);
    EXPECT_LT((int)listed.size(), 40) << "the run did not stop";
    EXPECT_EQ((int)summary["images_done"], (int)listed.size());
    std::vector<std::string> stems;
    for (const cv::FileNode& im : listed)
    {
        EXPECT_EQ((std::string)im["status"], "ok");
        stems.push_back((std::string)im["stem"]);
        for (const cv::FileNode& m : im["classes"][0]["maps"])
            expectMapFiles(dir.path() / "out", m, cv::Size(128, 128));
    }
    // This run's files belong to listed images only; nothing is half-written.
    for (const std::string& f : filesIn(dir.path() / "out"))
    {
        if (f.rfind("img", 0) != 0)
            continue;
        const std::string stem = f.substr(0, f.find('_'));
        EXPECT_NE(std::find(stems.begin(), stems.end(), stem), stems.end()) << f << " is not in summary.json";
    }
    EXPECT_EQ(halfWritten(dir.path() / "out"), std::vector<std::string>());
}

// Reading a FIFO would block forever: what is neither a file nor a folder is skipped, and said so.
TEST(XAI_Explain, a_fifo_given_as_an_image_is_skipped_with_a_warning)
{
    REQUIRE_EXE();
    TempDir dir;
    ASSERT_EQ(::mkfifo((dir.path() / "pipe.png").c_str(), 0600), 0);
    const Result r = runExplain(dir.path(), "--method score-cam --max-channels 2 --quiet pipe.png " +
                                                quote(kDemo.string()));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("xai_explain: warning: image 'pipe.png' is a FIFO, not an image file: skipped"),
              std::string::npos) << r.err;
    cv::FileStorage summary((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_EQ(summary["images"].size(), 1u);
    EXPECT_EQ((std::string)summary["images"][0]["stem"], "demo");

    const Result alone = runExplain(dir.path(), "pipe.png");
    EXPECT_EQ(alone.code, 2) << alone.err;
    EXPECT_NE(alone.err.find("xai_explain: error: no image files found"), std::string::npos) << alone.err;
}

// A JPEG cut short decodes (the decoder fills in the rest): it is explained, with a warning on
// stderr and in summary.json, so that nobody takes its map for the whole picture's.
TEST(XAI_Explain, a_truncated_jpeg_is_explained_with_a_warning)
{
    REQUIRE_EXE();
    TempDir dir;
    std::vector<uchar> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", cv::imread(kDemo.string()), jpeg));
    std::ofstream(dir.path() / "whole.jpg", std::ios::binary).write((const char*)jpeg.data(), (std::streamsize)jpeg.size());
    std::ofstream(dir.path() / "cut.jpg", std::ios::binary).write((const char*)jpeg.data(), (std::streamsize)jpeg.size() * 2 / 3);
    const Result r = runExplain(dir.path(), "--method score-cam --max-channels 2 --quiet whole.jpg cut.jpg");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("xai_explain: warning: cut.jpg: the JPEG data stops before its end marker"),
              std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("whole.jpg"), std::string::npos) << r.err;
    cv::FileStorage summary((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_EQ(summary["images"].size(), 2u);
    EXPECT_TRUE(summary["images"][0]["warning"].empty());
    EXPECT_NE(((std::string)summary["images"][1]["warning"]).find("truncated"), std::string::npos);
    EXPECT_EQ((std::string)summary["images"][1]["status"], "ok");
}

// A name near the file system's limit (255 bytes) would leave no room for the suffixes of the
// outputs: the stem is cut, and the picture is explained.
TEST(XAI_Explain, a_very_long_image_name_is_explained_under_a_shorter_stem)
{
    REQUIRE_EXE();
    TempDir dir;
    const std::string stem(240, 'a');
    fs::copy_file(kDemo, dir.path() / (stem + ".png"));
    fs::copy_file(kDemo, dir.path() / (stem.substr(0, 200) + "b.png"));  // the same stem once cut
    const Result r = runExplain(dir.path(), "--method score-cam --max-channels 2 --quiet --output out .");
    ASSERT_EQ(r.code, 0) << r.err;
    cv::FileStorage summary((dir.path() / "out" / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_EQ(summary["images"].size(), 2u);
    std::vector<std::string> stems;
    for (const cv::FileNode& im : summary["images"])
    {
        const std::string s = (std::string)im["stem"];
        EXPECT_LE(s.size(), 102u) << s;
        EXPECT_EQ(s.substr(0, 100), stem.substr(0, 100));
        stems.push_back(s);
        expectMapFiles(dir.path() / "out", im["classes"][0]["maps"][0], cv::Size(128, 128));
    }
    EXPECT_NE(stems[0], stems[1]);
}

namespace {

/** A classifier of 32x32 grey images in Darknet's format (a text .cfg and raw float weights), made
    here: conv 3x3 (4) + ReLU, max pool, conv 1x1 (3), global average pool, softmax. */
void writeGreyModel(const fs::path& dir)
{
    std::ofstream(dir / "grey.cfg") << "[net]\nwidth=32\nheight=32\nchannels=1\n\n"
                                       "[convolutional]\nfilters=4\nsize=3\nstride=1\npad=1\nactivation=relu\n\n"
                                       "[maxpool]\nsize=2\nstride=2\n\n"
                                       "[convolutional]\nfilters=3\nsize=1\nstride=1\npad=0\nactivation=linear\n\n"
                                       "[avgpool]\n\n[softmax]\n";
    std::ofstream w(dir / "grey.weights", std::ios::binary);
    const int32_t version[3] = {0, 2, 0};
    const uint64_t seen = 0;
    w.write((const char*)version, sizeof(version));
    w.write((const char*)&seen, sizeof(seen));
    cv::RNG rng(1);
    for (int n : {4, 4 * 1 * 3 * 3, 3, 3 * 4})  // biases, then weights, of each convolution
        for (int i = 0; i < n; i++)
        {
            const float v = (float)rng.uniform(-0.5, 0.5);
            w.write((const char*)&v, sizeof(v));
        }
}

} // namespace

// A model of grey images refuses colour ones: the program finds that out and feeds it grey images.
TEST(XAI_Explain, a_model_of_grey_images_is_explained)
{
    REQUIRE_EXE();
    TempDir dir;
    writeGreyModel(dir.path());
    const std::string model = "--model grey.weights --config grey.cfg --size 32x32 ";
    const Result list = runExplain(dir.path(), model + "--list-layers");
    ASSERT_EQ(list.code, 0) << list.err;
    EXPECT_NE(list.out.find("for a 1x1x32x32 input"), std::string::npos) << list.out;
    EXPECT_TRUE(list.err.empty()) << "no OpenCV errors from trying colour first: " << list.err;

    const Result r = runExplain(dir.path(), model + "--augmentations 2 --lattice 0 --quiet " + quote(kDemo.string()));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    cv::FileStorage summary((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
    const cv::FileNode cls = summary["images"][0]["classes"][0];
    ASSERT_EQ(cls["maps"].size(), 2u);
    for (const cv::FileNode& m : cls["maps"])
        expectMapFiles(dir.path() / "xai_out", m, cv::Size(128, 128));

    // Colour forced on it: refused in the option's words, without OpenCV's log of the refusal.
    const Result colour = runExplain(dir.path(), model + "--channels 3 --quiet " + quote(kDemo.string()));
    EXPECT_EQ(colour.code, 2) << colour.err;
    EXPECT_EQ(colour.err, "xai_explain: error: --channels 3 feeds the model colour images, but it takes grey ones "
                          "(1 channel): give --channels 1, or leave --channels out\n");

    // The library's map of the grey picture.
    cv::xai::ScoreCAM::Params p;
    p.inputSize = cv::Size(32, 32);
    cv::Mat map;
    cv::xai::ScoreCAM::create(cv::dnn::readNet((dir.path() / "grey.weights").string(), (dir.path() / "grey.cfg").string()), p)
        ->compute(cv::imread(kDemo.string(), cv::IMREAD_GRAYSCALE), (int)cls["class_id"], map);
    EXPECT_NEAR((double)cls["maps"][0]["stats"]["mean"], cv::mean(map)[0], 1e-5);
}

// -n 100000 is hours of work: the run says so, with the forwards it needs, before it starts; and a
// stop signal (here SIGTERM) ends it cleanly.
TEST(XAI_Explain, a_long_run_is_announced_before_it_starts)
{
    REQUIRE_EXE();
    TempDir dir;
    const xai_tests::Running run =
        xai_tests::startProgram(kExe, dir.path(), kShapes + "-n 100000 --view-weights per-view --output out");
    const bool announced = xai_tests::waitForStderr(run, "xai_explain: this run needs up to ", 120);
    ::kill(run.pid, SIGTERM);
    const Result r = xai_tests::finishProgram(run);
    ASSERT_TRUE(announced) << r.err;
    // The bundled model explains 128 channels in batches of 16: 1 + 8 forwards for Score-CAM,
    // ceil(100000 / 16) + 100000 * 8 for the views, each scored on its own.
    EXPECT_NE(r.err.find("806,259 forwards of 16 images (Score-CAM 9, Augmented Score-CAM 806,250 per image, "
                         "1 image): about "),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.code, 128 + SIGTERM) << r.err;
    EXPECT_NE(r.err.find("xai_explain: stopped by SIGTERM after 0 of 1 image"), std::string::npos) << r.err;
    cv::FileStorage summary((dir.path() / "out" / "summary.json").string(), cv::FileStorage::READ);
    ASSERT_TRUE(summary.isOpened());
    EXPECT_EQ((int)summary["images_done"], 0);

    // A short run is not announced.
    const Result quick = runExplain(dir.path(), "--method score-cam --max-channels 4");
    EXPECT_EQ(quick.code, 0) << quick.err;
    EXPECT_EQ(quick.err.find("this run needs"), std::string::npos) << quick.err;

    // Nor one of a few seconds with a large --batch: its forwards carry the images there are, not
    // 4096 each (it was announced as "about 4 min").
    fs::create_directories(dir.path() / "five");
    for (int i = 0; i < 5; i++)
        fs::copy_file(kDemo, dir.path() / "five" / (std::to_string(i) + ".png"));
    const Result wide = runExplain(dir.path(), "-b 4096 -n 100 --lattice 0 --max-channels 4 --output wide five");
    EXPECT_EQ(wide.code, 0) << wide.err;
    EXPECT_EQ(wide.err.find("this run needs"), std::string::npos) << wide.err;
}

// --preset torchvision-imagenet is torchvision's evaluation transform: shorter side to 256, centre
// 224x224 crop, RGB, (x / 255 - mean) / std per channel. The run records exactly those parameters,
// and its map is the library's with them.
TEST(XAI_Explain, the_torchvision_preset_is_torchvisions_transform)
{
    REQUIRE_EXE();
    TempDir dir;
    const Result r = runExplain(dir.path(), "--preset torchvision-imagenet --method score-cam --max-channels 8 --quiet " +
                                                quote(kDemo.string()));
    ASSERT_EQ(r.code, 0) << r.err;
    cv::FileStorage summary((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
    const cv::FileNode cls = summary["images"][0]["classes"][0];
    const cv::FileNode p = cls["maps"][0]["parameters"];
    EXPECT_EQ((int)p["input_width"], 224);
    EXPECT_EQ((int)p["input_height"], 224);
    EXPECT_EQ((int)p["crop"], 1);
    EXPECT_DOUBLE_EQ((double)p["crop_fraction"], 0.875);  // round(224 / 0.875) = 256
    EXPECT_DOUBLE_EQ((double)p["scale"], 1.0 / 255);
    EXPECT_EQ((int)p["swap_rb"], 1);
    const double mean[] = {0.485, 0.456, 0.406}, stdev[] = {0.229, 0.224, 0.225};
    for (int c = 0; c < 3; c++)
    {
        EXPECT_NEAR((double)p["mean"][c], 255 * mean[c], 1e-9) << c;
        EXPECT_NEAR((double)p["std"][c], stdev[c], 1e-12) << c;
    }

    cv::xai::ScoreCAM::Params ref;
    ref.inputSize = cv::Size(224, 224);
    ref.crop = true;
    ref.cropFraction = 0.875;
    ref.scale = 1.0 / 255;
    ref.mean = cv::Scalar(255 * mean[0], 255 * mean[1], 255 * mean[2]);
    ref.channelScale = cv::Scalar(1 / stdev[0], 1 / stdev[1], 1 / stdev[2], 1);
    ref.swapRB = true;
    ref.maxChannels = 8;
    cv::Mat map;
    cv::xai::ScoreCAM::create(cv::dnn::readNet(kModel.string()), ref)->compute(cv::imread(kDemo.string()),
                                                                              (int)cls["class_id"], map);
    EXPECT_NEAR((double)cls["maps"][0]["stats"]["mean"], cv::mean(map)[0], 1e-6);
    EXPECT_NEAR((double)cls["maps"][0]["stats"]["centroid_x"], cv::moments(map).m10 / cv::moments(map).m00, 1e-3);

    // The same by single options, and from a sidecar.
    const std::string options = "--size 224 --crop-fraction 0.875 --scale 0.00392156862745098 --mean "
                                "123.675,116.28,103.53 --std 0.229,0.224,0.225 --swap-rb";
    const Result o = runExplain(dir.path(), options + " --method score-cam --max-channels 8 --quiet --output by_options " +
                                                quote(kDemo.string()));
    ASSERT_EQ(o.code, 0) << o.err;
    cv::FileStorage byOptions((dir.path() / "by_options" / "summary.json").string(), cv::FileStorage::READ);
    EXPECT_NEAR((double)byOptions["images"][0]["classes"][0]["maps"][0]["stats"]["mean"], cv::mean(map)[0], 1e-6);
}

// The score layer and how it is read, from the command line and the sidecar.
TEST(XAI_Explain, score_layer_and_score_type_are_options_and_sidecar_keys)
{
    REQUIRE_EXE();
    TempDir dir;
    const std::string quick = "--method score-cam --max-channels 4 --quiet ";
    // The bundled model ends in logits: read as probabilities, the score is its own probability.
    const Result r = runExplain(dir.path(), quick + "--score-layer logits --score-type probabilities");
    ASSERT_EQ(r.code, 0) << r.err;
    cv::FileStorage s((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
    const cv::FileNode cls = s["images"][0]["classes"][0];
    EXPECT_EQ((std::string)cls["maps"][0]["parameters"]["score_layer"], "logits");
    EXPECT_EQ((std::string)cls["maps"][0]["parameters"]["score_type"], "probabilities");
    EXPECT_DOUBLE_EQ((double)cls["score"], (double)cls["probability"]);

    fs::copy_file(kModel, dir.path() / "m.onnx");
    fs::copy_file(kData / "shapes_labels.txt", dir.path() / "labels.txt");
    std::ofstream(dir.path() / "m.yml") << "%YAML:1.0\n---\ninput_width: 128\ninput_height: 128\nscale: 0.00784313725490196\n"
                                           "mean: 127.5\nscore_layer: logits\nscore_type: probabilities\n"
                                           "labels: labels.txt\n";
    const Result side = runExplain(dir.path(), quick + "--model m.onnx --output side " + quote(kDemo.string()));
    ASSERT_EQ(side.code, 0) << side.err;
    cv::FileStorage s2((dir.path() / "side" / "summary.json").string(), cv::FileStorage::READ);
    EXPECT_EQ((std::string)s2["images"][0]["classes"][0]["maps"][0]["parameters"]["score_type"], "probabilities");
    EXPECT_DOUBLE_EQ((double)s2["images"][0]["classes"][0]["score"], (double)cls["score"]);

    // The library's warning about scores that are not what --score-type says: in the options' words,
    // once a run, not as OpenCV's log line naming Params::scoreType (--quiet or not).
    fs::create_directories(dir.path() / "two_images");
    fs::copy_file(kDemo, dir.path() / "two_images" / "a.png");
    fs::copy_file(kDemo, dir.path() / "two_images" / "b.png");
    for (const char* loudness : {"", "--quiet "})
    {
        const Result w = runExplain(dir.path(), std::string(loudness) + "--method score-cam --max-channels 4 "
                                                "--score-layer logits --score-type probabilities --output warned two_images");
        ASSERT_EQ(w.code, 0) << w.err;
        const std::string words = "xai_explain: warning: two_images/a.png: the scores of layer 'logits' are not "
                                  "probabilities (sum ";
        const size_t at = w.err.find(words);
        EXPECT_NE(at, std::string::npos) << w.err;
        EXPECT_EQ(w.err.find(words, at + 1), std::string::npos) << "once a run: " << w.err;
        EXPECT_NE(w.err.find("), though --score-type says they are; they are used as given\n"), std::string::npos) << w.err;
        EXPECT_EQ(w.err.find("[ WARN"), std::string::npos) << w.err;
        EXPECT_EQ(w.err.find("Params::"), std::string::npos) << w.err;
    }

    // A model of two outputs is explained once the one with the class scores is named.
    const Result two = runExplain(dir.path(), quick + "--model " + quote(kTwoOutputs.string()) +
                                                  " --size 32x32 --score-layer logits --output two " + quote(kDemo.string()));
    ASSERT_EQ(two.code, 0) << two.err;
    EXPECT_TRUE(two.err.empty()) << two.err;
}

// -n that does not fill the lattice cannot be interleaved: the run says so (and still runs).
TEST(XAI_Explain, views_that_do_not_fill_the_lattice_are_warned_about)
{
    REQUIRE_EXE();
    TempDir dir;
    const Result partial = runExplain(dir.path(), "--method augmented -n 5 --max-channels 4 --output a");
    ASSERT_EQ(0, partial.code) << partial.err;
    EXPECT_NE(partial.err.find("xai_explain: warning: 5 views do not fill the 8 x 8 lattice of --lattice 8"),
              std::string::npos)
        << partial.err;
    const Result full = runExplain(dir.path(), "--method augmented -n 4 --lattice 2 --max-channels 4 --output b");
    ASSERT_EQ(0, full.code) << full.err;
    EXPECT_EQ(full.err.find("warning: 4 views"), std::string::npos) << full.err;
    const Result plain = runExplain(dir.path(), "--method score-cam -n 5 --max-channels 4 --output c");
    EXPECT_EQ(plain.err.find("do not fill"), std::string::npos) << "Score-CAM has no views: " << plain.err;
}

// Options the run will not use are named, so that a user does not believe they changed the map.
TEST(XAI_Explain, options_the_method_does_not_use_are_warned_about)
{
    REQUIRE_EXE();
    TempDir dir;
    const std::string quick = "--max-channels 4 --quiet ";
    const Result plain = runExplain(dir.path(), quick + "--method score-cam -n 5 --lattice 4 --sr-lambda-tv 0.1 --output a");
    ASSERT_EQ(0, plain.code) << plain.err;
    EXPECT_NE(plain.err.find("xai_explain: warning: --augmentations, --lattice and --sr-lambda-tv are options of "
                             "Augmented Score-CAM: --method score-cam does not use them\n"),
              std::string::npos)
        << plain.err;

    // Mean fusion solves no super-resolution, and its views need not fill the lattice.
    const Result mean = runExplain(dir.path(), quick + "--method augmented --fusion mean -n 4 --sr-iterations 10 "
                                                       "--sr-downsampling point --output b");
    ASSERT_EQ(0, mean.code) << mean.err;
    EXPECT_NE(mean.err.find("xai_explain: warning: --sr-iterations and --sr-downsampling are settings of the "
                            "super-resolution solve: --fusion mean does not use them\n"),
              std::string::npos)
        << mean.err;
    EXPECT_EQ(mean.err.find("do not fill"), std::string::npos) << mean.err;
    EXPECT_EQ(std::count(mean.err.begin(), mean.err.end(), '\n'), 1) << mean.err;

    // ... unless a compared fusion solves one.
    const Result compared = runExplain(dir.path(), quick + "--method augmented --fusion mean -n 4 --sr-iterations 10 "
                                                           "--compare-fusions super-resolution --output c");
    ASSERT_EQ(0, compared.code) << compared.err;
    EXPECT_TRUE(compared.err.empty()) << compared.err;

    const Result shift = runExplain(dir.path(), quick + "--method augmented -n 4 --lattice 2 --max-shift 0.2 --output d");
    ASSERT_EQ(0, shift.code) << shift.err;
    EXPECT_NE(shift.err.find("xai_explain: warning: --max-shift is not used with --lattice 2: the lattice sets the "
                             "shifts (--lattice 0 for random shifts)\n"),
              std::string::npos)
        << shift.err;

    // The defaults, and options the run uses, are not warned about.
    const Result quiet = runExplain(dir.path(), quick + "--method augmented -n 4 --lattice 2 --sr-iterations 10 --output e");
    ASSERT_EQ(0, quiet.code) << quiet.err;
    EXPECT_TRUE(quiet.err.empty()) << quiet.err;
}

// CUDA that this OpenCV or machine lacks: the run goes on on the CPU and says so once, in the
// options' words (it was OpenCV's log line naming the library's source file and DNN_BACKEND_OPENCV).
TEST(XAI_Explain, unavailable_cuda_falls_back_to_the_cpu_with_one_warning)
{
    REQUIRE_EXE();
    const std::vector<cv::dnn::Target> targets = cv::dnn::getAvailableTargets(cv::dnn::DNN_BACKEND_CUDA);
    const bool built = std::find(targets.begin(), targets.end(), cv::dnn::DNN_TARGET_CUDA) != targets.end();
    if (built && cv::cuda::getCudaEnabledDeviceCount() > 0)
        GTEST_SKIP() << "CUDA runs here: nothing falls back";
    TempDir dir;
    const Result r = runExplain(dir.path(), "--backend cuda --method score-cam --max-channels 4 --quiet");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, std::string("xai_explain: warning: --backend cuda: ") +
                         (built ? "no CUDA device was found" : "this OpenCV was built without CUDA for that target") +
                         "; running on the CPU\n");
    cv::FileStorage summary((dir.path() / "xai_out" / "summary.json").string(), cv::FileStorage::READ);
    const cv::FileNode map = summary["images"][0]["classes"][0]["maps"][0];
    EXPECT_EQ((std::string)map["backend"], "opencv") << "the pair in effect is recorded";
}

// Without --size, an image smaller than the net's windows is what is wrong: said in one line, without
// OpenCV's log of its shape inference (it was "the net does not run … (OpenCV(4.6.0) … total(os[i]) > 0").
TEST(XAI_Explain, an_image_smaller_than_the_nets_windows_fails_alone_and_says_so)
{
    REQUIRE_EXE();
    TempDir dir;
    cv::imwrite((dir.path() / "tiny.png").string(), cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(128)));
    const Result r = runExplainAsGiven(dir.path(), "--model " + quote((fs::path(XAI_TEST_DATA_DIR) / "shapes_vgg.onnx").string()) +
                                                       " --method score-cam --max-channels 4 --quiet tiny.png");
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("xai_explain: error: tiny.png: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("gets a 1 x 1 input, smaller than its 2 x 2 window; the image is too small for this net"),
              std::string::npos)
        << r.err;
}
