// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// xai_evaluate: how faithful and how well localised Score-CAM and Augmented Score-CAM maps are,
// over a set of images with ground-truth objects. `xai_evaluate --help` describes it.

#include <cstdio>

#include "xai_evaluate/common.hpp"
#include "xai_evaluate/evaluate.hpp"
#include "xai_evaluate/options.hpp"

int main(int argc, char** argv)
{
    return xai_samples::runReportingErrors("xai_evaluate", [&] {
        xai_evaluate::Options options;
        if (!xai_evaluate::parseCommandLine(argc, argv, options))
            return 0;  // --help
        for (const std::string& w : options.warnings)
            std::fprintf(stderr, "%s\n", w.c_str());
        return options.merge.empty() ? xai_evaluate::runEvaluation(options) : xai_evaluate::runMerge(options);
    });
}
