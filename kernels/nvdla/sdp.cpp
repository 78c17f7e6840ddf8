#include "kernels/nvdla/sdp.h"

#include <algorithm>
#include <vector>

#include "kernels/nvdla/fixed_point.h"

namespace kern::nvdla {

int32_t sdpStage(const SdpStage& st, int32_t x, int16_t aluOperand, int16_t mulOperand) {
  if (st.bypass) return x;
  // ALU: the operand is shifted left with 32-bit saturation; the result is exact in 33 bits.
  int64_t a = x;
  if (!st.aluBypass) {
    int64_t op = saturatingShiftLeft(aluOperand, st.aluShift & 63, 32);
    a = st.aluAlgo == SdpAluAlgo::Max   ? std::max(a, op)
        : st.aluAlgo == SdpAluAlgo::Min ? std::min(a, op)
                                        : a + op;
  }
  const int shift = st.mulShift & 63;  // cmod sdp_hls_wrapper.cpp:68, RTL X_int_trt.v:62
  int64_t t;
  if (st.mulBypass) {
    // Quirk: a bypassed multiplier still feeds the truncate stage (cmod sdp_x.cpp:164-172,
    // RTL X_int_mul.v:105-106), so the value is shifted by mulShift anyway.
    t = saturate(roundShiftHalfAway(a, shift), 32);
  } else if (st.prelu && a >= 0) {
    // PReLU: non-negative values skip the multiply and the truncate and keep their low 32 bits
    // (a wrap, not a saturation: RTL X_int_trt.v:60-77).
    t = int32_t(uint32_t(uint64_t(a)));
  } else {
    t = saturate(roundShiftHalfAway(a * mulOperand, shift), 32);  // 33 x 16 bits: exact in 49
  }
  if (!st.reluBypass) t = std::max<int64_t>(t, 0);
  return int32_t(t);
}

int8_t sdpConvert(const SdpOutputConverter& cvt, int32_t x) {
  // (x - offset) is exact in 33 bits and the product in 49 (cmod sdp_c.cpp:54-75).
  int64_t v = (int64_t(x) - cvt.offset) * cvt.scale;
  return int8_t(saturate(saturate(roundShiftHalfAway(v, cvt.shift & 63), 17), 8));
}

namespace {

// The operand of one element; operands of bypassed sub-stages are never read (their buffers
// may be absent).
int16_t operandAt(const SdpOperand& op, bool used, int c, int64_t element) {
  if (!used) return 0;
  switch (op.source) {
    case SdpOperandSource::PerChannel:
      return op.data[c];
    case SdpOperandSource::PerElement:
      return op.data[element];
    default:
      return op.value;
  }
}

int32_t runStage(const SdpStage& st, int32_t v, int c, int64_t e) {
  if (st.bypass) return v;
  return sdpStage(st, v, operandAt(st.aluOperand, !st.aluBypass, c, e),
                  operandAt(st.mulOperand, !st.mulBypass, c, e));
}

template <typename In>
void runSdp(const SdpSettings& s, const In* in, int8_t* out) {
  const int64_t plane = int64_t(s.width) * s.height;
  for (int c = 0; c < s.channels; ++c) {
    for (int64_t i = 0; i < plane; ++i) {
      const int64_t e = c * plane + i;
      out[e] = sdpConvert(s.cvt, runStage(s.bn, runStage(s.bs, in[e], c, e), c, e));
    }
  }
}

}  // namespace

void sdp(const SdpSettings& s, const int32_t* in, int8_t* out) {
  runSdp(s, in, out);
}

void sdp(const SdpSettings& s, const int8_t* in, int8_t* out) {
  runSdp(s, in, out);
}

}  // namespace kern::nvdla
