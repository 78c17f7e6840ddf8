// Splits a graph into DLA loadables (TensorRT's ForeignNodes) and GPU layers. Op-agnostic: it
// sees only which layers may run on the DLA (from the DLA rules) and their DLA batch.
#pragma once
#include <string>
#include <vector>

#include "sim/ir/graph.h"
#include "sim/ir/partition.h"

namespace sim {

struct PartitionInput {
  std::vector<bool> dlaCapable;      // per node: passed every layer rule and not forced to GPU
  std::vector<int64_t> dlaBatch;     // per node: product of the output's non-CHW dims
  std::vector<int64_t> weightBytes;  // per node: constant bytes it reads
  int maxLoadables = 16;             // per DLA core
  int64_t maxWeightBytes = int64_t(512) << 20;
};

/// Islands are maximal runs of DLA layers in topological order that no GPU layer splits
/// (a DLA layer fed through the GPU by the current island starts a new one); a loadable also
/// closes when the DLA batch changes. Islands past `maxLoadables`, or past the weight budget,
/// run on the GPU, as TensorRT does.
Partition partition(const Graph& g, const PartitionInput& in);

}  // namespace sim
