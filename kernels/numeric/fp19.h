// FP19: 1 sign, 8 exponent, 10 mantissa bits, the internal precision NVIDIA states for the
// point-wise (SDP) pipe of Orin's DLA. An FP19 value is an FP32 value whose low 13 mantissa bits
// are zero, so it is held here as a float (or its top 19 bits).
//
// Rules (design §4: float narrowing is round-to-nearest-even):
//  - Rounding: to nearest, ties to even, on the 13 dropped bits.
//  - Subnormals are kept (gradual underflow): FP19 shares FP32's exponent field, so its
//    subnormals are FP32's rounded to multiples of 2^-136; one bit-pattern rounding covers
//    normals and subnormals alike, and a carry moves into the exponent correctly. Assumption:
//    NVIDIA does not document FP19 denormals; NVDLA's FP32->FP16 helper keeps them
//    (cmod/hls/include/nvdla_float.h Fp32ToFp16, DENORM_YES).
//  - Saturation: FP19 keeps FP32's exponent range, so overflow can only come from rounding
//    a value above the largest FP19 (2^127 * (2 - 2^-10) ~ 3.4012e38) up to 2^128. Such values,
//    and +-Inf, become +-that largest value: NVDLA produces no Inf from any sub-module
//    (nvdla/doc format.rst) and its SDP treats Inf inputs as +-3.40282e38 (FLT_MAX), which rounds
//    to the same saturated value. NaN stays NaN (quiet, sign kept).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace kern::numeric {

constexpr uint32_t kFp19DroppedBits = 13;
constexpr uint32_t kFp19MaxFloatBits = 0x7f7fe000u;  // 2^127 * (2 - 2^-10)

inline uint32_t floatBits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  return x;
}

inline float floatFromBits(uint32_t x) {
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

/// FP19's rounding step on an FP32 bit pattern: nearest, ties to even, on the 13 dropped bits;
/// a carry moves into the exponent. The rounding for zero, subnormals and normals when the
/// exponent field is below 255 (the sign bit is kept); NaN, Inf and saturation are the callers'.
/// The vectorised requantisation loops (kernels/int8_requant_fast.cpp) apply it directly where
/// their operands' range is proven.
constexpr uint32_t fp19RoundBits(uint32_t bits) {
  return (bits + 0xfffu + ((bits >> kFp19DroppedBits) & 1u)) & ~0x1fffu;
}

/// The same step on a double's bit pattern (42 dropped bits): FP19's rounding for zero and
/// magnitudes in [2^-126, 2^128).
constexpr uint64_t fp19RoundDoubleBits(uint64_t bits) {
  return (bits + ((uint64_t(1) << 41) - 1) + ((bits >> 42) & 1u)) & ~((uint64_t(1) << 42) - 1);
}

/// The FP32 bit pattern of the FP19 value nearest to f (low 13 bits zero).
inline uint32_t roundToFp19FloatBits(float f) {
  const uint32_t x = floatBits(f), sign = x & 0x80000000u, mag = x & 0x7fffffffu;
  if (mag > 0x7f800000u) return sign | 0x7fc00000u;  // NaN: quiet
  uint32_t r = fp19RoundBits(mag);                   // mag <= 0x7f800000: no overflow
  if (r > kFp19MaxFloatBits) r = kFp19MaxFloatBits;  // Inf, or rounded up to 2^128
  return sign | r;
}

/// f rounded to FP19, as a float.
inline float roundToFp19(float f) {
  return floatFromBits(roundToFp19FloatBits(f));
}

/// The 19-bit encoding (sign in bit 18) of the FP19 value nearest to f.
inline uint32_t floatToFp19Bits(float f) {
  return roundToFp19FloatBits(f) >> kFp19DroppedBits;
}

inline float fp19BitsToFloat(uint32_t bits) {
  return floatFromBits((bits & 0x7ffffu) << kFp19DroppedBits);
}

/// d rounded once to FP19 (same rules), as a float: used for results formed exactly in double,
/// where rounding to float first could create a false tie.
inline float roundDoubleToFp19(double d) {
  uint64_t x;
  std::memcpy(&x, &d, 8);
  const uint64_t sign = x & 0x8000000000000000ull, mag = x & 0x7fffffffffffffffull;
  if (mag > 0x7ff0000000000000ull) return floatFromBits(uint32_t(sign >> 32) | 0x7fc00000u);
  double r;
  if (mag < 0x3810000000000000ull) {  // below 2^-126: FP19 subnormals, multiples of 2^-136
    double q = std::ldexp(std::fabs(d), 136), whole = std::floor(q), rest = q - whole;
    if (rest > 0.5 || (rest == 0.5 && std::fmod(whole, 2.0) == 1.0)) whole += 1;
    r = std::ldexp(whole, -136);
  } else {  // keep 10 of double's 52 mantissa bits, ties to even
    uint64_t m = fp19RoundDoubleBits(mag);
    if (m > 0x47effc0000000000ull) m = 0x47effc0000000000ull;  // the largest FP19
    std::memcpy(&r, &m, 8);
  }
  float f = float(r);  // exact: r is an FP19 value
  return sign ? -f : f;
}

/// FP19 arithmetic as the point-wise pipe does it: the exact result, rounded once to FP19.
/// Products of FP19 values are exact in double; sums are exact in double unless the operands
/// are more than 2^42 apart, where the smaller cannot change the rounded result.
inline float fp19Mul(float a, float b) {
  return roundDoubleToFp19(double(a) * double(b));
}
inline float fp19Add(float a, float b) {
  return roundDoubleToFp19(double(a) + double(b));
}

}  // namespace kern::numeric
