// An independent, plain implementation of dlasim's INT8 arithmetic, written from
// docs/numerics.md ("Integer INT8 pipeline", "FP19") alone: simple loops, doubles and 64-bit
// integers, no dlasim kernel and no oneDNN. The tests run the executor's fast path on the same
// problems and require the same bits.
#pragma once
#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace int8ref {

// ---- rounding and saturation --------------------------------------------------------------

inline int64_t rna(double x) {  // nearest, ties away from zero
  double a = std::floor(std::fabs(x) + 0.5);
  return int64_t(x < 0 ? -a : a);
}
inline int64_t rnaShift(int64_t x, int s) {  // rna(x / 2^s), exactly
  if (s <= 0) return x;
  uint64_t mag = x < 0 ? uint64_t(-x) : uint64_t(x);
  uint64_t r = s >= 63 ? 0 : (mag + (uint64_t(1) << (s - 1))) >> s;
  return x < 0 ? -int64_t(r) : int64_t(r);
}
inline int64_t sat(int64_t x, int bits) {
  int64_t hi = (int64_t(1) << (bits - 1)) - 1, lo = -hi - 1;
  return std::min(std::max(x, lo), hi);
}
inline int64_t shl32(int64_t op, int s) {  // sat32(op << s)
  if (op == 0) return 0;
  if (s >= 32) return op > 0 ? INT32_MAX : INT32_MIN;
  return sat(op * (int64_t(1) << s), 32);
}

// ---- FP19: 1 sign, 8 exponent, 10 mantissa bits; nearest even; subnormals multiples of
// 2^-136; saturating at (2 - 2^-10) * 2^127 -------------------------------------------------

inline float r19(double v) {
  if (v == 0 || std::isnan(v)) return float(v);
  double a = std::fabs(v);
  int ex;
  std::frexp(a, &ex);  // a = m * 2^ex, m in [0.5, 1): floor(log2 a) = ex - 1
  int quantum = std::max(ex - 1, -126) - 10;
  double n = std::ldexp(a, -quantum);
  std::fesetround(FE_TONEAREST);
  double r = std::ldexp(std::nearbyint(n), quantum);
  const double kMax = std::ldexp(2.0 - std::ldexp(1.0, -10), 127);
  r = std::min(r, kMax);
  return float(v < 0 ? -r : r);
}

// ---- codes ----------------------------------------------------------------------------------

inline int8_t quantize(float x, float s) {
  if (!(s > 0)) return 0;
  return int8_t(sat(rna(double(x) / double(s)), 8));
}
inline float dequantize(int8_t q, float s) {
  return float(q) * s;
}

/// Weights [K, per]: s_k = max|w_k| / 127 (FP32), codes sat8(rna(w / s_k)).
inline void quantizeWeights(const std::vector<float>& w, int64_t K, std::vector<int8_t>* q,
                            std::vector<float>* s) {
  int64_t per = int64_t(w.size()) / K;
  q->assign(w.size(), 0);
  s->assign(size_t(K), 0.f);
  for (int64_t k = 0; k < K; ++k) {
    float m = 0;
    for (int64_t i = 0; i < per; ++i) m = std::max(m, std::fabs(w[size_t(k * per + i)]));
    (*s)[size_t(k)] = m / 127.f;
    for (int64_t i = 0; i < per; ++i)
      (*q)[size_t(k * per + i)] = quantize(w[size_t(k * per + i)], (*s)[size_t(k)]);
  }
}

// ---- Xavier's operand rules -----------------------------------------------------------------

struct Mults {
  std::vector<int64_t> m;
  int sh = 0;
};
inline Mults multipliers(const std::vector<double>& f) {
  double largest = 0;
  for (double x : f) largest = std::max(largest, std::fabs(x));
  Mults r;
  if (largest > 0) {
    int ex;
    std::frexp(largest, &ex);
    r.sh = std::min(std::max(15 - ex, 0), 63);  // 15 - (floor(log2) + 1)
  }
  for (double x : f)
    r.m.push_back(std::min(std::max(std::trunc(std::ldexp(x, r.sh)), -32768.0), 32767.0));
  return r;
}
struct AluOps {
  std::vector<int64_t> op;
  int s = 0;
};
inline AluOps aluOperands(const std::vector<double>& b) {
  double largest = 0;
  for (double x : b) largest = std::max(largest, std::fabs(x));
  AluOps r;
  while (r.s < 63 && rna(std::ldexp(largest, -r.s)) > 32767) ++r.s;
  for (double x : b)
    r.op.push_back(std::min<int64_t>(std::max<int64_t>(rna(std::ldexp(x, -r.s)), -32768), 32767));
  return r;
}

// ---- affine programs (one channel's operands already selected) -------------------------------

enum class Act { kNone, kRelu, kClip, kLeaky };
enum class Post { kNone, kSum, kMax, kMin };

/// Float description with per-element operand vectors (index i), as the docs' table gives them.
struct Affine {
  bool abs = false;
  std::vector<double> factor, preBias, post, slope;  // empty = absent; size 1 = broadcast
  Post postOp = Post::kNone;
  Act act = Act::kNone;
  double clipHigh = 0;
};

inline double at(const std::vector<double>& v, size_t i) {
  return v.size() == 1 ? v[0] : v[i];
}

/// Evaluates the program on inputs x (operand index i = index into the vectors) per policy.
inline std::vector<int8_t> runAffine(const Affine& a, const std::vector<int64_t>& x,
                                     const std::vector<size_t>& idx, bool xavier) {
  std::vector<int8_t> y(x.size());
  if (xavier) {
    Mults m = multipliers(a.factor);
    AluOps pre = aluOperands(a.preBias.empty() ? std::vector<double>{0} : a.preBias);
    AluOps post = aluOperands(a.post.empty() ? std::vector<double>{0} : a.post);
    Mults slope = multipliers(a.slope.empty() ? std::vector<double>{0} : a.slope);
    int64_t clip = std::min<int64_t>(std::max<int64_t>(rna(a.clipHigh), -32768), 32767);
    auto pick = [](const std::vector<int64_t>& v, size_t i) { return v.size() == 1 ? v[0] : v[i]; };
    for (size_t e = 0; e < x.size(); ++e) {
      size_t i = idx[e];
      int64_t t = a.abs ? std::llabs(x[e]) : x[e];
      t = sat(t, 32);
      int64_t al = t + (a.preBias.empty() ? 0 : shl32(pick(pre.op, i), pre.s));
      t = sat(rnaShift(al * pick(m.m, i), m.sh), 32);
      int64_t p = a.post.empty() ? 0 : shl32(pick(post.op, i), post.s);
      if (a.postOp == Post::kSum) t = sat(t + p, 32);
      if (a.postOp == Post::kMax) t = std::max(t, p);
      if (a.postOp == Post::kMin) t = std::min(t, p);
      if (a.act == Act::kRelu) t = std::max<int64_t>(t, 0);
      if (a.act == Act::kClip) t = std::max<int64_t>(std::min(t, clip), 0);
      if (a.act == Act::kLeaky && t < 0) t = sat(rnaShift(t * pick(slope.m, i), slope.sh), 32);
      y[e] = int8_t(sat(t, 8));
    }
    return y;
  }
  for (size_t e = 0; e < x.size(); ++e) {
    size_t i = idx[e];
    float t = r19(double(a.abs ? std::llabs(x[e]) : x[e]));
    if (!a.preBias.empty()) t = r19(double(t) + r19(at(a.preBias, i)));
    t = r19(double(t) * r19(at(a.factor, i)));
    if (a.postOp == Post::kSum) t = r19(double(t) + r19(at(a.post, i)));
    if (a.postOp == Post::kMax) t = std::max(t, r19(at(a.post, i)));
    if (a.postOp == Post::kMin) t = std::min(t, r19(at(a.post, i)));
    if (a.act == Act::kRelu) t = std::max(t, 0.f);
    if (a.act == Act::kClip) t = std::min(std::max(t, 0.f), r19(a.clipHigh));
    if (a.act == Act::kLeaky && t < 0) t = r19(double(t) * r19(at(a.slope, i)));
    y[e] = int8_t(sat(rna(t), 8));
  }
  return y;
}

enum class Bin { kSum, kMax, kMin, kProd };

/// Two codes: fa = s_a / s_y, fb = s_b / s_y (negated for Sub); Prod uses f = fa * fb. An
/// activation fused after it: ReLU, or clip with bound clipHigh (output units).
inline int8_t binary(Bin op, int64_t a, int64_t b, double fa, double fb, bool xavier,
                     Act act = Act::kNone, double clipHigh = 0) {
  if (xavier) {
    int64_t s;
    int sh;
    if (op == Bin::kProd) {
      Mults m = multipliers({fa * fb});
      s = a * b * m.m[0];
      sh = m.sh;
    } else {
      Mults m = multipliers({fa, fb});
      int64_t x = a * m.m[0], y = b * m.m[1];
      s = op == Bin::kSum ? x + y : op == Bin::kMax ? std::max(x, y) : std::min(x, y);
      sh = m.sh;
    }
    int64_t t = sat(rnaShift(s, sh), 32);
    int64_t c = std::min<int64_t>(std::max<int64_t>(rna(clipHigh), -32768), 32767);
    if (act == Act::kRelu) t = std::max<int64_t>(t, 0);
    if (act == Act::kClip) t = std::max<int64_t>(std::min(t, c), 0);
    return int8_t(sat(t, 8));
  }
  float t;
  if (op == Bin::kProd) {
    t = r19(double(r19(double(a * b))) * r19(fa * fb));
  } else {
    float x = r19(double(a) * r19(fa)), y = r19(double(b) * r19(fb));
    t = op == Bin::kSum ? r19(double(x) + y) : op == Bin::kMax ? std::max(x, y) : std::min(x, y);
  }
  if (act == Act::kRelu) t = std::max(t, 0.f);
  if (act == Act::kClip) t = std::min(std::max(t, 0.f), r19(clipHigh));
  return int8_t(sat(rna(t), 8));
}

// ---- pooling (PDP) --------------------------------------------------------------------------

inline int64_t recip(int64_t k) {
  return 65536 / k;
}
/// NCHW codes, one image plane per call.
inline int8_t poolWindow(const std::vector<int8_t>& plane, int64_t H, int64_t W, int64_t y0,
                         int64_t x0, int64_t kh, int64_t kw, bool average, bool exclude) {
  int64_t sum = 0, best = -128, ny = 0, nx = 0;
  for (int64_t y = y0; y < y0 + kh; ++y) ny += y >= 0 && y < H;
  for (int64_t x = x0; x < x0 + kw; ++x) nx += x >= 0 && x < W;
  for (int64_t y = std::max<int64_t>(y0, 0); y < std::min(y0 + kh, H); ++y)
    for (int64_t x = std::max<int64_t>(x0, 0); x < std::min(x0 + kw, W); ++x) {
      sum += plane[size_t(y * W + x)];
      best = std::max<int64_t>(best, plane[size_t(y * W + x)]);
    }
  if (!average) return int8_t(best);
  int64_t rw = recip(exclude ? std::max<int64_t>(nx, 1) : kw);
  int64_t rh = recip(exclude ? std::max<int64_t>(ny, 1) : kh);
  return int8_t(sat(rnaShift(rnaShift(sum * rw, 16) * rh, 16), 8));
}

}  // namespace int8ref
