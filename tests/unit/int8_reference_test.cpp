// The executor's INT8 pipeline (oneDNN convolutions, compiled requantisation programs, NHWC
// codes) against the independent plain implementation in int8_reference.h, written from
// docs/numerics.md: random convolutions, fully connected layers, pooling, element-wise and
// point-wise problems on both platforms' policies, bit for bit, including ties, saturation of
// codes and of the 34-bit accumulator, and Xavier's shift selection.
#include <gtest/gtest.h>

#include <random>

#include "int8_test_net.h"
#include "platform_numerics.h"

namespace {

using namespace int8test;

struct ConvCase {
  int64_t n, c, k, h, w, kh, kw, sh, sw, ph, pw, dh, dw, group;
  bool bias, relu, powerOfTwo;
};

// The reference convolution: exact sums in hardware order with 34-bit saturation, sat32, then
// the affine output stage (docs: "Convolution, deconvolution, fully connected").
std::vector<int8_t> refConv(const ConvCase& p, const std::vector<int8_t>& x,
                            const std::vector<int8_t>& wq, const std::vector<float>& sw,
                            const std::vector<float>& b, float sIn, float sOut, int64_t oh,
                            int64_t ow, bool xavier, std::vector<double>* exact = nullptr) {
  const int64_t cg = p.c / p.group, kg = p.k / p.group;
  std::vector<int64_t> acc;
  std::vector<size_t> chan;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t k = 0; k < p.k; ++k)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo) {
          int64_t sum = 0;
          for (int64_t c0 = 0; c0 < cg; c0 += 64)  // atomic-C blocks, then kernel row, column
            for (int64_t ky = 0; ky < p.kh; ++ky)
              for (int64_t kx = 0; kx < p.kw; ++kx) {
                int64_t part = 0;
                for (int64_t c = c0; c < std::min(c0 + 64, cg); ++c) {
                  int64_t iy = y * p.sh - p.ph + ky * p.dh, ix = xo * p.sw - p.pw + kx * p.dw;
                  if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
                  int64_t ci = (k / kg) * cg + c;
                  part += int64_t(x[size_t(((n * p.c + ci) * p.h + iy) * p.w + ix)]) *
                          wq[size_t(((k * cg + c) * p.kh + ky) * p.kw + kx)];
                }
                sum = ref::sat(sum + part, 34);
              }
          acc.push_back(ref::sat(sum, 32));
          chan.push_back(size_t(k));
        }
  ref::Affine a;
  double largest = 0;
  for (float s : sw) largest = std::max(largest, double(sIn) * s);
  for (int64_t k = 0; k < p.k; ++k) {
    double unit = double(sIn) * sw[size_t(k)];
    if (!(unit > 0)) unit = largest > 0 ? largest : 1.0;
    a.factor.push_back(unit / sOut);
    if (p.bias) a.preBias.push_back(double(b[size_t(k)]) / unit);
  }
  if (p.relu) a.act = ref::Act::kRelu;
  if (exact)
    for (size_t e = 0; e < acc.size(); ++e)
      exact->push_back((double(acc[e]) + (p.bias ? a.preBias[chan[e]] : 0)) * a.factor[chan[e]]);
  return ref::runAffine(a, acc, chan, xavier);
}

struct ConvProblem {
  ConvCase p;
  Net net;
  TensorId out;
  std::vector<float> x, w, b;
  float sIn, sOut;
  int64_t oh, ow;
};

ConvProblem makeConv(std::mt19937& rng, ConvCase p) {
  ConvProblem r;
  r.p = p;
  r.sIn = pickScale(rng, p.powerOfTwo, 1.f / 256, 0.5f);
  r.x = gridValues(rng, size_t(p.n * p.c * p.h * p.w), r.sIn);
  std::normal_distribution<float> nd(0.f, 1.f);
  r.w.resize(size_t(p.k * (p.c / p.group) * p.kh * p.kw));
  for (auto& v : r.w) v = nd(rng);
  const size_t per = r.w.size() / size_t(p.k);
  if (p.powerOfTwo)  // codes q * 2^-7 with one 127 per channel: weight scales 2^-7, exact codes
    for (size_t i = 0; i < r.w.size(); ++i)
      r.w[i] =
          std::ldexp(i % per == 0 ? 127.f : std::clamp(std::round(r.w[i] * 30), -127.f, 127.f), -7);
  if (p.k > 2)  // a dead channel: all-zero weights, its bias alone
    std::fill(r.w.begin(), r.w.begin() + int64_t(per), 0.f);
  r.b.resize(size_t(p.k));
  for (auto& v : r.b) v = nd(rng) * r.sIn * 20;
  // The output range: a little narrower than the typical sum so that some codes saturate.
  float typical = r.sIn * 60 * std::sqrt(float(p.c / p.group * p.kh * p.kw));
  r.sOut = pickScale(rng, p.powerOfTwo, typical / 127 / 4, typical / 127 * 2);
  TensorId x = r.net.input("x", {p.n, p.c, p.h, p.w}, r.sIn);
  TensorId w = r.net.constant("w", {p.k, p.c / p.group, p.kh, p.kw}, r.w);
  std::vector<TensorId> in = {x, w};
  if (p.bias) in.push_back(r.net.constant("b", {p.k}, r.b));
  sim::ConvAttrs a;
  a.kernel = {p.kh, p.kw};
  a.strides = {p.sh, p.sw};
  a.padsBegin = a.padsEnd = {p.ph, p.pw};
  a.dilations = {p.dh, p.dw};
  a.group = p.group;
  a.fusedRelu = p.relu;
  r.out = r.net.layer(sim::OpKind::kConvolution, a, in, r.sOut);
  r.oh = r.net.g.desc(r.out).shape[2];
  r.ow = r.net.g.desc(r.out).shape[3];
  return r;
}

ConvCase randomConv(std::mt19937& rng, bool fc) {
  auto u = [&](int lo, int hi) { return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  ConvCase p{};
  p.n = u(1, 2);
  p.group = fc ? 1 : std::vector<int64_t>{1, 1, 2, 0}[size_t(u(0, 3))];
  p.c = fc ? u(1, 300) : u(1, 80);
  if (p.group == 0) p.group = p.c;  // depthwise
  if (p.group == 2) p.c = 2 * u(1, 40);
  p.k = fc ? u(1, 70) : p.group * u(1, 40 / std::min<int64_t>(p.group, 8) + 1);
  p.h = fc ? 1 : u(1, 12);
  p.w = fc ? 1 : u(1, 12);
  p.kh = fc ? 1 : u(1, std::min<int64_t>(5, p.h + 2));
  p.kw = fc ? 1 : u(1, std::min<int64_t>(5, p.w + 2));
  p.sh = fc ? 1 : u(1, 3);
  p.sw = fc ? 1 : u(1, 3);
  p.dh = fc ? 1 : u(1, 2);
  p.dw = fc ? 1 : u(1, 2);
  p.ph = fc ? 0 : u(0, int(p.kh - 1));
  p.pw = fc ? 0 : u(0, int(p.kw - 1));
  while ((p.h + 2 * p.ph - (p.kh - 1) * p.dh - 1) < 0) ++p.ph;
  while ((p.w + 2 * p.pw - (p.kw - 1) * p.dw - 1) < 0) ++p.pw;
  p.bias = u(0, 3) > 0;
  p.relu = u(0, 1);
  p.powerOfTwo = u(0, 1);
  return p;
}

void checkConvs(bool fc, int count, unsigned seed, int minTies) {
  std::mt19937 rng(seed);
  int ties = 0, saturated = 0;
  for (int i = 0; i < count; ++i) {
    ConvProblem pr = makeConv(rng, randomConv(rng, fc));
    const ConvCase& p = pr.p;
    std::vector<int8_t> wq;
    std::vector<float> sw;
    ref::quantizeWeights(pr.w, p.k, &wq, &sw);
    std::vector<int8_t> xq = codes(pr.x, pr.sIn);
    for (const Policy& pol : kPolicies) {
      std::vector<double> exact;
      std::vector<int8_t> want = refConv(p, xq, wq, sw, pr.b, pr.sIn, pr.sOut, pr.oh, pr.ow,
                                         pol.xavierFixedPoint(), &exact);
      // The executor's output is NCHW; the reference's order is the same.
      expectSame(pr.net.run({pr.x}, pr.out, pol), want, pr.sOut,
                 std::string(fc ? "fc " : "conv ") + std::to_string(i) + " " + name(pol));
      for (double v : exact) {
        ties += std::fabs(std::fabs(v) - std::floor(std::fabs(v)) - 0.5) == 0;
        saturated += std::fabs(v) > 128;
      }
    }
  }
  EXPECT_GT(ties, minTies) << "the problems must contain exact rounding ties";
  EXPECT_GT(saturated, 20) << "the problems must saturate some codes";
}

TEST(Int8Reference, RandomConvolutionsBitExactOnBothPlatforms) {
  checkConvs(false, 60, 11, 20);
}

TEST(Int8Reference, RandomFullyConnectedBitExactOnBothPlatforms) {
  checkConvs(true, 80, 12, 5);
}

// Orin and Xavier approximate the same real requantisation v = (acc + bias) * factor: each
// code is within one step of rna(v), and the two differ only where v lies close to a rounding
// boundary: Xavier's truncated 16-bit multipliers (relative error < 2^-14 for the channel with
// the largest factor, < 1/m for the others) and rounded bias, Orin's FP19 steps (relative 2^-11
// per operation).
TEST(Int8Reference, OrinAndXavierDifferOnlyNearRoundingBoundaries) {
  std::mt19937 rng(21);
  int64_t compared = 0, differ = 0;
  for (int i = 0; i < 40; ++i) {
    ConvCase p = randomConv(rng, false);
    p.powerOfTwo = false;
    ConvProblem pr = makeConv(rng, p);
    // Equal weight ranges per channel: every multiplier is near 2^14, so Xavier's error is the
    // truncation's 2^-14 and the bias rounding.
    const size_t per = pr.w.size() / size_t(p.k);
    for (size_t k = p.k > 2 ? 1 : 0; k < size_t(p.k); ++k) {  // channel 0 is dead when K > 2
      for (size_t i = 0; i < per; ++i)
        pr.w[k * per + i] = std::clamp(pr.w[k * per + i], -2.9f, 2.9f);
      pr.w[k * per] = 3.f;
    }
    pr.net.g.tensors[size_t(pr.net.g.nodes[0].inputs[1])].value =
        Tensor::fromVector(DType::kFloat, pr.net.g.desc(pr.net.g.nodes[0].inputs[1]).shape, pr.w);
    std::vector<int8_t> wq;
    std::vector<float> sw;
    ref::quantizeWeights(pr.w, p.k, &wq, &sw);
    std::vector<int8_t> xq = codes(pr.x, pr.sIn);
    std::vector<double> exact;
    std::vector<int8_t> xav =
        refConv(p, xq, wq, sw, pr.b, pr.sIn, pr.sOut, pr.oh, pr.ow, true, &exact);
    std::vector<int8_t> orin = refConv(p, xq, wq, sw, pr.b, pr.sIn, pr.sOut, pr.oh, pr.ow, false);
    expectSame(pr.net.run({pr.x}, pr.out, testnum::orin()), orin, pr.sOut, "orin");
    expectSame(pr.net.run({pr.x}, pr.out, testnum::xavier()), xav, pr.sOut, "xavier");
    for (size_t e = 0; e < exact.size(); ++e) {
      double v = p.relu ? std::max(exact[e], 0.0) : exact[e];
      int64_t r = ref::sat(ref::rna(v), 8);
      ++compared;
      EXPECT_LE(std::abs(xav[e] - r), 1) << "xavier, exact " << v;
      EXPECT_LE(std::abs(orin[e] - r), 1) << "orin, exact " << v;
      if (xav[e] == orin[e] || std::fabs(v) > 127.5) continue;
      ++differ;
      double frac = std::fabs(v) - std::floor(std::fabs(v));
      EXPECT_LT(std::fabs(frac - 0.5), 0.01 + std::fabs(v) * 0.002)
          << "the policies differ far from a rounding boundary: exact " << v;
    }
  }
  EXPECT_GT(compared, 10000);
  EXPECT_GT(differ, 0) << "the policies should not be identical";
  EXPECT_LT(differ * 50, compared) << "more than 2% of the codes differ";
}

// Weights from a Q/DQ model keep the model's own per-channel scales (sim::Quantization
// channelScales along the output channels): the pipeline quantises with exactly those, which
// gives the model's codes back, where its own max|w| / 127 scales would not.
TEST(Int8Reference, QdqWeightScalesGiveTheModelsCodesBack) {
  std::mt19937 rng(31);
  for (int i = 0; i < 10; ++i) {
    ConvCase p = randomConv(rng, false);
    ConvProblem pr = makeConv(rng, p);
    const int64_t per = int64_t(pr.w.size()) / p.k;
    std::vector<float> scales;
    std::vector<int8_t> codes8(pr.w.size());
    for (int64_t k = 0; k < p.k; ++k) {
      scales.push_back(std::ldexp(1.f + float(rng() % 100) / 100, -int(rng() % 8)));
      for (int64_t j = 0; j < per; ++j) {  // codes within [-100, 100]: max|w| / 127 differs
        codes8[size_t(k * per + j)] = int8_t(int(rng() % 201) - 100);
        pr.w[size_t(k * per + j)] = float(codes8[size_t(k * per + j)]) * scales.back();
      }
    }
    sim::TensorId wt = pr.net.g.nodes[0].inputs[1];
    pr.net.g.tensors[size_t(wt)].value =
        Tensor::fromVector(DType::kFloat, pr.net.g.desc(wt).shape, pr.w);
    pr.net.g.tensors[size_t(wt)].quant.channelScales = scales;
    pr.net.g.tensors[size_t(wt)].quant.axis = 0;
    for (const Policy& pol : kPolicies) {
      std::vector<int8_t> want = refConv(p, codes(pr.x, pr.sIn), codes8, scales, pr.b, pr.sIn,
                                         pr.sOut, pr.oh, pr.ow, pol.xavierFixedPoint());
      expectSame(pr.net.run({pr.x}, pr.out, pol), want, pr.sOut,
                 "qdq " + std::to_string(i) + " " + name(pol));
    }
  }
}

// The 34-bit accumulator saturates in the hardware's order: 8192 channels x 9 x 9 taps of
// +127 * 127 first (1.07e10 > 2^33 - 1), then as many of -127 * 127. Saturating, the sum ends at
// 2^33 - 1 - 1.07e10 = -2112495617; exact it would be 0. The plain loops run (the sums do not
// fit oneDNN's int32), and the output scale makes that sum a mid-range code.
TEST(Int8Reference, AccumulatorSaturatesAt34BitsInHardwareOrder) {
  std::mt19937 rng(3);
  ConvCase p{1, 16384, 1, 9, 9, 9, 9, 1, 1, 0, 0, 1, 1, 1, false, false, false};
  ConvProblem pr = makeConv(rng, p);
  std::fill(pr.x.begin(), pr.x.end(), 127 * pr.sIn);
  for (size_t i = 0; i < pr.w.size(); ++i) pr.w[i] = i < pr.w.size() / 2 ? 1.f : -1.f;
  pr.net.g.tensors[size_t(pr.net.g.nodes[0].inputs[1])].value =
      Tensor::fromVector(DType::kFloat, {1, 16384, 9, 9}, pr.w);
  std::vector<int8_t> wq;
  std::vector<float> sw;
  ref::quantizeWeights(pr.w, p.k, &wq, &sw);
  const int64_t saturated = (int64_t(1) << 33) - 1 - int64_t(8192) * 81 * 127 * 127;
  ASSERT_GT(saturated, int64_t(INT32_MIN));  // inside int32: only the 34-bit saturation shows
  pr.sOut = float(double(-saturated) * pr.sIn * sw[0] / 100);  // about 100 steps
  pr.net.g.tensors[size_t(pr.out)].quant.scale = pr.sOut;
  for (const Policy& pol : kPolicies) {
    std::vector<double> exact;
    std::vector<int8_t> want = refConv(p, codes(pr.x, pr.sIn), wq, sw, pr.b, pr.sIn, pr.sOut, pr.oh,
                                       pr.ow, pol.xavierFixedPoint(), &exact);
    EXPECT_NEAR(int(want[0]), -100, 1) << name(pol);
    expectSame(pr.net.run({pr.x}, pr.out, pol), want, pr.sOut, name(pol));
  }
}

}  // namespace
