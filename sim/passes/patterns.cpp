// Recognises ONNX patterns that TensorRT's parser treats as a unit, and tags their layers.
// GroupNorm as exported by PyTorch: Reshape -> InstanceNormalization -> Reshape -> Mul -> Add;
// TensorRT runs all five on the GPU around its InstanceNormalization plugin (seed log).
#include "sim/passes/passes.h"

namespace sim::passes {

void markPatterns(sim::Graph& g) {
  std::vector<std::vector<sim::NodeId>> consumers(g.tensors.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (sim::TensorId t : g.nodes[i].inputs)
      if (t != sim::kNoTensor) consumers[t].push_back(sim::NodeId(i));
  auto producer = [&](sim::TensorId t) -> sim::Node* {
    int p = g.tensors[t].producer;
    return p >= 0 ? &g.nodes[p] : nullptr;
  };
  auto soleConsumer = [&](const sim::Node& n, sim::OpKind kind) -> sim::Node* {
    const auto& c = consumers[n.outputs[0]];
    if (c.size() != 1 || g.nodes[c[0]].kind != kind) return nullptr;
    return &g.nodes[c[0]];
  };
  for (auto& n : g.nodes) {
    if (n.kind != sim::OpKind::kNormalization ||
        n.get<sim::NormAttrs>().type != sim::NormType::kInstance)
      continue;
    sim::Node* before = producer(n.inputs[0]);
    sim::Node* after = soleConsumer(n, sim::OpKind::kShuffle);
    sim::Node* mul = after ? soleConsumer(*after, sim::OpKind::kScale) : nullptr;
    sim::Node* add = mul ? soleConsumer(*mul, sim::OpKind::kScale) : nullptr;
    if (!before || before->kind != sim::OpKind::kShuffle || !add) continue;
    for (sim::Node* m : {before, &n, after, mul, add}) m->pattern = "GroupNormalization";
  }
}

}  // namespace sim::passes
