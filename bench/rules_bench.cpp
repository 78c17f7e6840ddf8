// DLA rule checking and partitioning are analytic: a 1,000-layer network should take well
// under 0.1 s. The network is a chain of 3x3 convolutions and ReLUs with a reshape pair
// (unsupported on the DLA) every 50 layers, so the partitioner has islands to form.
#include <benchmark/benchmark.h>

#include "hwmodels/dla_rules.h"
#include "sim/partition/partitioner.h"
#include "sim/ops/op_def.h"

namespace {

sim::Graph chain(int layers) {
  sim::Graph g;
  sim::TensorId x = g.addTensor("input", {sim::DType::kFloat, {1, 16, 32, 32}});
  g.inputs.push_back(x);
  auto add = [&](sim::OpKind kind, sim::Attrs attrs, std::vector<sim::TensorId> in) {
    sim::Node n;
    n.kind = kind;
    n.name = "layer_" + std::to_string(g.nodes.size());
    n.onnxOp = "Bench";
    n.inputs = std::move(in);
    n.attrs = std::move(attrs);
    auto outs = sim::inferNode(g, n);
    n.outputs.push_back(g.addTensor(n.name + "_out", outs[0]));
    g.nodes.push_back(n);
    return n.outputs[0];
  };
  sim::ConvAttrs c;
  c.kernel = {3, 3};
  c.strides = c.dilations = {1, 1};
  c.padsBegin = c.padsEnd = {1, 1};
  for (int i = 0; g.nodes.size() < size_t(layers); ++i) {
    if (i % 25 == 24) {
      sim::ShuffleAttrs s;
      s.doReshape = true;
      s.reshape = {1, 16, 1024};
      x = add(sim::OpKind::kShuffle, s, {x});
      s.reshape = {1, 16, 32, 32};
      x = add(sim::OpKind::kShuffle, s, {x});
      continue;
    }
    sim::TensorId w =
        g.addConstant("w" + std::to_string(i), sim::Tensor(sim::DType::kFloat, {16, 16, 3, 3}));
    x = add(sim::OpKind::kConvolution, c, {x, w});
    x = add(sim::OpKind::kActivation, sim::ActivationAttrs{}, {x});
  }
  g.outputs.push_back(x);
  return g;
}

void BM_CheckAndPartition1000Layers(benchmark::State& state) {
  sim::Graph g = chain(1000);
  const hw::Platform& p = hw::platformById("orin-agx");
  hw::RuleConfig cfg;
  cfg.int8 = true;
  for (auto _ : state) {
    sim::PartitionInput in;
    for (const auto& n : g.nodes) {
      in.dlaCapable.push_back(hw::checkLayer(g, n, p, cfg).ok());
      in.dlaBatch.push_back(1);
      in.weightBytes.push_back(0);
    }
    benchmark::DoNotOptimize(sim::partition(g, in));
  }
  state.counters["layers"] = double(g.nodes.size());
}
BENCHMARK(BM_CheckAndPartition1000Layers)->Unit(benchmark::kMillisecond);

}  // namespace
