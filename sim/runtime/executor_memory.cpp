// The executor's memory plan: which buffers a run needs, when each holds data, and where in the
// arena it lives (sim/runtime/arena.h).
#include <algorithm>

#include "sim/runtime/executor.h"
#include "sim/runtime/int8_path.h"
#include "sim/runtime/int8_specs.h"

namespace sim {

void Executor::planMemory() {
  if (!useArena_) {
    slot_.clear();
    arena_ = Arena();
    return;
  }
  const size_t nt = g_.tensors.size();
  slot_.assign(4, std::vector<int>(nt, -1));
  std::vector<ArenaRequest> req;
  auto request = [&](BufferUse use, TensorId t, size_t bytes, int first, int last) {
    slot_[size_t(use)][size_t(t)] = int(req.size());
    req.push_back({bytes, first, last});
  };
  auto elements = [&](TensorId t) { return size_t(volume(g_.desc(t).shape)); };
  auto plainBytes = [&](TensorId t) { return elements(t) * dtypeSize(g_.desc(t).dtype); };

  // An INT8 element-wise layer writes the output of the activation fused into it; the
  // activation's step then writes nothing.
  std::vector<bool> absorbed(g_.nodes.size(), false);
  for (const Step& s : steps_)
    if (s.kind == Step::Kind::kInt8 && int8_->fusedActivation(s.node) >= 0)
      absorbed[size_t(int8_->fusedActivation(s.node))] = true;

  // The step that writes each tensor's value, and the value's bytes.
  std::vector<int> written(nt, -1);
  std::vector<size_t> bytes(nt, 0);
  std::vector<bool> codes(nt, false);  // int8 codes in NHWC instead of the graph's type
  std::vector<bool> floatRead(nt, false), int8Read(nt, false), roundedRead(nt, false);
  for (const Step& s : steps_) {
    const Node& n = g_.nodes[size_t(s.node)];
    if (s.kind == Step::Kind::kInt8) {
      if (absorbed[size_t(s.node)]) continue;
      NodeId act = int8_->fusedActivation(s.node);
      const Node& writer = act >= 0 ? g_.nodes[size_t(act)] : n;
      for (TensorId t : writer.outputs) {
        if (t == kNoTensor) continue;
        written[t] = int(s.node);
        codes[t] = int8Representable(g_.desc(t));
        bytes[t] = codes[t] ? elements(t) : plainBytes(t);
      }
      bool inFloat = int8_->runsInFloat(s.node);
      for (TensorId t : n.inputs)
        if (t != kNoTensor && !g_.tensor(t).isConstant())
          (inFloat ? floatRead : int8Read)[t] = true;
      continue;
    }
    for (TensorId t : n.outputs) {
      if (t == kNoTensor) continue;
      written[t] = int(s.node);
      bytes[t] = plainBytes(t);
    }
    NodeId head = headOf(s);
    std::vector<NodeId> members = {s.node};
    if (s.kind == Step::Kind::kGroup) {
      const ConvGroup& grp = fusion_.groups[size_t(s.group)];
      members = {grp.conv, grp.add, grp.act, grp.pool};
      TensorId out = n.outputs[0];
      const auto& conv = groupPlans_[size_t(s.group)];
      const auto& pool = poolPlans_[size_t(s.group)];
      size_t blocked = !fusion_.blocked[out] ? 0
                       : conv                ? kern::convBlockedOutputBytes(*conv)
                       : pool                ? kern::poolBlockedOutputBytes(*pool)
                                             : 0;
      if (blocked) bytes[out] = (blocked + 3) / 4 * 4;  // held as floats
    }
    // What readAs makes of an input: a float view of int8 codes, a copy rounded into the
    // reader's precision when the producer computes in another one.
    Precision m = modeOf(head);
    for (NodeId member : members) {
      if (member < 0) continue;
      for (TensorId t : g_.nodes[size_t(member)].inputs) {
        if (t == kNoTensor || g_.tensor(t).isConstant()) continue;
        floatRead[t] = true;
        int p = g_.tensor(t).producer;
        if (m != Precision::kFP32 && g_.desc(t).dtype == DType::kFloat && (p < 0 || modeOf(p) != m))
          roundedRead[t] = true;
      }
    }
  }

  std::vector<bool> isInput(nt, false);
  for (TensorId t : g_.inputs) isInput[t] = true;
  auto firstOf = [&](TensorId t) { return std::max(written[t], 0); };
  auto lastOf = [&](TensorId t) {
    return std::max({lastUse_[t], written[t], int(g_.tensor(t).producer)});
  };
  std::vector<std::vector<TensorId>> writes(g_.nodes.size());
  for (TensorId t = 0; t < TensorId(nt); ++t)
    if (written[t] >= 0) writes[size_t(written[t])].push_back(t);
  for (const Step& s : steps_) {
    // Values, in the order they are written; graph outputs get memory of their own.
    for (TensorId t : writes[size_t(s.node)])
      if (!isOutput_[t]) request(BufferUse::kValue, t, bytes[t], written[t], lastOf(t));
    // A convolution group whose residual dies in it, read as it is and in the output's
    // layout, writes its output over the residual (an in-place sum post-op).
    if (s.kind != Step::Kind::kGroup) continue;
    const ConvGroup& grp = fusion_.groups[size_t(s.group)];
    const auto& plan = groupPlans_[size_t(s.group)];
    TensorId r = grp.residual, out = g_.nodes[size_t(grp.last)].outputs[0];
    if (!plan || r == kNoTensor || slot_[0][r] < 0 || slot_[0][out] != int(req.size()) - 1 ||
        codes[r] || lastUse_[r] != int(grp.last) || bytes[r] != bytes[out])
      continue;
    int p = g_.tensor(r).producer;
    Precision m = modeOf(grp.conv);
    bool readAsIs = m == Precision::kFP32 || (p >= 0 && modeOf(p) == m);
    const kern::Layout* outLayout = fusion_.blocked[out] ? kern::convOutputLayout(*plan) : nullptr;
    if (!readAsIs || !kern::sameLayout(layoutOf_[r], outLayout)) continue;
    int shared = slot_[0][r];
    req.pop_back();  // out's own request, made just above
    slot_[0][out] = shared;
    req[size_t(shared)].last = std::max(req[size_t(shared)].last, lastOf(out));
  }
  // Views and copies live, at most, as long as the value they are made from.
  for (TensorId t = 0; t < TensorId(nt); ++t) {
    if (g_.tensor(t).isConstant() || (written[t] < 0 && !isInput[t])) continue;
    if (codes[t] && (floatRead[t] || afterLayer) && !isOutput_[t])
      request(BufferUse::kConverted, t, elements(t) * 4, firstOf(t), lastOf(t));
    else if (!codes[t] && int8Read[t] && int8Representable(g_.desc(t)))
      request(BufferUse::kConverted, t, elements(t), firstOf(t), lastOf(t));
    if (roundedRead[t])
      request(BufferUse::kRounded, t,
              codes[t] ? elements(t) * 4 : std::max(bytes[t], plainBytes(t)), firstOf(t),
              lastOf(t));
  }
  // Working memory of INT8 layers, for their step alone: the accumulators of a convolution,
  // the float result of a layer without an integer model.
  for (const Step& s : steps_) {
    if (s.kind != Step::Kind::kInt8 || absorbed[size_t(s.node)]) continue;
    const Node& n = g_.nodes[size_t(s.node)];
    NodeId act = int8_->fusedActivation(s.node);
    TensorId out = act >= 0 ? g_.nodes[size_t(act)].outputs[0] : n.outputs[0];
    int at = int(s.node);
    if (int8_->runsInFloat(s.node)) {
      for (TensorId t : n.outputs)
        if (t != kNoTensor && int8Representable(g_.desc(t)))
          request(BufferUse::kScratch, t, plainBytes(t), at, at);
    } else if (n.kind == OpKind::kConvolution || n.kind == OpKind::kDeconvolution) {
      request(BufferUse::kScratch, out, elements(out) * 4, at, at);
    }
  }
  arena_ = Arena(req, planArena(req));
}

}  // namespace sim
