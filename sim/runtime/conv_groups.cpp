#include "sim/runtime/conv_groups.h"

#include <algorithm>

#include "sim/ops/kernel_params.h"

namespace sim {

kern::ConvParams convParams(const Graph& g, const Node& n) {
  return convParams(n.get<ConvAttrs>(), g.desc(n.inputs[0]).shape, g.desc(n.outputs[0]).shape);
}

kern::PoolParams poolParams(const Graph& g, const Node& n) {
  const Shape& x = g.desc(n.inputs[0]).shape;
  if (n.kind == OpKind::kReduce) {  // mean over H, W = a global average pool
    PoolAttrs a;
    a.type = PoolType::kAverage;
    a.global = true;
    return poolParams(a, x, g.desc(n.outputs[0]).shape);
  }
  return poolParams(n.get<PoolAttrs>(), x, g.desc(n.outputs[0]).shape);
}

namespace {

// Pooling oneDNN computes exactly as ONNX: 2-D float, no dilation, and no ceil-mode overhang
// counted as padding by an include-padding average.
bool onednnPool(const Graph& g, const Node& n) {
  if (g.desc(n.inputs[0]).dtype != DType::kFloat || g.desc(n.inputs[0]).shape.size() != 4)
    return false;
  if (n.kind == OpKind::kReduce) {  // GlobalAveragePool as TensorRT imports it
    const auto& r = n.get<ReduceAttrs>();
    return r.op == ReduceOp::kMean && r.keepDims && r.axes == Ints{2, 3};
  }
  if (n.kind != OpKind::kPooling) return false;
  const auto& a = n.get<PoolAttrs>();
  if (a.global) return false;
  if (a.dilations[0] != 1 || a.dilations[1] != 1) return false;
  return !(a.type == PoolType::kAverage && a.countIncludePad && a.ceilMode);
}

bool fusableActivation(const Node& n, kern::ConvPostOps* post) {
  if (n.kind != OpKind::kActivation) return false;
  const auto& a = n.get<ActivationAttrs>();
  using Act = kern::ConvPostOps::Act;
  switch (a.type) {
    case ActType::kRelu:
      post->act = Act::kRelu;
      return true;
    case ActType::kLeakyRelu:
      post->act = Act::kLeakyRelu;
      post->alpha = a.alpha;
      return true;
    case ActType::kClip:
      post->act = Act::kClip;
      post->alpha = a.alpha;
      post->beta = a.beta;
      return true;
    default:
      return false;
  }
}

}  // namespace

FusionPlan planFusion(const Graph& g, bool fuse, bool byPrecision,
                      const std::vector<bool>* exclude) {
  auto same = [&](NodeId a, NodeId b) {
    return !byPrecision || g.nodes[a].precision == g.nodes[b].precision;
  };
  FusionPlan f;
  f.groupOf.assign(g.nodes.size(), -1);
  f.blocked.assign(g.tensors.size(), false);
  if (!fuse) return f;
  std::vector<std::vector<NodeId>> readers(g.tensors.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (TensorId t : g.nodes[i].inputs)
      if (t != kNoTensor) readers[t].push_back(NodeId(i));
  auto isOutput = [&](TensorId t) {
    return std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
  };
  auto soleReader = [&](TensorId t) -> NodeId {
    return readers[t].size() == 1 && !isOutput(t) ? readers[t][0] : -1;
  };
  auto excluded = [&](NodeId i) { return exclude && size_t(i) < exclude->size() && (*exclude)[i]; };
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (excluded(NodeId(i))) continue;
    if (onednnPool(g, n)) {
      ConvGroup grp;
      grp.pool = grp.last = NodeId(i);
      f.groupOf[i] = int(f.groups.size());
      f.groups.push_back(grp);
      continue;
    }
    if (n.kind != OpKind::kConvolution) continue;
    bool constW =
        g.tensor(n.inputs[1]).isConstant() &&
        (n.inputs.size() < 3 || n.inputs[2] == kNoTensor || g.tensor(n.inputs[2]).isConstant());
    if (!constW || g.desc(n.inputs[0]).dtype != DType::kFloat) continue;
    ConvGroup grp;
    grp.conv = grp.last = NodeId(i);
    TensorId out = n.outputs[0];
    NodeId next = soleReader(out);
    if (n.get<ConvAttrs>().fusedRelu) {
      grp.post.act = kern::ConvPostOps::Act::kRelu;
      next = -1;  // ReLU comes before anything that follows
    }
    // An Add both of whose operands are convolutions (a projection shortcut) joins only the
    // first; the second convolution then runs on its own.
    if (next >= 0 && f.groupOf[next] < 0 && same(NodeId(i), next) && !excluded(next) &&
        g.nodes[next].kind == OpKind::kElementWise &&
        g.nodes[next].get<EltAttrs>().op == EltOp::kSum) {
      const Node& add = g.nodes[next];
      TensorId other = add.inputs[0] == out ? add.inputs[1] : add.inputs[0];
      if (other != out && g.desc(other).shape == g.desc(out).shape &&
          g.desc(other).dtype == DType::kFloat) {
        grp.add = grp.last = next;
        grp.residual = other;
        grp.post.sum = true;
        out = add.outputs[0];
        next = soleReader(out);
      }
    }
    if (next >= 0 && f.groupOf[next] < 0 && same(NodeId(i), next) && !excluded(next) &&
        fusableActivation(g.nodes[next], &grp.post))
      grp.act = grp.last = next;
    for (NodeId m : {grp.conv, grp.add, grp.act})
      if (m >= 0) f.groupOf[m] = int(f.groups.size());

    f.groups.push_back(grp);
  }
  // A group's output stays blocked when every reader is a group reading it as its input or
  // its residual, and it is not a graph output.
  for (const auto& grp : f.groups) {
    TensorId out = g.nodes[grp.last].outputs[0];
    if (isOutput(out) || readers[out].empty() || g.desc(out).shape.size() != 4) continue;
    bool ok = true;
    for (NodeId r : readers[out]) {
      int k = f.groupOf[r];
      if (k < 0) {
        ok = false;
        break;
      }
      const ConvGroup& c = f.groups[k];
      bool asInput = (r == c.conv || r == c.pool) && g.nodes[r].inputs[0] == out;
      bool asResidual = r == c.add && c.residual == out;
      ok &= asInput || asResidual;
    }
    f.blocked[out] = ok;
  }
  return f;
}

}  // namespace sim
