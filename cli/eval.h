// dlasim eval: accuracy of a build over a data set, on a Dask cluster (docs/cli.md). The work is
// done by the Python package's dlasim.eval, which this command runs in its place.
#pragma once
#include <iostream>

namespace dlasim::cli {

/// Replaces the process with `python3 -m dlasim.eval ARGS...` (the interpreter and package this
/// dlasim was built with); returns only on failure (exit 2 with one line on `err`).
int evalMain(int argc, const char* const* argv, std::ostream& err);

}  // namespace dlasim::cli
