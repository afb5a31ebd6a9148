// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The fuzz targets' shared pieces: reading typed values out of the fuzzer's bytes, and the entry
// point every target defines.

#ifndef XAI_FUZZ_INPUT_HPP
#define XAI_FUZZ_INPUT_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

//! What libFuzzer calls; replay_main.cpp calls it too, over committed inputs, without libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace xai_fuzz {

/** Takes values from the front of the fuzzer's bytes; past the end every value is 0 (or empty), so
    every input is a valid sequence of values. Numbers come half the time from a table of edge
    cases (0, -1, INT_MIN, NaN, infinities, 1e300, ...), so that short inputs reach them. */
class Bytes
{
public:
    Bytes(const uint8_t* data, size_t size) : data_(data), size_(size), pos_(0) {}

    uint8_t byte();
    bool flag() { return byte() & 1; }
    //! A whole number in [lo, hi].
    int intIn(int lo, int hi);
    //! Any int: an edge case or 4 raw bytes.
    int anyInt();
    //! Any double: an edge case (NaN and infinities included) or 8 raw bytes.
    double anyDouble();
    //! One of `choices`, or (for the last index) up to 16 raw bytes as a string.
    std::string name(const std::vector<std::string>& choices);
    //! Whatever is left.
    std::vector<uint8_t> rest();
    bool empty() const { return pos_ >= size_; }

private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_;
};

/** True when XAI_FUZZ_SKIP_KNOWN is set (tools/fuzz.sh and the corpus replay set it): the targets
    then pass over inputs of the open findings listed in tests/fuzz/findings/README.md, so that a
    campaign looks for new ones. Each such check names its finding; delete it once that is fixed. */
bool skipKnownFindings();

//! Prints what happened to an input when XAI_FUZZ_VERBOSE is set (for looking at a corpus).
void note(const std::string& what);

//! Aborts with a message: what libFuzzer and the replay test report as a finding.
[[noreturn]] void finding(const std::string& what);

} // namespace xai_fuzz

#endif // XAI_FUZZ_INPUT_HPP
