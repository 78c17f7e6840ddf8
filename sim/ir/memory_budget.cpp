#include "sim/ir/memory_budget.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "dlasim/build_config.h"

namespace sim {

int64_t machineMemoryBytes() {
  int64_t bytes = int64_t(::sysconf(_SC_PHYS_PAGES)) * int64_t(::sysconf(_SC_PAGESIZE));
  // A container's limit (cgroup v2, then v1) is the memory this process can really use.
  for (const char* f :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(f);
    long long limit = 0;
    if (in >> limit && limit > 0 && limit < bytes) bytes = limit;
  }
  return bytes > 0 ? bytes : int64_t(4) << 30;  // unknown: assume a small machine
}

int64_t defaultMemoryBudget() {
  return machineMemoryBytes() / 4;
}

int64_t memoryBudget(int64_t requested) {
  return requested > 0 ? requested : defaultMemoryBudget();
}

std::string bytesStr(int64_t bytes) {
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = double(bytes);
  int u = -1;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  return buf;
}

void requireWithinBudget(int64_t used, int64_t more, int64_t budget, const std::string& what) {
  if (more <= budget - used) return;
  fail(what, " needs ", bytesStr(more),
       used > 0 ? cat(" on top of ", bytesStr(used), " already held") : std::string(),
       ": over the memory budget of ", bytesStr(budget), " (raise it with --maxMemory)");
}

void checkRunMemory(const Graph& g, int64_t budget) {
  // The executor frees an activation after its last reader; graph outputs live to the end.
  std::vector<int64_t> lastUse(g.tensors.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (TensorId t : g.nodes[i].inputs)
      if (t != kNoTensor) lastUse[t] = int64_t(i);
  for (TensorId t : g.outputs) lastUse[t] = int64_t(g.nodes.size());
  auto bytesOf = [&](TensorId t) {
    return mulDims(volume(g.desc(t).shape), int64_t(dtypeSize(g.desc(t).dtype)));
  };
  int64_t held = 0;
  for (const auto& t : g.tensors)
    if (t.isConstant()) held += int64_t(t.value.bytes());
  requireWithinBudget(0, held, budget, "holding the constants (weights)");
  for (TensorId t : g.inputs) {
    // Inputs belong to the caller for the whole run.
    requireWithinBudget(held, bytesOf(t), budget,
                        cat("input '", g.tensor(t).name, "' (", dtypeName(g.desc(t).dtype), " ",
                            shapeStr(g.desc(t).shape), ")"));
    held += bytesOf(t);
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    for (TensorId t : n.outputs) {
      if (t == kNoTensor) continue;
      requireWithinBudget(
          held, bytesOf(t), budget,
          cat("layer '", n.name, "' (", n.onnxOp, ") output '", g.tensor(t).name, "' (",
              dtypeName(g.desc(t).dtype), " ", shapeStr(g.desc(t).shape), ")"));
      held += bytesOf(t);
    }
    for (TensorId t : n.outputs)
      if (t != kNoTensor && lastUse[t] < 0) held -= bytesOf(t);  // nobody reads it
    for (TensorId t : n.inputs)
      if (t != kNoTensor && lastUse[t] == int64_t(i) && !g.tensor(t).isConstant() &&
          std::find(g.inputs.begin(), g.inputs.end(), t) == g.inputs.end()) {
        held -= bytesOf(t);
        lastUse[t] = -2;  // freed once, even when the layer reads it twice
      }
  }
}

}  // namespace sim

namespace dlasim {

int64_t defaultMaxMemoryBytes() {
  return sim::defaultMemoryBudget();
}

}  // namespace dlasim
