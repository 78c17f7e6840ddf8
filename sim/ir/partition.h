// A graph's placement into DLA loadables (TensorRT's ForeignNodes) and GPU layers: what
// sim/partition computes and the cost model, engine files and reports read.
#pragma once
#include <string>
#include <vector>

#include "sim/ir/graph.h"

namespace sim {

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

/// "{ForeignNode[first...last]}" as TensorRT prints a loadable.
std::string foreignNodeName(const Graph& g, const Loadable& l);

}  // namespace sim
