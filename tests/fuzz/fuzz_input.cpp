// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "fuzz_input.hpp"

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace xai_fuzz {

uint8_t Bytes::byte()
{
    return pos_ < size_ ? data_[pos_++] : 0;
}

int Bytes::intIn(int lo, int hi)
{
    const unsigned span = (unsigned)(hi - lo) + 1u;
    unsigned v = byte();
    if (span > 256)
        v = (v << 8) | byte();
    return lo + (int)(v % span);
}

namespace {

//! sizeof(T) bytes taken as a T.
template <typename T>
T rawValue(Bytes& in)
{
    unsigned char b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); i++)
        b[i] = in.byte();
    T out;
    std::memcpy(&out, b, sizeof(T));
    return out;
}

//! One of `edges` when the next byte is below `edgeShare` (of 256), else raw bytes.
template <typename T, size_t N>
T edgeOrRaw(Bytes& in, const T (&edges)[N], uint8_t edgeShare)
{
    const uint8_t pick = in.byte();
    return pick < edgeShare ? edges[pick % N] : rawValue<T>(in);
}

} // namespace

int Bytes::anyInt()
{
    static const int edges[] = {0, 1, -1, 2, 3, 4, 7, 8, 16, 17, 64, 255, 256, 4096, 65536, -2, -1000,
                                INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1};
    return edgeOrRaw(*this, edges, 128);
}

double Bytes::anyDouble()
{
    static const double edges[] = {0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.3, 0.999999, 2.0, 10.0, 45.0, 180.0, 180.5,
                                   1.0 / 255, 127.5, 255.0, 1e-9, 1e-300, DBL_MIN, DBL_TRUE_MIN, 1e30, 1e300,
                                   DBL_MAX, -1e300, std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(),
                                   std::numeric_limits<double>::quiet_NaN()};
    return edgeOrRaw(*this, edges, 160);
}

std::string Bytes::name(const std::vector<std::string>& choices)
{
    const size_t pick = byte() % (choices.size() + 1);
    if (pick < choices.size())
        return choices[pick];
    std::string s;
    for (int n = intIn(0, 16); n > 0; n--)
        s += (char)byte();
    return s;
}

std::vector<uint8_t> Bytes::rest()
{
    std::vector<uint8_t> out(data_ + std::min(pos_, size_), data_ + size_);
    pos_ = size_;
    return out;
}

bool skipKnownFindings()
{
    static const bool skip = std::getenv("XAI_FUZZ_SKIP_KNOWN") != NULL;
    return skip;
}

void note(const std::string& what)
{
    static const bool verbose = std::getenv("XAI_FUZZ_VERBOSE") != NULL;
    if (verbose)
        std::fprintf(stderr, "  %s\n", what.c_str());
}

void finding(const std::string& what)
{
    std::fprintf(stderr, "xai fuzz finding: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

} // namespace xai_fuzz
