// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "program_runner.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

namespace xai_tests {

std::string quote(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string readText(const std::filesystem::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

Result runProgram(const std::string& exe, const std::filesystem::path& dir, const std::string& args)
{
    const std::filesystem::path out = dir / ".stdout", err = dir / ".stderr";
    const std::string cmd = "cd " + quote(dir.string()) + " && " + quote(exe) + " " + args + " >" +
                            quote(out.string()) + " 2>" + quote(err.string());
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readText(out);
    r.err = readText(err);
    return r;
}

} // namespace xai_tests
