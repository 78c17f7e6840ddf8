// TensorRT's placement block ("Layers Running on DLA/GPU") with one fallback warning per layer,
// and the --sparsity summary, printed from a plan.
#pragma once
#include "cli/log.h"
#include "dlasim/plan.h"

namespace dlasim::cli {

/// `warnings`: the fallback warnings of the build (a loaded engine does not repeat them).
void printPlacement(const Engine& plan, Log& log, bool warnings = true);
void printSparsity(const Engine& plan, Log& log);

/// "message [rule]; message [rule]" as the fallback warnings and errors list them.
std::string reasonsText(const LayerInfo& l);

}  // namespace dlasim::cli
