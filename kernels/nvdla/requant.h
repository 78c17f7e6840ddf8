// The "compile step" for Xavier (NVDLA v1) INT8 layers: float quantisation scales become SDP
// register-level settings, as NVDLA's open compiler programs them (nvdla/sw umd/core/src/
// compiler/include/priv/LowPrecision.h, engine-ast/BiasOp.cpp; ../shared/reference/
// nvdla-open-source.md §1.3-1.4, §1.7; ../shared/design.md §4):
//  - per output channel k the rescale factor f_k = inputScale * weightScale_k / outputScale
//    becomes a 16-bit multiplier m_k and all channels share one right shift, chosen from the
//    largest factor so that its multiplier lands in [2^14, 2^15);
//  - the bias, in accumulator units (bias_k / (inputScale * weightScale_k)), becomes a 16-bit ALU
//    operand with one shared left shift;
//  - both run in the BS stage (ALU sum, then MUL and truncate, then optional ReLU); the output
//    converter is left at identity (offset 0, scale 1, shift 0) and saturates to int8.
// The CACC truncate is left at 0: the open KMD writes only that field and the compiler leaves it
// at 0, so int32 sums reach SDP unshifted.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/nvdla/sdp.h"

namespace kern::nvdla {

struct RequantParams {
  float inputScale = 1;             // per-tensor activation scale of the layer input
  std::vector<float> weightScales;  // per output channel (size = channels)
  float outputScale = 1;            // per-tensor activation scale of the layer output
  std::vector<float> bias;          // per output channel in real units; empty = no bias
  bool relu = false;                // fused ReLU (the stage's ReLU)
  // NVDLA's open compiler truncates multipliers toward zero ((int)(2^shift * f)); set this to
  // round them to nearest instead (then capped at 32767).
  bool roundMultipliers = false;
};

struct XavierRequant {
  int channels = 0;
  std::vector<int16_t> multipliers;   // m_k, per channel
  int mulShift = 0;                   // shared truncate shift, 0..63
  std::vector<int16_t> biasOperands;  // b_k as the 16-bit ALU operand; empty = no bias
  int biasShift = 0;                  // shared ALU operand left shift, 0..63
  bool relu = false;
  SdpOutputConverter cvt;  // identity

  /// SDP settings for a width x height x channels output; the per-channel operands point into
  /// this object, which must outlive the settings.
  SdpSettings sdpSettings(int width, int height) const;
};

/// The shift that puts factor f's 16-bit multiplier in [2^14, 2^15): 15 - (floor(log2 f) + 1),
/// clamped to the hardware's 0..63.
int multiplierShiftFor(double maxFactor);

/// A stage's 16-bit multipliers sharing one truncate shift: the shift from the largest finite
/// |factor| (multiplierShiftFor), each m = sat16(trunc(f * 2^shift)) as the open compiler
/// truncates (sat16(round(...)) when roundToNearest); a non-finite factor gives 0.
struct SdpMultipliers {
  std::vector<int16_t> m;
  int shift = 0;
};
SdpMultipliers sdpMultipliersFor(const std::vector<double>& factors, bool roundToNearest = false);

/// A stage's 16-bit ALU operands sharing the smallest left shift for which every finite value
/// rounds (half away) into int16 (BiasOp.cpp's bias form); +-Inf saturate, NaN gives -32768.
struct SdpAluOperands {
  std::vector<int16_t> v;
  int shift = 0;
};
SdpAluOperands sdpAluOperandsFor(const std::vector<double>& values);

XavierRequant compileXavierRequant(const RequantParams& p);

}  // namespace kern::nvdla
