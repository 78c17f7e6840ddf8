// FP16 (IEEE binary16) rounding as the DLA does it (design §4): float narrowing rounds to
// nearest, ties to even; overflow saturates to +-65504 instead of producing Inf; NaN stays NaN.
#pragma once
#include <cstdint>
#include <cstring>

namespace kern::numeric {

constexpr float kFp16Max = 65504.f;

/// Nearest binary16 bit pattern (round to nearest even), saturating at +-65504.
inline uint16_t floatToHalfBits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t absx = x & 0x7fffffffu;
  if (absx > 0x7f800000u) return uint16_t(sign | 0x7e00u);   // NaN
  if (absx >= 0x477ff000u) return uint16_t(sign | 0x7bffu);  // >= 65520 or Inf: saturate
  if (absx < 0x38800000u) {                                  // below the smallest normal half
    // Subnormal halves are multiples of 2^-24: scale, then round half to even.
    float a;
    std::memcpy(&a, &absx, 4);
    float scaled = a * 16777216.f;  // exact: a power-of-two scale
    uint32_t q = uint32_t(scaled);
    float rem = scaled - float(q);
    if (rem > 0.5f || (rem == 0.5f && (q & 1u))) ++q;
    return uint16_t(sign | q);  // q <= 0x400 (0x400 is the smallest normal, still correct)
  }
  // Normal: rebias the exponent, keep 10 mantissa bits, round half to even on the 13 dropped.
  uint32_t mant = absx & 0x7fffffu, exp = (absx >> 23) - 127 + 15;
  uint32_t h = (exp << 10) | (mant >> 13);
  uint32_t dropped = mant & 0x1fffu;
  if (dropped > 0x1000u || (dropped == 0x1000u && (h & 1u))) ++h;  // may carry into the exponent
  if (h > 0x7bffu) h = 0x7bffu;  // rounding up past 65504 saturates too
  return uint16_t(sign | h);
}

inline float halfBitsToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  uint32_t x;
  if (exp == 0x1f) {
    x = sign | 0x7f800000u | (mant << 13);
  } else if (exp == 0) {
    float v = float(mant) / 16777216.f;  // mant * 2^-24
    std::memcpy(&x, &v, 4);
    x |= sign;
  } else {
    x = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

/// The float value of the nearest FP16 number (the DLA's FP16 storage of f).
inline float roundToFp16(float f) {
  return halfBitsToFloat(floatToHalfBits(f));
}

/// Rounds n floats in place.
inline void roundToFp16(float* p, int64_t n) {
  for (int64_t i = 0; i < n; ++i) p[i] = roundToFp16(p[i]);
}

}  // namespace kern::numeric
