// What the INT8 pipeline makes of one IR layer: which integer kernel runs it and the float
// description of its requantisation (scales from the plan), before a platform policy compiles
// it (kern::int8::compile). Separate from int8_path.cpp so that the mapping from layers to
// kernels reads in one place; docs/numerics.md "Integer INT8 pipeline" states the same rules.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "kernels/conv.h"
#include "kernels/int8_ops.h"
#include "kernels/int8_requant.h"
#include "sim/ir/graph.h"

namespace sim {

struct Int8Layer {
  enum class Kind { kFallback, kConv, kDeconv, kPool, kAffine, kBinary, kConcat };
  Kind kind = Kind::kFallback;
  std::string why;          // kFallback: why no integer model applies
  bool zeroOutput = false;  // the output scale is 0: every code is 0
  // kConv / kDeconv: geometry and weights quantised per output channel (ONNX layout).
  kern::ConvParams conv;
  std::vector<int8_t> weights;
  std::vector<float> weightScales;
  // kConv / kDeconv / kAffine: the output stage; `input` is the activation operand's index.
  kern::int8::AffineSpec affine;
  int input = 0;
  kern::int8::BinarySpec binary;                                     // kBinary
  kern::int8::PoolInt8Params pool;                                   // kPool
  std::vector<std::optional<kern::int8::AffineSpec>> concatRequant;  // kConcat, per input
};

/// Whether a tensor of this description is stored as int8 codes when an INT8 layer writes it.
bool int8Representable(const TensorDesc& d);

/// `scale[t]` is the scale of tensor t's int8 codes (Int8Path::scaleOf).
Int8Layer describeInt8Layer(const Graph& g, const Node& n, const std::vector<float>& scale);

/// Whether an INT8 element-wise layer of two activations and the INT8 ReLU / clipped ReLU that
/// alone reads its output run as one program: the SDP applies the activation in the same pass
/// (TensorRT fuses them on the DLA), so the sum is requantised once, to the activation's scale.
bool fusableElementWiseActivation(const Graph& g, const Node& eltwise, const Node& act);
/// That program: the element-wise layer with the activation's output and scale.
Int8Layer describeFusedElementWise(const Graph& g, const Node& eltwise, const Node& act,
                                   const std::vector<float>& scale);

/// The output stage of a convolution: factor_k = sIn * sW_k / sOut, bias in accumulator units
/// b_k / (sIn * sW_k), optional ReLU. Channels whose accumulator unit is 0 (all-zero weights,
/// or a zero input scale) sum to 0: they take the largest unit instead (1 when all are 0), so
/// they still output b_k / sOut and do not move Xavier's shared shift.
kern::int8::AffineSpec convOutputSpec(double sIn, const std::vector<float>& sW, double sOut,
                                      const float* bias, bool relu);

}  // namespace sim
