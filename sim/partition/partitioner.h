// Splits a graph into DLA loadables (TensorRT's ForeignNodes) and GPU layers. Op-agnostic: it
// sees only which layers may run on the DLA (from the DLA rules) and their DLA batch.
#pragma once
#include <string>
#include <vector>

#include "sim/ir/graph.h"

namespace sim {

struct PartitionInput {
  std::vector<bool> dlaCapable;      // per node: passed every layer rule and not forced to GPU
  std::vector<int64_t> dlaBatch;     // per node: product of the output's non-CHW dims
  std::vector<int64_t> weightBytes;  // per node: constant bytes it reads
  int maxLoadables = 16;             // per DLA core
  int64_t maxWeightBytes = int64_t(512) << 20;
};

struct Loadable {
  std::vector<NodeId> nodes;  // in topological order
};

struct Partition {
  std::vector<int> loadableOf;  // per node: index into loadables, -1 = GPU
  std::vector<Loadable> loadables;
  /// Layers the network-level rules sent to the GPU: (node, rule id, message).
  struct Evicted {
    NodeId node;
    std::string rule, message;
  };
  std::vector<Evicted> evicted;
};

/// Islands are maximal runs of DLA layers in topological order that no GPU layer splits
/// (a DLA layer fed through the GPU by the current island starts a new one); a loadable also
/// closes when the DLA batch changes. Islands past `maxLoadables`, or past the weight budget,
/// run on the GPU, as TensorRT does.
Partition partition(const Graph& g, const PartitionInput& in);

/// "{ForeignNode[first...last]}" as TensorRT prints a loadable.
std::string foreignNodeName(const Graph& g, const Loadable& l);

}  // namespace sim
