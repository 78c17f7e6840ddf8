// TopK (TensorRT's TopK layer; ONNX TopK, ArgMax, ArgMin): the k largest or smallest values
// along one axis and their int64 indices. Shape inference, traits, work and reference run.
#include "kernels/topk.h"

#include "sim/ops/op_def.h"

namespace sim {

namespace {

// The outputs' shape: the axis becomes k, or goes (ArgMax / ArgMin with keepdims = 0).
Shape topKShape(const Shape& x, int64_t axis, const TopKAttrs& a) {
  Shape out = x;
  if (a.keepDims)
    out[size_t(axis)] = a.k;
  else
    out.erase(out.begin() + axis);
  return out;
}

}  // namespace

std::vector<TensorDesc> inferTopK(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<TopKAttrs>();
  const TensorDesc& x = requireInput(in, 0);
  if (x.dtype != DType::kFloat && x.dtype != DType::kInt32 && x.dtype != DType::kInt64)
    fail("input must be float32, int32 or int64, got ", dtypeName(x.dtype));
  requireRank(x, 1, 8, "input");
  int64_t axis;
  if (!normalizeAxis(a.axis, int64_t(x.shape.size()), &axis))
    fail("axis ", a.axis, " out of range for shape ", shapeStr(x.shape));
  if (a.k < 1 || a.k > x.shape[size_t(axis)])
    fail("k ", a.k, " must be in [1, ", x.shape[size_t(axis)], "] (dimension ", axis, " of ",
         shapeStr(x.shape), ")");
  if (!a.keepDims && a.k != 1)
    fail("k ", a.k, " without keeping the axis (only k = 1 may drop it)");
  Shape out = topKShape(x.shape, axis, a);
  std::vector<TensorDesc> outs;
  if (a.withValues) outs.push_back({x.dtype, out});
  outs.push_back({DType::kInt64, out});
  return outs;
}

LayerParams paramsTopK(const Graph& g, const Node& n, const std::string&) {
  const auto& a = n.get<TopKAttrs>();
  int64_t axis = 0;
  normalizeAxis(a.axis, int64_t(g.desc(n.inputs[0]).shape.size()), &axis);
  return {{"ParameterType", std::string("TopK")},
          {"Operation", std::string(a.largest ? "MAX" : "MIN")},
          {"K", a.k},
          {"Axes", int64_t(1) << axis}};  // TensorRT's reduce-axes bit mask
}

// A GPU layer in TensorRT 8.x: no DLA precision, no integer model; its indices are integers.
OpTraits traitsTopK(const Node&) {
  OpTraits t;
  t.gpuHalf = t.gpuInt32 = true;
  return t;
}

// A selection: about log2(k) + 1 comparisons per input element (a heap of k); no DLA unit.
LayerWork workTopK(const WorkArgs& a) {
  int64_t k = a.n.get<TopKAttrs>().k, depth = 1;
  while ((int64_t(1) << (depth - 1)) < k) ++depth;
  LayerWork w;
  w.eltOps = volume(a.in[0]->shape) * depth;
  w.inputBytes = a.activationInputBytes();
  w.outputBytes = a.outputBytes();
  w.unit = EngineUnit::kNone;
  return w;
}

void runTopK(const Node& n, const OpIO& io) {
  const auto& a = n.get<TopKAttrs>();
  const Tensor& x = *io.in[0];
  const Shape& s = x.shape();
  int64_t axis;
  normalizeAxis(a.axis, int64_t(s.size()), &axis);
  kern::TopKParams p;
  p.outer = volume(s, 0, size_t(axis));
  p.n = s[size_t(axis)];
  p.inner = volume(s, size_t(axis) + 1, s.size());
  p.k = a.k;
  p.largest = a.largest;
  p.lastOnTies = a.lastOnTies;
  Tensor* values = a.withValues ? io.out[0] : nullptr;
  int64_t* indices = io.out[a.withValues ? 1 : 0]->data<int64_t>();
  if (x.dtype() == DType::kInt32)
    kern::topK(p, x.data<int32_t>(), values ? values->data<int32_t>() : nullptr, indices);
  else if (x.dtype() == DType::kInt64)
    kern::topK(p, x.data<int64_t>(), values ? values->data<int64_t>() : nullptr, indices);
  else  // float: infer admits nothing else
    kern::topK(p, x.data<float>(), values ? values->data<float>() : nullptr, indices);
}

}  // namespace sim
