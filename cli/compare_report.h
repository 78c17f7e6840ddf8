// The parts of `dlasim compare`'s report beyond Polygraphy's lines: the per-layer table and the
// --json file.
#pragma once
#include <string>

#include "cli/log.h"
#include "dlasim/compare.h"

namespace dlasim::cli {

/// The per-layer table: one line per layer (error against FP32, what it adds), the first
/// jump marked, then a summary line naming it (or the layer adding the most error).
void printPerLayer(const PerLayerReport& r, const CompareOptions& o, Log& log);

/// The whole report as JSON: the run, the options, every output's statistics and, when
/// `perLayer` is given, every layer's. `reference` says what the outputs were compared with
/// ("fp32", or the --ref file).
std::string compareJson(const std::string& model, const Engine& plan, const CompareOptions& o,
                        const CompareResult& outputs, const PerLayerReport* perLayer,
                        const std::string& reference);

}  // namespace dlasim::cli
