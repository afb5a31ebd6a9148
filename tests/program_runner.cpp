// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "program_runner.hpp"

#include <cctype>
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

namespace xai_tests {
namespace {

//! A recursive-descent reader that only checks; `error` says what was wrong where.
class StrictJson
{
public:
    explicit StrictJson(const std::string& s) : s_(s) {}

    std::string check()
    {
        space();
        value(0);
        space();
        if (error_.empty() && i_ != s_.size())
            fail("text after the value");
        return error_;
    }

private:
    bool fail(const std::string& what)
    {
        if (error_.empty())
            error_ = what + " at byte " + std::to_string(i_);
        return false;
    }
    int peek() const { return i_ < s_.size() ? (unsigned char)s_[i_] : -1; }
    void space()
    {
        while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')
            i_++;
    }
    bool literal(const char* word)
    {
        const std::string w = word;
        if (s_.compare(i_, w.size(), w) != 0)
            return fail("an invalid value");
        i_ += w.size();
        return true;
    }
    bool digits()
    {
        if (!std::isdigit(peek()))
            return fail("a digit expected");
        while (std::isdigit(peek()))
            i_++;
        return true;
    }
    bool number()
    {
        if (peek() == '-')
            i_++;
        if (peek() == '0')
            i_++;
        else if (!digits())
            return false;
        if (peek() == '.' && (++i_, !digits()))
            return false;
        if (peek() == 'e' || peek() == 'E')
        {
            i_++;
            if (peek() == '+' || peek() == '-')
                i_++;
            if (!digits())
                return false;
        }
        return true;
    }
    //! The code unit of a \uXXXX escape, with i_ on the 'u'; -1 when malformed.
    long hex4()
    {
        if (i_ + 5 > s_.size())
            return -1;
        long v = 0;
        for (size_t k = 1; k <= 4; k++)
        {
            const char c = s_[i_ + k];
            if (!std::isxdigit((unsigned char)c))
                return -1;
            v = v * 16 + (std::isdigit((unsigned char)c) ? c - '0' : std::tolower(c) - 'a' + 10);
        }
        i_ += 5;
        return v;
    }
    bool utf8()
    {
        const int c = peek();
        const int len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (len == 0 || i_ + len > s_.size())
            return fail("invalid UTF-8");
        unsigned long cp = (unsigned long)c & (0xFF >> (len + 1));
        for (int k = 1; k < len; k++)
        {
            const unsigned char b = (unsigned char)s_[i_ + k];
            if ((b & 0xC0) != 0x80)
                return fail("invalid UTF-8");
            cp = (cp << 6) | (b & 0x3F);
        }
        const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return fail("invalid UTF-8 (overlong, surrogate or beyond U+10FFFF)");
        i_ += len;
        return true;
    }
    bool string()
    {
        i_++;  // the opening quote
        while (true)
        {
            const int c = peek();
            if (c < 0)
                return fail("an unterminated string");
            if (c == '"')
            {
                i_++;
                return true;
            }
            if (c < 0x20)
                return fail("a raw control character in a string");
            if (c >= 0x80)
            {
                if (!utf8())
                    return false;
                continue;
            }
            if (c != '\\')
            {
                i_++;
                continue;
            }
            i_++;
            const int e = peek();
            if (e != 'u')
            {
                if (e < 0 || std::string("\"\\/bfnrt").find((char)e) == std::string::npos)
                    return fail("an invalid escape");
                i_++;
                continue;
            }
            const long unit = hex4();
            if (unit < 0)
                return fail("an invalid \\u escape");
            if (unit >= 0xDC00 && unit <= 0xDFFF)
                return fail("a lone low surrogate");
            if (unit >= 0xD800 && unit <= 0xDBFF)
            {
                if (peek() != '\\' || (++i_, peek() != 'u'))
                    return fail("a lone high surrogate");
                const long low = hex4();
                if (low < 0xDC00 || low > 0xDFFF)
                    return fail("a lone high surrogate");
            }
        }
    }
    bool value(int depth)
    {
        if (depth > 512)
            return fail("nesting too deep");
        const int c = peek();
        if (c == '"')
            return string();
        if (c == '-' || std::isdigit(c))
            return number();
        if (c == 't')
            return literal("true");
        if (c == 'f')
            return literal("false");
        if (c == 'n')
            return literal("null");
        if (c != '{' && c != '[')
            return fail("a value expected");
        const bool object = c == '{';
        const char end = object ? '}' : ']';
        i_++;
        space();
        if (peek() == end)
        {
            i_++;
            return true;
        }
        while (true)
        {
            space();
            if (object)
            {
                if (peek() != '"')
                    return fail("a key expected");
                if (!string())
                    return false;
                space();
                if (peek() != ':')
                    return fail("':' expected");
                i_++;
                space();
            }
            if (!value(depth + 1))
                return false;
            space();
            if (peek() == end)
            {
                i_++;
                return true;
            }
            if (peek() != ',')
                return fail(std::string("',' or '") + end + "' expected");
            i_++;
        }
    }

    const std::string& s_;
    size_t i_ = 0;
    std::string error_;
};

} // namespace

std::string strictJsonError(const std::string& text) { return StrictJson(text).check(); }

} // namespace xai_tests
