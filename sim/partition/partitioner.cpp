#include "sim/partition/partitioner.h"

namespace sim {

Partition partition(const Graph& g, const PartitionInput& in) {
  const size_t n = g.nodes.size();
  Partition p;
  p.loadableOf.assign(n, -1);
  // gpuAfter[t]: the highest island a GPU path to tensor t waits for (-1: none).
  std::vector<int> gpuAfter(g.tensors.size(), -1), islandOfTensor(g.tensors.size(), -1);
  std::vector<int64_t> islandBatch;
  int cur = -1;
  for (size_t i = 0; i < n; ++i) {
    const Node& node = g.nodes[i];
    int barrier = -1;
    for (TensorId t : node.inputs)
      if (t != kNoTensor) barrier = std::max(barrier, gpuAfter[t]);
    if (in.dlaCapable[i]) {
      bool joins = cur >= 0 && barrier < cur && islandBatch[cur] == in.dlaBatch[i];
      if (!joins) {
        p.loadables.emplace_back();
        islandBatch.push_back(in.dlaBatch[i]);
        cur = int(p.loadables.size()) - 1;
      }
      p.loadableOf[i] = cur;
      p.loadables[cur].nodes.push_back(NodeId(i));
      for (TensorId t : node.outputs) {
        islandOfTensor[t] = cur;
        gpuAfter[t] = barrier;
      }
    } else {
      int wait = barrier;
      for (TensorId t : node.inputs)
        if (t != kNoTensor) wait = std::max(wait, islandOfTensor[t]);
      for (TensorId t : node.outputs) gpuAfter[t] = wait;
    }
  }
  // Network-level limits: loadables past the per-core maximum and past the weight budget.
  int64_t weights = 0;
  std::vector<Loadable> kept;
  for (size_t k = 0; k < p.loadables.size(); ++k) {
    int64_t w = 0;
    for (NodeId id : p.loadables[k].nodes) w += in.weightBytes[id];
    std::string rule, message;
    if (int(kept.size()) >= in.maxLoadables) {
      rule = "network.loadables";
      message =
          cat("DLA supports only ", in.maxLoadables, " subgraphs per DLA core. Switching to GPU");
    } else if (weights + w > in.maxWeightBytes) {
      rule = "network.weights";
      message = cat("DLA weights would reach ", weights + w, " bytes, over the ", in.maxWeightBytes,
                    "-byte limit. Switching to GPU");
    }
    if (rule.empty()) {
      weights += w;
      for (NodeId id : p.loadables[k].nodes) p.loadableOf[id] = int(kept.size());
      kept.push_back(std::move(p.loadables[k]));
    } else {
      for (NodeId id : p.loadables[k].nodes) {
        p.loadableOf[id] = -1;
        p.evicted.push_back({id, rule, message});
      }
    }
  }
  p.loadables = std::move(kept);
  return p;
}

}  // namespace sim
