#include "sim/runtime/executor.h"

#include "sim/ops/op_def.h"

namespace sim {

std::vector<TensorDesc> inferNode(const Graph& g, const Node& n) {
  std::vector<const TensorDesc*> in;
  for (TensorId t : n.inputs) in.push_back(t == kNoTensor ? nullptr : &g.desc(t));
  try {
    return opDef(n.kind).infer(n, in);
  } catch (const Error& e) {
    fail("node '", n.name, "' (", n.onnxOp, "): ", e.what());
  }
}

Executor::Executor(const Graph& g) : g_(g), lastUse_(g.tensors.size(), -1), state_(g.nodes.size()) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (TensorId t : g.nodes[i].inputs)
      if (t != kNoTensor) lastUse_[t] = int(i);
  for (TensorId t : g.outputs) lastUse_[t] = int(g.nodes.size());  // never freed
}

std::vector<Tensor> Executor::run(const std::map<std::string, Tensor>& inputs) {
  std::vector<Tensor> live(g_.tensors.size());
  for (TensorId id : g_.inputs) {
    const TensorInfo& info = g_.tensor(id);
    auto it = inputs.find(info.name);
    if (it == inputs.end()) fail("no data for input '", info.name, "'");
    const Tensor& t = it->second;
    if (t.dtype() != info.desc.dtype || t.shape() != info.desc.shape)
      fail("input '", info.name, "' is ", dtypeName(t.dtype()), " ", shapeStr(t.shape()),
           ", the model expects ", dtypeName(info.desc.dtype), " ", shapeStr(info.desc.shape));
    live[id] = t;
  }
  size_t liveBytes = 0;
  for (TensorId id : g_.inputs) liveBytes += live[id].bytes();
  peakLive_ = liveBytes;
  for (size_t t = 0; t < g_.tensors.size(); ++t)
    if (g_.tensors[t].isConstant()) live[t] = g_.tensors[t].value;

  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    const Node& n = g_.nodes[i];
    OpIO io;
    io.state = &state_[i];
    for (TensorId t : n.inputs) {
      io.in.push_back(t == kNoTensor ? nullptr : &live[t]);
      io.constant.push_back(t != kNoTensor && g_.tensors[t].isConstant());
    }
    for (TensorId t : n.outputs) {
      if (t == kNoTensor) {
        io.out.push_back(nullptr);
        continue;
      }
      live[t] = Tensor::uninitialized(g_.desc(t).dtype, g_.desc(t).shape);
      liveBytes += live[t].bytes();
      io.out.push_back(&live[t]);
    }
    try {
      opDef(n.kind).run(n, io);
    } catch (const Error& e) {
      fail("node '", n.name, "' (", n.onnxOp, "): ", e.what());
    }
    if (afterLayer) afterLayer(NodeId(i), io.out);
    peakLive_ = std::max(peakLive_, liveBytes);
    // Free activations whose last reader was this node (constants keep their graph copy).
    auto release = [&](TensorId t) {
      if (live[t].empty()) return;
      liveBytes -= live[t].bytes();
      live[t] = Tensor();
    };
    for (TensorId t : n.inputs)
      if (t != kNoTensor && lastUse_[t] == int(i) && !g_.tensors[t].isConstant()) release(t);
    for (TensorId t : n.outputs)
      if (t != kNoTensor && lastUse_[t] < 0) release(t);  // never read
  }
  std::vector<Tensor> outs;
  for (TensorId t : g_.outputs) outs.push_back(live[t]);
  return outs;
}

}  // namespace sim
