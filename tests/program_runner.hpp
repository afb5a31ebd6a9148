// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Running a command-line program as a user does, for the tests of the samples.

#ifndef XAI_TESTS_PROGRAM_RUNNER_HPP
#define XAI_TESTS_PROGRAM_RUNNER_HPP

#include <filesystem>
#include <string>

//! Skips the current test when the program under test was not built (XAI_BUILD_SAMPLES=OFF).
#define XAI_SKIP_UNLESS_BUILT(exe, name)                                          \
    do                                                                        \
    {                                                                         \
        if (!(exe))                                                           \
            GTEST_SKIP() << name << " is not built (XAI_BUILD_SAMPLES)";      \
    } while (0)

namespace xai_tests {

//! What a run left: its exit code (-1 when it did not exit normally) and its two streams.
struct Result
{
    int code = -1;
    std::string out, err;
};

//! `s` in single quotes for /bin/sh, quotes inside it escaped.
std::string quote(const std::string& s);

//! The whole file; empty when it cannot be read.
std::string readText(const std::filesystem::path& p);

/** Runs `exe args` through the shell with `dir` as working directory; args are passed to the
    shell as they are. stdout and stderr go through files in `dir`, so output of any size is kept.
    `shellSetup` runs first in the program's own shell (limits: "ulimit -f 8;"). */
Result runProgram(const std::string& exe, const std::filesystem::path& dir, const std::string& args,
                  const std::string& shellSetup = "");

//! A program running in the background, started by startProgram.
struct Running
{
    int pid = -1;  //!< the program's own process (the shell execs it)
    std::filesystem::path dir;
};

//! Starts `exe args` as runProgram does, without waiting for it.
Running startProgram(const std::string& exe, const std::filesystem::path& dir, const std::string& args);

/** Waits up to `seconds` for `text` to appear in the program's stderr; false when it did not (the
    program ended or the time ran out). */
bool waitForStderr(const Running& program, const std::string& text, double seconds);

//! Waits for the program to end. Result::code is its exit status, or 128 + the signal that killed it.
Result finishProgram(const Running& program);

/** Why `text` is not one JSON value under RFC 8259 read strictly (no NaN, no `\'`, no raw
    control characters, no invalid UTF-8 or lone surrogates, nothing after the value); empty when
    it is. Written here rather than borrowed so that the tests do not depend on a Python. */
std::string strictJsonError(const std::string& text);

} // namespace xai_tests

#endif // XAI_TESTS_PROGRAM_RUNNER_HPP
