// Copies of a network running side by side (capacity planning): they share the GPU, the DRAM
// and, between the two DLA cores, the cores' path to the memory controller. Each shared resource
// that is asked for more than it has stretches the rows that use it — memory terms for DRAM,
// GPU rows for the GPU — until every demand fits; compute-bound DLA work is not slowed.
// docs/cost-model.md §5 states the mechanism and its assumptions.
#pragma once
#include <vector>

#include "dlasim/performance.h"

namespace dlasim {

struct SharedLimits {
  double dramBytesPerMs = 0;     // everything together (GPU memory efficiency x bandwidth)
  double dlaCoreBytesPerMs = 0;  // one DLA core's sustained DRAM rate
  double dlaPairFactor = 2;      // both cores streaming together sustain this x one core's rate
  bool dlaPairShared = false;    // more than one DLA copy runs
};

struct CopyLoad {
  const Performance* perf = nullptr;
  bool onDla = false;  // runs on a DLA core (with its GPU fallback layers)
};

struct ContentionResult {
  std::vector<double> periodMs;  // per copy: one batch under the shared load
  double memoryStretch = 1, dlaStretch = 1, gpuStretch = 1;
  const char* limit = "latency";  // "latency", "DRAM", "DLA memory" or "GPU"
};

ContentionResult shareResources(const std::vector<CopyLoad>& copies, const SharedLimits& limits);

}  // namespace dlasim
