// Engine files are untrusted input: their FNV-1a checksum catches accidents, not anyone who
// recomputes it. These checks run on everything read from the file before any of it reaches the
// executor, the reports or the cost model, so that no engine file, however crafted, leaves the
// plan in a state the importer and the build could not have produced. Each throws sim::Error
// with one line naming the layer, tensor or setting and the offending value.
#pragma once
#include <vector>

#include "builder/build_plan.h"
#include "dlasim/engine.h"

namespace builder {

/// The attribute struct that belongs to the layer kind, every enum in range, every float finite,
/// per-dimension vectors of the right length, counts and axes in range.
void validateAttrs(const sim::Node& n);

/// The graph as the importer builds it: unique tensor names; graph inputs that are neither
/// constants nor computed; at least one graph output, each one defined; layers in topological
/// order (every input is a graph input, a constant or the output of an earlier layer); every
/// tensor computed by at most one layer, with at least one output per layer; and the stored
/// producer of each tensor equal to the layer that computes it (-1 for the rest).
void validateGraph(const sim::Graph& g, const std::vector<int64_t>& storedProducers);

/// Placement consistent with the settings: the platform, power mode and DLA core exist; an
/// engine built without a DLA core has no loadables, verdicts or evictions; otherwise every
/// loadable lists exactly the layers placed in it, in order, within the platform's limit; a
/// layer on the DLA broke no rule, was not forced to the GPU and has a DLA precision (and, with
/// a calibration cache, INT8 scales for its activations); evicted layers are on the GPU; a
/// standalone engine has no GPU layers.
void validatePlacement(const sim::Graph& g, const BuildResult& b, const dlasim::PlanSettings& st);

}  // namespace builder
