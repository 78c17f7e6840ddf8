// `dlasim report`: one self-contained HTML file for a model built with the run's trtexec flags
// (or an engine): summary, graph, timeline, per-layer times, advice; with --compare the
// per-layer error curve, with --plan the capacity plan. Exit 0, 1 when the build is impossible,
// 2 for bad input (nothing is written then).
#pragma once
#include <iostream>

namespace dlasim::cli {

/// dlasim report model.onnx [trtexec flags] --out=FILE [--compare[=FILE]] [--plan ...]
///                          [--profile=FILE] [--exportTrace=FILE] [--quiet]
/// (flags as declared in its SubcommandSpec; `dlasim report --help` lists them)
int reportMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dlasim::cli
