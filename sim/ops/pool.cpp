// Pooling (max / average, incl. the global forms): shape inference and reference run.
#include <algorithm>

#include "sim/ops/kernel_params.h"
#include "sim/ops/op_def.h"

namespace sim {

namespace {

// Checked arithmetic: kernel, stride, pads and dilation come from files.
int64_t poolOut(int64_t in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d, bool ceil) {
  int64_t window = addDims(mulDims(k - 1, d), 1);
  int64_t span = addDims(addDims(in, pb), pe - window);
  int64_t o = addDims(ceil ? addDims(span, s - 1) / s : span / s, 1);
  // With ceil mode the last window must start inside the (front-padded) input.
  if (ceil && mulDims(o - 1, s) >= addDims(in, pb)) --o;
  return o;
}

}  // namespace

std::vector<TensorDesc> inferPooling(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<PoolAttrs>();
  const auto& x = requireInput(in, 0);
  size_t r = a.global ? x.shape.size() - 2 : a.kernel.size();
  if (x.shape.size() < 3) fail("input shape ", shapeStr(x.shape), " has no spatial dimensions");
  requireRank(x, r + 2, r + 2, "input");
  if (r > 3) fail("pooling over ", r, " spatial dimensions is not supported");
  bool integer = x.dtype == DType::kInt8 || x.dtype == DType::kUInt8;
  if (!(x.dtype == DType::kFloat || x.dtype == DType::kDouble ||
        (integer && a.type == PoolType::kMax)))
    fail("pooling of ", dtypeName(x.dtype), " is not supported");
  Shape out = {x.shape[0], x.shape[1]};
  for (size_t i = 0; i < r; ++i) {
    if (a.global) {
      out.push_back(1);
      continue;
    }
    if (a.strides.size() != r || a.dilations.size() != r || a.padsBegin.size() != r ||
        a.padsEnd.size() != r)
      fail("strides/dilations/pads sizes ", a.strides.size(), "/", a.dilations.size(), "/",
           a.padsBegin.size(), "+", a.padsEnd.size(), " do not match a ", r, "-D window");
    if (a.kernel[i] < 1 || a.strides[i] < 1 || a.dilations[i] < 1)
      fail("kernel ", a.kernel[i], ", stride ", a.strides[i], ", dilation ", a.dilations[i],
           " must all be >= 1");
    if (a.padsBegin[i] < 0 || a.padsEnd[i] < 0) fail("negative padding is not supported");
    int64_t o = poolOut(x.shape[2 + i], a.kernel[i], a.strides[i], a.padsBegin[i], a.padsEnd[i],
                        a.dilations[i], a.ceilMode);
    if (o < 1)
      fail("output size ", o, " along spatial dim ", i, " (input ", shapeStr(x.shape), ")");
    out.push_back(o);
  }
  return {{x.dtype, out}};
}

LayerParams paramsPooling(const Graph&, const Node& n, const std::string&) {
  const auto& a = n.get<PoolAttrs>();
  return {{"ParameterType", std::string("Pooling")},
          {"PoolingType", std::string(a.type == PoolType::kMax ? "MAX" : "AVERAGE")},
          {"WindowSize", a.kernel},
          {"PaddingMode", std::string(a.ceilMode ? "kEXPLICIT_ROUND_UP" : "kEXPLICIT_ROUND_DOWN")},
          {"PrePadding", a.padsBegin},
          {"PostPadding", a.padsEnd},
          {"Stride", a.strides},
          {"BlendFactor", int64_t(0)},
          {"AverageCountExcludesPadding", int64_t(a.countIncludePad ? 0 : 1)}};
}

OpTraits traitsPooling(const Node& n) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuTunedKernels = t.dlaInt8 = true;
  t.int8 = Int8Model::kPooling;
  t.commutesWithScale = n.get<PoolAttrs>().type == PoolType::kMax;
  return t;
}

// Each output element reads its window (the PDP's work).
LayerWork workPooling(const WorkArgs& a) {
  const auto& p = a.n.get<PoolAttrs>();
  // A window reads at most the input's cells along each dimension (the rest is padding): this
  // bounds the estimate however large the kernel and pads of a file are.
  const Shape& x = a.in[0]->shape;
  int64_t window = 1;
  for (size_t i = 2; i < x.size(); ++i)
    window *= p.global || i - 2 >= p.kernel.size() ? x[i] : std::min(p.kernel[i - 2], x[i]);
  return pointwiseWork(a, window, EngineUnit::kPDP);
}

void runPooling(const Node& n, const OpIO& io) {
  const auto& a = n.get<PoolAttrs>();
  const Tensor& x = *io.in[0];
  Tensor& y = *io.out[0];
  kern::PoolParams p = poolParams(a, x.shape(), y.shape());
  switch (x.dtype()) {
    case DType::kFloat:
      return kern::pool(p, x.data<float>(), y.data<float>());
    case DType::kDouble:
      return kern::pool(p, x.data<double>(), y.data<double>());
    case DType::kInt8:
      return kern::pool(p, x.data<int8_t>(), y.data<int8_t>());
    case DType::kUInt8:
      return kern::pool(p, x.data<uint8_t>(), y.data<uint8_t>());
    default:
      fail("pooling of ", dtypeName(x.dtype()), " is not supported");
  }
}

}  // namespace sim
