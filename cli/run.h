// The trtexec-like main job: import (or load), build, run, report.
#pragma once
#include <iostream>

#include "cli/options.h"

namespace dlasim::cli {

/// Runs dlasim with parsed options; returns the process exit code (0, 1 or 2).
int runTrtexec(const Options& o, std::ostream& out, std::ostream& err);

/// Entry point shared by main() and the in-process CLI tests.
int dlasimMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dlasim::cli
