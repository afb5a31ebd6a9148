// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// A main() for a fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput on every file given,
// and on every file of every folder given (sorted by name), so that the test suite replays the
// committed corpus with the regular compiler. A finding aborts, as under libFuzzer.
// Usage: xai_fuzz_replay_<target> FILE_OR_FOLDER...

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_input.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv)
{
    std::vector<fs::path> files;
    for (int i = 1; i < argc; i++)
    {
        if (fs::is_directory(argv[i]))
        {
            for (const fs::directory_entry& e : fs::directory_iterator(argv[i]))
                if (e.is_regular_file())
                    files.push_back(e.path());
        }
        else
            files.push_back(argv[i]);
    }
    std::sort(files.begin(), files.end());
    if (files.empty())
    {
        std::fprintf(stderr, "%s: no input files (give files or folders of the corpus)\n", argv[0]);
        return 2;
    }
    for (const fs::path& f : files)
    {
        std::ifstream in(f, std::ios::binary);
        if (!in)
        {
            std::fprintf(stderr, "%s: cannot read %s\n", argv[0], f.c_str());
            return 2;
        }
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), bytes.size());
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    std::fprintf(stderr, "%zu inputs replayed, no finding\n", files.size());
    return 0;
}
