// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_evaluate as a user meets it: runs over three drawn scenes with the bundled model, judged by
// exit codes, messages and files; a resumed run, and shards merged, must give the whole run's rows.

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
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

#ifdef XAI_EVALUATE_EXE
const char* const kExe = XAI_EVALUATE_EXE;
#else
const char* const kExe = nullptr;  // samples not built (XAI_BUILD_SAMPLES=OFF)
#endif

#define REQUIRE_EXE() XAI_SKIP_UNLESS_BUILT(kExe, "xai_evaluate")

//! The bundled model: $OPENCV_XAI_DATA_PATH first (as the module tests look), then samples/data.
fs::path modelPath()
{
    if (const char* env = std::getenv("OPENCV_XAI_DATA_PATH"))
        if (fs::exists(fs::path(env) / "shapes_resnet.onnx"))
            return fs::path(env) / "shapes_resnet.onnx";
    return fs::path(XAI_SAMPLES_DATA_DIR) / "shapes_resnet.onnx";
}

// The preprocessing of the bundled model (samples/data/shapes_resnet.yml).
const char* const kPreprocessing = "--size 128x128 --scale 0.00784313725490196 --mean 127.5";
// Small but complete: two methods (Faster Score-CAM's 16 channels, for speed), short curves, the
// randomisation test on the first image.
const char* const kSettings = "--methods score-cam,mean:2 --max-channels 16 --steps 10 --batch 8 --randomization 1 "
                              "--randomization-layers 2 --threads 2";

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::vector<std::string> split(const std::string& line)
{
    // The columns compared here never hold quoted commas.
    std::vector<std::string> f;
    std::string cur;
    for (char c : line)
    {
        if (c == ',')
        {
            f.push_back(cur);
            cur.clear();
        }
        else
            cur += c;
    }
    f.push_back(cur);
    return f;
}

Result runEvaluate(const fs::path& dir, const std::string& args, const std::string& shellSetup = "")
{
    return xai_tests::runProgram(kExe, dir, args, shellSetup);
}

//! Names in `dir` that no finished write leaves: temporaries, and tables whose last line has no newline.
std::vector<std::string> halfWritten(const fs::path& dir)
{
    std::vector<std::string> bad;
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
    {
        const std::string name = e.path().filename().string();
        if (name[0] == '.')
            bad.push_back(name);
        else if (e.path().extension() == ".csv")
        {
            const std::string text = readText(e.path());
            if (text.empty() || text.back() != '\n')
                bad.push_back(name + " (cut)");
        }
    }
    return bad;
}

/** Three 128x128 scenes, one shape each (a disc, a square, a triangle) on a textured background,
    with masks, boxes and a ground-truth file in the format of tests/data/scenes/single.yml. */
void writeScenes(const fs::path& dir)
{
    fs::create_directories(dir / "img");
    cv::FileStorage gt((dir / "gt.yml").string(), cv::FileStorage::WRITE);
    gt << "classes" << "[" << "circle" << "square" << "triangle" << "]";
    gt << "images" << "[";
    cv::RNG rng(12345);
    for (int i = 0; i < 3; i++)
    {
        cv::Mat img(128, 128, CV_8UC3);
        rng.fill(img, cv::RNG::UNIFORM, 40, 120);
        cv::GaussianBlur(img, img, cv::Size(9, 9), 3);
        cv::Mat mask = cv::Mat::zeros(img.size(), CV_8U);
        const cv::Point c(40 + 25 * i, 50 + 10 * i);
        if (i == 0)
            cv::circle(mask, c, 20, cv::Scalar(255), cv::FILLED);
        else if (i == 1)
            cv::rectangle(mask, cv::Rect(c.x - 18, c.y - 18, 36, 36), cv::Scalar(255), cv::FILLED);
        else
        {
            std::vector<cv::Point> tri = {{c.x, c.y - 22}, {c.x + 22, c.y + 16}, {c.x - 22, c.y + 16}};
            cv::fillConvexPoly(mask, tri, cv::Scalar(255));
        }
        img.setTo(cv::Scalar(230, 230, 230), mask);
        const std::string name = "img/" + std::to_string(i) + ".png", maskName = "img/" + std::to_string(i) + "_mask.png";
        cv::imwrite((dir / name).string(), img);
        cv::imwrite((dir / maskName).string(), mask);
        const cv::Rect box = cv::boundingRect(mask);
        gt << "{" << "image" << name << "objects" << "[" << "{" << "class" << i << "box" << "[:" << box.x << box.y
           << box.width << box.height << "]" << "mask" << maskName << "}" << "]" << "}";
    }
    gt << "]";
}

//! A CSV without its `seconds` column: the only one that changes from run to run.
std::string withoutTimes(const std::string& csv)
{
    const std::vector<std::string> ls = lines(csv);
    if (ls.empty())
        return csv;
    const std::vector<std::string> header = split(ls[0]);
    const size_t col = std::find(header.begin(), header.end(), "seconds") - header.begin();
    std::string out;
    for (const std::string& l : ls)
    {
        std::vector<std::string> f = split(l);
        if (col < f.size())
            f[col] = "";
        for (size_t i = 0; i < f.size(); i++)
            out += (i ? "," : "") + f[i];
        out += "\n";
    }
    return out;
}

/** A ground truth beside the scenes whose first object has the class `value`, with the scenes'
    class list or none; returns the --ground-truth option. */
std::string badGt(const std::string& name, const std::string& value, bool withClasses,
                  const std::string& box = "[ 10, 10, 20, 20 ]")
{
    const fs::path dir = fs::temp_directory_path() / ("xai_evaluate_test_" + std::to_string(::getpid())) / "scenes";
    std::ofstream(dir / (name + ".yml")) << "%YAML:1.0\n---\n"
                                         << (withClasses ? "classes: [ circle, square, triangle ]\n" : "")
                                         << "images:\n  - { image: \"img/0.png\", objects: [ { class: " << value
                                         << ", box: " << box << " } ] }\n";
    return " --ground-truth " + quote((dir / (name + ".yml")).string());
}

/** A models.yml with the bundled model and the project's preprocessing, whose score layer is
    `outputLayer`. */
fs::path modelsYml(const std::string& outputLayer)
{
    const fs::path path = fs::temp_directory_path() / ("xai_evaluate_test_" + std::to_string(::getpid())) /
                          ("models_" + outputLayer + ".yml");
    std::ofstream(path) << "%YAML:1.0\n---\nmodels:\n  - { name: resnet, file: " << quote(modelPath().string())
                        << ", input_width: 128, input_height: 128, scale: 0.00784313725490196, mean: [ 127.5 ], "
                           "swapRB: 0, crop: 0, output_layer: "
                        << outputLayer << " }\n";
    return path;
}

/** One scratch folder for the suite with the scenes and a whole run in it, made once: the resumed,
    sharded and merged runs are compared with it. */
class XAI_Evaluate : public testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        root_ = fs::temp_directory_path() / ("xai_evaluate_test_" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_);
        writeScenes(root_ / "scenes");
        if (kExe && fs::exists(modelPath()))
            whole_ = runEvaluate(root_, baseArgs() + " --output whole");
    }

    static void TearDownTestSuite()
    {
        if (!failed_)
            fs::remove_all(root_);
    }

    void SetUp() override
    {
        if (!kExe)
            GTEST_SKIP() << "xai_evaluate is not built (XAI_BUILD_SAMPLES)";
        ASSERT_TRUE(fs::exists(modelPath())) << modelPath() << " is part of the repository";
    }

    void TearDown() override { failed_ = failed_ || HasFailure(); }

    static std::string baseArgs(bool quiet = true)
    {
        return "--model " + quote(modelPath().string()) + " " + kPreprocessing + " --ground-truth " +
               quote((root_ / "scenes" / "gt.yml").string()) + " " + kSettings + (quiet ? " --quiet" : "");
    }

    //! The same command again completes the run in `output`: its tables are the whole run's.
    static void expectResumedToTheWholeRun(const std::string& output)
    {
        const Result again = runEvaluate(root_, baseArgs() + " --output " + output);
        ASSERT_EQ(0, again.code) << again.err;
        const fs::path dir = root_ / output;
        EXPECT_EQ(withoutTimes(readText(root_ / "whole" / "per_image.csv")), withoutTimes(readText(dir / "per_image.csv")));
        EXPECT_EQ(readText(root_ / "whole" / "curves.csv"), readText(dir / "curves.csv"));
        EXPECT_EQ(readText(root_ / "whole" / "randomization.csv"), readText(dir / "randomization.csv"));
    }

    static fs::path root_;
    static Result whole_;
    static bool failed_;
};

fs::path XAI_Evaluate::root_;
Result XAI_Evaluate::whole_;
bool XAI_Evaluate::failed_ = false;

TEST_F(XAI_Evaluate, small_run_writes_rows_summary_and_curves)
{
    ASSERT_EQ(0, whole_.code) << whole_.err;
    EXPECT_EQ("", whole_.err);  // --quiet
    const fs::path out = root_ / "whole";
    for (const char* f : {"per_image.csv", "curves.csv", "randomization.csv", "run.yml", "summary.yml", "summary.md",
                          "deletion.png", "insertion.png", "plots/score-cam_deletion.png", "plots/mean-2_insertion.png"})
        EXPECT_TRUE(fs::exists(out / f)) << f;

    // 3 images x 2 methods, one object each.
    const std::vector<std::string> rows = lines(readText(out / "per_image.csv"));
    ASSERT_EQ(7u, rows.size());
    const std::vector<std::string> header = split(rows[0]);
    auto col = [&](const char* name) { return (size_t)(std::find(header.begin(), header.end(), name) - header.begin()); };
    EXPECT_EQ("0", split(rows[1])[col("image_index")]);
    EXPECT_EQ("score-cam", split(rows[1])[col("method")]);
    EXPECT_EQ("mean:2", split(rows[2])[col("method")]);
    EXPECT_EQ("2", split(rows[6])[col("image_index")]);
    for (size_t r = 1; r < rows.size(); r++)
    {
        const std::vector<std::string> f = split(rows[r]);
        for (const char* m : {"drop", "deletion_auc", "insertion_auc", "energy_box", "energy_mask", "iou"})
        {
            const double v = std::stod(f[col(m)]);
            EXPECT_GE(v, 0.0) << m << " row " << r;
            EXPECT_LE(v, 1.0) << m << " row " << r;
        }
        EXPECT_GE(std::stoi(f[col("forwards")]), 2);
    }
    // 11 points per curve, deletion and insertion per row.
    const std::vector<std::string> curves = lines(readText(out / "curves.csv"));
    ASSERT_EQ(13u, curves.size());
    EXPECT_EQ(4u + 11u, split(curves[1]).size());
    // Randomisation of the first image: the trained net and 2 layers, per method.
    const std::vector<std::string> rand = lines(readText(out / "randomization.csv"));
    ASSERT_EQ(7u, rand.size());
    EXPECT_EQ("1", split(rand[1])[7]);  // the trained net's map against itself

    // The numbers are the library's: Score-CAM on image 0, then its deletion curve.
    cv::dnn::Net net = cv::dnn::readNet(modelPath().string());
    cv::xai::ScoreCAM::Params p;
    p.inputSize = cv::Size(128, 128);
    p.scale = 0.00784313725490196;
    p.mean = cv::Scalar::all(127.5);
    p.batchSize = 8;
    p.maxChannels = 16;
    const cv::Mat image = cv::imread((root_ / "scenes" / "img" / "0.png").string());
    cv::Mat map;
    cv::xai::ScoreCAM::create(net, p)->compute(image, 0, map);
    cv::xai::PerturbationParams pp;
    pp.steps = 10;
    pp.batchSize = 8;
    cv::Mat curve;
    const double auc = cv::xai::deletionCurve(cv::dnn::readNet(modelPath().string()), p, image, map, 0, curve, pp);
    EXPECT_NEAR(auc, std::stod(split(rows[1])[col("deletion_auc")]), 1e-6);
    const cv::Mat mask = cv::imread((root_ / "scenes" / "img" / "0_mask.png").string(), cv::IMREAD_GRAYSCALE);
    EXPECT_NEAR(cv::xai::energyPointingGameMask(map, mask), std::stod(split(rows[1])[col("energy_mask")]), 1e-6);

    // The summary: both methods, with means and the paired comparison.
    cv::FileStorage s((out / "summary.yml").string(), cv::FileStorage::READ);
    ASSERT_TRUE(s.isOpened());
    const cv::FileNode methods = s["methods"];
    ASSERT_EQ(2u, methods.size());
    EXPECT_EQ("score-cam", (std::string)methods[0]["method"]);
    EXPECT_EQ(3, (int)methods[0]["rows"]);
    EXPECT_FALSE(methods[0]["metrics"].empty());
    EXPECT_EQ("score-cam", (std::string)methods[1]["versus"]);
    EXPECT_FALSE(methods[1]["paired"].empty());
    EXPECT_EQ(2u, s["randomization"].size());
    const cv::Mat png = cv::imread((out / "deletion.png").string());
    EXPECT_FALSE(png.empty());
}

TEST_F(XAI_Evaluate, interrupted_run_resumes_where_it_stopped)
{
    ASSERT_EQ(0, whole_.code) << whole_.err;
    const fs::path dir = root_ / "resumed";
    fs::create_directories(dir);
    for (const char* f : {"run.yml", "curves.csv", "randomization.csv"})
        fs::copy_file(root_ / "whole" / f, dir / f);
    // As if killed while writing: two units complete, the third cut in the middle of its line.
    const std::vector<std::string> rows = lines(readText(root_ / "whole" / "per_image.csv"));
    {
        std::ofstream cut(dir / "per_image.csv");
        cut << rows[0] << "\n" << rows[1] << "\n" << rows[2] << "\n" << rows[3].substr(0, rows[3].size() / 2);
    }
    const Result r = runEvaluate(root_, baseArgs() + " --output resumed");
    ASSERT_EQ(0, r.code) << r.err;
    const std::string resumed = readText(dir / "per_image.csv");
    const std::vector<std::string> got = lines(resumed);
    ASSERT_EQ(rows.size(), got.size());
    EXPECT_EQ(rows[1], got[1]);  // kept as they were, timings included: not computed again
    EXPECT_EQ(rows[2], got[2]);
    EXPECT_EQ(withoutTimes(readText(root_ / "whole" / "per_image.csv")), withoutTimes(resumed));
    EXPECT_EQ(readText(root_ / "whole" / "curves.csv"), readText(dir / "curves.csv"));
    EXPECT_EQ(readText(root_ / "whole" / "randomization.csv"), readText(dir / "randomization.csv"));

    // Once more: nothing left to do, nothing changes.
    const Result again = runEvaluate(root_, baseArgs() + " --output resumed --no-plots");
    ASSERT_EQ(0, again.code) << again.err;
    EXPECT_EQ(resumed, readText(dir / "per_image.csv"));
    const Result loud = runEvaluate(root_, baseArgs(false) + " --output resumed --no-plots");
    ASSERT_EQ(0, loud.code) << loud.err;
    EXPECT_NE(std::string::npos, loud.err.find("0 evaluated, 6 already")) << loud.err;
}

// Ctrl-C ends the running unit (the library's and the metrics' progress callbacks cancel it), keeps
// the finished ones with a summary of them, and the same command then completes the run exactly.
TEST_F(XAI_Evaluate, a_stop_signal_ends_the_run_cleanly_and_the_same_command_resumes_it)
{
    ASSERT_EQ(0, whole_.code) << whole_.err;
    const fs::path dir = root_ / "signalled";
    const xai_tests::Running run = xai_tests::startProgram(kExe, root_, baseArgs() + " --output signalled");
    bool started = false;  // once the first unit is written
    for (int i = 0; i < 1200 && !started; i++)
    {
        started = lines(readText(dir / "per_image.csv")).size() >= 2;
        if (!started)
            ::usleep(50000);
    }
    ::kill(run.pid, SIGINT);
    const Result r = xai_tests::finishProgram(run);
    ASSERT_TRUE(started) << r.err;
    EXPECT_EQ(130, r.code) << r.err;
    EXPECT_NE(std::string::npos, r.err.find("xai_evaluate: stopped by SIGINT after ")) << r.err;
    EXPECT_NE(std::string::npos, r.err.find("run the same command again to resume")) << r.err;
    EXPECT_TRUE(fs::exists(dir / "summary.yml"));
    const size_t kept = lines(readText(dir / "per_image.csv")).size();
    EXPECT_GE(kept, 2u);
    EXPECT_LT(kept, 7u) << "the run did not stop";
    EXPECT_EQ(std::vector<std::string>(), halfWritten(dir));

    expectResumedToTheWholeRun("signalled");
}

// A full disk (a file size limit here) stops the run with the reason; no table is left with a cut
// line, and the same command resumes the run exactly once there is room.
TEST_F(XAI_Evaluate, a_full_disk_stops_the_run_and_the_same_command_resumes_it)
{
    ASSERT_EQ(0, whole_.code) << whole_.err;
    const fs::path dir = root_ / "full";
    const Result full = runEvaluate(root_, baseArgs() + " --output full", "trap '' XFSZ; ulimit -f 2;");  // 1 KiB
    EXPECT_EQ(1, full.code) << full.err;
    EXPECT_NE(std::string::npos, full.err.find("xai_evaluate: error: cannot write '")) << full.err;
    EXPECT_NE(std::string::npos, full.err.find("': File too large; the rows written so far are kept")) << full.err;
    EXPECT_EQ(std::vector<std::string>(), halfWritten(dir));
    EXPECT_LT(lines(readText(dir / "per_image.csv")).size(), 7u) << "the limit stopped nothing";

    expectResumedToTheWholeRun("full");
}

// In a log (stderr not a terminal) the progress is plain lines, as xai_explain prints them.
TEST_F(XAI_Evaluate, progress_is_printed_as_plain_lines_when_stderr_is_not_a_terminal)
{
    const Result r = runEvaluate(root_, baseArgs(false) + " --limit 1 --output loud --no-plots");
    ASSERT_EQ(0, r.code) << r.err;
    EXPECT_NE(std::string::npos, r.err.find("xai_evaluate: 100%  1/1 images")) << r.err;
    EXPECT_EQ(std::string::npos, r.err.find('\r')) << r.err;
}

// --steps 100000 on 128x128 images would remove no pixel at most steps: refused before it starts.
TEST_F(XAI_Evaluate, more_steps_than_pixels_are_refused)
{
    std::string args = baseArgs();
    args.replace(args.find("--steps 10 "), 11, "--steps 20000 ");
    const Result r = runEvaluate(root_, args + " --output steps");
    EXPECT_EQ(2, r.code) << r.err;
    EXPECT_EQ(1u, lines(r.err).size()) << r.err;
    EXPECT_NE(std::string::npos,
              r.err.find("xai_evaluate: error: --steps 20000 is more than the 16384 pixels of img/0.png (128x128)"))
        << r.err;
    // Refused before the output folder is made: its run.yml refused the corrected command as "a run
    // with other settings".
    EXPECT_FALSE(fs::exists(root_ / "steps")) << "a refused run leaves no output folder";
}

// models.yml's output_layer is the score layer (read, not ignored), and --preset gives xai_evaluate the
// preprocessing of xai_explain's presets.
TEST_F(XAI_Evaluate, score_layer_and_preset_come_from_models_yml_and_options)
{
    const std::string gt = " --ground-truth " + quote((root_ / "scenes" / "gt.yml").string()) +
                           " --methods score-cam --max-channels 4 --steps 4 --limit 1 --quiet";
    const Result r = runEvaluate(root_, "--models " + quote(modelsYml("logits").string()) + " --model resnet" + gt +
                                            " --score-type probabilities --output scored");
    ASSERT_EQ(0, r.code) << r.err;
    const std::string run = readText(root_ / "scored" / "run.yml");
    EXPECT_NE(std::string::npos, run.find("score_layer: logits")) << run;
    EXPECT_NE(std::string::npos, run.find("score_type: probabilities")) << run;

    const Result t = runEvaluate(root_, "--model " + quote(modelPath().string()) + " --preset torchvision-imagenet" + gt +
                                            " --output torchvision");
    ASSERT_EQ(0, t.code) << t.err;
    const std::string tv = readText(root_ / "torchvision" / "run.yml");
    for (const char* setting : {"input_size: \"224x224\"", "crop: \"1\"", "crop_fraction: \"0.875\"",
                                "std: \"0.229,0.224,0.225\"", "swap_rb: \"1\""})
        EXPECT_NE(std::string::npos, tv.find(setting)) << setting << "\n" << tv;
}

// Without masks, "Own mask > other mask" is not filled from the boxes: the column stays empty and the
// summary leaves the row out.
TEST_F(XAI_Evaluate, own_mask_over_other_mask_is_empty_without_masks)
{
    const fs::path dir = root_ / "pairs";
    fs::create_directories(dir);
    cv::Mat img(128, 128, CV_8UC3, cv::Scalar(80, 80, 80));
    cv::circle(img, cv::Point(35, 40), 18, cv::Scalar(230, 230, 230), cv::FILLED);
    cv::rectangle(img, cv::Rect(70, 70, 36, 36), cv::Scalar(230, 230, 230), cv::FILLED);
    cv::imwrite((dir / "pair.png").string(), img);
    std::ofstream(dir / "gt.yml") << "%YAML:1.0\n---\nimages:\n  - { image: pair.png, objects: [ "
                                     "{ class: 0, box: [ 17, 22, 37, 37 ] }, { class: 1, box: [ 70, 70, 36, 36 ] } ] }\n";
    const Result r = runEvaluate(root_, "--model " + quote(modelPath().string()) + " " + kPreprocessing +
                                            " --ground-truth " + quote((dir / "gt.yml").string()) +
                                            " --methods score-cam --max-channels 4 --steps 4 --quiet --output pairs/out");
    ASSERT_EQ(0, r.code) << r.err;
    const std::vector<std::string> rows = lines(readText(dir / "out" / "per_image.csv"));
    ASSERT_EQ(3u, rows.size());
    const std::vector<std::string> header = split(rows[0]);
    const size_t stays = std::find(header.begin(), header.end(), "stays_on_object") - header.begin();
    const size_t otherBox = std::find(header.begin(), header.end(), "energy_other_box") - header.begin();
    ASSERT_LT(stays, header.size());
    for (size_t i = 1; i < rows.size(); i++)
    {
        EXPECT_EQ("", split(rows[i])[stays]) << rows[i];
        EXPECT_NE("", split(rows[i])[otherBox]) << "the boxes are measured in their own column: " << rows[i];
    }
    EXPECT_EQ(std::string::npos, readText(dir / "out" / "summary.md").find("Own mask > other mask"));
}

TEST_F(XAI_Evaluate, shards_merged_equal_the_whole_run)
{
    ASSERT_EQ(0, whole_.code) << whole_.err;
    for (int i = 0; i < 2; i++)
    {
        const Result r = runEvaluate(root_, baseArgs() + " --shard " + std::to_string(i) + "/2 --output shard" +
                                                std::to_string(i));
        ASSERT_EQ(0, r.code) << r.err;
    }
    EXPECT_EQ(5u, lines(readText(root_ / "shard0" / "per_image.csv")).size());  // images 0 and 2
    EXPECT_EQ(3u, lines(readText(root_ / "shard1" / "per_image.csv")).size());  // image 1
    const Result m = runEvaluate(root_, "--merge shard0 shard1 --output merged --quiet");
    ASSERT_EQ(0, m.code) << m.err;
    EXPECT_EQ(withoutTimes(readText(root_ / "whole" / "per_image.csv")),
              withoutTimes(readText(root_ / "merged" / "per_image.csv")));
    EXPECT_EQ(readText(root_ / "whole" / "curves.csv"), readText(root_ / "merged" / "curves.csv"));
    EXPECT_EQ(readText(root_ / "whole" / "randomization.csv"), readText(root_ / "merged" / "randomization.csv"));
    EXPECT_EQ(readText(root_ / "whole" / "run.yml"), readText(root_ / "merged" / "run.yml"));
    EXPECT_TRUE(fs::exists(root_ / "merged" / "summary.yml"));
    EXPECT_TRUE(fs::exists(root_ / "merged" / "deletion.png"));

    // Shards of different runs do not merge.
    const Result other = runEvaluate(root_, baseArgs() + " --seed 5 --shard 1/2 --output other");
    ASSERT_EQ(0, other.code) << other.err;
    const Result bad = runEvaluate(root_, "--merge shard0 other --output merged2");
    EXPECT_EQ(2, bad.code);
    EXPECT_NE(std::string::npos, bad.err.find("seed")) << bad.err;
}

TEST_F(XAI_Evaluate, methods_of_the_same_views_share_them_and_each_fuses_its_own_way)
{
    const std::string methods = "mean:4,super-resolution:4,max:4,super-resolution:4/tv=0.05,super-resolution:4:lattice";
    const Result r = runEvaluate(root_, "--model " + quote(modelPath().string()) + " " + kPreprocessing +
                                            " --ground-truth " + quote((root_ / "scenes" / "gt.yml").string()) +
                                            " --limit 1 --max-channels 16 --steps 4 --batch 8 --threads 2 --quiet"
                                            " --methods " + methods + " --output shared");
    ASSERT_EQ(0, r.code) << r.err;
    const std::vector<std::string> rows = lines(readText(root_ / "shared" / "per_image.csv"));
    ASSERT_EQ(6u, rows.size());
    const std::vector<std::string> header = split(rows[0]);
    auto col = [&](const char* name) { return (size_t)(std::find(header.begin(), header.end(), name) - header.begin()); };
    std::map<std::string, std::vector<std::string>> byMethod;
    for (size_t i = 1; i < rows.size(); i++)
        byMethod[split(rows[i])[col("method")]] = split(rows[i]);
    EXPECT_EQ("super-resolution", byMethod["super-resolution:4"][col("fusion")]);
    EXPECT_EQ("mean", byMethod["mean:4"][col("fusion")]);
    // One computation of the four random views: the same forwards; different fusions, different maps.
    for (const char* m : {"super-resolution:4", "max:4", "super-resolution:4/tv=0.05"})
        EXPECT_EQ(byMethod["mean:4"][col("forwards")], byMethod[m][col("forwards")]) << m;
    EXPECT_NE(byMethod["mean:4"][col("energy_mask")], byMethod["super-resolution:4"][col("energy_mask")]);
    EXPECT_NE(byMethod["super-resolution:4"][col("energy_mask")], byMethod["super-resolution:4/tv=0.05"][col("energy_mask")]);

    // Shared views change nothing: the map is the one AugmentedScoreCAM gives with that fusion alone.
    cv::xai::AugmentedScoreCAM::Params p;
    p.scoreCam.inputSize = cv::Size(128, 128);
    p.scoreCam.scale = 0.00784313725490196;
    p.scoreCam.mean = cv::Scalar::all(127.5);
    p.scoreCam.batchSize = 8;
    p.scoreCam.maxChannels = 16;
    p.augmentation.numAugmentations = 4;
    p.augmentation.latticeSize = 0; // "super-resolution:4": random views
    p.fusion = cv::xai::FUSION_SUPER_RESOLUTION;
    p.superResolution.lambdaTV = 0.05;
    const cv::Mat image = cv::imread((root_ / "scenes" / "img" / "0.png").string());
    const cv::Mat mask = cv::imread((root_ / "scenes" / "img" / "0_mask.png").string(), cv::IMREAD_GRAYSCALE);
    cv::Mat map;
    cv::xai::AugmentedScoreCAM::create(cv::dnn::readNet(modelPath().string()), p)->compute(image, 0, map);
    EXPECT_NEAR(cv::xai::energyPointingGameMask(map, mask),
                std::stod(byMethod["super-resolution:4/tv=0.05"][col("energy_mask")]), 1e-6);
}

// summary.json is JSON whatever the paths hold: cv::FileStorage wrote an apostrophe as \' and
// copied bytes that are not UTF-8.
TEST_F(XAI_Evaluate, json_summary_is_strict_json_with_hostile_paths)
{
    const fs::path odd = root_ / "bob's \"scenes\" \\ caf\xe9";
    fs::remove_all(odd);
    fs::copy(root_ / "scenes", odd, fs::copy_options::recursive);
    const Result r = runEvaluate(root_, "--model " + quote(modelPath().string()) + " " + kPreprocessing +
                                            " --ground-truth " + quote((odd / "gt.yml").string()) +
                                            " --limit 1 --methods score-cam --max-channels 8 --steps 4 --batch 8"
                                            " --threads 2 --quiet --no-plots --summary-format json --output " +
                                            quote((odd / "out 'json'").string()));
    ASSERT_EQ(0, r.code) << r.err;
    const std::string text = readText(odd / "out 'json'" / "summary.json");
    ASSERT_FALSE(text.empty());
    EXPECT_EQ("", xai_tests::strictJsonError(text)) << text;
    cv::FileStorage s(text, cv::FileStorage::READ | cv::FileStorage::MEMORY);
    ASSERT_TRUE(s.isOpened());
    EXPECT_EQ(1u, s["methods"].size());
}

TEST_F(XAI_Evaluate, wrong_usage_is_one_line_and_exit_code_2)
{
    struct Case
    {
        std::string args, words;
    };
    const std::string model = "--model " + quote(modelPath().string()) + " " + kPreprocessing;
    const std::string gt = " --ground-truth " + quote((root_ / "scenes" / "gt.yml").string());
    // Another model under the same file name, as a retrained one would be.
    fs::create_directories(root_ / "retrained");
    const fs::path retrained = root_ / "retrained" / "shapes_resnet.onnx";
    {
        std::ofstream copy(retrained, std::ios::binary);
        copy << readText(modelPath()) << "x";  // never loaded: the settings check comes first
    }
    const std::vector<Case> cases = {
        {model + gt, "--output"},
        {model + gt + " --output x --shard 2/2", "--shard"},
        {model + gt + " --output x --methods score-cam,median:4", "unknown method"},
        {model + gt + " --output x --steps 0", "--steps"},
        {model + " --ground-truth nowhere.yml --output x", "nowhere.yml"},
        {"--model nowhere.onnx" + gt + " --output x", "nowhere.onnx"},
        {model + gt + " --output whole --steps 7", "other settings"},
        {"--model " + quote(retrained.string()) + " " + kPreprocessing + gt + " " + kSettings + " --output whole",
         "model_checksum"},
        {"--merge scenes --output x", "not an output folder"},
        {model + gt + " --output x --no-such-option", "no-such-option"},
        {model + gt + " --output x --methods super-resolution:15:lattice", "square number of views"},
        {model + gt + " --output x --methods mean:4/tv=0.1", "for super-resolution only"},
        {model + gt + " --output x --methods super-resolution:4/tv=-1", "--methods tv -1 is out of range"},
        {model + gt + " --output x --methods super-resolution:4/speed=2", "unknown setting 'speed'"},
        {model + gt + " --output x --sr-lambda-tv abc", "--sr-lambda-tv: 'abc' is not a number"},
        {model + gt + " --output x --lattice 65", "--lattice 65 is out of range"},
        // The grammar of --methods: METHOD[,METHOD...], METHOD = score-cam | FUSION:N[:lattice][/KEY=VALUE...].
        {model + gt + " --output x --methods super-resolution:4/",
         "--methods: 'super-resolution:4/' ends with '/': a KEY=VALUE setting follows every '/'"},
        {model + gt + " --output x --methods super-resolution:4//tv=1",
         "--methods: 'super-resolution:4//tv=1' has an empty setting: a KEY=VALUE setting follows every '/'"},
        {model + gt + " --output x --methods super-resolution:4/tv=1/tv=2",
         "--methods: 'super-resolution:4/tv=1/tv=2' gives tv twice"},
        {model + gt + " --output x --methods 'score-cam, mean:4'",
         "--methods 'score-cam, mean:4': write the list without spaces"},
        {model + gt + " --output x --methods super-resolution::4",
         "--methods: 'super-resolution::4': the number of views must be a whole number from 1 to 4096, not ':4'"},
        {model + gt + " --output x --methods mean:+4", "--methods: 'mean:+4': the number of views must be a whole "
                                                        "number from 1 to 4096, not '+4'"},
        {model + gt + " --output x --methods mean:4:", "--methods: 'mean:4:': only ':lattice' may follow the number"},
        // Each names its option, the value as given and both bounds.
        {model + gt + " --output x --sr-lambda-tv 2e6",
         "--sr-lambda-tv 2000000 is out of range: a weight from 0 to 1000000"},
        {model + gt + " --output x --sr-iterations 2147483648",
         "--sr-iterations 2147483648 is out of range: 1 to 10000000 iterations"},
        {model + gt + " --output x --sr-tolerance 1e-13", "--sr-tolerance 1e-13 is out of range: a relative residual "
         "from 1e-12 to 1"},
        // Ground-truth classes are real class ids, checked against the file's list and the model.
        {model + badGt("minus_one", "-1", true) + " --output x",
         "minus_one.yml', image 0 (img/0.png), object 0: class -1 is not a class id (0 or more)"},
        {model + badGt("int_min", "-2147483648", true) + " --output x",
         "int_min.yml', image 0 (img/0.png), object 0: class -2147483648 is not a class id"},
        {model + badGt("real", "2.5", true) + " --output x", "real.yml', image 0 (img/0.png), object 0: 'class' must "
                                                             "be a class id (a whole number), not 2.5"},
        {model + badGt("beyond_list", "3", true) + " --output x",
         "beyond_list.yml', image 0 (img/0.png), object 0: class 3 is not in the file's 'classes' (3 classes, 0 to 2)"},
        {model + badGt("beyond_model", "12", false) + " --output x",
         "beyond_model.yml', image 0 (img/0.png), object 0: class 12 is not among the model's 10 classes (0 to 9)"},
        // Boxes and masks of another type: refused in the file's terms, not cv::FileNode's.
        {model + badGt("text_box", "0", true, "\"abc\"") + " --output x",
         "text_box.yml', image 0 (img/0.png), object 0: 'box' must be [ x, y, w, h ] with w, h >= 0"},
        {model + badGt("real_box", "0", true, "[ 1.5, 2, 3, 4 ]") + " --output x",
         "real_box.yml', image 0 (img/0.png), object 0: 'box' must be [ x, y, w, h ]"},
        {model + badGt("number_mask", "0, mask: 5", true) + " --output x",
         "number_mask.yml', image 0 (img/0.png), object 0: 'mask' must be an image file name, not 5"},
        // The score layer: an option, and models.yml's output_layer.
        {model + gt + " --output x --score-layer no_such_output",
         "layer 'no_such_output' (--score-layer, or output_layer in models.yml): the model has no layer"},
        {"--models " + quote(modelsYml("no_such_output").string()) + " --model resnet" + gt + " --output x",
         "layer 'no_such_output' (--score-layer, or output_layer in models.yml)"},
        {model + gt + " --output x --score-type softmax", "unknown --score-type 'softmax'"},
        {model + gt + " --output x --preset pytorch", "unknown --preset 'pytorch'"},
    };
    for (const Case& c : cases)
    {
        const Result r = runEvaluate(root_, c.args);
        EXPECT_EQ(2, r.code) << c.args << "\n" << r.err;
        EXPECT_EQ(1u, lines(r.err).size()) << c.args << "\n" << r.err;
        EXPECT_EQ(0u, r.err.rfind("xai_evaluate: error: ", 0)) << r.err;
        EXPECT_NE(std::string::npos, r.err.find(c.words)) << c.args << "\n" << r.err;
    }
    EXPECT_FALSE(fs::exists(root_ / "x")) << "wrong usage leaves no output folder behind";
    const Result help = runEvaluate(root_, "--help");
    EXPECT_EQ(0, help.code);
    for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "OUTPUT", "EXAMPLES", "EXIT STATUS"})
        EXPECT_NE(std::string::npos, help.out.find(section)) << section;
}

} // namespace

TEST_F(XAI_Evaluate, dense_fidelity_is_one_for_the_complete_lattice_and_below_for_score_cam)
{
    // The model's layer is a whole-pixel grid of stride 16: 16 x 16 whole-pixel shifts interleave
    // into the network's dense map itself; Score-CAM's 8 x 8 grid holds less of it.
    const Result r = runEvaluate(root_, "--model " + quote(modelPath().string()) + " " + kPreprocessing +
                                            " --ground-truth " + quote((root_ / "scenes" / "gt.yml").string()) +
                                            " --limit 1 --steps 4 --batch 16 --threads 2 --quiet --dense-fidelity"
                                            " --methods score-cam,interleave:256:lattice,interleave:16:lattice"
                                            " --output dense");
    ASSERT_EQ(0, r.code) << r.err;
    const std::vector<std::string> rows = lines(readText(root_ / "dense" / "per_image.csv"));
    ASSERT_EQ(4u, rows.size());
    const std::vector<std::string> header = split(rows[0]);
    auto col = [&](const char* name) { return (size_t)(std::find(header.begin(), header.end(), name) - header.begin()); };
    std::map<std::string, std::vector<std::string>> byMethod;
    for (size_t i = 1; i < rows.size(); i++)
        byMethod[split(rows[i])[col("method")]] = split(rows[i]);
    EXPECT_NEAR(1.0, std::stod(byMethod["interleave:256:lattice"][col("dense_r")]), 1e-6);
    EXPECT_NEAR(0.0, std::stod(byMethod["interleave:256:lattice"][col("dense_moved")]), 1e-6);
    const double scoreCam = std::stod(byMethod["score-cam"][col("dense_r")]);
    const double lattice4 = std::stod(byMethod["interleave:16:lattice"][col("dense_r")]);
    EXPECT_LT(scoreCam, 1.0 - 1e-4);
    EXPECT_GT(lattice4, scoreCam);
    EXPECT_NE(std::string::npos, readText(root_ / "dense" / "summary.md").find("Pearson r to the dense map"));
}

// Options that no method of --methods uses are named, so that a user does not believe they changed a row.
TEST_F(XAI_Evaluate, options_no_method_uses_are_warned_about)
{
    const std::string common = "--model " + quote(modelPath().string()) + " " + kPreprocessing + " --ground-truth " +
                               quote((root_ / "scenes" / "gt.yml").string()) +
                               " --max-channels 4 --steps 4 --limit 1 --quiet --no-plots";
    const Result plain = runEvaluate(root_, common + " --methods score-cam --lattice 4 --max-angle 10 --output w1");
    ASSERT_EQ(0, plain.code) << plain.err;
    EXPECT_EQ(plain.err, "xai_evaluate: warning: --max-angle and --lattice are options of Augmented Score-CAM: "
                         "--methods score-cam does not use them\n");
    const Result mean = runEvaluate(root_, common + " --methods score-cam,mean:4 --sr-lambda-tv 0.1 --output w2");
    ASSERT_EQ(0, mean.code) << mean.err;
    EXPECT_EQ(mean.err, "xai_evaluate: warning: --sr-lambda-tv is a setting of the super-resolution solve: "
                        "--methods score-cam,mean:4 does not use it\n");
    const Result used = runEvaluate(root_, common + " --methods score-cam,super-resolution:4 --sr-lambda-tv 0.1 --output w3");
    ASSERT_EQ(0, used.code) << used.err;
    EXPECT_EQ(used.err, "");
}

// A box that leaves its image fails that image, in the ground truth's terms (it was a metric's
// message, "energyPointingGame: the box ... is not inside the 128x128 map", once per method).
TEST_F(XAI_Evaluate, a_box_outside_its_image_fails_that_image_in_the_files_terms)
{
    const std::string gt = badGt("outside", "0", true, "[ 120, 10, 20, 20 ]");
    const Result r = runEvaluate(root_, "--model " + quote(modelPath().string()) + " " + kPreprocessing + gt +
                                            " --methods score-cam,mean:2 --max-channels 4 --steps 4 --quiet --no-plots "
                                            "--output outside");
    EXPECT_EQ(1, r.code) << r.err;
    EXPECT_EQ(r.err.rfind("xai_evaluate: error: img/0.png: object 0: its box [ 120, 10, 20, 20 ] is not inside the "
                          "128x128 image\n", 0), 0u) << r.err;
    EXPECT_EQ(std::string::npos, r.err.find("energyPointingGame")) << r.err;
}
