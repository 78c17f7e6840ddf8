// Fusions TensorRT's builder makes before placement, so that layer names and counts match its
// logs: a per-channel Scale (BatchNormalization, or a Mul/Add by a constant) folds into the
// convolution before it, and a ReLU after a convolution joins it
// ("Conv_0 + BatchNormalization_1 + Relu_2"). Layers of a recognised pattern are left alone.
#include <algorithm>
#include <cmath>

#include "sim/passes/passes.h"

namespace sim::passes {

namespace {

struct Readers {
  std::vector<std::vector<sim::NodeId>> of;
  explicit Readers(const sim::Graph& g) : of(g.tensors.size()) {
    for (size_t i = 0; i < g.nodes.size(); ++i)
      for (sim::TensorId t : g.nodes[i].inputs)
        if (t != sim::kNoTensor) of[t].push_back(sim::NodeId(i));
  }
};

bool isOutput(const sim::Graph& g, sim::TensorId t) {
  return std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
}

void absorb(sim::Node& into, sim::Node& other) {
  if (into.fused.empty()) into.originalName = into.name;
  into.fused.push_back({other.name, other.onnxOp});
  for (auto& f : other.fused) into.fused.push_back(f);
  into.name += " + " + other.name;
  into.outputs = other.outputs;
}

}  // namespace

void fuseLikeTensorRT(sim::Graph& g) {
  std::vector<bool> removed(g.nodes.size(), false);
  Readers readers(g);
  auto sole = [&](sim::TensorId t) -> sim::NodeId {
    return readers.of[t].size() == 1 && !isOutput(g, t) ? readers.of[t][0] : -1;
  };
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    sim::Node& conv = g.nodes[i];
    if (conv.kind != sim::OpKind::kConvolution || !conv.pattern.empty()) continue;
    const sim::TensorInfo& w = g.tensor(conv.inputs[1]);
    bool hasBias = conv.inputs.size() > 2 && conv.inputs[2] != sim::kNoTensor;
    if (!w.isConstant() || (hasBias && !g.tensor(conv.inputs[2]).isConstant())) continue;
    sim::NodeId next = sole(conv.outputs[0]);
    if (next >= 0 && g.nodes[next].kind == sim::OpKind::kScale && g.nodes[next].pattern.empty() &&
        g.tensor(g.nodes[next].inputs[1]).isConstant() &&
        g.tensor(g.nodes[next].inputs[2]).isConstant()) {
      // w'[k] = w[k] * s[k]; b'[k] = b[k] * s[k] + t[k]. New tensors: constants may be shared.
      const sim::Tensor& s = g.tensor(g.nodes[next].inputs[1]).value;
      const sim::Tensor& t = g.tensor(g.nodes[next].inputs[2]).value;
      int64_t k = w.desc.shape[0], per = w.value.size() / k;
      sim::Tensor nw = w.value.clone();
      sim::Tensor nb(sim::DType::kFloat, {k});
      for (int64_t o = 0; o < k; ++o) {
        float sc = s.data<float>()[o];
        for (int64_t j = 0; j < per; ++j) nw.data<float>()[o * per + j] *= sc;
        float b = hasBias ? g.tensor(conv.inputs[2]).value.data<float>()[o] : 0.f;
        nb.data<float>()[o] = b * sc + t.data<float>()[o];
      }
      // Weights quantised by the model (Q/DQ) keep their grid: channel k scales by |s[k]|.
      sim::Quantization wq = w.quant;
      if (!wq.channelScales.empty() || wq.has()) {
        if (wq.channelScales.empty()) wq.channelScales.assign(size_t(k), wq.scale);
        for (int64_t o = 0; o < k; ++o)
          wq.channelScales[size_t(o)] *= std::fabs(s.data<float>()[o]);
        wq.scale = 0;
        wq.axis = 0;
      }
      conv.inputs[1] = g.addConstant(g.uniqueName(conv.name + "_fused_weights"), std::move(nw));
      g.tensors[conv.inputs[1]].quant = std::move(wq);
      sim::TensorId bias = g.addConstant(g.uniqueName(conv.name + "_fused_bias"), std::move(nb));
      if (hasBias)
        conv.inputs[2] = bias;
      else
        conv.inputs.push_back(bias);
      absorb(conv, g.nodes[next]);
      removed[next] = true;
      readers = Readers(g);
      next = sole(conv.outputs[0]);
    }
    if (next >= 0 && g.nodes[next].kind == sim::OpKind::kActivation &&
        g.nodes[next].pattern.empty() &&
        g.nodes[next].get<sim::ActivationAttrs>().type == sim::ActType::kRelu) {
      std::get<sim::ConvAttrs>(conv.attrs).fusedRelu = true;
      absorb(conv, g.nodes[next]);
      removed[next] = true;
      readers = Readers(g);
    }
  }
  // Weights replaced by fused copies are read by nobody now: free them.
  readers = Readers(g);
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    bool read = false;
    for (sim::NodeId r : readers.of[t]) read |= !removed[r];
    if (g.tensors[t].isConstant() && !read && !isOutput(g, sim::TensorId(t)))
      g.tensors[t].value = sim::Tensor();
  }
  std::vector<sim::Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!removed[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  for (auto& t : g.tensors) t.producer = -1;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (sim::TensorId t : g.nodes[i].outputs) g.tensors[t].producer = sim::NodeId(i);
}

}  // namespace sim::passes
