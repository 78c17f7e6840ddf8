// Point-wise layers: Activation, ParametricReLU, ElementWise, Unary, Select, Identity (and Cast).
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/elementwise.h"
#include "kernels/numeric/fp16.h"
#include "sim/ops/op_def.h"

namespace sim {

namespace {

bool isNumeric(DType t) {
  return t != DType::kBool && t != DType::kHalf;
}

// Math type for a storage type: floats compute in their own type, integers in double.
template <class T>
using MathT = std::conditional_t<std::is_floating_point_v<T>, T, double>;

template <class T>
T activate(const ActivationAttrs& a, T in) {
  using M = MathT<T>;
  M x = M(in), al = M(a.alpha), be = M(a.beta);
  switch (a.type) {
    case ActType::kRelu:
      return T(x > 0 ? x : M(0));
    case ActType::kLeakyRelu:
      return T(x < 0 ? al * x : x);
    case ActType::kSigmoid:
      return T(M(1) / (M(1) + std::exp(-x)));
    case ActType::kTanh:
      return T(std::tanh(x));
    case ActType::kClip:
      return T(x < al ? al : (x > be ? be : x));
    case ActType::kHardSigmoid:
      return T(std::max(M(0), std::min(M(1), al * x + be)));
    case ActType::kHardSwish:
      return T(x * std::max(M(0), std::min(M(1), x / M(6) + M(0.5))));
    case ActType::kElu:
      return T(x < 0 ? al * (std::exp(x) - M(1)) : x);
    case ActType::kSelu:
      return T(x <= 0 ? be * (al * std::exp(x) - al) : be * x);
    case ActType::kSoftplus:
      return T(x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)));
    case ActType::kThresholdedRelu:
      return T(x > al ? x : M(0));
    case ActType::kSoftsign:
      return T(x / (M(1) + std::fabs(x)));
  }
  return in;
}

bool isComparison(EltOp op) {
  return op == EltOp::kEqual || op == EltOp::kGreater || op == EltOp::kLess;
}
bool isLogical(EltOp op) {
  return op == EltOp::kAnd || op == EltOp::kOr;
}

template <class T>
T arith(EltOp op, T a, T b) {
  switch (op) {
    case EltOp::kSum:
      return T(a + b);
    case EltOp::kSub:
      return T(a - b);
    case EltOp::kProd:
      return T(a * b);
    case EltOp::kDiv:
      if constexpr (std::is_integral_v<T>)
        return b == 0 ? T(0) : T(a / b);
      else
        return a / b;
    case EltOp::kMax:
      return a > b ? a : b;
    case EltOp::kMin:
      return a < b ? a : b;
    case EltOp::kPow:
      return T(std::pow(double(a), double(b)));
    default:
      return T(0);
  }
}

template <class T>
T unary(UnaryOp op, T in) {
  using M = MathT<T>;
  M x = M(in);
  switch (op) {
    case UnaryOp::kAbs:
      return T(x < 0 ? -x : x);
    case UnaryOp::kNeg:
      return T(-x);
    case UnaryOp::kExp:
      return T(std::exp(x));
    case UnaryOp::kLog:
      return T(std::log(x));
    case UnaryOp::kSqrt:
      return T(std::sqrt(x));
    case UnaryOp::kRecip:
      return T(M(1) / x);
    case UnaryOp::kErf:
      return T(std::erf(x));
    case UnaryOp::kFloor:
      return T(std::floor(x));
    case UnaryOp::kCeil:
      return T(std::ceil(x));
    case UnaryOp::kNot:
      return T(!in);
  }
  return in;
}

}  // namespace

std::vector<TensorDesc> inferActivation(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& x = requireInput(in, 0);
  if (!isNumeric(x.dtype)) fail("activation of ", dtypeName(x.dtype), " is not supported");
  return {x};
}

LayerParams paramsActivation(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsActivation(const Node& n) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuTunedKernels = true;
  ActType a = n.get<ActivationAttrs>().type;
  t.dlaInt8 = a != ActType::kSigmoid && a != ActType::kTanh;  // seed §3.2.4
  t.int8 = Int8Model::kActivation;
  t.sdp = a == ActType::kRelu || a == ActType::kClip || a == ActType::kLeakyRelu ? SdpClass::kAffine
                                                                                 : SdpClass::kLut;
  t.commutesWithScale = a == ActType::kRelu;
  return t;
}

LayerWork workActivation(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kSDP);
}

void runActivation(const Node& n, const OpIO& io) {
  const auto& a = n.get<ActivationAttrs>();
  const Tensor& x = *io.in[0];
  Tensor& y = *io.out[0];
  const int64_t count = x.size();
  dispatchType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xi = x.data<T>();
    T* yo = y.data<T>();
    if (a.type == ActType::kRelu) {  // the hot case: keep the loop free of the type switch
      for (int64_t i = 0; i < count; ++i) yo[i] = std::max(xi[i], T(0));
      return;
    }
    for (int64_t i = 0; i < count; ++i) yo[i] = activate<T>(a, xi[i]);
  });
}

std::vector<TensorDesc> inferParametricReLU(const Node& n,
                                            const std::vector<const TensorDesc*>& in) {
  const auto &x = requireInput(in, 0), &s = requireInput(in, 1);
  requireFloat(x, "input");
  requireFloat(s, "slope");
  Shape out;
  if (!broadcastShapes(x.shape, s.shape, &out) || out != x.shape)
    fail("slope shape ", shapeStr(s.shape), " does not broadcast to input ", shapeStr(x.shape));
  return {x};
}

LayerParams paramsParametricReLU(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsParametricReLU(const Node&) {
  OpTraits t;
  t.gpuHalf = t.dlaInt8 = true;
  t.int8 = Int8Model::kPReLU;
  t.sdp = SdpClass::kAffine;
  return t;
}

LayerWork workParametricReLU(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kSDP);
}

void runParametricReLU(const Node& n, const OpIO& io) {
  const Tensor &x = *io.in[0], &s = *io.in[1];
  kern::binary(x.shape(), x.data<float>(), s.shape(), s.data<float>(), io.out[0]->shape(),
               io.out[0]->data<float>(), [](float v, float k) { return v < 0 ? v * k : v; });
}

std::vector<TensorDesc> inferElementWise(const Node& n, const std::vector<const TensorDesc*>& in) {
  EltOp op = n.get<EltAttrs>().op;
  const auto &a = requireInput(in, 0), &b = requireInput(in, 1);
  if (a.dtype != b.dtype && op != EltOp::kPow)
    fail("operand types differ: ", dtypeName(a.dtype), " and ", dtypeName(b.dtype));
  if (isLogical(op) ? a.dtype != DType::kBool : !isNumeric(a.dtype))
    fail("operation is not defined for ", dtypeName(a.dtype));
  if (op == EltOp::kPow && !isNumeric(b.dtype)) fail("exponent of type ", dtypeName(b.dtype));
  Shape out;
  if (!broadcastShapes(a.shape, b.shape, &out))
    fail("shapes ", shapeStr(a.shape), " and ", shapeStr(b.shape), " do not broadcast");
  return {{isComparison(op) ? DType::kBool : a.dtype, out}};
}

LayerParams paramsElementWise(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsElementWise(const Node& n) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuInt32 = t.gpuTunedKernels = t.dlaInt8 = true;
  t.int8 = Int8Model::kElementWise;
  EltOp op = n.get<EltAttrs>().op;
  bool sdpOp = op == EltOp::kSum || op == EltOp::kSub || op == EltOp::kProd || op == EltOp::kMax ||
               op == EltOp::kMin;
  t.sdp = sdpOp ? SdpClass::kBinary : SdpClass::kNone;
  return t;
}

LayerWork workElementWise(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kSDP);
}

void runElementWise(const Node& n, const OpIO& io) {
  EltOp op = n.get<EltAttrs>().op;
  const Tensor& a = *io.in[0];
  Tensor bConv;
  const Tensor* b = io.in[1];
  if (b->dtype() != a.dtype()) {  // Pow with an exponent of another type
    bConv = b->castTo(a.dtype());
    b = &bConv;
  }
  Tensor& y = *io.out[0];
  dispatchType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (isComparison(op)) {
      kern::binary(a.shape(), a.data<T>(), b->shape(), b->data<T>(), y.shape(), y.data<bool>(),
                   [op](T u, T v) {
                     return op == EltOp::kEqual ? u == v : (op == EltOp::kGreater ? u > v : u < v);
                   });
    } else if constexpr (std::is_same_v<T, bool>) {
      kern::binary(a.shape(), a.data<bool>(), b->shape(), b->data<bool>(), y.shape(),
                   y.data<bool>(),
                   [op](bool u, bool v) { return op == EltOp::kAnd ? u && v : u || v; });
    } else {
      auto run = [&](auto f) {
        kern::binary(a.shape(), a.data<T>(), b->shape(), b->data<T>(), y.shape(), y.data<T>(), f);
      };
      // The common ops get their own loop so the compiler can vectorise them.
      switch (op) {
        case EltOp::kSum:
          run([](T u, T v) { return T(u + v); });
          break;
        case EltOp::kProd:
          run([](T u, T v) { return T(u * v); });
          break;
        case EltOp::kSub:
          run([](T u, T v) { return T(u - v); });
          break;
        default:
          run([op](T u, T v) { return arith<T>(op, u, v); });
      }
    }
  });
}

std::vector<TensorDesc> inferUnary(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& x = requireInput(in, 0);
  bool isNot = n.get<UnaryAttrs>().op == UnaryOp::kNot;
  if (isNot ? x.dtype != DType::kBool : !isNumeric(x.dtype))
    fail("operation is not defined for ", dtypeName(x.dtype));
  return {x};
}

LayerParams paramsUnary(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsUnary(const Node&) {
  OpTraits t;
  t.gpuHalf = t.dlaInt8 = true;
  t.int8 = Int8Model::kAbs;  // Abs only: int8_specs refuses the others
  return t;
}

LayerWork workUnary(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kSDP);
}

void runUnary(const Node& n, const OpIO& io) {
  UnaryOp op = n.get<UnaryAttrs>().op;
  const Tensor& x = *io.in[0];
  Tensor& y = *io.out[0];
  dispatchType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xi = x.data<T>();
    T* yo = y.data<T>();
    if constexpr (std::is_same_v<T, bool>) {
      for (int64_t i = 0; i < x.size(); ++i) yo[i] = !xi[i];
    } else {
      for (int64_t i = 0; i < x.size(); ++i) yo[i] = unary<T>(op, xi[i]);
    }
  });
}

std::vector<TensorDesc> inferSelect(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto &c = requireInput(in, 0), &x = requireInput(in, 1), &y = requireInput(in, 2);
  if (c.dtype != DType::kBool) fail("condition must be bool, got ", dtypeName(c.dtype));
  if (x.dtype != y.dtype)
    fail("branch types differ: ", dtypeName(x.dtype), " and ", dtypeName(y.dtype));
  Shape s1, out;
  if (!broadcastShapes(c.shape, x.shape, &s1) || !broadcastShapes(s1, y.shape, &out))
    fail("shapes ", shapeStr(c.shape), ", ", shapeStr(x.shape), ", ", shapeStr(y.shape),
         " do not broadcast");
  return {{x.dtype, out}};
}

LayerParams paramsSelect(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsSelect(const Node&) {
  OpTraits t;
  t.dlaInt8 = true;
  return t;
}

LayerWork workSelect(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kSDP);
}

void runSelect(const Node& n, const OpIO& io) {
  const Tensor &c = *io.in[0], &x = *io.in[1], &y = *io.in[2];
  Tensor& o = *io.out[0];
  dispatchType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kern::select(c.shape(), c.data<bool>(), x.shape(), x.data<T>(), y.shape(), y.data<T>(),
                 o.shape(), o.data<T>());
  });
}

std::vector<TensorDesc> inferIdentity(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<IdentityAttrs>();
  const auto& x = requireInput(in, 0);
  if (a.cast && x.dtype == DType::kHalf) fail("casts from float16 are not supported");
  // A cast to float16 rounds; the IR holds FP16 values as float (onnx_import/tensor_proto.cpp).
  return {{!a.cast ? x.dtype : a.to == DType::kHalf ? DType::kFloat : a.to, x.shape}};
}

LayerParams paramsIdentity(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsIdentity(const Node& n) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuInt32 = t.dlaInt8 = true;
  t.int8 = Int8Model::kRequantise;  // int8_specs refuses casts
  t.commutesWithScale = !n.get<IdentityAttrs>().cast;
  return t;
}

// A copy is a view; a cast converts the format (Rubik on the DLA).
LayerWork workIdentity(const WorkArgs& a) {
  const auto* id = std::get_if<IdentityAttrs>(&a.n.attrs);
  return id && id->cast ? pointwiseWork(a, 1, EngineUnit::kRubik) : LayerWork{};
}

void runIdentity(const Node& n, const OpIO& io) {
  const Tensor& x = *io.in[0];
  Tensor& y = *io.out[0];
  const auto& a = n.get<IdentityAttrs>();
  if (a.cast && a.to == DType::kHalf) {  // ONNX's Cast: nearest even, overflow to infinity
    Tensor f = x.castTo(DType::kFloat);
    const float* in = f.data<float>();
    float* out = y.data<float>();
    for (int64_t i = 0; i < f.size(); ++i) {
      const float v = in[i];
      out[i] = !std::isfinite(v)         ? v
               : std::fabs(v) >= 65520.f ? std::copysign(std::numeric_limits<float>::infinity(), v)
                                         : kern::numeric::roundToFp16(v);
    }
  } else if (x.dtype() == y.dtype()) {
    std::memcpy(y.raw(), x.raw(), x.bytes());
  } else {
    Tensor c = x.castTo(y.dtype());
    std::memcpy(y.raw(), c.raw(), c.bytes());
  }
}

}  // namespace sim
