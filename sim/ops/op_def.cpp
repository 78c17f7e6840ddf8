#include "sim/ops/op_def.h"

namespace sim {

const OpDef& opDef(OpKind k) {
  static const OpDef kTable[] = {
#define OP(Name, TrtType, AttrsT) \
  {#Name, &infer##Name, &work##Name, &run##Name, &traits##Name, &params##Name},
#include "sim/ir/ops.def"
#undef OP
  };
  return kTable[static_cast<size_t>(k)];
}

std::vector<TensorDesc> inferNode(const Graph& g, const Node& n) {
  std::vector<const TensorDesc*> in;
  for (TensorId t : n.inputs) in.push_back(t == kNoTensor ? nullptr : &g.desc(t));
  try {
    std::vector<TensorDesc> out = opDef(n.kind).infer(n, in);
    // One check for every kind: no output may have a negative dimension or more than 2^31
    // elements, whatever the attributes (from a model or an engine file) say.
    for (const TensorDesc& d : out) checkShape(d.shape);
    return out;
  } catch (const Error& e) {
    fail("node '", n.name, "' (", n.onnxOp, "): ", e.what());
  }
}

OpTraits opTraits(const Node& n) {
  return opDef(n.kind).traits(n);
}

LayerParams kindParams(const Node& n) {
  return {{"ParameterType", std::string(opKindName(n.kind))}};
}

LayerWork layerWork(const Graph& g, const Node& n) {
  WorkArgs a{n, {}, {}, {}, n.precision};
  for (TensorId t : n.inputs) {
    a.in.push_back(t == kNoTensor ? nullptr : &g.desc(t));
    a.constant.push_back(t != kNoTensor && g.tensor(t).isConstant());
  }
  for (TensorId t : n.outputs) a.out.push_back(t == kNoTensor ? nullptr : &g.desc(t));
  return opDef(n.kind).work(a);
}

int64_t WorkArgs::bytes(const TensorDesc* d) const {
  if (!d) return 0;
  size_t each = d->dtype == DType::kFloat ? dlasim::precisionBytes(precision) : dtypeSize(d->dtype);
  return volume(d->shape) * int64_t(each);
}

int64_t WorkArgs::activationInputBytes() const {
  int64_t b = 0;
  for (size_t i = 0; i < in.size(); ++i)
    if (!constant[i]) b += bytes(in[i]);
  return b;
}

int64_t WorkArgs::outputBytes() const {
  int64_t b = 0;
  for (const TensorDesc* d : out) b += bytes(d);
  return b;
}

int64_t WorkArgs::constantBytes(int weightInput) const {
  int64_t b = 0;
  for (size_t i = 0; i < in.size(); ++i)
    if (constant[i] && in[i]) b += int(i) == weightInput ? bytes(in[i]) : volume(in[i]->shape) * 4;
  return b;
}

LayerWork pointwiseWork(const WorkArgs& a, int64_t opsPerElement, EngineUnit unit) {
  LayerWork w;
  w.eltOps = a.outVolume() * opsPerElement;
  w.inputBytes = a.activationInputBytes();
  w.outputBytes = a.outputBytes();
  w.weightBytes = a.constantBytes(-1);
  w.unit = unit;
  return w;
}

const TensorDesc& requireInput(const std::vector<const TensorDesc*>& in, size_t i) {
  if (i >= in.size() || !in[i]) fail("missing required input #", i);
  return *in[i];
}

void requireFloat(const TensorDesc& d, const char* what) {
  if (d.dtype != DType::kFloat) fail(what, " must be float32, got ", dtypeName(d.dtype));
}

void requireRank(const TensorDesc& d, size_t minRank, size_t maxRank, const char* what) {
  if (d.shape.size() < minRank || d.shape.size() > maxRank)
    fail(what, " has rank ", d.shape.size(), " (shape ", shapeStr(d.shape), "), expected ",
         minRank == maxRank ? cat(minRank) : cat(minRank, "..", maxRank));
}

}  // namespace sim
