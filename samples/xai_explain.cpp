// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_explain: Score-CAM and Augmented Score-CAM saliency maps of cv::dnn classifiers, from the
// command line. `xai_explain --help` describes it; docs/cli.md has the long version.

#include "xai_explain/errors.hpp"
#include "xai_explain/options.hpp"
#include "xai_explain/run.hpp"

int main(int argc, char** argv)
{
    return xai_samples::runReportingErrors("xai_explain", [&] {
        xai_explain::Options options;
        if (!xai_explain::parseCommandLine(argc, argv, options))
            return 0;  // --help
        return xai_explain::run(options);
    });
}
