// The vectorised hot loops against the rules they shortcut: FP16 rounding of arrays (F16C)
// against kern::numeric::roundToFp16, and the INT8 requantisation loops (kernels/
// int8_requant_fast.cpp) against the per-value specification, applyOne (kernels/nvdla's SDP
// stages for Xavier, FP19's rounding for Orin): random programs of both arithmetics including
// large accumulators (the FP32 lanes' limit), operands outside the unchecked FP19 range, clips
// and every binary operation, and every int8 input / operand pair.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "kernels/fp16_array.h"
#include "kernels/int8_conv.h"
#include "kernels/int8_requant.h"
#include "kernels/numeric/fp16.h"
#include "kernels/numeric/int8.h"
#include "platform_numerics.h"

namespace {

using namespace kern::int8;

TEST(Fp16Array, MatchesTheScalarRuleOnSampledPatternsAndEdges) {
  std::vector<float> v;
  for (uint64_t b = 0; b < (uint64_t(1) << 32); b += 4099) {  // every 4099th pattern
    uint32_t u = uint32_t(b);
    float f;
    std::memcpy(&f, &u, 4);
    v.push_back(f);
  }
  for (uint32_t h = 0; h < 0x7c00; ++h) {  // every half, its midpoints and neighbours, both signs
    float lo = kern::numeric::halfBitsToFloat(uint16_t(h)),
          hi = kern::numeric::halfBitsToFloat(uint16_t(h + 1));
    float m = float((double(lo) + double(hi)) / 2);
    for (float x : {lo, m, std::nextafter(m, 0.f), std::nextafter(m, 1e9f)}) {
      v.push_back(x);
      v.push_back(-x);
    }
  }
  for (float x : {65504.f, 65519.f, 65520.f, 1e9f, INFINITY, NAN, 5.96e-8f, 2.98e-8f, 1e-40f})
    for (float s : {1.f, -1.f}) v.push_back(s * x);
  std::vector<float> fast = v;
  kern::roundToFp16Array(fast.data(), int64_t(fast.size()));
  for (size_t i = 0; i < v.size(); ++i) {
    float want = kern::numeric::roundToFp16(v[i]);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(fast[i])) << v[i];
      continue;
    }
    ASSERT_EQ(std::memcmp(&fast[i], &want, 4), 0)
        << "input " << v[i] << " got " << fast[i] << " want " << want;
  }
}

// Weight quantisation (vectorised, with a division only near ties) against the rule
// q = sat8(rna(w / s)), s = max|w| / 127: exact ties, their float neighbours, random values,
// several scales, NaN and Inf rows.
TEST(Int8FastPaths, WeightQuantisationEqualsTheRule) {
  std::mt19937 rng(19);
  for (int k = 0; k < 300; ++k) {
    const int64_t per = 1 + int64_t(rng() % 700);
    std::vector<float> w(static_cast<size_t>(per));
    float amax = std::ldexp(float(1 + rng() % 127), int(rng() % 20) - 10);
    float s = amax / 127.f;
    for (auto& v : w) {
      float code = float(int(rng() % 256) - 128) + ((rng() % 2) ? 0.5f : 0.f);  // ties
      v = code * s;
      if (rng() % 3 == 0) v = std::nextafter(v, (rng() % 2) ? 1e9f : -1e9f);
      if (rng() % 5 == 0) v = std::uniform_real_distribution<float>(-amax, amax)(rng);
      v = std::max(-amax, std::min(amax, v));
    }
    w[0] = amax;
    if (k % 50 == 7) w[1] = NAN;
    if (k % 50 == 8) w[1] = INFINITY;
    std::vector<int8_t> q(w.size());
    float scale;
    kern::int8::quantizeWeights(w.data(), 1, per, q.data(), &scale);
    ASSERT_EQ(scale, k % 50 == 8 ? INFINITY : amax / 127.f);
    for (int64_t i = 0; i < per; ++i)
      ASSERT_EQ(q[size_t(i)], kern::numeric::quantizeInt8(w[size_t(i)], scale))
          << "row " << k << " value " << w[size_t(i)] << " scale " << scale;
  }
}

// Random per-channel programs, run through the fast loops (run) and one value at a time.
TEST(Int8FastPaths, AffineLoopsEqualTheRuleOnBothPolicies) {
  std::mt19937 rng(17);
  auto u = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int cases = 0, fast = 0;
  for (int i = 0; i < 400; ++i) {
    const int64_t channels = u(1, 40), pixels = u(1, 30);
    AffineSpec s;
    std::vector<double> f, b;
    const bool unsafe = i % 10 == 0;  // operands beyond [2^-50, 2^40]: the checked loops
    for (int64_t c = 0; c < channels; ++c) {
      f.push_back(std::exp2(unsafe ? u(-140, 60) : u(-30, 3)) * (1 + u(0, 1000) / 1000.0));
      b.push_back((u(-1000, 1000) / 7.0) * std::exp2(unsafe ? u(-140, 60) : u(-5, 12)));
    }
    s.factor = Operand::perChannel(f);
    if (i % 3) s.preBias = Operand::perChannel(b);
    s.act = i % 4 == 1 ? Act::kRelu : i % 4 == 2 ? Act::kClip : Act::kNone;
    s.clipHigh = u(0, 300) / 3.0;
    for (const kern::DlaNumerics& p : {testnum::orin(), testnum::xavier()}) {
      auto prog = compile(s, p, channels, channels);
      fast += hasFastLoop(*prog);
      // Accumulators: small, around 2^24 (the FP32 lanes' limit), up to int32's range.
      std::vector<int32_t> x(size_t(pixels * channels));
      int range = i % 5 == 0 ? INT32_MAX : i % 5 == 1 ? (1 << 25) : (1 << 18);
      for (auto& v : x) v = std::uniform_int_distribution<int32_t>(-range, range)(rng);
      std::vector<int8_t> y(x.size()), x8(x.size()), y8(x.size());
      for (size_t k = 0; k < x.size(); ++k) x8[k] = int8_t(u(-128, 127));
      run(*prog, x.data(), y.data(), 1, int64_t(x.size()), channels, true);
      run(*prog, x8.data(), y8.data(), 1, int64_t(x.size()), channels, true);
      for (size_t k = 0; k < x.size(); ++k) {
        int64_t c = int64_t(k) % channels;
        ASSERT_EQ(y[k], applyOne(*prog, x[k], c, int64_t(k))) << "case " << i << " acc " << x[k];
        ASSERT_EQ(y8[k], applyOne(*prog, x8[k], c, int64_t(k))) << "case " << i;
      }
      ++cases;
    }
  }
  EXPECT_EQ(cases, 800);
  EXPECT_GT(fast, 700) << "the loops under test must be the fast ones";
}

// A NaN reaching the output step (NaN or infinite operands from hostile weights: 0 x inf)
// gives the rule's 0; the loops converted it to int (undefined behaviour, found by the onnx
// fuzz target; -128 on x86).
TEST(Int8FastPaths, NanOperandsGiveTheRulesResult) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  AffineSpec s;
  s.factor = Operand::perChannel({nan, inf, 0.5, inf});
  s.preBias = Operand::perChannel({0.0, 0.0, nan, -inf});
  auto prog = compile(s, testnum::orin(), 4, 4);
  std::vector<int32_t> x = {7, 0, 3, 100, -7, 0, -3, -100};
  std::vector<int8_t> y(x.size());
  run(*prog, x.data(), y.data(), 1, int64_t(x.size()), 4, true);
  for (size_t k = 0; k < x.size(); ++k)
    EXPECT_EQ(y[k], applyOne(*prog, x[k], int64_t(k) % 4, int64_t(k))) << "element " << k;
  EXPECT_EQ(y[0], 0);  // NaN factor
  EXPECT_EQ(y[1], 0);  // 0 x inf
}

TEST(Int8FastPaths, BinaryLoopsEqualTheRuleOnBothPolicies) {
  std::mt19937 rng(18);
  auto u = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int fast = 0;
  for (int i = 0; i < 400; ++i) {
    BinarySpec s;
    s.op = BinOp(i % 4);
    const bool unsafe = i % 10 == 0;
    s.fa = std::exp2(unsafe ? u(-140, 60) : u(-8, 2)) * (1 + u(0, 1000) / 1000.0);
    s.fb =
        std::exp2(unsafe ? u(-140, 60) : u(-8, 2)) * (1 + u(0, 1000) / 1000.0) * (u(0, 1) ? 1 : -1);
    s.act = i % 3 == 1 ? Act::kRelu : i % 3 == 2 ? Act::kClip : Act::kNone;
    s.clipHigh = u(0, 300) / 3.0;
    std::vector<int8_t> a(size_t(u(1, 300))), b(a.size()), y(a.size());
    for (size_t k = 0; k < a.size(); ++k) {
      a[k] = int8_t(u(-128, 127));
      b[k] = int8_t(u(-128, 127));
    }
    for (const kern::DlaNumerics& p : {testnum::orin(), testnum::xavier()}) {
      auto prog = compile(s, p);
      fast += hasFastLoop(*prog);
      run(*prog, a.data(), b.data(), y.data(), int64_t(a.size()));
      for (size_t k = 0; k < a.size(); ++k)
        ASSERT_EQ(y[k], applyOne(*prog, a[k], b[k]))
            << "case " << i << " " << int(a[k]) << " " << int(b[k]);
    }
  }
  EXPECT_GT(fast, 700) << "the loops under test must be the fast ones";
}

}  // namespace

namespace {

using namespace kern::int8;

// Every int8 input and every pair of int8 operands, on random programs of both arithmetics:
// the vectorised loops against the per-value specification (applyOne: nvdla::sdpStage for
// Xavier, FP19's rounding for Orin), exhaustively over the inputs int8 data can hold.
TEST(Int8FastPaths, EveryInt8InputMatchesTheSpecification) {
  std::mt19937 rng(23);
  auto u = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int fast = 0;
  for (int i = 0; i < 40; ++i) {
    const int64_t channels = u(1, 8);
    AffineSpec s;
    std::vector<double> f, b;
    for (int64_t c = 0; c < channels; ++c) {
      f.push_back(std::exp2(u(-12, 2)) * (1 + u(0, 1000) / 1000.0));
      b.push_back(u(-3000, 3000) / 11.0);
    }
    s.factor = Operand::perChannel(f);
    if (i % 2) s.preBias = Operand::perChannel(b);
    s.act = i % 3 == 1 ? Act::kRelu : i % 3 == 2 ? Act::kClip : Act::kNone;
    s.clipHigh = u(0, 300) / 3.0;
    std::vector<int8_t> x(size_t(256 * channels)), y(x.size());
    for (size_t k = 0; k < x.size(); ++k) x[k] = int8_t(int(k / size_t(channels)) - 128);
    for (const kern::DlaNumerics& p : {testnum::orin(), testnum::xavier()}) {
      auto prog = compile(s, p, channels, channels);
      fast += hasFastLoop(*prog);
      run(*prog, x.data(), y.data(), 1, int64_t(x.size()), channels, true);
      for (size_t k = 0; k < x.size(); ++k)
        ASSERT_EQ(y[k], applyOne(*prog, x[k], int64_t(k) % channels, int64_t(k)))
            << "program " << i << " input " << int(x[k]);
    }
  }
  EXPECT_EQ(fast, 80) << "every program here has the vectorised loop";
}

TEST(Int8FastPaths, EveryOperandPairMatchesTheSpecification) {
  std::mt19937 rng(29);
  auto u = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<int8_t> a(65536), b(65536), y(65536);
  for (int k = 0; k < 65536; ++k) {
    a[size_t(k)] = int8_t((k >> 8) - 128);
    b[size_t(k)] = int8_t((k & 255) - 128);
  }
  int fast = 0;
  for (int i = 0; i < 16; ++i) {
    BinarySpec s;
    s.op = BinOp(i % 4);
    s.fa = std::exp2(u(-8, 1)) * (1 + u(0, 1000) / 1000.0);
    s.fb = std::exp2(u(-8, 1)) * (1 + u(0, 1000) / 1000.0) * (u(0, 1) ? 1 : -1);
    s.act = i % 3 == 1 ? Act::kRelu : i % 3 == 2 ? Act::kClip : Act::kNone;
    s.clipHigh = u(0, 300) / 3.0;
    for (const kern::DlaNumerics& p : {testnum::orin(), testnum::xavier()}) {
      auto prog = compile(s, p);
      fast += hasFastLoop(*prog);
      run(*prog, a.data(), b.data(), y.data(), 65536);
      for (size_t k = 0; k < y.size(); ++k)
        ASSERT_EQ(y[k], applyOne(*prog, a[k], b[k]))
            << "program " << i << " " << int(a[k]) << " " << int(b[k]);
    }
  }
  EXPECT_EQ(fast, 32) << "every program here has the vectorised loop";
}

}  // namespace
