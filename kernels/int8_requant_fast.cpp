#include "kernels/int8_requant_fast.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace kern::int8::fast {

namespace {

// Each loop body is straight-line code over restrict pointers, instantiated per policy and
// operand form, so that the compiler vectorises it (int8 stores would otherwise force reloads).
constexpr uint64_t kDropped = (uint64_t(1) << 42) - 1;  // 52 - 10 mantissa bits

// Nearest-even rounding to 11 significant bits on the bit pattern (carries move into the
// exponent): FP19's rounding for zero and for magnitudes in [2^-126, 2^127). With Check, `bad`
// records values outside that range (FP19 subnormals and saturation follow other rules).
template <bool Check>
[[gnu::always_inline]] inline double r19(double v, uint64_t& bad) {
  uint64_t u;
  std::memcpy(&u, &v, 8);
  if (Check) {
    int64_t e = int64_t((u >> 52) & 0x7ff);
    bad |= uint64_t((e < 1023 - 126) | (e > 1023 + 126)) & uint64_t((u << 1) != 0);
  }
  u = (u + (kDropped >> 1) + ((u >> 42) & 1)) & ~kDropped;
  std::memcpy(&v, &u, 8);
  return v;
}

// clamp(rna(t), lo, hi); rna is trunc(t + copysign(0.5, t)), exact for the values here.
[[gnu::always_inline]] inline int8_t out(double t, int lo, int hi) {
  double w = t + std::copysign(0.5, t);
  w = w < -1024.0 ? -1024.0 : w > 1024.0 ? 1024.0 : w;  // keeps the conversion defined
  int r = int(w);                                       // truncation toward zero
  return int8_t(r < lo ? lo : r > hi ? hi : r);
}

template <class In, bool Orin, bool Bias, bool Check>
[[gnu::always_inline]] inline bool affineLoop(const Affine& a, const In* __restrict x,
                                              int8_t* __restrict y, int64_t pixels,
                                              int64_t channels) {
  const double* __restrict bias = a.bias;
  const double* __restrict mul = a.mul;
  const int lo = a.lo, hi = a.hi;
  uint64_t bad = 0;
  for (int64_t p = 0; p < pixels; ++p) {
    const In* __restrict xp = x + p * channels;
    int8_t* __restrict yp = y + p * channels;
    for (int64_t c = 0; c < channels; ++c) {
      double t = double(xp[c]);
      if (Orin) t = r19<Check>(t, bad);
      if (Bias) t += bias[c];
      if (Orin && Bias) t = r19<Check>(t, bad);
      t *= mul[c];
      if (Orin) t = r19<Check>(t, bad);
      yp[c] = out(t, lo, hi);
    }
    if (Check && bad) return false;
  }
  return true;
}

template <class In>
[[gnu::always_inline]] inline bool affineBody(const Affine& a, const In* x, int8_t* y,
                                              int64_t pixels, int64_t channels) {
  if (!a.orin)
    return a.hasBias ? affineLoop<In, false, true, false>(a, x, y, pixels, channels)
                     : affineLoop<In, false, false, false>(a, x, y, pixels, channels);
  if (a.checked)
    return a.hasBias ? affineLoop<In, true, true, true>(a, x, y, pixels, channels)
                     : affineLoop<In, true, false, true>(a, x, y, pixels, channels);
  return a.hasBias ? affineLoop<In, true, true, false>(a, x, y, pixels, channels)
                   : affineLoop<In, true, false, false>(a, x, y, pixels, channels);
}

template <int Op, bool Orin, bool Check>
[[gnu::always_inline]] inline bool binaryLoop(const Binary& b, const int8_t* __restrict a,
                                              const int8_t* __restrict c, int8_t* __restrict y,
                                              int64_t n) {
  const double fa = b.fa, fb = b.fb;
  const int lo = b.lo, hi = b.hi;
  uint64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    double t;
    if (Op == 3) {  // Prod
      t = double(a[i]) * double(c[i]);
      if (Orin) t = r19<Check>(t, bad);
      t *= fa;
      if (Orin) t = r19<Check>(t, bad);
    } else {
      double u = double(a[i]) * fa, v = double(c[i]) * fb;
      if (Orin) {
        u = r19<Check>(u, bad);
        v = r19<Check>(v, bad);
      }
      t = Op == 0 ? u + v : Op == 1 ? (u < v ? v : u) : (v < u ? v : u);
      if (Orin && Op == 0) t = r19<Check>(t, bad);
    }
    y[i] = out(t, lo, hi);
  }
  return !(Check && bad);
}

template <int Op>
[[gnu::always_inline]] inline bool binaryOp(const Binary& b, const int8_t* a, const int8_t* c,
                                            int8_t* y, int64_t n) {
  if (!b.orin) return binaryLoop<Op, false, false>(b, a, c, y, n);
  return b.checked ? binaryLoop<Op, true, true>(b, a, c, y, n)
                   : binaryLoop<Op, true, false>(b, a, c, y, n);
}

[[gnu::always_inline]] inline bool binaryBody(const Binary& b, const int8_t* a, const int8_t* c,
                                              int8_t* y, int64_t n) {
  switch (b.op) {
    case 0:
      return binaryOp<0>(b, a, c, y, n);
    case 1:
      return binaryOp<1>(b, a, c, y, n);
    case 2:
      return binaryOp<2>(b, a, c, y, n);
    default:
      return binaryOp<3>(b, a, c, y, n);
  }
}

}  // namespace

// Compiled for AVX2 and for the baseline; the loader picks one (GCC function multi-versioning).
__attribute__((target_clones("avx2", "default"))) bool affine(const Affine& a, const int32_t* x,
                                                               int8_t* y, int64_t pixels,
                                                               int64_t channels) {
  return affineBody(a, x, y, pixels, channels);
}

__attribute__((target_clones("avx2", "default"))) bool affine(const Affine& a, const int8_t* x,
                                                               int8_t* y, int64_t pixels,
                                                               int64_t channels) {
  return affineBody(a, x, y, pixels, channels);
}

__attribute__((target_clones("avx2", "default"))) bool binary(const Binary& b, const int8_t* a,
                                                               const int8_t* c, int8_t* y,
                                                               int64_t n) {
  return binaryBody(b, a, c, y, n);
}

bool safeOperand(double v) {
  double m = std::fabs(v);
  return m == 0 || (m >= 0x1p-50 && m <= 0x1p40);
}

}  // namespace kern::int8::fast
