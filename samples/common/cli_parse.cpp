// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "cli_parse.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "cli_errors.hpp"

namespace po = boost::program_options;

namespace xai_samples {
namespace {

/** Boost's error_with_option_name::what() replaces placeholders such as %value% in a loop until
    none is left, so a '%' placeholder inside the user's own option or value ("-no%value%") makes it
    loop forever. The user's words are masked while the message is made, then restored. */
struct UserWords : po::error_with_option_name
{
    static std::string messageOf(po::error_with_option_name& e)
    {
        const char mask = '\x01';
        std::map<std::string, std::string>& words = e.*(&UserWords::m_substitutions);
        for (auto& w : words)
            std::replace(w.second.begin(), w.second.end(), '%', mask);
        std::string message = e.what();
        std::replace(message.begin(), message.end(), mask, '%');
        return message;
    }
};

} // namespace

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
    catch (po::error_with_option_name& e)
    {
        throw UsageError(UserWords::messageOf(e) + " (see --help)");
    }
    catch (const po::error& e)
    {
        throw UsageError(std::string(e.what()) + " (see --help)");
    }
    return vm.count("help") > 0;
}

} // namespace xai_samples
