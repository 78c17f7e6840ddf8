// Progress of long work (calibration over a data set, per-layer compare) on stderr: shown only
// when stderr is a terminal and --quiet is not given, so logs and CI stay clean.
#pragma once
#include <cstdint>
#include <functional>
#include <iostream>
#include <string>

namespace dlasim::cli {

/// True when `err` is the process's stderr, stderr is a terminal, and not `quiet`.
bool progressWanted(const std::ostream& err, bool quiet);

/// A callback (done, total) that rewrites one line on `err`: "Calibrating: 120/500 samples,
/// 85.3/s, 4 s left", at most ten times a second, ending with a newline when done == total.
std::function<void(int64_t, int64_t)> progressLine(std::ostream& err, const std::string& what,
                                                   const std::string& unit);

/// progressLine when progressWanted, else an empty function.
std::function<void(int64_t, int64_t)> progressIfWanted(std::ostream& err, bool quiet,
                                                       const std::string& what,
                                                       const std::string& unit);

}  // namespace dlasim::cli
