// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// --shard I/N and --shard auto of the command-line programs: the shard comes from the scheduler's
// environment or is refused with one line naming the variables; xai_explain's shards, their
// summaries merged, are one run. (A real Slurm cluster runs xai_evaluate's: tests/slurm_cluster.sh.)

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "program_runner.hpp"

namespace fs = std::filesystem;
using xai_tests::quote;
using xai_tests::readText;
using xai_tests::Result;

namespace {

#ifdef XAI_EXPLAIN_EXE
const char* const kExplain = XAI_EXPLAIN_EXE;
#else
const char* const kExplain = nullptr;
#endif
#ifdef XAI_EVALUATE_EXE
const char* const kEvaluate = XAI_EVALUATE_EXE;
#else
const char* const kEvaluate = nullptr;
#endif

const fs::path kData = XAI_SAMPLES_DATA_DIR;
const fs::path kTestData = XAI_TEST_DATA_DIR;

//! The scheduler variables --shard auto reads, unset (ctest may itself run in a Slurm job), then `set`.
std::string environment(const std::string& set)
{
    return "unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX "
           "JOB_COMPLETION_INDEX AWS_BATCH_JOB_ARRAY_INDEX AWS_BATCH_JOB_ARRAY_SIZE XAI_SHARD_COUNT;" +
           (set.empty() ? std::string() : "export " + set + ";");
}

fs::path scratch(const std::string& name)
{
    const fs::path dir = fs::temp_directory_path() / ("xai_shard_test_" + std::to_string(::getpid())) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

//! The text without its lines that hold a timing ("total_ms", "time_ms"): all that differs between runs.
std::string withoutTimings(const std::string& json)
{
    std::istringstream in(json);
    std::string out;
    for (std::string line; std::getline(in, line);)
        if (line.find("_ms\"") == std::string::npos)
            out += line + "\n";
    return out;
}

std::set<std::string> filesIn(const fs::path& dir)
{
    std::set<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir))
        names.insert(e.path().filename().string());
    return names;
}

struct Refusal
{
    const char* variables;  //!< exported before the run
    const char* shard;      //!< the --shard value
    const char* says;       //!< a part of the one-line error
};

// Every way --shard can be wrong: exit code 2, one line, naming what was wrong.
const Refusal kRefusals[] = {
    {"", "auto", "none of SLURM_ARRAY_TASK_ID (Slurm job arrays), JOB_COMPLETION_INDEX (Kubernetes indexed jobs), "
                 "AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array jobs) is set"},
    {"", "4294967297/2", "is not I/N"},  // would wrap to 1/2 through an int
    {"", "1/4294967298", "is not I/N"},
    {"", "-1/2", "is not I/N"},
    {"", "+1/2", "is not I/N"},
    {"", "2/2", "0 <= I < N"},
    {"", "0/0", "0 <= I < N"},
    {"", "auto/0", "the N of auto/N"},
    {"SLURM_ARRAY_TASK_ID=4294967296 SLURM_ARRAY_TASK_COUNT=4", "auto", "SLURM_ARRAY_TASK_ID='4294967296' is not a whole number"},
    {"SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3", "auto",
     "out of range for 4 shards"},
    // --array=1-4, --array=0-6:2, and a resubmitted single task without its count: not 0 to N-1.
    {"SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=4", "auto",
     "is not 0 to N-1 with every task"},
    {"SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=6", "auto",
     "is not 0 to N-1 with every task"},
    {"SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN=2 SLURM_ARRAY_TASK_MAX=2", "auto",
     "--shard auto/N or XAI_SHARD_COUNT"},
    {"SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=8 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=7", "auto/4",
     "the array goes up to SLURM_ARRAY_TASK_MAX=7"},
    {"JOB_COMPLETION_INDEX=3", "auto", "nothing gives the number of shards"},
    {"JOB_COMPLETION_INDEX=3 XAI_SHARD_COUNT=3", "auto", "out of range for 3 shards (XAI_SHARD_COUNT=3)"},
    {"JOB_COMPLETION_INDEX=1 XAI_SHARD_COUNT=3", "auto/4", "disagree on the number of shards"},
    {"JOB_COMPLETION_INDEX=1 XAI_SHARD_COUNT=x", "auto", "XAI_SHARD_COUNT='x' is not a whole number"},
    {"AWS_BATCH_JOB_ARRAY_INDEX=5 AWS_BATCH_JOB_ARRAY_SIZE=5", "auto", "out of range for 5 shards"},
    {"AWS_BATCH_JOB_ARRAY_INDEX=1 AWS_BATCH_JOB_ARRAY_SIZE=8", "auto/4", "is more than the 4 shards"},
    {"SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 JOB_COMPLETION_INDEX=1", "auto", "which scheduler started this?"},
};

void expectRefusals(const char* exe, const char* program, const std::string& args)
{
    const fs::path dir = scratch(std::string("refusals_") + program);
    for (const Refusal& r : kRefusals)
    {
        const Result res = xai_tests::runProgram(exe, dir, args + " --shard " + r.shard, environment(r.variables));
        EXPECT_EQ(2, res.code) << r.variables << " --shard " << r.shard << ": " << res.err;
        EXPECT_NE(std::string::npos, res.err.find(std::string(program) + ": error: --shard"))
            << r.variables << " --shard " << r.shard << ": " << res.err;
        EXPECT_NE(std::string::npos, res.err.find(r.says)) << r.variables << " --shard " << r.shard << ": " << res.err;
        EXPECT_EQ(1, std::count(res.err.begin(), res.err.end(), '\n')) << res.err;
    }
}

TEST(XAI_Shard, explain_refuses_what_gives_no_right_split)
{
    XAI_SKIP_UNLESS_BUILT(kExplain, "xai_explain");
    expectRefusals(kExplain, "xai_explain", "--quiet --output out");
}

TEST(XAI_Shard, evaluate_refuses_what_gives_no_right_split)
{
    XAI_SKIP_UNLESS_BUILT(kEvaluate, "xai_evaluate");
    expectRefusals(kEvaluate, "xai_evaluate",
                   "--quiet --models " + quote((kTestData / "models.yml").string()) + " --model resnet --ground-truth " +
                       quote((kTestData / "scenes" / "single.yml").string()) + " --output out");
}

/** Five images (two with the same stem, in two folders) explained by one run, and by three shards
    whose index and count come from three schedulers' variables, all writing into one folder: merged,
    the shards' summaries are the run's summary but for the timings, and every picture and map is the
    same file. */
TEST(XAI_Shard, explain_shards_merged_are_one_run)
{
    XAI_SKIP_UNLESS_BUILT(kExplain, "xai_explain");
    const fs::path dir = scratch("explain");
    fs::create_directories(dir / "a");
    fs::create_directories(dir / "b");
    for (const char* f : {"demo.png", "demo_pair.png", "demo_small.png"})
        fs::copy_file(kData / f, dir / "a" / f);
    fs::copy_file(kData / "demo_pair.png", dir / "b" / "demo.png");    // demo-2
    fs::copy_file(kData / "demo_small.png", dir / "b" / "0_late.png");  // sorts first in b, 5th in all
    const std::string args = "--method score-cam --max-channels 4 --class top:2 a b";

    const Result whole = xai_tests::runProgram(kExplain, dir, args + " --quiet --output whole", environment(""));
    ASSERT_EQ(0, whole.code) << whole.err;

    // Shard 0 from a Slurm array, 1 from a Kubernetes indexed job, 2 from an AWS Batch array.
    const char* const schedulers[][2] = {
        {"SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=2",
         "shard 0 of 3 (SLURM_ARRAY_TASK_ID=0, SLURM_ARRAY_TASK_COUNT=3): 2 of 5 images"},
        {"JOB_COMPLETION_INDEX=1 XAI_SHARD_COUNT=3", "shard 1 of 3 (JOB_COMPLETION_INDEX=1, XAI_SHARD_COUNT=3): 2 of 5 images"},
        {"AWS_BATCH_JOB_ARRAY_INDEX=2 AWS_BATCH_JOB_ARRAY_SIZE=3",
         "shard 2 of 3 (AWS_BATCH_JOB_ARRAY_INDEX=2, AWS_BATCH_JOB_ARRAY_SIZE=3): 1 of 5 images"},
    };
    for (int i = 0; i < 3; i++)
    {
        if (i == 2)
        {
            // Not all shards done yet: the merge says which is missing, and writes nothing.
            const Result early = xai_tests::runProgram(kExplain, dir, "--merge-summaries shards", environment(""));
            EXPECT_EQ(2, early.code);
            EXPECT_NE(std::string::npos, early.err.find("1 of 3 shards have no summary in 'shards' (shard 2)")) << early.err;
            EXPECT_FALSE(fs::exists(dir / "shards" / "summary.json"));
        }
        const Result shard = xai_tests::runProgram(kExplain, dir, args + " --shard auto --output shards",
                                                   environment(schedulers[i][0]));
        ASSERT_EQ(0, shard.code) << shard.err;
        EXPECT_NE(std::string::npos, shard.err.find(schedulers[i][1])) << shard.err;
        EXPECT_TRUE(fs::exists(dir / "shards" / ("summary-shard-" + std::to_string(i) + "-of-3.json")));
    }
    const Result merged = xai_tests::runProgram(kExplain, dir, "--merge-summaries shards", environment(""));
    ASSERT_EQ(0, merged.code) << merged.err;
    EXPECT_NE(std::string::npos, merged.out.find("3 shards joined, 5 of 5 images explained")) << merged.out;

    const std::string one = readText(dir / "whole" / "summary.json");
    ASSERT_NE(std::string::npos, one.find("\"stem\": \"demo-2\"")) << "two images share a stem";
    EXPECT_NE(std::string::npos, one.find("\"total_ms\""));
    EXPECT_EQ(withoutTimings(one), withoutTimings(readText(dir / "shards" / "summary.json")));

    std::set<std::string> shardFiles = filesIn(dir / "shards");
    for (int i = 0; i < 3; i++)
        EXPECT_EQ(1u, shardFiles.erase("summary-shard-" + std::to_string(i) + "-of-3.json"));
    EXPECT_EQ(filesIn(dir / "whole"), shardFiles);
    for (const std::string& f : filesIn(dir / "whole"))
    {
        if (f != "summary.json")
        {
            EXPECT_EQ(readText(dir / "whole" / f), readText(dir / "shards" / f)) << f;
        }
    }

    // A shard run again with other settings is not part of the run.
    const Result other = xai_tests::runProgram(kExplain, dir, "--method score-cam --max-channels 3 --class top:2 a b "
                                               "--quiet --shard 1/3 --output shards", environment(""));
    ASSERT_EQ(0, other.code) << other.err;
    EXPECT_FALSE(fs::exists(dir / "shards" / "summary.json")) << "a shard's run removes the merged summary it changes";
    const Result mixed = xai_tests::runProgram(kExplain, dir, "--merge-summaries shards", environment(""));
    EXPECT_EQ(2, mixed.code);
    EXPECT_NE(std::string::npos, mixed.err.find("only the shards of one run merge")) << mixed.err;
    fs::remove_all(dir.parent_path());
}

} // namespace
