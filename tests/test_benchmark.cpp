// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_benchmark as a user meets it: the line format that docs/benchmark.md and scripts read, the
// forward counts it reports, its fidelity figure, and its exit codes. Timings are printed by the
// program, never judged here.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "program_runner.hpp"

namespace fs = std::filesystem;
using xai_tests::Result;

namespace {

#ifdef XAI_BENCHMARK_EXE
const char* const kExe = XAI_BENCHMARK_EXE;
#else
const char* const kExe = nullptr;  // samples not built (XAI_BUILD_SAMPLES=OFF)
#endif

#define REQUIRE_EXE() XAI_SKIP_UNLESS_BUILT(kExe, "xai_benchmark")

Result runBenchmark(const std::string& args)
{
    // A folder of this process's own: the files that catch the program's output must not be shared
    // with tests running at the same time (ctest -j, other checkouts on the machine).
    const fs::path dir = fs::temp_directory_path() / ("xai_benchmark_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const Result r = xai_tests::runProgram(kExe, dir, args);
    fs::remove_all(dir);
    return r;
}

using Fields = std::map<std::string, std::string>;

//! The key=value fields of one result line.
Fields fields(const std::string& line)
{
    Fields f;
    std::istringstream in(line);
    for (std::string item; in >> item;)
    {
        const size_t eq = item.find('=');
        if (eq != std::string::npos)
            f[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return f;
}

std::vector<std::string> resultLines(const std::string& out)
{
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);)
        if (l.rfind("model=", 0) == 0)
            lines.push_back(l);
    return lines;
}

double number(const Fields& f, const std::string& key)
{
    const auto it = f.find(key);
    if (it == f.end())
        return NAN;
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    return *end == '\0' ? v : NAN;
}

//! The line ends with a positive, finite ratio of two positive times.
void expectTimes(const std::string& line)
{
    const size_t last = line.rfind(' ');
    ASSERT_NE(last, std::string::npos);
    EXPECT_EQ(line.compare(last + 1, 6, "ratio="), 0) << line;
    const auto f = fields(line);
    const double explain = number(f, "explain_s"), limit = number(f, "limit_s"), ratio = number(f, "ratio");
    EXPECT_GT(explain, 0) << line;
    EXPECT_GT(limit, 0) << line;
    EXPECT_TRUE(std::isfinite(ratio) && ratio > 0) << line;
    // The times are printed with 3 decimals: each may be off by 0.0005 s, which moves their quotient.
    EXPECT_NEAR(ratio, explain / limit, ratio * (0.0005 / explain + 0.0005 / limit) + 0.001) << line;
    EXPECT_GT(number(f, "peak_rss_mb"), 0) << line;
}

/** Runs one case: it must succeed with exactly one result line, whose times are checked; `f` gets
    its fields. */
void runOneCase(const std::string& args, Fields& f)
{
    const Result r = runBenchmark(args);
    ASSERT_EQ(r.code, 0) << args << "\n" << r.err;
    const std::vector<std::string> lines = resultLines(r.out);
    ASSERT_EQ(lines.size(), 1u) << r.out;
    expectTimes(lines[0]);
    f = fields(lines[0]);
}

} // namespace

TEST(XAI_Benchmark, score_cam_line_reports_its_forwards_and_ends_with_the_ratio)
{
    REQUIRE_EXE();
    Fields f;
    ASSERT_NO_FATAL_FAILURE(runOneCase("--model shapes_mobilenet --max-channels 16 --repeats 1 --threads 1", f));
    EXPECT_EQ(f.at("model"), "shapes_mobilenet");
    EXPECT_EQ(f.at("method"), "score-cam");
    EXPECT_EQ(f.at("size"), "128x128");
    EXPECT_EQ(f.at("threads"), "1");
    EXPECT_EQ(f.at("channels"), "160");
    // 1 unmasked forward + ceil(16 / 16) masked ones.
    EXPECT_EQ(f.at("forwards"), "2");

    // Options of the views, given to Score-CAM: named, then the case runs as it would without them.
    const Result r = runBenchmark("--model shapes_mobilenet --max-channels 16 --repeats 1 --augmentations 4");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "xai_benchmark: warning: --augmentations is an option of Augmented Score-CAM: --method "
                     "score-cam does not use it\n");
    ASSERT_EQ(resultLines(r.out).size(), 1u) << r.out;
    EXPECT_EQ(fields(resultLines(r.out)[0]).at("forwards"), "2");
    EXPECT_EQ(f.count("pearson"), 0u);
    // Score-CAM itself is timed, not Augmented Score-CAM with one view and a super-resolution solve.
    EXPECT_EQ(f.at("fusion"), "none");
    EXPECT_EQ(f.at("fusion_s"), "0.000");
}

TEST(XAI_Benchmark, augmented_forwards_follow_the_cost_model)
{
    REQUIRE_EXE();
    Fields f;
    ASSERT_NO_FATAL_FAILURE(runOneCase("--model shapes_mobilenet --method augmented --augmentations 3 "
                                       "--max-channels 8 --batch 4 --repeats 1", f));
    EXPECT_EQ(f.at("views"), "3");
    EXPECT_EQ(f.at("batch"), "4");
    // Shared channel weights (the default): ceil(N / B) + ceil(M / B) = 1 + 2.
    EXPECT_EQ(f.at("forwards"), "3");
}

TEST(XAI_Benchmark, fidelity_is_one_for_all_channels_and_below_for_fewer)
{
    REQUIRE_EXE();
    Fields full;
    ASSERT_NO_FATAL_FAILURE(runOneCase("--model shapes_mobilenet --fidelity --repeats 1", full));
    EXPECT_EQ(full.at("pearson"), "1.0000");
    EXPECT_EQ(full.at("pearson_min"), "1.0000");

    Fields pruned;
    ASSERT_NO_FATAL_FAILURE(runOneCase("--model shapes_mobilenet --fidelity --max-channels 4 --repeats 1", pruned));
    const double mean = number(pruned, "pearson"), lowest = number(pruned, "pearson_min");
    EXPECT_LT(mean, 1.0);
    EXPECT_GT(mean, 0.5);  // four of 160 channels still draw most of the map on the demo picture
    EXPECT_LE(lowest, mean);
}

TEST(XAI_Benchmark, resnet18_sized_net_is_named_and_has_its_shape)
{
    REQUIRE_EXE();
    // Two masked images per forward keep the 224x224 ResNet-18-sized forwards short.
    Fields f;
    ASSERT_NO_FATAL_FAILURE(runOneCase("--model resnet18 --max-channels 4 --batch 2 --repeats 1", f));
    EXPECT_NE(f.at("model").find("resnet18"), std::string::npos);
    EXPECT_EQ(f.at("size"), "224x224");
    EXPECT_EQ(f.at("channels"), "512");
    EXPECT_EQ(f.at("forwards"), "3");
}

TEST(XAI_Benchmark, wrong_usage_is_one_line_and_exit_code_2)
{
    REQUIRE_EXE();
    // A file cv::dnn cannot read: one line before any case runs, not a failed case.
    const fs::path garbage = fs::temp_directory_path() / ("xai_benchmark_garbage_" + std::to_string(::getpid()) + ".onnx");
    std::ofstream(garbage) << "not a network\n";
    // Each message names the one option that is wrong, with its value.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--batch 0", "--batch 0 is out of range"},
        {"--model shapes_mobilenet --skip-spread 1", "--skip-spread 1 is out of range"},
        {"--model shapes_mobilenet --augmentations 0", "--augmentations 0 is out of range"},
        {"--model shapes_mobilenet --repeats 0", "--repeats 0 is out of range"},
        {"--model shapes_mobilenet --max-channels -1", "--max-channels -1 is out of range"},
        {"--model " + garbage.string(), "cannot load model '" + garbage.string() + "'"},
        {"--model shapes_mobilenet --method gradcam", "gradcam"},
        {"--model nowhere.onnx", "nowhere.onnx"},
        {"--model shapes_mobilenet --image nowhere.png", "nowhere.png"},
        {"--model resnet18 --size 0x5", "--size 0x5 is out of range: each side from 1 to 65536 pixels"},
        {"--model shapes_mobilenet --size 100000x100000", "--size 100000x100000 is out of range"},
        {"--fusion-only --grid 0x0", "--grid 0x0 is out of range: each side from 1 to 65536 cells"},
        {"--fusion-only --grid 7xq", "--grid: '7xq' is not WIDTHxHEIGHT"},
        {"--model shapes_mobilenet --backend cuda --target cpu", "--backend cuda and --target cpu do not match"},
        {"--model shapes_mobilenet --threads -1", "--threads -1 is out of range"},
        {"--no-such-option", "no-such-option"},
    };
    for (const auto& c : cases)
    {
        const Result r = runBenchmark(c.first);
        EXPECT_EQ(r.code, 2) << c.first << "\n" << r.err;
        EXPECT_NE(r.err.find(c.second), std::string::npos) << c.first << "\n" << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.first << "\n" << r.err;
        EXPECT_TRUE(resultLines(r.out).empty()) << c.first;
        EXPECT_EQ(r.err.rfind("xai_benchmark: error: ", 0), 0u) << r.err;
    }
    fs::remove(garbage);
}
