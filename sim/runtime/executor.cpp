#include "sim/runtime/executor.h"

#include <algorithm>
#include <cstring>

#include "kernels/fp16_array.h"
#include "kernels/numeric/fp16.h"
#include "kernels/numeric/fp19.h"
#include "sim/ops/op_def.h"
#include "sim/runtime/int8_path.h"
#include "sim/runtime/int8_specs.h"

namespace sim {

namespace {

// The layers the INT8 pipeline runs: those placed in INT8, unless everything runs in FP32.
std::vector<bool> int8Layers(const Graph& g, bool reference) {
  std::vector<bool> v(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i)
    v[i] = !reference && g.nodes[i].precision == Precision::kINT8;
  return v;
}

bool isConv(const Node& n) {
  return n.kind == OpKind::kConvolution || n.kind == OpKind::kDeconvolution;
}

}  // namespace

Executor::Executor(const Graph& g, bool reference, bool fuse)
    : g_(g),
      lastUse_(g.tensors.size(), -1),
      state_(g.nodes.size()),
      fusion_([&] {
        std::vector<bool> int8 = int8Layers(g, reference);
        return planFusion(g, fuse, !reference, &int8);
      }()),
      groupPlans_(fusion_.groups.size()),
      poolPlans_(fusion_.groups.size()),
      layoutOf_(g.tensors.size(), nullptr),
      planTried_(fusion_.groups.size(), false),
      isOutput_(g.tensors.size(), false),
      reference_(reference) {
  // A fused group reads all its inputs when its last layer's turn comes.
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    int k = fusion_.groupOf[i];
    int at = k >= 0 ? fusion_.groups[k].last : int(i);
    for (TensorId t : g.nodes[i].inputs)
      if (t != kNoTensor) lastUse_[t] = std::max(lastUse_[t], at);
  }
  for (TensorId t : g.outputs) {
    lastUse_[t] = int(g.nodes.size());  // never freed
    isOutput_[t] = true;
  }
  std::vector<bool> int8 = int8Layers(g, reference);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    int k = fusion_.groupOf[i];
    if (int8[i])
      steps_.push_back({Step::Kind::kInt8, NodeId(i)});
    else if (k < 0)
      steps_.push_back({Step::Kind::kLayer, NodeId(i)});
    else if (fusion_.groups[k].last == NodeId(i))
      steps_.push_back({Step::Kind::kGroup, NodeId(i), k});
  }
  setNumerics(numerics_);
}

Executor::~Executor() = default;

NodeId Executor::runsWith(NodeId n) const {
  int k = fusion_.groupOf[size_t(n)];
  if (k >= 0) return fusion_.groups[size_t(k)].last;
  return int8_ && int8_->fusedActivation(n) >= 0 ? int8_->fusedActivation(n) : n;
}

NodeId Executor::headOf(const Step& s) const {
  if (s.kind != Step::Kind::kGroup) return s.node;
  const ConvGroup& grp = fusion_.groups[size_t(s.group)];
  return grp.conv >= 0 ? grp.conv : grp.pool;
}

bool Executor::isGraphOutput(TensorId t) const {
  return isOutput_[size_t(t)];
}

void Executor::setNumerics(const kern::DlaNumerics& numerics) {
  numerics_ = numerics;
  constants_.clear();
  std::vector<bool> int8 = int8Layers(g_, reference_);
  int8_ = std::find(int8.begin(), int8.end(), true) == int8.end()
              ? nullptr
              : std::make_unique<Int8Path>(g_, numerics, std::move(int8));
  if (int8_)
    int8_->setBuffers([this](TensorId t, BufferUse use, DType d, const Shape& s) {
      return buffer(t, use, d, s);
    });
  prepared_ = false;  // the INT8 layers are prepared again
}

// INT8 layers never come here: the INT8 pipeline runs them.
void Executor::reduce(Tensor& t, TensorId id, Precision mode) const {
  if (mode == Precision::kFP16) kern::roundToFp16Array(t.data<float>(), t.size());
}

const Tensor& Executor::reducedWeights(TensorId t, Precision mode) {
  auto key = std::make_pair(t, mode);
  auto it = reducedWeights_.find(key);
  if (it != reducedWeights_.end()) return it->second;
  Tensor r = g_.tensor(t).value.clone();
  if (mode == Precision::kFP16) kern::roundToFp16Array(r.data<float>(), r.size());
  return reducedWeights_[key] = std::move(r);
}

// The weights a layer reads: rounded for convolutions in FP16, as the DLA stores them for other
// FP16 layers, as stored otherwise. (INT8 layers quantise theirs in the INT8 pipeline.)
const Tensor& Executor::weightsFor(NodeId n, TensorId t) {
  Precision m = modeOf(n);
  if (isConv(g_.nodes[n])) return m == Precision::kFP16 ? reducedWeights(t, m) : g_.tensor(t).value;
  return constantFor(n, t);
}

// A constant operand of a non-convolution layer: FP16 layers read it as the DLA stores it,
// FP19 on Orin (seed §3.3: non-convolution weights are FP19 values) or FP16 on Xavier (NVDLA
// v1's FP16 SDP takes FP16 operands). Convolution biases stay FP32 (docs/numerics.md).
const Tensor& Executor::constantFor(NodeId reader, TensorId t) {
  const Tensor& v = g_.tensor(t).value;
  if (modeOf(reader) != Precision::kFP16 || v.dtype() != DType::kFloat) return v;
  auto it = constants_.find(t);
  if (it != constants_.end()) return it->second;
  Tensor r = v.clone();
  float* p = r.data<float>();
  for (int64_t i = 0; i < r.size(); ++i)
    p[i] = numerics_.fp19Constants() ? kern::numeric::roundToFp19(p[i])
                                     : kern::numeric::roundToFp16(p[i]);
  return constants_[t] = std::move(r);
}

Tensor Executor::buffer(TensorId t, BufferUse use, DType dtype, const Shape& shape) {
  int s = slot_.empty() ? -1 : slot_[size_t(use)][size_t(t)];
  if (s >= 0) {
    Tensor v = arena_.view(size_t(s), dtype, shape);
    if (!v.empty()) return v;
  }
  // A graph output's value leaves the executor: it needs memory a later run does not reuse.
  bool returned = isGraphOutput(t) && (use == BufferUse::kValue || use == BufferUse::kConverted);
  if (!returned) ++unplanned_;
  return Tensor::uninitialized(dtype, shape);
}

const Tensor& Executor::readAs(NodeId reader, TensorId t, std::vector<Tensor>& live,
                               std::vector<Tensor>& rounded) {
  Precision m = modeOf(reader);
  if (g_.tensor(t).isConstant()) return isConv(g_.nodes[reader]) ? live[t] : constantFor(reader, t);
  const Tensor* v = &live[t];
  if (int8_ && int8_->isInt8(t, *v)) v = &int8_->floatView(t, *v);  // the reformat out of INT8
  if (m == Precision::kFP32 || v->dtype() != DType::kFloat) return *v;
  int p = g_.tensor(t).producer;
  if (p >= 0 && modeOf(p) == m) return *v;  // already in this precision
  if (rounded[t].empty()) {                 // the reformat at a DLA boundary
    rounded[t] = buffer(t, BufferUse::kRounded, v->dtype(), v->shape());
    std::memcpy(rounded[t].raw(), v->raw(), v->bytes());
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
  prepare();
  unplanned_ = 0;
  for (size_t t = 0; t < g_.tensors.size(); ++t)
    if (g_.tensors[t].isConstant()) live[t] = g_.tensors[t].value;  // may be empty once freed
  if (int8_) int8_->beginRun();

  for (const Step& s : steps_) {
    try {
      runStep(s, live, rounded);
    } catch (const Error& e) {
      const Node& n = g_.nodes[headOf(s)];
      fail("node '", n.name, "' (", n.onnxOp, "): ", e.what());
    }
    if (afterLayer) observe(s, live);
    release(s, live, rounded);
  }
  std::vector<Tensor> outs;
  for (TensorId t : g_.outputs)
    outs.push_back(int8_ && int8_->isInt8(t, live[t]) ? int8_->floatView(t, live[t]) : live[t]);
  return outs;
}

void Executor::runStep(const Step& s, std::vector<Tensor>& live, std::vector<Tensor>& rounded) {
  switch (s.kind) {
    case Step::Kind::kInt8:
      int8_->run(s.node, live);
      return;
    case Step::Kind::kGroup:
      runGroup(s.group, live, rounded);
      return;
    case Step::Kind::kLayer:
      runLayer(s.node, live, rounded);
      return;
  }
}

void Executor::runLayer(NodeId i, std::vector<Tensor>& live, std::vector<Tensor>& rounded) {
  const Node& n = g_.nodes[i];
  OpIO io;
  io.state = &state_[i];
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    TensorId t = n.inputs[k];
    bool weights = k == 1 && t != kNoTensor && g_.tensor(t).isConstant();
    io.in.push_back(t == kNoTensor ? nullptr
                    : weights      ? &weightsFor(i, t)
                                   : &readAs(i, t, live, rounded));
    io.constant.push_back(t != kNoTensor && g_.tensors[t].isConstant());
  }
  for (TensorId t : n.outputs) {
    if (t == kNoTensor) {
      io.out.push_back(nullptr);
      continue;
    }
    live[t] = buffer(t, BufferUse::kValue, g_.desc(t).dtype, g_.desc(t).shape);
    io.out.push_back(&live[t]);
  }
  opDef(n.kind).run(n, io);
  roundOutputs(i, live);
}

// What afterLayer sees: INT8 outputs dequantised (an element-wise layer fused into the
// activation after it has none), blocked group outputs as nullptr.
void Executor::observe(const Step& s, std::vector<Tensor>& live) {
  const Node& n = g_.nodes[s.node];
  std::vector<Tensor*> outs;
  for (TensorId t : n.outputs) {
    bool hidden =
        t == kNoTensor || live[t].empty() || (s.kind == Step::Kind::kGroup && fusion_.blocked[t]);
    if (hidden)
      outs.push_back(nullptr);
    else if (int8_ && int8_->isInt8(t, live[t]))
      outs.push_back(const_cast<Tensor*>(&int8_->floatView(t, live[t])));
    else
      outs.push_back(&live[t]);
  }
  afterLayer(s.node, outs);
}

// Forgets activations whose last reader was this step (constants keep their graph copy); the
// arena keeps their memory for the buffers planned after them.
void Executor::release(const Step& s, std::vector<Tensor>& live, std::vector<Tensor>& rounded) {
  auto drop = [&](TensorId t) {
    if (live[t].empty()) return;
    live[t] = Tensor();
    rounded[t] = Tensor();
    if (int8_) int8_->release(t);
  };
  std::vector<NodeId> members = {s.node};
  if (s.kind == Step::Kind::kGroup) {
    const ConvGroup& grp = fusion_.groups[size_t(s.group)];
    members = {grp.conv, grp.add, grp.act, grp.pool};
  }
  int at = int(s.node);
  for (NodeId m : members) {
    if (m < 0) continue;
    for (TensorId t : g_.nodes[m].inputs)
      if (t != kNoTensor && lastUse_[t] == at && !g_.tensors[t].isConstant()) drop(t);
    for (TensorId t : g_.nodes[m].outputs)
      if (t != kNoTensor && lastUse_[t] < 0) drop(t);  // never read
  }
}

void Executor::prepare() {
  if (prepared_) return;
  for (size_t k = 0; k < fusion_.groups.size(); ++k) preparePlan(int(k));
  if (int8_) int8_->prepare();
  planMemory();
  prepared_ = true;
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
  if (int8_)
    for (TensorId t : int8_->constantsHeld()) ++byPlans[t];
  std::vector<TensorId> out;
  for (size_t t = 0; t < g_.tensors.size(); ++t)
    if (g_.tensors[t].isConstant() && byPlans[t] > 0 && byPlans[t] == readers[t] &&
        !isGraphOutput(TensorId(t)))
      out.push_back(TensorId(t));
  return out;
}

void Executor::runGroup(int k, std::vector<Tensor>& live, std::vector<Tensor>& rounded) {
  const ConvGroup& grp = fusion_.groups[k];
  NodeId head = grp.conv >= 0 ? grp.conv : grp.pool;
  auto in = [&](TensorId t) { return readAs(head, t, live, rounded).data<float>(); };
  TensorId out = g_.nodes[grp.last].outputs[0];
  const Shape& shape = g_.desc(out).shape;
  // A blocked output is the plan's bytes, as floats.
  auto blockedShape = [](size_t bytes) { return Shape{int64_t((bytes + 3) / 4)}; };
  if (grp.pool >= 0) {
    const kern::PoolPlan& plan = *poolPlans_[k];
    TensorId x = g_.nodes[grp.pool].inputs[0];
    bool blocked = fusion_.blocked[out];
    live[out] = buffer(out, BufferUse::kValue, DType::kFloat,
                       blocked ? blockedShape(kern::poolBlockedOutputBytes(plan)) : shape);
    kern::executePoolF32(plan, in(x), live[out].data<float>(), blocked);
    roundOutputs(grp.last, live);
    return;
  }
  const Node& conv = g_.nodes[grp.conv];
  TensorId x = conv.inputs[0];
  const float* residual = grp.residual != kNoTensor ? in(grp.residual) : nullptr;
  if (!groupPlans_[k]) {
    // oneDNN has no kernel for this geometry: reference loops, then the fused point-wise ops.
    const Tensor& w = weightsFor(grp.conv, conv.inputs[1]);
    const float* b = conv.inputs.size() > 2 && conv.inputs[2] != kNoTensor
                         ? g_.tensor(conv.inputs[2]).value.data<float>()
                         : nullptr;
    live[out] = buffer(out, BufferUse::kValue, DType::kFloat, shape);
    kern::convolveF32(nullptr, convParams(g_, conv), in(x), w.data<float>(), b,
                      live[out].data<float>(), residual, grp.post);
    roundOutputs(grp.last, live);
    return;
  }
  // When the residual dies here in the output's layout, the arena gave both one buffer
  // (planMemory): the sum post-op then adds in place instead of copying the residual first.
  const kern::ConvPlan& plan = *groupPlans_[k];
  bool blocked = fusion_.blocked[out];
  live[out] = buffer(out, BufferUse::kValue, DType::kFloat,
                     blocked ? blockedShape(kern::convBlockedOutputBytes(plan)) : shape);
  kern::executeConvF32(plan, in(x), layoutOf_[x], live[out].data<float>(), blocked, residual,
                       grp.residual != kNoTensor ? layoutOf_[grp.residual] : nullptr);
  roundOutputs(grp.last, live);
}

}  // namespace sim
