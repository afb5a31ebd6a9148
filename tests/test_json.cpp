// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The programs' JSON is JSON whatever the strings hold: file names, class names and messages with
// apostrophes, quotes, backslashes, control characters and bytes that are not UTF-8.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "program_runner.hpp"
#ifdef XAI_HAVE_SAMPLES_COMMON
#include "../samples/common/cli_document.hpp"
#endif

namespace fs = std::filesystem;
using xai_tests::quote;
using xai_tests::readText;
using xai_tests::strictJsonError;

namespace {

#ifdef XAI_EXPLAIN_EXE
const char* const kExplain = XAI_EXPLAIN_EXE;
#else
const char* const kExplain = nullptr;
#endif

// What broke cv::FileStorage's JSON: an apostrophe (written \'), a string quoted at both ends
// (copied unquoted), raw control characters, Latin-1 and truncated UTF-8; then what must survive.
const char* const kHostile[] = {
    "potter's wheel", "'quoted'", "\"double\"", "back\\slash", "tab\there", "bell\x07 and \x1f",
    "latin-1 caf\xe9", "cut \xe2\x82", "\xff\xfe binary", "{", "]", "caf\xc3\xa9 \xe2\x82\xac ok", "",
};

TEST(XAI_Json, strict_checker_refuses_what_filestorage_wrote)
{
    EXPECT_EQ("", strictJsonError("{\"a\": [1, -0.5e-3, \"x\\u00e9\\n\", true, null], \"b\": {}}"));
    EXPECT_NE("", strictJsonError("{\"a\": \"potter\\'s wheel\"}"));
    EXPECT_NE("", strictJsonError("{\"a\": 'x'}"));
    EXPECT_NE("", strictJsonError("{\"a\": \"\x01\"}"));
    EXPECT_NE("", strictJsonError("{\"a\": \"\xff\"}"));
    EXPECT_NE("", strictJsonError("{\"a\": .Nan}"));
    EXPECT_NE("", strictJsonError("{\"a\": \"\\ud800\"}"));
    EXPECT_NE("", strictJsonError("{\"a\": 1} x"));
    // What the programs wrote before: cv::FileStorage's JSON of a class name with an apostrophe.
    cv::FileStorage fs(".json", cv::FileStorage::WRITE | cv::FileStorage::MEMORY);
    fs << "name" << "potter's wheel";
    EXPECT_NE("", strictJsonError(fs.releaseAndGetString()));
}

#ifdef XAI_HAVE_SAMPLES_COMMON
TEST(XAI_Json, document_writer_json_is_strict_and_yaml_reads_back)
{
    for (const char* ext : {".json", ".yml"})
    {
        xai_samples::DocumentWriter w(ext);
        w << "strings" << "[";
        for (const char* s : kHostile)
            w << std::string(s);
        w << "]";
        w << "numbers" << "[:" << 1 << 2.5 << std::nan("") << HUGE_VAL << -0.0 << 3.0 << (long long)1 << 40 << "]";
        w << "map" << "{" << "key" << std::string("v") << "}";
        w << "empty" << "{" << "}";
        const std::string text = w.text();
        if (std::string(ext) == ".json")
        {
            EXPECT_EQ("", strictJsonError(text)) << text;
        }
        // cv::FileStorage still reads both (the tests and users read summary.json with it).
        cv::FileStorage fs(text, cv::FileStorage::READ | cv::FileStorage::MEMORY);
        ASSERT_TRUE(fs.isOpened()) << ext;
        const cv::FileNode strings = fs["strings"];
        ASSERT_EQ(sizeof(kHostile) / sizeof(kHostile[0]), strings.size()) << ext;
        EXPECT_EQ("potter's wheel", (std::string)strings[0]) << ext;
        EXPECT_EQ("'quoted'", (std::string)strings[1]) << ext;
        EXPECT_EQ("\"double\"", (std::string)strings[2]) << ext;
        EXPECT_EQ("back\\slash", (std::string)strings[3]) << ext;
        EXPECT_EQ("{", (std::string)strings[9]) << ext;
        EXPECT_EQ("caf\xc3\xa9 \xe2\x82\xac ok", (std::string)strings[11]) << ext;
        EXPECT_EQ(2.5, (double)fs["numbers"][1]) << ext;
        EXPECT_EQ(3.0, (double)fs["numbers"][5]) << ext;
        if (std::string(ext) == ".json")
        {
            EXPECT_EQ("nan", (std::string)fs["numbers"][2]);
            EXPECT_EQ("inf", (std::string)fs["numbers"][3]);
        }
    }
    // Bytes that are not UTF-8 become U+FFFD, one per byte, the rest kept.
    EXPECT_EQ("\"caf\xef\xbf\xbd\"", xai_samples::jsonQuoted("caf\xe9"));
    // Other control characters too: cv::FileStorage cannot read \u escapes.
    EXPECT_EQ("\"it's \\\"x\\\" \\\\ \\t \xef\xbf\xbd\"", xai_samples::jsonQuoted("it's \"x\" \\ \t \x07"));
}
#endif

//! A scratch folder whose own name is hostile, removed when the test passed.
fs::path hostileFolder(const std::string& test)
{
    const fs::path dir = fs::temp_directory_path() / ("xai_json_" + test + "_" + std::to_string(::getpid())) /
                         "bob's \"photos\" \\ caf\xe9";
    fs::remove_all(dir.parent_path());
    fs::create_directories(dir);
    return dir;
}

TEST(XAI_Json, explain_summary_is_strict_json_with_hostile_names)
{
    XAI_SKIP_UNLESS_BUILT(kExplain, "xai_explain");
    const fs::path dir = hostileFolder("explain");
    const fs::path data = XAI_SAMPLES_DATA_DIR;
    fs::create_directories(dir / "in");
    fs::copy_file(data / "demo.png", dir / "in" / "it's \"\\ \xe9.png");
    std::ofstream(dir / "in" / "broken 'one'.png") << "not a PNG";  // an error message that quotes a name
    {
        std::ofstream labels(dir / "labels.txt", std::ios::binary);
        for (int i = 0; i < 10; i++)
            labels << (i < 9 ? kHostile[i] : "plain") << " " << i << "\n";
    }
    const xai_tests::Result r = xai_tests::runProgram(
        kExplain, dir,
        "--model " + quote((data / "shapes_resnet.onnx").string()) + " --labels labels.txt --class top:10 "
        "--method score-cam --max-channels 8 -o out in");
    EXPECT_EQ(1, r.code) << r.err;  // the broken image fails, the other is explained
    const std::string text = readText(dir / "out" / "summary.json");
    ASSERT_FALSE(text.empty()) << r.err;
    EXPECT_EQ("", strictJsonError(text)) << text;
    cv::FileStorage summary(text, cv::FileStorage::READ | cv::FileStorage::MEMORY);
    ASSERT_TRUE(summary.isOpened());
    ASSERT_EQ(2u, summary["images"].size());
    bool apostropheName = false;
    for (const cv::FileNode& c : summary["images"][1]["classes"])
        apostropheName |= (std::string)c["name"] == "potter's wheel 0";
    EXPECT_TRUE(apostropheName) << text;
    EXPECT_EQ("in/broken 'one'.png", (std::string)summary["images"][0]["path"]) << text;
    EXPECT_EQ("error", (std::string)summary["images"][0]["status"]) << text;
    if (!testing::Test::HasFailure())
        fs::remove_all(dir.parent_path());
}

} // namespace
