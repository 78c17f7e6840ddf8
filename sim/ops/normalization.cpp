// Layers that normalise or reduce: Scale, Normalization, LRN, SoftMax, Reduce.
#include <algorithm>
#include <cstring>

#include "kernels/elementwise.h"
#include "kernels/reduce.h"
#include "sim/ops/op_def.h"

namespace sim {

namespace {

// y[n, c, ...] = y * scale[c] + shift[c] (either may be null) over [outer, C, inner].
void perChannel(float* y, int64_t outer, int64_t channels, int64_t inner, const float* scale,
                const float* shift) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      float s = scale ? scale[c] : 1.f, b = shift ? shift[c] : 0.f;
      float* p = y + (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) p[i] = p[i] * s + b;
    }
}

}  // namespace

std::vector<TensorDesc> inferScale(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto &x = requireInput(in, 0), &s = requireInput(in, 1), &b = requireInput(in, 2);
  requireFloat(x, "input");
  requireFloat(s, "scale");
  requireFloat(b, "shift");
  if (x.shape.size() < 2) fail("input shape ", shapeStr(x.shape), " has no channel dimension");
  if (volume(s.shape) != x.shape[1] || volume(b.shape) != x.shape[1])
    fail("scale/shift sizes ", volume(s.shape), "/", volume(b.shape), " do not match ", x.shape[1],
         " channels");
  return {x};
}

LayerParams paramsScale(const Graph&, const Node&, const std::string&) {
  return {{"ParameterType", std::string("Scale")},
          {"Mode", std::string("CHANNEL")},
          {"Shift", WeightsOf{2, false}},
          {"Scale", WeightsOf{1, false}},
          {"Power", WeightsOf{-1, false}}};
}

OpTraits traitsScale(const Node&) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuTunedKernels = t.dlaInt8 = true;
  t.int8 = Int8Model::kScale;
  t.sdp = SdpClass::kAffine;
  return t;
}

// y = x * scale + shift: two operations per element on the SDP.
LayerWork workScale(const WorkArgs& a) {
  return pointwiseWork(a, 2, EngineUnit::kSDP);
}

void runScale(const Node& n, const OpIO& io) {
  const Tensor& x = *io.in[0];
  Tensor& y = *io.out[0];
  std::memcpy(y.raw(), x.raw(), x.bytes());
  const Shape& s = x.shape();
  perChannel(y.data<float>(), s[0], s[1], volume(s, 2, s.size()), io.in[1]->data<float>(),
             io.in[2]->data<float>());
}

std::vector<TensorDesc> inferNormalization(const Node& n,
                                           const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<NormAttrs>();
  const auto& x = requireInput(in, 0);
  requireFloat(x, "input");
  for (size_t i = 1; i < 3 && i < in.size(); ++i)
    if (in[i]) requireFloat(*in[i], i == 1 ? "scale" : "bias");
  std::vector<TensorDesc> out = {x};
  if (a.type == NormType::kLayer) {
    int64_t axis;
    if (!normalizeAxis(a.axis, int64_t(x.shape.size()), &axis))
      fail("axis ", a.axis, " out of range for shape ", shapeStr(x.shape));
    Shape stat(x.shape);
    for (size_t i = size_t(axis); i < stat.size(); ++i) stat[i] = 1;
    out.push_back({DType::kFloat, stat});  // Mean
    out.push_back({DType::kFloat, stat});  // InvStdDev
    Shape normShape(x.shape.begin() + axis, x.shape.end()), tmp;
    for (size_t i = 1; i < 3 && i < in.size(); ++i)
      if (in[i] && (!broadcastShapes(in[i]->shape, normShape, &tmp) || tmp != normShape))
        fail("scale/bias shape ", shapeStr(in[i]->shape), " does not broadcast to ",
             shapeStr(normShape));
    return out;
  }
  requireRank(x, 3, 8, "input");
  int64_t c = x.shape[1];
  if (a.type == NormType::kGroup && (a.groups < 1 || c % a.groups))
    fail(c, " channels are not divisible into ", a.groups, " groups");
  for (size_t i = 1; i < 3 && i < in.size(); ++i)
    if (in[i] && volume(in[i]->shape) != c)
      fail("scale/bias has ", volume(in[i]->shape), " values for ", c, " channels");
  return out;
}

// Imported as TensorRT's InstanceNormalization plugin where TensorRT's parser does so.
LayerParams paramsNormalization(const Graph&, const Node&, const std::string& trtType) {
  if (trtType != "PLUGIN_V2") return {{"ParameterType", std::string("Normalization")}};
  return {{"ParameterType", std::string("PluginV2")},
          {"PluginName", std::string("InstanceNormalization_TRT")}};
}

OpTraits traitsNormalization(const Node&) {
  OpTraits t;
  t.gpuHalf = t.dlaInt8 = true;
  return t;
}

// Mean, variance, normalise, scale and shift: about five operations per element.
LayerWork workNormalization(const WorkArgs& a) {
  return pointwiseWork(a, 5, EngineUnit::kSDP);
}

void runNormalization(const Node& n, const OpIO& io) {
  const auto& a = n.get<NormAttrs>();
  const Tensor& x = *io.in[0];
  Tensor& y = *io.out[0];
  const Shape& s = x.shape();
  const Tensor* scale = io.in.size() > 1 ? io.in[1] : nullptr;
  const Tensor* bias = io.in.size() > 2 ? io.in[2] : nullptr;
  if (a.type == NormType::kLayer) {
    int64_t axis;
    normalizeAxis(a.axis, int64_t(s.size()), &axis);
    int64_t rows = volume(s, 0, axis), len = volume(s, axis, s.size());
    float* mean = io.out.size() > 1 && io.out[1] ? io.out[1]->data<float>() : nullptr;
    float* inv = io.out.size() > 2 && io.out[2] ? io.out[2]->data<float>() : nullptr;
    kern::normalizeRows(x.data<float>(), y.data<float>(), rows, len, a.epsilon, mean, inv);
    // Scale and bias broadcast (right-aligned) against the normalised trailing dims.
    float* yp = y.data<float>();
    if (scale)
      kern::binary(s, yp, Shape(scale->shape()), scale->data<float>(), s, yp,
                   [](float u, float v) { return u * v; });
    if (bias)
      kern::binary(s, yp, Shape(bias->shape()), bias->data<float>(), s, yp,
                   [](float u, float v) { return u + v; });
    return;
  }
  int64_t groups = a.type == NormType::kGroup ? a.groups : s[1];
  int64_t inner = volume(s, 2, s.size());
  kern::normalizeRows(x.data<float>(), y.data<float>(), s[0] * groups, s[1] / groups * inner,
                      a.epsilon, nullptr, nullptr);
  perChannel(y.data<float>(), s[0], s[1], inner, scale ? scale->data<float>() : nullptr,
             bias ? bias->data<float>() : nullptr);
}

std::vector<TensorDesc> inferLRN(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& x = requireInput(in, 0);
  requireFloat(x, "input");
  requireRank(x, 3, 8, "input");
  if (n.get<LrnAttrs>().size < 1) fail("size ", n.get<LrnAttrs>().size, " must be >= 1");
  return {x};
}

LayerParams paramsLRN(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsLRN(const Node&) {
  OpTraits t;
  t.gpuHalf = true;  // FP16 only on the DLA (seed §3.2)
  return t;
}

// A sum of squares over `size` channels per element, then the power: the CDP's work.
LayerWork workLRN(const WorkArgs& a) {
  // The window never covers more than the tensor's channels, whatever size a file gives.
  int64_t window = std::min(a.n.get<LrnAttrs>().size, a.in[0]->shape[1]);
  return pointwiseWork(a, window + 2, EngineUnit::kCDP);
}

void runLRN(const Node& n, const OpIO& io) {
  const auto& a = n.get<LrnAttrs>();
  const Shape& s = io.in[0]->shape();
  kern::lrnAcrossChannels(io.in[0]->data<float>(), io.out[0]->data<float>(), s[0], s[1],
                          volume(s, 2, s.size()), a.size, a.alpha, a.beta, a.bias);
}

std::vector<TensorDesc> inferSoftMax(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& x = requireInput(in, 0);
  requireFloat(x, "input");
  int64_t axis;
  if (!normalizeAxis(n.get<SoftMaxAttrs>().axis, std::max<int64_t>(1, x.shape.size()), &axis))
    fail("axis ", n.get<SoftMaxAttrs>().axis, " out of range for shape ", shapeStr(x.shape));
  return {x};
}

LayerParams paramsSoftMax(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsSoftMax(const Node&) {
  OpTraits t;
  t.gpuHalf = true;  // FP16 only on the DLA (seed §3.2)
  t.lutPasses = 3;   // exponent, sum and division
  t.inputReads = 2;
  return t;
}

// Max, exp, sum and divide: about four operations per element.
LayerWork workSoftMax(const WorkArgs& a) {
  return pointwiseWork(a, 4, EngineUnit::kSDP);
}

void runSoftMax(const Node& n, const OpIO& io) {
  const auto& a = n.get<SoftMaxAttrs>();
  const Shape& s = io.in[0]->shape();
  int64_t axis;
  normalizeAxis(a.axis, std::max<int64_t>(1, s.size()), &axis);
  int64_t outer = volume(s, 0, axis);
  int64_t len = a.coerce2d ? volume(s, axis, s.size()) : (s.empty() ? 1 : s[axis]);
  int64_t inner = a.coerce2d ? 1 : volume(s, axis + 1, s.size());
  kern::softmax(io.in[0]->data<float>(), io.out[0]->data<float>(), outer, len, inner, a.log);
}

std::vector<TensorDesc> inferReduce(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<ReduceAttrs>();
  const auto& x = requireInput(in, 0);
  if (!(isFloating(x.dtype) || x.dtype == DType::kInt32 || x.dtype == DType::kInt64) ||
      x.dtype == DType::kHalf)
    fail("reduction of ", dtypeName(x.dtype), " is not supported");
  Shape out;
  std::vector<bool> red(x.shape.size(), false);
  for (int64_t ax : a.axes) {
    if (ax < 0 || ax >= int64_t(x.shape.size()))
      fail("axis ", ax, " out of range for shape ", shapeStr(x.shape));
    red[ax] = true;
  }
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (!red[d])
      out.push_back(x.shape[d]);
    else if (a.keepDims)
      out.push_back(1);
  }
  return {{x.dtype, out}};
}

LayerParams paramsReduce(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsReduce(const Node&) {
  OpTraits t;
  t.gpuHalf = t.dlaInt8 = true;
  return t;
}

// One operation per input element (pooling-style reduction on the PDP).
LayerWork workReduce(const WorkArgs& a) {
  LayerWork r = pointwiseWork(a, 0, EngineUnit::kPDP);
  r.eltOps = volume(a.in[0]->shape);
  return r;
}

void runReduce(const Node& n, const OpIO& io) {
  const auto& a = n.get<ReduceAttrs>();
  const Tensor& x = *io.in[0];
  std::vector<bool> red(x.shape().size(), false);
  for (int64_t ax : a.axes) red[ax] = true;
  static_assert(
      int(ReduceOp::kLogSumExp) == int(kern::ReduceKind::kLogSumExp) &&
          int(ReduceOp::kMean) == int(kern::ReduceKind::kMean),
      "sim::ReduceOp and kern::ReduceKind must list the same operations in the same order");
  auto kind = static_cast<kern::ReduceKind>(a.op);
  switch (x.dtype()) {
    case DType::kFloat:
      return kern::reduce(kind, x.shape(), red, x.data<float>(), io.out[0]->data<float>());
    case DType::kDouble:
      return kern::reduce(kind, x.shape(), red, x.data<double>(), io.out[0]->data<double>());
    case DType::kInt32:
      return kern::reduce(kind, x.shape(), red, x.data<int32_t>(), io.out[0]->data<int32_t>());
    case DType::kInt64:
      return kern::reduce(kind, x.shape(), red, x.data<int64_t>(), io.out[0]->data<int64_t>());
    default:
      fail("reduction of ", dtypeName(x.dtype()), " is not supported");
  }
}

}  // namespace sim
