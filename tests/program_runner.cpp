// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "program_runner.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

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

namespace {

std::string redirections(const std::filesystem::path& dir)
{
    return " >" + quote((dir / ".stdout").string()) + " 2>" + quote((dir / ".stderr").string());
}

Result resultOf(const std::filesystem::path& dir, int status)
{
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    r.out = readText(dir / ".stdout");
    r.err = readText(dir / ".stderr");
    return r;
}

} // namespace

Result runProgram(const std::string& exe, const std::filesystem::path& dir, const std::string& args,
                  const std::string& shellSetup)
{
    const std::string cmd = "cd " + quote(dir.string()) + " && (" + shellSetup + " exec " + quote(exe) + " " + args +
                            ")" + redirections(dir);
    const int status = std::system(cmd.c_str());
    Result r = resultOf(dir, status);
    if (WIFEXITED(status) && WEXITSTATUS(status) > 128)
        r.code = WEXITSTATUS(status);  // the subshell reports a killed program as 128 + signal
    return r;
}

Running startProgram(const std::string& exe, const std::filesystem::path& dir, const std::string& args)
{
    const std::string cmd = "cd " + quote(dir.string()) + " && exec " + quote(exe) + " " + args + redirections(dir);
    Running p;
    p.dir = dir;
    p.pid = (int)::fork();
    if (p.pid == 0)
    {
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), (char*)nullptr);
        ::_exit(127);
    }
    return p;
}

bool waitForStderr(const Running& program, const std::string& text, double seconds)
{
    for (double waited = 0; waited < seconds; waited += 0.05)
    {
        if (readText(program.dir / ".stderr").find(text) != std::string::npos)
            return true;
        siginfo_t info = {};
        if (::waitid(P_PID, (id_t)program.pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != 0)
            return readText(program.dir / ".stderr").find(text) != std::string::npos;  // it ended
        ::usleep(50000);
    }
    return false;
}

Result finishProgram(const Running& program)
{
    int status = 0;
    ::waitpid(program.pid, &status, 0);
    return resultOf(program.dir, status);
}

} // namespace xai_tests
