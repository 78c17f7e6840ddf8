// Layers that only move data: Concatenation, Slice, Shuffle, Padding, Gather.
#include "kernels/movement.h"

#include <cstring>

#include "sim/ops/op_def.h"

namespace sim {

namespace {

bool isIdentityPerm(const Ints& p) {
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] != int64_t(i)) return false;
  return true;
}

Shape permute(const Shape& s, const Ints& perm) {
  if (perm.empty()) return s;
  if (perm.size() != s.size())
    fail("permutation of rank ", perm.size(), " for shape ", shapeStr(s));
  std::vector<bool> seen(s.size(), false);
  Shape out(s.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] < 0 || perm[i] >= int64_t(s.size()) || seen[perm[i]])
      fail("invalid permutation entry ", perm[i], " for shape ", shapeStr(s));
    seen[perm[i]] = true;
    out[i] = s[perm[i]];
  }
  return out;
}

}  // namespace

std::vector<TensorDesc> inferConcatenation(const Node& n,
                                           const std::vector<const TensorDesc*>& in) {
  if (in.empty()) fail("needs at least one input");
  const auto& first = requireInput(in, 0);
  int64_t axis;
  if (!normalizeAxis(n.get<ConcatAttrs>().axis, int64_t(first.shape.size()), &axis))
    fail("axis ", n.get<ConcatAttrs>().axis, " out of range for shape ", shapeStr(first.shape));
  Shape out = first.shape;
  out[axis] = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const auto& t = requireInput(in, i);
    if (t.dtype != first.dtype) fail("input #", i, " has type ", dtypeName(t.dtype));
    if (t.shape.size() != first.shape.size()) fail("input #", i, " has shape ", shapeStr(t.shape));
    for (size_t d = 0; d < out.size(); ++d)
      if (int64_t(d) != axis && t.shape[d] != first.shape[d])
        fail("input #", i, " shape ", shapeStr(t.shape), " differs from ", shapeStr(first.shape),
             " outside axis ", axis);
    out[axis] = addDims(out[axis], t.shape[axis]);
  }
  return {{first.dtype, out}};
}

LayerParams paramsConcatenation(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsConcatenation(const Node&) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuInt32 = t.dlaInt8 = true;
  t.int8 = Int8Model::kConcatenation;
  t.assemblesInPlace = true;
  return t;
}

// A copy of every input into the output (BDMA on the DLA).
LayerWork workConcatenation(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kBDMA);
}

void runConcatenation(const Node& n, const OpIO& io) {
  const Shape& s = io.out[0]->shape();
  int64_t axis;
  normalizeAxis(n.get<ConcatAttrs>().axis, int64_t(s.size()), &axis);
  std::vector<const void*> xs;
  std::vector<int64_t> lens;
  for (const Tensor* t : io.in) {
    xs.push_back(t->raw());
    lens.push_back(t->shape()[axis]);
  }
  kern::concat(xs, lens, volume(s, 0, axis), volume(s, axis + 1, s.size()),
               dtypeSize(io.out[0]->dtype()), io.out[0]->raw());
}

std::vector<TensorDesc> inferSlice(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<SliceAttrs>();
  const auto& x = requireInput(in, 0);
  size_t r = x.shape.size();
  if (a.start.size() != r || a.size.size() != r || a.stride.size() != r)
    fail("slice parameters have rank ", a.start.size(), " for input ", shapeStr(x.shape));
  for (size_t d = 0; d < r; ++d) {
    if (a.size[d] < 0) fail("negative slice size ", a.size[d]);
    if (a.size[d] == 0) continue;
    // Checked in wrap mode too: the kernel computes start + i * stride for every i < size.
    int64_t last = addDims(a.start[d], mulDims(a.size[d] - 1, a.stride[d]));
    if (a.mode == SliceMode::kWrap) continue;
    if (a.start[d] < 0 || a.start[d] >= x.shape[d] || last < 0 || last >= x.shape[d])
      fail("slice [", a.start[d], ", step ", a.stride[d], ", ", a.size[d],
           " elements) is out of bounds for dim ", d, " of size ", x.shape[d]);
  }
  if (a.mode == SliceMode::kWrap)
    for (size_t d = 0; d < r; ++d)
      if (x.shape[d] == 0 && a.size[d] > 0) fail("cannot tile an empty dimension");
  return {{x.dtype, a.size}};
}

LayerParams paramsSlice(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsSlice(const Node&) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuInt32 = true;  // FP16 only on the DLA (seed §3.2)
  return t;
}

LayerWork workSlice(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kBDMA);
}

void runSlice(const Node& n, const OpIO& io) {
  const auto& a = n.get<SliceAttrs>();
  kern::stridedSlice(io.in[0]->shape(), a.start, a.stride, a.size, a.mode == SliceMode::kWrap,
                     dtypeSize(io.in[0]->dtype()), io.in[0]->raw(), io.out[0]->raw());
}

std::vector<TensorDesc> inferShuffle(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<ShuffleAttrs>();
  const auto& x = requireInput(in, 0);
  Shape s = permute(x.shape, a.firstPerm);
  if (a.doReshape) {
    for (int64_t d : a.reshape)
      if (d < 0) fail("reshape dimension ", d, " is negative");
    if (volume(a.reshape) != volume(s))
      fail("cannot reshape ", shapeStr(s), " (", volume(s), " elements) to ", shapeStr(a.reshape));
    s = a.reshape;
  }
  return {{x.dtype, permute(s, a.secondPerm)}};
}

LayerParams paramsShuffle(const Graph&, const Node& n, const std::string&) {
  const auto& a = n.get<ShuffleAttrs>();
  LayerParams p{{"ParameterType", std::string("Shuffle")}, {"FirstTranspose", a.firstPerm}};
  if (a.doReshape) p.push_back({"Reshape", a.reshape});
  p.push_back({"SecondTranspose", a.secondPerm});
  p.push_back({"ZeroIsPlaceholder", int64_t(0)});
  return p;
}

OpTraits traitsShuffle(const Node&) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuInt32 = t.dlaInt8 = true;
  t.commutesWithScale = true;
  return t;
}

// A pure reshape is a view; a transpose moves data (Rubik on the DLA).
LayerWork workShuffle(const WorkArgs& a) {
  const auto& s = a.n.get<ShuffleAttrs>();
  bool moves = !s.firstPerm.empty() || !s.secondPerm.empty();
  return moves ? pointwiseWork(a, 1, EngineUnit::kRubik) : LayerWork{};
}

void runShuffle(const Node& n, const OpIO& io) {
  const auto& a = n.get<ShuffleAttrs>();
  const Tensor& x = *io.in[0];
  Tensor& y = *io.out[0];
  size_t es = dtypeSize(x.dtype());
  Tensor cur = x;
  if (!a.firstPerm.empty() && !isIdentityPerm(a.firstPerm)) {
    Tensor t(x.dtype(), permute(x.shape(), a.firstPerm));
    kern::transpose(x.shape(), a.firstPerm, es, x.raw(), t.raw());
    cur = t;
  }
  Shape mid = a.doReshape ? a.reshape : cur.shape();
  if (!a.secondPerm.empty() && !isIdentityPerm(a.secondPerm)) {
    kern::transpose(mid, a.secondPerm, es, cur.raw(), y.raw());
  } else {
    std::memcpy(y.raw(), cur.raw(), cur.bytes());
  }
}

std::vector<TensorDesc> inferPadding(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<PadAttrs>();
  const auto& x = requireInput(in, 0);
  if (a.padsBegin.size() != x.shape.size() || a.padsEnd.size() != x.shape.size())
    fail("pads have rank ", a.padsBegin.size(), " for input ", shapeStr(x.shape));
  Shape out(x.shape);
  for (size_t d = 0; d < out.size(); ++d) {
    out[d] = addDims(out[d], addDims(a.padsBegin[d], a.padsEnd[d]));
    if (out[d] < 0)
      fail("pads ", a.padsBegin[d], ",", a.padsEnd[d], " crop dim ", d, " below zero");
    if (a.mode == PadMode::kReflect &&
        (a.padsBegin[d] >= x.shape[d] || a.padsEnd[d] >= x.shape[d]) &&
        (a.padsBegin[d] > 0 || a.padsEnd[d] > 0))
      fail("reflect pad ", std::max(a.padsBegin[d], a.padsEnd[d]), " >= dim ", d, " size ",
           x.shape[d]);
  }
  return {{x.dtype, out}};
}

LayerParams paramsPadding(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsPadding(const Node&) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.dlaInt8 = true;
  return t;
}

LayerWork workPadding(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kRubik);
}

void runPadding(const Node& n, const OpIO& io) {
  const auto& a = n.get<PadAttrs>();
  const Tensor& x = *io.in[0];
  Tensor value = Tensor::fromVector<double>(DType::kDouble, {}, {a.value}).castTo(x.dtype());
  auto kind = a.mode == PadMode::kConstant ? kern::PadKind::kConstant
              : a.mode == PadMode::kEdge   ? kern::PadKind::kEdge
                                           : kern::PadKind::kReflect;
  kern::pad(x.shape(), a.padsBegin, io.out[0]->shape(), kind, value.raw(), dtypeSize(x.dtype()),
            x.raw(), io.out[0]->raw());
}

std::vector<TensorDesc> inferGather(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto &x = requireInput(in, 0), &idx = requireInput(in, 1);
  if (idx.dtype != DType::kInt64 && idx.dtype != DType::kInt32)
    fail("indices must be int32 or int64, got ", dtypeName(idx.dtype));
  int64_t axis;
  if (!normalizeAxis(n.get<GatherAttrs>().axis, int64_t(x.shape.size()), &axis))
    fail("axis ", n.get<GatherAttrs>().axis, " out of range for shape ", shapeStr(x.shape));
  Shape out(x.shape.begin(), x.shape.begin() + axis);
  out.insert(out.end(), idx.shape.begin(), idx.shape.end());
  out.insert(out.end(), x.shape.begin() + axis + 1, x.shape.end());
  return {{x.dtype, out}};
}

LayerParams paramsGather(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsGather(const Node&) {
  OpTraits t;
  t.gpuInt32 = t.dlaInt8 = true;
  return t;
}

LayerWork workGather(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kBDMA);
}

void runGather(const Node& n, const OpIO& io) {
  const Tensor &x = *io.in[0], &idx = *io.in[1];
  int64_t axis;
  normalizeAxis(n.get<GatherAttrs>().axis, int64_t(x.shape().size()), &axis);
  int64_t len = x.shape()[axis];
  std::vector<int64_t> indices = idx.asInt64();
  for (auto& i : indices) {
    if (i < -len || i >= len) fail("gather index ", i, " out of range [", -len, ", ", len, ")");
    if (i < 0) i += len;
  }
  kern::gather(x.raw(), volume(x.shape(), 0, axis), len,
               volume(x.shape(), axis + 1, x.shape().size()), indices, dtypeSize(x.dtype()),
               io.out[0]->raw());
}

}  // namespace sim
