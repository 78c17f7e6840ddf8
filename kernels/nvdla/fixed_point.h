// Integer primitives of NVDLA's INT8 datapath. Every integer narrowing in NVDLA rounds half away
// from zero and saturates (cmod/hls/include/nvdla_int.h IntShiftRight, ac_fixed AC_RND_INF +
// AC_SAT; RTL NV_NVDLA_HLS_shiftrightsu.v guide/sticky rounding).
#pragma once
#include <cstdint>

namespace kern::nvdla {

/// The low `bits` bits of v read as two's complement (bits in 1..64).
constexpr int64_t signExtend(uint64_t v, int bits) {
  if (bits >= 64) return int64_t(v);
  uint64_t m = uint64_t(1) << (bits - 1);
  v &= (m << 1) - 1;
  return int64_t(v ^ m) - int64_t(m);
}

constexpr int64_t minOfBits(int bits) {
  return -(int64_t(1) << (bits - 1));
}
constexpr int64_t maxOfBits(int bits) {
  return (int64_t(1) << (bits - 1)) - 1;
}

/// Clamps x to the signed range of `bits` bits (bits in 1..63).
constexpr int64_t saturate(int64_t x, int bits) {
  return x < minOfBits(bits) ? minOfBits(bits) : x > maxOfBits(bits) ? maxOfBits(bits) : x;
}

/// x / 2^shift rounded to nearest, ties away from zero; shift <= 0 returns x unchanged.
/// Exact for every int64 x and shift up to 63 (no intermediate overflow).
constexpr int64_t roundShiftHalfAway(int64_t x, int shift) {
  if (shift <= 0) return x;
  uint64_t mag = x < 0 ? 0 - uint64_t(x) : uint64_t(x);
  uint64_t r = shift >= 64 ? 0 : (mag >> shift) + ((mag >> (shift - 1)) & 1u);
  if (shift == 64) r = mag >> 63;  // only 2^63 itself rounds to 1
  return x < 0 ? -int64_t(r) : int64_t(r);
}

/// sat_bits(v << shift) for a small signed v (|v| < 2^31) and any shift in 0..63.
constexpr int64_t saturatingShiftLeft(int64_t v, int shift, int bits) {
  if (v == 0) return 0;
  if (shift >= bits) return v < 0 ? minOfBits(bits) : maxOfBits(bits);
  // |v| < 2^31 and shift < bits <= 63 could still overflow int64: clamp before shifting.
  int64_t limit = (int64_t(1) << (bits - 1)) >> shift;  // |v| >= limit saturates
  if (v >= limit) return maxOfBits(bits);
  if (v < -limit) return minOfBits(bits);
  return saturate(v * (int64_t(1) << shift), bits);
}

}  // namespace kern::nvdla
