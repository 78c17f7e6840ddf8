#include "kernels/int8_requant_fast.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/numeric/fp19.h"
#include "kernels/target_clones.h"

namespace kern::int8::fast {

namespace {

// Each loop body is straight-line code over restrict pointers, instantiated per policy and
// operand form, so that the compiler vectorises it (int8 stores would otherwise force reloads).
// FP19's rounding step on the bit pattern (kern::numeric::fp19RoundDoubleBits, the one
// definition): exact for zero and for magnitudes in [2^-126, 2^127). With Check, `bad` records
// values outside that range (FP19 subnormals and saturation follow other rules).
template <bool Check>
[[gnu::always_inline]] inline double r19(double v, uint64_t& bad) {
  uint64_t u;
  std::memcpy(&u, &v, 8);
  if (Check) {
    int64_t e = int64_t((u >> 52) & 0x7ff);
    bad |= uint64_t((e < 1023 - 126) | (e > 1023 + 126)) & uint64_t((u << 1) != 0);
  }
  u = numeric::fp19RoundDoubleBits(u);
  std::memcpy(&v, &u, 8);
  return v;
}

// The same in FP32 lanes (13 dropped bits): twice the lanes. Every Orin step is exact in FP32
// before its rounding, or rounds harmlessly: an int8 or an integer below 2^24 - 1 converts
// exactly, a product of two FP19 values has 22 significant bits, an int8 times an FP19 value
// 19; a sum of two FP19 values is exact when their exponents differ by at most 12, and
// otherwise the smaller is below a quarter of an FP19 step of the larger, so the exact sum
// stays more than half an FP32 step away from every FP19 midpoint (also below a power of two,
// where the FP19 grid halves) and FP32's rounding cannot change the FP19 result.
template <bool Check>
[[gnu::always_inline]] inline float r19f(float v, uint32_t& bad) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  if (Check) {
    int32_t e = int32_t((u >> 23) & 0xff);
    bad |= uint32_t((e < 1) | (e > 253)) & uint32_t((u << 1) != 0);
  }
  u = numeric::fp19RoundBits(u);
  std::memcpy(&v, &u, 4);
  return v;
}

[[gnu::always_inline]] inline int8_t outf(float t, int lo, int hi) {
  float w = t + std::copysign(0.5f, t);  // exact for FP19 values below 2^23; else clamped
  w = w < -1024.f ? -1024.f : w > 1024.f ? 1024.f : w;
  w = w == w ? w : 0.f;  // NaN gives 0, as the reference (requantise) does
  int r = int(w);
  return int8_t(r < lo ? lo : r > hi ? hi : r);
}

// clamp(rna(t), lo, hi); rna is trunc(t + copysign(0.5, t)), exact for the values here.
[[gnu::always_inline]] inline int8_t out(double t, int lo, int hi) {
  double w = t + std::copysign(0.5, t);
  w = w < -1024.0 ? -1024.0 : w > 1024.0 ? 1024.0 : w;  // keeps the conversion defined
  w = w == w ? w : 0.0;                                 // NaN gives 0, as the reference does
  int r = int(w);                                       // truncation toward zero
  return int8_t(r < lo ? lo : r > hi ? hi : r);
}

// Orin in FP32 lanes, for one pixel's channels.
template <class In, bool Bias, bool Check>
[[gnu::always_inline]] inline uint32_t orinRow(const Affine& a, const In* __restrict xp,
                                               int8_t* __restrict yp, int64_t channels) {
  const float* __restrict bias = a.biasF;
  const float* __restrict mul = a.mulF;
  const int lo = a.lo, hi = a.hi;
  uint32_t bad = 0;
  for (int64_t c = 0; c < channels; ++c) {
    float t = r19f<Check>(float(xp[c]), bad);
    if (Bias) t = r19f<Check>(t + bias[c], bad);
    t = r19f<Check>(t * mul[c], bad);
    yp[c] = outf(t, lo, hi);
  }
  return bad;
}

// Whether every value converts to FP32 exactly (|x| < 2^24 - 1, tested on x ^ (x >> 31)).
template <class In>
[[gnu::always_inline]] inline bool smallRow(const In* __restrict xp, int64_t channels) {
  if (sizeof(In) == 1) return true;
  uint32_t m = 0;
  for (int64_t c = 0; c < channels; ++c) m |= uint32_t(int32_t(xp[c]) ^ (int32_t(xp[c]) >> 31));
  return m < (1u << 24) - 1;
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
    if (Orin && smallRow(xp, channels)) {
      bad |= orinRow<In, Bias, Check>(a, xp, yp, channels);
      if (Check && bad) return false;
      continue;
    }
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
  if (a.requant == DlaNumerics::Int8Requant::kXavierFixedPoint)
    return a.hasBias ? affineLoop<In, false, true, false>(a, x, y, pixels, channels)
                     : affineLoop<In, false, false, false>(a, x, y, pixels, channels);
  if (a.checked)
    return a.hasBias ? affineLoop<In, true, true, true>(a, x, y, pixels, channels)
                     : affineLoop<In, true, false, true>(a, x, y, pixels, channels);
  return a.hasBias ? affineLoop<In, true, true, false>(a, x, y, pixels, channels)
                   : affineLoop<In, true, false, false>(a, x, y, pixels, channels);
}

// Orin in FP32 lanes (see r19f).
template <int Op, bool Check>
[[gnu::always_inline]] inline bool binaryLoopF(const Binary& b, const int8_t* __restrict a,
                                               const int8_t* __restrict c, int8_t* __restrict y,
                                               int64_t n) {
  const float fa = float(b.fa), fb = float(b.fb);
  const int lo = b.lo, hi = b.hi;
  uint32_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    float t;
    if (Op == 3) {
      t = r19f<Check>(r19f<Check>(float(a[i]) * float(c[i]), bad) * fa, bad);
    } else {
      float u = r19f<Check>(float(a[i]) * fa, bad), v = r19f<Check>(float(c[i]) * fb, bad);
      t = Op == 0 ? r19f<Check>(u + v, bad) : Op == 1 ? (u < v ? v : u) : (v < u ? v : u);
    }
    y[i] = outf(t, lo, hi);
  }
  return !(Check && bad);
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
  if (b.requant == DlaNumerics::Int8Requant::kXavierFixedPoint)
    return binaryLoop<Op, false, false>(b, a, c, y, n);
  return b.checked ? binaryLoopF<Op, true>(b, a, c, y, n) : binaryLoopF<Op, false>(b, a, c, y, n);
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
DLASIM_TARGET_CLONES bool affine(const Affine& a, const int32_t* x, int8_t* y, int64_t pixels,
                                 int64_t channels) {
  return affineBody(a, x, y, pixels, channels);
}

DLASIM_TARGET_CLONES bool affine(const Affine& a, const int8_t* x, int8_t* y, int64_t pixels,
                                 int64_t channels) {
  return affineBody(a, x, y, pixels, channels);
}

DLASIM_TARGET_CLONES bool binary(const Binary& b, const int8_t* a, const int8_t* c, int8_t* y,
                                 int64_t n) {
  return binaryBody(b, a, c, y, n);
}

bool safeOperand(double v) {
  double m = std::fabs(v);
  return m == 0 || (m >= 0x1p-50 && m <= 0x1p40);
}

}  // namespace kern::int8::fast
