#include "sim/runtime/executor.h"

#include "kernels/numeric/fp16.h"
#include "kernels/numeric/int8.h"
#include "sim/ops/op_def.h"

namespace sim {

Executor::Executor(const Graph& g, bool reference, bool fuse)
    : g_(g),
      lastUse_(g.tensors.size(), -1),
      state_(g.nodes.size()),
      fusion_(planFusion(g, fuse, !reference)),
      groupPlans_(fusion_.groups.size()),
      poolPlans_(fusion_.groups.size()),
      layoutOf_(g.tensors.size(), nullptr),
      planTried_(fusion_.groups.size(), false),
      reference_(reference) {
  // A fused group reads all its inputs when its last layer's turn comes.
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    int k = fusion_.groupOf[i];
    int at = k >= 0 ? fusion_.groups[k].last : int(i);
    for (TensorId t : g.nodes[i].inputs)
      if (t != kNoTensor) lastUse_[t] = std::max(lastUse_[t], at);
  }
  for (TensorId t : g.outputs) lastUse_[t] = int(g.nodes.size());  // never freed
}

namespace {

// Fake-quantises w with one scale per index along q.axis (weights from an ONNX
// DequantizeLinear); the importer checked that the scales match that dimension.
void quantizeAlongAxis(Tensor& w, const Quantization& q) {
  const Shape& s = w.shape();
  int64_t outer = volume(s, 0, size_t(q.axis)), c = s[size_t(q.axis)],
          inner = volume(s, size_t(q.axis) + 1, s.size());
  float* p = w.data<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < c; ++k)
      kern::numeric::fakeQuantizeInt8(p + (o * c + k) * inner, inner, q.channelScales[size_t(k)]);
}

}  // namespace

void Executor::reduce(Tensor& t, TensorId id, Precision mode) const {
  if (mode == Precision::kFP16) kern::numeric::roundToFp16(t.data<float>(), t.size());
  if (mode == Precision::kINT8)
    kern::numeric::fakeQuantizeInt8(t.data<float>(), t.size(), g_.tensor(id).quant.scale);
}

const Tensor& Executor::reducedWeights(TensorId t, Precision mode) {
  auto key = std::make_pair(t, mode);
  auto it = reducedWeights_.find(key);
  if (it != reducedWeights_.end()) return it->second;
  Tensor r = g_.tensor(t).value.clone();
  const Quantization& q = g_.tensor(t).quant;
  if (mode == Precision::kFP16) kern::numeric::roundToFp16(r.data<float>(), r.size());
  if (mode == Precision::kINT8 && !q.channelScales.empty())
    quantizeAlongAxis(r, q);  // the model's own scales (Q/DQ)
  else if (mode == Precision::kINT8 && q.has())
    kern::numeric::fakeQuantizeInt8(r.data<float>(), r.size(), q.scale);
  else if (mode == Precision::kINT8)  // per output channel (dim 0), symmetric
    kern::numeric::fakeQuantizeInt8PerChannel(r.data<float>(), r.shape()[0],
                                              r.size() / std::max<int64_t>(r.shape()[0], 1));
  return reducedWeights_[key] = std::move(r);
}

// The weights a layer reads: reduced for convolutions in FP16 / INT8, as stored otherwise.
const Tensor& Executor::weightsFor(NodeId n, TensorId t) {
  Precision m = modeOf(n);
  bool conv =
      g_.nodes[n].kind == OpKind::kConvolution || g_.nodes[n].kind == OpKind::kDeconvolution;
  return conv && m != Precision::kFP32 ? reducedWeights(t, m) : g_.tensor(t).value;
}

const Tensor& Executor::readAs(NodeId reader, TensorId t, std::vector<Tensor>& live,
                               std::vector<Tensor>& rounded) {
  Precision m = modeOf(reader);
  if (m == Precision::kFP32 || g_.tensor(t).isConstant() || live[t].dtype() != DType::kFloat)
    return live[t];
  int p = g_.tensor(t).producer;
  if (p >= 0 && modeOf(p) == m) return live[t];  // already in this precision
  if (rounded[t].empty()) {                      // the reformat at a DLA boundary
    rounded[t] = live[t].clone();
    reduce(rounded[t], t, m);
  }
  return rounded[t];
}

void Executor::roundOutputs(NodeId last, std::vector<Tensor>& live) {
  Precision m = modeOf(last);
  if (m == Precision::kFP32) return;
  for (TensorId t : g_.nodes[last].outputs)
    if (t != kNoTensor && !live[t].empty() && live[t].dtype() == DType::kFloat)
      reduce(live[t], t, m);
}

std::vector<Tensor> Executor::run(const std::map<std::string, Tensor>& inputs) {
  std::vector<Tensor> live(g_.tensors.size()), rounded(g_.tensors.size());
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
    if (g_.tensors[t].isConstant()) live[t] = g_.tensors[t].value;  // may be empty once freed

  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    const Node& n = g_.nodes[i];
    int group = fusion_.groupOf[i];
    if (group >= 0) {
      if (fusion_.groups[group].last != NodeId(i)) continue;  // runs with its group's last layer
      try {
        runGroup(group, live, rounded, liveBytes);
      } catch (const Error& e) {
        const Node& head = g_.nodes[fusion_.groups[group].conv >= 0 ? fusion_.groups[group].conv
                                                                    : fusion_.groups[group].pool];
        fail("node '", head.name, "' (", head.onnxOp, "): ", e.what());
      }
      if (afterLayer) {
        std::vector<Tensor*> outs;
        for (TensorId t : n.outputs)
          outs.push_back(t == kNoTensor || fusion_.blocked[t] ? nullptr : &live[t]);
        afterLayer(NodeId(i), outs);
      }
    } else {
      OpIO io;
      io.state = &state_[i];
      for (size_t k = 0; k < n.inputs.size(); ++k) {
        TensorId t = n.inputs[k];
        bool weights = k == 1 && t != kNoTensor && g_.tensor(t).isConstant();
        io.in.push_back(t == kNoTensor ? nullptr
                        : weights      ? &weightsFor(NodeId(i), t)
                                       : &readAs(NodeId(i), t, live, rounded));
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
      roundOutputs(NodeId(i), live);
      if (afterLayer) afterLayer(NodeId(i), io.out);
    }
    peakLive_ = std::max(peakLive_, liveBytes);
    // Free activations whose last reader was this node (constants keep their graph copy).
    auto release = [&](TensorId t) {
      if (live[t].empty()) return;
      liveBytes -= live[t].bytes();
      live[t] = Tensor();
      rounded[t] = Tensor();
    };
    std::vector<NodeId> members = {NodeId(i)};
    if (group >= 0)
      members = {fusion_.groups[group].conv, fusion_.groups[group].add, fusion_.groups[group].act,
                 fusion_.groups[group].pool};
    for (NodeId m : members) {
      if (m < 0) continue;
      for (TensorId t : g_.nodes[m].inputs)
        if (t != kNoTensor && lastUse_[t] == int(i) && !g_.tensors[t].isConstant()) release(t);
      for (TensorId t : g_.nodes[m].outputs)
        if (t != kNoTensor && lastUse_[t] < 0) release(t);  // never read
    }
  }
  std::vector<Tensor> outs;
  for (TensorId t : g_.outputs) outs.push_back(live[t]);
  return outs;
}

void Executor::prepare() {
  for (size_t k = 0; k < fusion_.groups.size(); ++k) preparePlan(int(k));
}

// Plans are built in group order, so an input's layout is known when its reader is prepared.
void Executor::preparePlan(int k) {
  if (planTried_[k]) return;
  planTried_[k] = true;
  const ConvGroup& grp = fusion_.groups[k];
  TensorId out = g_.nodes[grp.last].outputs[0];
  if (grp.pool >= 0) {
    const Node& pool = g_.nodes[grp.pool];
    poolPlans_[k] = kern::preparePoolF32(poolParams(g_, pool), layoutOf_[pool.inputs[0]]);
    if (!poolPlans_[k]) fail("oneDNN cannot run pooling layer '", pool.name, "'");
    if (fusion_.blocked[out]) layoutOf_[out] = kern::poolOutputLayout(*poolPlans_[k]);
    return;
  }
  const Node& conv = g_.nodes[grp.conv];
  const float* b = conv.inputs.size() > 2 && conv.inputs[2] != kNoTensor
                       ? g_.tensor(conv.inputs[2]).value.data<float>()
                       : nullptr;
  groupPlans_[k] =
      kern::prepareConvF32(convParams(g_, conv), weightsFor(grp.conv, conv.inputs[1]).data<float>(),
                           b, fusion_.groups[k].post);
  reducedWeights_.erase({conv.inputs[1], modeOf(grp.conv)});  // the plan keeps its own copy
  if (groupPlans_[k] && fusion_.blocked[out])
    layoutOf_[out] = kern::convOutputLayout(*groupPlans_[k]);
}

std::vector<TensorId> Executor::constantsHeldByPlans() const {
  std::vector<int> readers(g_.tensors.size(), 0), byPlans(g_.tensors.size(), 0);
  for (size_t i = 0; i < g_.nodes.size(); ++i)
    for (TensorId t : g_.nodes[i].inputs)
      if (t != kNoTensor) ++readers[t];
  for (size_t k = 0; k < fusion_.groups.size(); ++k) {
    if (!groupPlans_[k] || fusion_.groups[k].conv < 0) continue;
    const Node& conv = g_.nodes[fusion_.groups[k].conv];
    for (size_t j = 1; j < conv.inputs.size(); ++j)
      if (conv.inputs[j] != kNoTensor) ++byPlans[conv.inputs[j]];
  }
  std::vector<TensorId> out;
  for (size_t t = 0; t < g_.tensors.size(); ++t)
    if (g_.tensors[t].isConstant() && byPlans[t] > 0 && byPlans[t] == readers[t] &&
        std::find(g_.outputs.begin(), g_.outputs.end(), TensorId(t)) == g_.outputs.end())
      out.push_back(TensorId(t));
  return out;
}

void Executor::runGroup(int k, std::vector<Tensor>& live, std::vector<Tensor>& rounded,
                        size_t& liveBytes) {
  const ConvGroup& grp = fusion_.groups[k];
  preparePlan(k);
  NodeId head = grp.conv >= 0 ? grp.conv : grp.pool;
  auto in = [&](TensorId t) { return readAs(head, t, live, rounded).data<float>(); };
  if (grp.pool >= 0) {
    const kern::PoolPlan& plan = *poolPlans_[k];
    TensorId x = g_.nodes[grp.pool].inputs[0], out = g_.nodes[grp.pool].outputs[0];
    bool blocked = fusion_.blocked[out];
    live[out] = blocked
                    ? Tensor::uninitialized(DType::kFloat,
                                            {int64_t((kern::poolBlockedOutputBytes(plan) + 3) / 4)})
                    : Tensor::uninitialized(DType::kFloat, g_.desc(out).shape);
    liveBytes += live[out].bytes();
    kern::executePoolF32(plan, in(x), live[out].data<float>(), blocked);
    roundOutputs(grp.last, live);
    return;
  }
  const Node& conv = g_.nodes[grp.conv];
  TensorId x = conv.inputs[0], out = g_.nodes[grp.last].outputs[0];
  const float* residual = grp.residual != kNoTensor ? in(grp.residual) : nullptr;
  if (!groupPlans_[k]) {
    // oneDNN has no kernel for this geometry: reference loops, then the fused point-wise ops.
    const Tensor& w = weightsFor(grp.conv, conv.inputs[1]);
    const float* b = conv.inputs.size() > 2 && conv.inputs[2] != kNoTensor
                         ? g_.tensor(conv.inputs[2]).value.data<float>()
                         : nullptr;
    kern::ConvParams p = convParams(g_, conv);
    live[out] = Tensor::uninitialized(DType::kFloat, g_.desc(out).shape);
    liveBytes += live[out].bytes();
    kern::convolveF32(nullptr, p, in(x), w.data<float>(), b, live[out].data<float>(), residual,
                      grp.post);
    roundOutputs(grp.last, live);
    return;
  }
  const kern::ConvPlan& plan = *groupPlans_[k];
  bool blocked = fusion_.blocked[out];
  size_t bytes =
      blocked ? kern::convBlockedOutputBytes(plan) : size_t(volume(g_.desc(out).shape)) * 4;
  // When the residual dies here, in our layout, its buffer becomes the output: the sum
  // post-op then adds in place instead of copying the residual first.
  TensorId r = grp.residual;
  const kern::Layout* outLayout = blocked ? kern::convOutputLayout(plan) : nullptr;
  bool inPlace = r != kNoTensor && residual == live[r].data<float>() && lastUse_[r] == grp.last &&
                 !g_.tensor(r).isConstant() &&
                 std::find(g_.inputs.begin(), g_.inputs.end(), r) == g_.inputs.end() &&
                 live[r].useCount() == 1 && live[r].bytes() == bytes &&
                 kern::sameLayout(layoutOf_[r], outLayout);
  if (inPlace)
    live[out] = blocked ? live[r] : live[r].reshaped(g_.desc(out).shape);
  else if (blocked)
    live[out] = Tensor::uninitialized(DType::kFloat, {int64_t((bytes + 3) / 4)});
  else
    live[out] = Tensor::uninitialized(DType::kFloat, g_.desc(out).shape);
  liveBytes += live[out].bytes();
  kern::executeConvF32(plan, in(x), layoutOf_[x], live[out].data<float>(), blocked, residual,
                       grp.residual != kNoTensor ? layoutOf_[grp.residual] : nullptr);
  roundOutputs(grp.last, live);
}

}  // namespace sim
