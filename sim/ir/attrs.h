// Attributes of each IR layer kind, normalised by the importer (defaults filled, pads explicit).
#pragma once
#include <cstdint>
#include <variant>
#include <vector>

#include "sim/ir/dtype.h"
#include "sim/ir/shape.h"

namespace sim {

using Ints = std::vector<int64_t>;

/// Convolution and deconvolution; all vectors have one entry per spatial dimension.
struct ConvAttrs {
  Ints kernel, strides, padsBegin, padsEnd, dilations;
  int64_t group = 1;
  Ints outputPadding;      // deconvolution only
  bool fusedRelu = false;  // a ReLU fused into the convolution's output (as TensorRT does)
};

enum class PoolType { kMax, kAverage };
struct PoolAttrs {
  PoolType type = PoolType::kMax;
  Ints kernel, strides, padsBegin, padsEnd, dilations;
  bool ceilMode = false;
  bool countIncludePad = false;
  bool global = false;  // from GlobalAveragePool / GlobalMaxPool (kernel = input spatial dims)
};

enum class ActType {
  kRelu,
  kLeakyRelu,
  kSigmoid,
  kTanh,
  kClip,
  kHardSigmoid,
  kHardSwish,
  kElu,
  kSelu,
  kSoftplus,
  kThresholdedRelu,
  kSoftsign
};
struct ActivationAttrs {
  ActType type = ActType::kRelu;
  float alpha = 0.f,
        beta = 0.f;  // Clip: [alpha, beta]; LeakyRelu/Elu: alpha; Selu: alpha, gamma=beta
};

enum class EltOp { kSum, kSub, kProd, kDiv, kMax, kMin, kPow, kEqual, kGreater, kLess, kAnd, kOr };
struct EltAttrs {
  EltOp op = EltOp::kSum;
};

enum class UnaryOp { kAbs, kNeg, kExp, kLog, kSqrt, kRecip, kErf, kFloor, kCeil, kNot };
struct UnaryAttrs {
  UnaryOp op = UnaryOp::kAbs;
};

/// y = x * scale + shift, per channel along axis 1 (inputs: x, scale, shift).
struct ScaleAttrs {
  int64_t channelAxis = 1;
};

enum class NormType { kInstance, kLayer, kGroup };
/// Inputs: x, scale, bias. Layer: normalise over dims >= axis. Group: `groups` channel groups.
struct NormAttrs {
  NormType type = NormType::kInstance;
  int64_t axis = 1;
  int64_t groups = 1;
  float epsilon = 1e-5f;
};

struct LrnAttrs {
  int64_t size = 1;
  float alpha = 1e-4f, beta = 0.75f, bias = 1.f;
};

struct ConcatAttrs {
  int64_t axis = 0;
};

/// out[i] = in[start + i * stride] per dimension; kWrap takes the index modulo the input size
/// (Tile), stride 0 repeats (Expand).
enum class SliceMode { kDefault, kWrap };
struct SliceAttrs {
  Ints start, size, stride;
  SliceMode mode = SliceMode::kDefault;
};

/// TensorRT's shuffle: transpose by firstPerm, reshape to `reshape`, transpose by secondPerm.
struct ShuffleAttrs {
  Ints firstPerm;  // empty = identity
  bool doReshape = false;
  Ints reshape;     // fully resolved (no 0 / -1); may be empty for a scalar
  Ints secondPerm;  // empty = identity
};

struct IdentityAttrs {
  DType to = DType::kFloat;  // Cast target; Identity keeps the input type
  bool cast = false;
};

enum class PadMode { kConstant, kReflect, kEdge };
struct PadAttrs {
  Ints padsBegin, padsEnd;  // per dimension, may be negative (crop)
  PadMode mode = PadMode::kConstant;
  double value = 0;
};

enum class ResizeMode { kNearest, kLinear, kCubic };
enum class CoordTransform {
  kHalfPixel,
  kPytorchHalfPixel,
  kAlignCorners,
  kAsymmetric,
  kTfHalfPixelForNearest
};
enum class NearestRounding { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };
struct ResizeAttrs {
  ResizeMode mode = ResizeMode::kNearest;
  CoordTransform coord = CoordTransform::kHalfPixel;
  NearestRounding nearest = NearestRounding::kRoundPreferFloor;
  float cubicA = -0.75f;
  bool excludeOutside = false;
  std::vector<float> scales;  // per dimension, output/input
  Shape outShape;
};

struct SoftMaxAttrs {
  int64_t axis = -1;
  bool coerce2d = false;  // opset < 13: softmax over the flattened dims [axis, rank)
  bool log = false;       // LogSoftmax
};

struct MatMulAttrs {
  bool transA = false, transB = false;
};

enum class ReduceOp { kSum, kMean, kMax, kMin, kProd, kSumSquare, kL1, kL2, kLogSumExp };
struct ReduceAttrs {
  ReduceOp op = ReduceOp::kSum;
  Ints axes;  // normalised, sorted; all dims when empty after import
  bool keepDims = true;
};

struct GatherAttrs {
  int64_t axis = 0;
};

struct NoAttrs {};

// The attribute structs declared in ops.def, and visitFields(a, f) calling f(name, field) for
// each of their fields (engine files and their validation read them through it).
#define FIELD(T, name, init) T name = init;
#define ATTRS(Struct, fields) \
  struct Struct {             \
    fields                    \
  };
#include "sim/ir/ops.def"
#undef ATTRS
#undef FIELD
#define FIELD(T, name, init) f(#name, a.name);
#define ATTRS(Struct, fields)                \
  template <class F>                         \
  void visitFields(const Struct& a, F&& f) { \
    fields                                   \
  }                                          \
  template <class F>                         \
  void visitFields(Struct& a, F&& f) {       \
    fields                                   \
  }
#include "sim/ir/ops.def"
#undef ATTRS
#undef FIELD

#define ATTRS(Struct, fields) , Struct
using Attrs =
    std::variant<NoAttrs, ConvAttrs, PoolAttrs, ActivationAttrs, EltAttrs, UnaryAttrs, ScaleAttrs,
                 NormAttrs, LrnAttrs, ConcatAttrs, SliceAttrs, ShuffleAttrs, IdentityAttrs,
                 PadAttrs, ResizeAttrs, SoftMaxAttrs, MatMulAttrs, ReduceAttrs, GatherAttrs
#include "sim/ir/ops.def"
                 >;
#undef ATTRS

}  // namespace sim
