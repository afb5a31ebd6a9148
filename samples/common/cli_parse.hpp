// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Boost.Program_options as the command-line programs use it: one wording for its errors.

#ifndef XAI_SAMPLES_CLI_PARSE_HPP
#define XAI_SAMPLES_CLI_PARSE_HPP

#include <boost/program_options.hpp>

namespace xai_samples {

/** Parses the command line into `vm`; Boost's own errors (an unknown option, a missing or
    malformed value) become a UsageError that points to --help. `positional` may be null.
    Returns true when --help was given: the caller prints its help and does nothing else. */
bool storeOptions(int argc, const char* const argv[], const boost::program_options::options_description& options,
                  const boost::program_options::positional_options_description* positional,
                  boost::program_options::variables_map& vm);

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_PARSE_HPP
