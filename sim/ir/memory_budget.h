// The memory budget: how many bytes of tensors dlasim may hold for one model -- folded constants
// and weights, inputs, and the activations alive at once while it runs. A model or engine that
// needs more is bad input, refused before anything that large is allocated (a 141-byte model can
// otherwise ask for tens of gigabytes). What is budgeted is the planned size of those tensors;
// the process needs somewhat more (reduced copies of weights, prepared kernels, output files),
// which is why the default is a quarter of the machine, not all of it.
#pragma once
#include <cstdint>
#include <string>

#include "sim/ir/graph.h"

namespace sim {

/// Physical memory of this machine, or the cgroup's limit when that is lower (containers).
int64_t machineMemoryBytes();
/// A quarter of machineMemoryBytes().
int64_t defaultMemoryBudget();
/// `requested` when positive, else the default.
int64_t memoryBudget(int64_t requested);
/// "64.0 MiB", "1.5 GiB", "512 bytes".
std::string bytesStr(int64_t bytes);

/// Throws sim::Error unless `more` bytes for `what` fit next to `used` within `budget`. The
/// message names what and both sizes and the --maxMemory flag.
void requireWithinBudget(int64_t used, int64_t more, int64_t budget, const std::string& what);

/// Walks the layers in order as the executor does (inputs and constants held throughout, each
/// activation from its layer until its last reader) and throws sim::Error at the first layer
/// whose outputs would take the total over `budget`, naming the layer, the tensor and the sizes.
void checkRunMemory(const Graph& g, int64_t budget);

}  // namespace sim
