// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// Ctrl-C and SIGTERM as a request to stop cleanly: the programs finish their files and say what
// was done instead of dying in the middle of a write.

#ifndef XAI_SAMPLES_CLI_SIGNALS_HPP
#define XAI_SAMPLES_CLI_SIGNALS_HPP

#include <string>

namespace xai_samples {

/** From now on SIGINT and SIGTERM only record that the program should stop (see stopSignal());
    a second one ends the program at once, as if nothing had been caught. */
void catchStopSignals();

//! The signal that asked the program to stop (SIGINT or SIGTERM), 0 while none did.
int stopSignal();

//! "SIGINT" or "SIGTERM": the stop signal by name.
std::string stopSignalName();

//! The exit status of a program stopped by that signal, as the shell reports it: 128 + its number.
int stopExitCode();

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_SIGNALS_HPP
