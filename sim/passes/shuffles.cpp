// TensorRT's builder merges consecutive reshapes into one Shuffle named "A + B"
// (ShuffleShuffleFusion) and removes a reshape that leaves the shape as it was
// (ShuffleErasure). The seed log shows the merges: "Reshape_2 + (Unnamed Layer* 7) [Shuffle]".
// The erasure is what absorbs a Flatten from N x C x 1 x 1 into the fully connected layer
// after it: Flatten + the parser's unsqueeze to N x C x 1 x 1 is a no-op.
#include <algorithm>

#include "sim/passes/passes.h"

namespace sim::passes {

namespace {

bool pureReshape(const Node& n) {
  if (n.kind != OpKind::kShuffle || !n.pattern.empty()) return false;
  const auto& a = n.get<ShuffleAttrs>();
  return a.doReshape && a.firstPerm.empty() && a.secondPerm.empty();
}

bool isOutput(const Graph& g, TensorId t) {
  return std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
}

}  // namespace

void fuseShuffles(Graph& g) {
  std::vector<std::vector<NodeId>> readers(g.tensors.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (TensorId t : g.nodes[i].inputs)
      if (t != kNoTensor) readers[t].push_back(NodeId(i));
  std::vector<bool> removed(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& first = g.nodes[i];
    if (removed[i] || !pureReshape(first)) continue;
    for (;;) {
      TensorId out = first.outputs[0];
      if (readers[out].size() != 1 || isOutput(g, out)) break;
      Node& next = g.nodes[readers[out][0]];
      if (!pureReshape(next) || next.inputs[0] != out) break;
      if (first.fused.empty()) first.originalName = first.name;
      first.fused.push_back({next.name, next.onnxOp});
      for (const auto& f : next.fused) first.fused.push_back(f);
      first.name += " + " + next.name;
      std::get<ShuffleAttrs>(first.attrs).reshape = next.get<ShuffleAttrs>().reshape;
      first.outputs = next.outputs;
      removed[readers[out][0]] = true;
    }
  }
  // A reshape to its input's own shape is erased: its readers take its input instead.
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (removed[i] || !pureReshape(n)) continue;
    TensorId in = n.inputs[0], out = n.outputs[0];
    if (g.desc(in).shape != g.desc(out).shape || isOutput(g, out)) continue;
    for (NodeId r : readers[out])
      for (TensorId& t : g.nodes[r].inputs)
        if (t == out) t = in;
    for (NodeId r : readers[out]) readers[in].push_back(r);
    removed[i] = true;
  }
  std::vector<Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!removed[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  for (auto& t : g.tensors) t.producer = -1;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (TensorId t : g.nodes[i].outputs) g.tensors[t].producer = NodeId(i);
}

}  // namespace sim::passes
