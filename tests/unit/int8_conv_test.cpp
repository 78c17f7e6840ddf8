// The integer convolution's fast path (oneDNN u8 x s8 -> s32, with the x+ / x- split for
// negative codes) against NVDLA's plain loops (kern::nvdla::convInt8 per image and group), bit
// for bit: random geometries, extreme codes (-128, 127), grouped and depthwise kernels, and
// sums at the edge of int32.
#include "kernels/int8_conv.h"

#include <gtest/gtest.h>

#include <random>

namespace {

using kern::ConvParams;

ConvParams params(int64_t n, int64_t c, int64_t k, int64_t h, int64_t w, int64_t kh, int64_t kw,
                  int64_t stride, int64_t pad, int64_t dil, int64_t group) {
  ConvParams p;
  p.batch = n;
  p.inChannels = c;
  p.outChannels = k;
  p.group = group;
  p.in = {1, h, w};
  p.kernel = {1, kh, kw};
  p.stride = {1, stride, stride};
  p.padBegin = {0, pad, pad};
  p.dilation = {1, dil, dil};
  for (int i = 1; i < 3; ++i)
    p.out[i] = (p.in[i] + 2 * pad - (p.kernel[i] - 1) * dil - 1) / stride + 1;
  return p;
}

int64_t outSize(const ConvParams& p) {
  return p.batch * p.outChannels * p.out[1] * p.out[2];
}

// Runs the plan and the reference; returns whether oneDNN ran.
bool compare(const ConvParams& p, const std::vector<int8_t>& x, const std::vector<int8_t>& w,
             const std::string& what) {
  auto plan = kern::int8::prepareConvInt8(p, w.data());
  std::vector<int32_t> got(static_cast<size_t>(outSize(p))), want(got.size());
  kern::int8::executeConvInt8(*plan, x.data(), got.data());
  kern::int8::convInt8Reference(p, x.data(), w.data(), want.data());
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i]) {
      ADD_FAILURE() << what << ": output " << i << " got " << got[i] << " want " << want[i];
      break;
    }
  return kern::int8::convInt8UsesOnednn(*plan);
}

TEST(Int8Conv, OnednnEqualsTheNvdlaLoopsOnRandomGeometries) {
  std::mt19937 rng(23);
  auto u = [&](int lo, int hi) { return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  int onednn = 0;
  for (int i = 0; i < 60; ++i) {
    int64_t group = std::vector<int64_t>{1, 1, 2, 4, 0}[size_t(u(0, 4))];
    int64_t c = group == 0 ? u(1, 32) : group * u(1, 24), kh = u(1, 5), kw = kh;
    int64_t g = group == 0 ? c : group, k = g * u(1, group == 0 ? 1 : 8);
    ConvParams p =
        params(u(1, 2), c, k, u(kh, 12), u(kw, 12), kh, kw, u(1, 2), u(0, kh - 1), u(1, 2), g);
    if (p.out[1] < 1 || p.out[2] < 1) continue;
    std::vector<int8_t> x(size_t(p.batch * c * p.in[1] * p.in[2])),
        w(size_t(k * (c / g) * kh * kw));
    const int kind = i % 4;  // 0: non-negative codes, 1: signed, 2 / 3: extremes
    for (auto& v : x)
      v = int8_t(kind == 0 ? u(0, 127) : kind == 1 ? u(-128, 127) : (u(0, 1) ? 127 : -128));
    for (auto& v : w) v = int8_t(kind >= 2 ? (u(0, 1) ? 127 : -127) : u(-127, 127));
    onednn += compare(p, x, w, "case " + std::to_string(i));
  }
  EXPECT_GT(onednn, 50) << "the fast path must be the one under test";
}

// Weights of -128 cannot be negated for the split: signed inputs then take the plain loops;
// non-negative inputs still use oneDNN (a u8 code times -128 pairs stay within int16).
TEST(Int8Conv, MinusOneTwentyEightWeights) {
  ConvParams p = params(1, 16, 8, 6, 6, 3, 3, 1, 1, 1, 1);
  std::vector<int8_t> w(8 * 16 * 9, int8_t(-128)), pos(16 * 36, 127), neg(16 * 36, -128);
  EXPECT_TRUE(compare(p, pos, w, "non-negative"));
  compare(p, neg, w, "signed");
}

// 8256 channels x 4 x 4 taps: 128 * 127 * 132096 = 2147352576 < 2^31, the largest sums oneDNN
// still takes; every product at its extreme (-128 codes through the split, weights 127).
TEST(Int8Conv, SumsAtTheEdgeOfInt32) {
  ConvParams p = params(1, 8256, 2, 4, 4, 4, 4, 1, 0, 1, 1);
  std::vector<int8_t> w(size_t(2 * 8256 * 16), 127), x(size_t(8256 * 16), int8_t(-128));
  for (size_t i = 8256 * 16; i < w.size(); ++i) w[i] = -127;
  EXPECT_TRUE(compare(p, x, w, "edge"));
  std::vector<int32_t> acc(2);
  auto plan = kern::int8::prepareConvInt8(p, w.data());
  kern::int8::executeConvInt8(*plan, x.data(), acc.data());
  EXPECT_EQ(acc[0], -2147352576);
  EXPECT_EQ(acc[1], 2147352576);
  // One more tap and the sums could pass 2^31: the plain loops take over.
  ConvParams q = params(1, 8257, 1, 4, 4, 4, 4, 1, 0, 1, 1);
  std::vector<int8_t> w2(size_t(8257 * 16), 127), x2(size_t(8257 * 16), 1);
  EXPECT_FALSE(compare(q, x2, w2, "over"));
}

}  // namespace
