// NVDLA SDP (single data point processor), INT8 path: the BS and BN stages (X1, X2: ALU,
// 16-bit multiplier, truncate, ReLU / PReLU) and the output converter. The EW (Y) stage and its
// LUT are not modelled. Sources: ../shared/reference/nvdla-traces.md §4.4 (cmod/hls/sdp/sdp_x.cpp,
// sdp_c.cpp; RTL NV_NVDLA_SDP_HLS_X_int_*.v, NV_NVDLA_SDP_HLS_C_int.v), nvdla-open-source.md §1.4.
#pragma once
#include <cstdint>

namespace kern::nvdla {

enum class SdpAluAlgo { Max, Min, Sum };

/// Where a stage's 16-bit operand comes from: the register, one value per channel (SDP_RDMA
/// PER_KERNEL), or one value per element (PER_ELEMENT, CHW like the data).
enum class SdpOperandSource { Register, PerChannel, PerElement };

struct SdpOperand {
  SdpOperandSource source = SdpOperandSource::Register;
  int16_t value = 0;              // Register
  const int16_t* data = nullptr;  // PerChannel: [channels]; PerElement: [channels*height*width]
};

/// One X stage (BS or BN): ALU -> MUL -> truncate -> ReLU.
struct SdpStage {
  bool bypass = true;  // the whole stage passes data through unchanged
  bool aluBypass = true;
  SdpAluAlgo aluAlgo = SdpAluAlgo::Sum;
  int aluShift = 0;  // operand left shift, 6 bits
  SdpOperand aluOperand;
  bool mulBypass = true;
  bool prelu = false;  // with MUL active: non-negative values skip the multiply and the shift
  int mulShift = 0;    // truncate right shift; the hardware uses the low 6 bits of the field
  SdpOperand mulOperand;
  bool reluBypass = true;
};

/// The output converter: out = sat8(sat17(rna((x - offset) * scale, shift))).
struct SdpOutputConverter {
  int32_t offset = 0;
  int16_t scale = 1;
  int shift = 0;  // 6 bits
};

struct SdpSettings {
  int width = 1, height = 1, channels = 1;
  SdpStage bs, bn;
  SdpOutputConverter cvt;
};

/// One stage on one value, with its operands already fetched.
int32_t sdpStage(const SdpStage& st, int32_t x, int16_t aluOperand, int16_t mulOperand);

/// The output converter on one value.
int8_t sdpConvert(const SdpOutputConverter& cvt, int32_t x);

/// SDP fed by CACC ("flying" mode): int32 CHW in, int8 CHW out.
void sdp(const SdpSettings& s, const int32_t* in, int8_t* out);

/// SDP reading int8 feature data from memory (sign-extended to 32 bits).
void sdp(const SdpSettings& s, const int8_t* in, int8_t* out);

}  // namespace kern::nvdla
