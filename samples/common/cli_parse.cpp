// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_parse.hpp"

#include <string>

#include "cli_errors.hpp"

namespace po = boost::program_options;

namespace xai_samples {

bool storeOptions(int argc, const char* const argv[], const po::options_description& options,
                  const po::positional_options_description* positional, po::variables_map& vm)
{
    try
    {
        po::command_line_parser parser(argc, argv);
        parser.options(options);
        if (positional)
            parser.positional(*positional);
        po::store(parser.run(), vm);
        po::notify(vm);
    }
    catch (const po::error& e)
    {
        throw UsageError(std::string(e.what()) + " (see --help)");
    }
    return vm.count("help") > 0;
}

} // namespace xai_samples
