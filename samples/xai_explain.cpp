// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain: Score-CAM and Augmented Score-CAM saliency maps of cv::dnn classifiers, from the
// command line. `xai_explain --help` describes it; docs/cli.md has the long version.

#include <cstdio>
#include <exception>
#include <string>

#include "xai_explain/errors.hpp"
#include "xai_explain/options.hpp"
#include "xai_explain/run.hpp"

namespace {

//! Every failure ends as one line that names the program, like the GNU tools' messages.
int fail(const std::string& what, int code)
{
    std::fprintf(stderr, "xai_explain: error: %s\n", what.c_str());
    return code;
}

} // namespace

int main(int argc, char** argv)
{
    try
    {
        xai_explain::Options options;
        if (!xai_explain::parseCommandLine(argc, argv, options))
            return 0;  // --help
        return xai_explain::run(options);
    }
    catch (const xai_explain::UsageError& e)
    {
        return fail(e.what(), 2);
    }
    catch (const cv::Exception& e)
    {
        // e.what() adds the source location and the function; messageOf() keeps what a user can act on.
        return fail(xai_explain::messageOf(e), 2);
    }
    catch (const std::exception& e)
    {
        return fail(e.what(), 2);
    }
}
