// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Fuzz target: the command-line parsing of the programs in samples/ (their parseCommandLine, as
// main() calls it). A command line either parses or is refused with a UsageError (or a
// cv::Exception from reading a named file), which main() turns into one line and exit code 2;
// any other exception, a crash or a hang is a finding.
// Input: one byte naming the program (value % 3: 0 xai_explain, 1 xai_evaluate, 2 xai_benchmark),
// then the arguments, one a line. Runs in the repository root, so that the dictionary's relative
// paths (samples/data/...) name real files.

#include <iostream>
#include <string>
#include <typeinfo>
#include <vector>

#include "../../samples/common/cli_errors.hpp"
#include "../../samples/xai_evaluate/options.hpp"
#include "../../samples/xai_explain/options.hpp"
#ifdef XAI_FUZZ_BENCHMARK_OPTIONS
#include "../../samples/xai_benchmark/options.hpp"
#endif
#include "fuzz_input.hpp"

namespace {

//! Discards what --help prints while it lives.
struct Silence
{
    std::streambuf* saved;
    Silence() : saved(std::cout.rdbuf(nullptr)) {}
    ~Silence()
    {
        std::cout.rdbuf(saved);
        std::cout.clear();
    }
};

bool parse(int program, const std::vector<const char*>& argv)
{
    const int argc = (int)argv.size();
    switch (program)
    {
    case 0:
    {
        xai_explain::Options o;
        return xai_explain::parseCommandLine(argc, argv.data(), o);
    }
    case 1:
    {
        xai_evaluate::Options o;
        return xai_evaluate::parseCommandLine(argc, argv.data(), o);
    }
    default:
#ifdef XAI_FUZZ_BENCHMARK_OPTIONS
    {
        xai_benchmark::Options o;
        return xai_benchmark::parseCommandLine(argc, argv.data(), o);
    }
#else
        return false; // xai_benchmark parses inside runBenchmark(): not callable alone yet (docs/testing.md)
#endif
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    static const char* const names[] = {"xai_explain", "xai_evaluate", "xai_benchmark"};
    const int program = data[0] % 3;
    std::vector<std::string> args(1, names[program]);
    std::string arg;
    for (size_t i = 1; i < size; i++)
    {
        if (data[i] == '\n')
        {
            args.push_back(arg);
            arg.clear();
        }
        else
            arg += (char)data[i];
    }
    if (!arg.empty())
        args.push_back(arg);
    std::vector<const char*> argv;
    for (const std::string& a : args)
        argv.push_back(a.c_str());

    Silence silence;
    try
    {
        xai_fuzz::note(parse(program, argv) ? "parsed" : "help");
    }
    catch (const xai_samples::UsageError& e)
    {
        xai_fuzz::note(std::string("usage error: ") + e.what());
    }
    catch (const cv::Exception& e)
    {
        xai_fuzz::note("cv::Exception: " + e.msg);
    }
    catch (const std::exception& e)
    {
        xai_fuzz::finding(std::string("parseCommandLine threw ") + typeid(e).name() + ", not a UsageError: " +
                          e.what());
    }
    return 0;
}
