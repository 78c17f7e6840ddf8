// INT8 pooling, element-wise, point-wise and concatenation layers through the executor against
// the independent implementation written from docs/numerics.md (int8_reference.h), on both
// platforms' policies, bit for bit; and Xavier's shift selection against the documented rule.
#include <gtest/gtest.h>

#include "int8_test_net.h"
#include "kernels/int8_requant.h"
#include "kernels/nvdla/requant.h"
#include "sim/runtime/int8_specs.h"

namespace {

using namespace int8test;

int64_t u(std::mt19937& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// NCHW index helpers for a [N, C, H, W] shape, with broadcasting of size-1 dimensions.
int64_t bindex(const Shape& s, int64_t n, int64_t c, int64_t h, int64_t w) {
  return (((s[0] == 1 ? 0 : n) * s[1] + (s[1] == 1 ? 0 : c)) * s[2] + (s[2] == 1 ? 0 : h)) * s[3] +
         (s[3] == 1 ? 0 : w);
}

TEST(Int8Layers, PoolingAsThePdpOnBothPlatforms) {
  std::mt19937 rng(5);
  int averaged = 0;
  for (int i = 0; i < 80; ++i) {
    sim::PoolAttrs a;
    a.type = u(rng, 0, 1) ? sim::PoolType::kAverage : sim::PoolType::kMax;
    int64_t kh = u(rng, 1, 8), kw = u(rng, 1, 8);
    a.kernel = {kh, kw};
    a.strides = {u(rng, 1, 4), u(rng, 1, 4)};
    a.padsBegin = {u(rng, 0, kh - 1), u(rng, 0, kw - 1)};
    a.padsEnd = {u(rng, 0, kh - 1), u(rng, 0, kw - 1)};
    a.dilations = {1, 1};
    a.countIncludePad = u(rng, 0, 1);
    Shape xs = {u(rng, 1, 2), u(rng, 1, 20), u(rng, kh, 14), u(rng, kw, 14)};
    float sIn = pickScale(rng, u(rng, 0, 1), 1.f / 64, 1.f);
    std::vector<float> x = gridValues(rng, size_t(sim::volume(xs)), sIn);
    Net net;
    TensorId in = net.input("x", xs, sIn);
    // A different output scale in the graph: the PDP keeps the input's codes and scale.
    TensorId out = net.layer(sim::OpKind::kPooling, a, {in}, sIn * 3);
    const Shape& ys = net.g.desc(out).shape;
    std::vector<int8_t> q = codes(x, sIn), want;
    for (int64_t n = 0; n < xs[0]; ++n)
      for (int64_t c = 0; c < xs[1]; ++c) {
        std::vector<int8_t> plane(q.begin() + (n * xs[1] + c) * xs[2] * xs[3],
                                  q.begin() + (n * xs[1] + c + 1) * xs[2] * xs[3]);
        for (int64_t oy = 0; oy < ys[2]; ++oy)
          for (int64_t ox = 0; ox < ys[3]; ++ox)
            want.push_back(ref::poolWindow(plane, xs[2], xs[3], oy * a.strides[0] - a.padsBegin[0],
                                           ox * a.strides[1] - a.padsBegin[1], kh, kw,
                                           a.type == sim::PoolType::kAverage, !a.countIncludePad));
      }
    averaged += a.type == sim::PoolType::kAverage;
    for (const Policy& p : kPolicies)
      expectSame(net.run({x}, out, p), want, sIn, "pool " + std::to_string(i) + " " + name(p));
  }
  EXPECT_GT(averaged, 20);
}

const sim::EltOp kBinaryOps[] = {sim::EltOp::kSum, sim::EltOp::kSub, sim::EltOp::kMax,
                                 sim::EltOp::kMin, sim::EltOp::kProd};

TEST(Int8Layers, TwoActivationElementWiseWithBroadcasting) {
  std::mt19937 rng(6);
  for (int i = 0; i < 60; ++i) {
    sim::EltOp op = kBinaryOps[i % 5];
    Shape as = {u(rng, 1, 2), u(rng, 1, 24), u(rng, 1, 9), u(rng, 1, 9)};
    Shape bs = as;
    if (i % 3 == 1) bs = {as[0], as[1], 1, 1};  // e.g. a squeeze-excite gate
    bool pow2 = u(rng, 0, 1);
    float sa = pickScale(rng, pow2, 1.f / 64, 1.f), sb = pickScale(rng, pow2, 1.f / 64, 1.f);
    float sy = op == sim::EltOp::kProd ? pickScale(rng, pow2, sa * sb * 20, sa * sb * 200)
                                       : pickScale(rng, pow2, (sa + sb) / 2, sa + sb);
    std::vector<float> a = gridValues(rng, size_t(sim::volume(as)), sa),
                       b = gridValues(rng, size_t(sim::volume(bs)), sb);
    Net net;
    TensorId ta = net.input("a", as, sa), tb = net.input("b", bs, sb);
    TensorId out = net.layer(sim::OpKind::kElementWise, sim::EltAttrs{op}, {ta, tb}, sy);
    std::vector<int8_t> qa = codes(a, sa), qb = codes(b, sb);
    for (const Policy& p : kPolicies) {
      std::vector<int8_t> want;
      for (int64_t n = 0; n < as[0]; ++n)
        for (int64_t c = 0; c < as[1]; ++c)
          for (int64_t h = 0; h < as[2]; ++h)
            for (int64_t w = 0; w < as[3]; ++w) {
              int64_t x = qa[size_t(bindex(as, n, c, h, w))],
                      y = qb[size_t(bindex(bs, n, c, h, w))];
              ref::Bin bop = op == sim::EltOp::kMax    ? ref::Bin::kMax
                             : op == sim::EltOp::kMin  ? ref::Bin::kMin
                             : op == sim::EltOp::kProd ? ref::Bin::kProd
                                                       : ref::Bin::kSum;
              double fa = double(sa) / sy, fb = double(sb) / sy;
              if (op == sim::EltOp::kSub) fb = -fb;
              if (op == sim::EltOp::kProd) fa = double(sa) * sb / sy, fb = 1;
              want.push_back(ref::binary(bop, x, y, fa, fb, p.xavierFixedPoint()));
            }
      expectSame(net.run({a, b}, out, p), want, sy, "eltwise " + std::to_string(i) + " " + name(p));
    }
  }
}

// An element-wise layer whose only reader is an INT8 ReLU or clipped ReLU runs as one program
// requantised to the activation's scale (docs: "With an activation").
TEST(Int8Layers, ElementWiseFusedWithTheActivationThatReadsIt) {
  std::mt19937 rng(13);
  for (int i = 0; i < 40; ++i) {
    sim::EltOp op = kBinaryOps[i % 5];
    Shape s = {u(rng, 1, 2), u(rng, 1, 24), u(rng, 1, 9), u(rng, 1, 9)};
    bool pow2 = u(rng, 0, 1), clip = i % 2;
    float sa = pickScale(rng, pow2, 1.f / 64, 1.f), sb = pickScale(rng, pow2, 1.f / 64, 1.f);
    float sy = op == sim::EltOp::kProd ? pickScale(rng, pow2, sa * sb * 20, sa * sb * 200)
                                       : pickScale(rng, pow2, (sa + sb) / 4, sa + sb);
    float hi = float(u(rng, 1, 300)) * sy / 4;
    std::vector<float> a = gridValues(rng, size_t(sim::volume(s)), sa),
                       b = gridValues(rng, size_t(sim::volume(s)), sb);
    Net net;
    TensorId ta = net.input("a", s, sa), tb = net.input("b", s, sb);
    TensorId sum = net.layer(sim::OpKind::kElementWise, sim::EltAttrs{op}, {ta, tb}, sy * 7);
    TensorId out = net.layer(sim::OpKind::kActivation,
                             clip ? sim::ActivationAttrs{sim::ActType::kClip, 0, hi}
                                  : sim::ActivationAttrs{sim::ActType::kRelu},
                             {sum}, sy);
    std::vector<int8_t> qa = codes(a, sa), qb = codes(b, sb);
    ref::Bin bop = op == sim::EltOp::kMax    ? ref::Bin::kMax
                   : op == sim::EltOp::kMin  ? ref::Bin::kMin
                   : op == sim::EltOp::kProd ? ref::Bin::kProd
                                             : ref::Bin::kSum;
    double fa = double(sa) / sy, fb = double(sb) / sy;
    if (op == sim::EltOp::kSub) fb = -fb;
    if (op == sim::EltOp::kProd) fa = double(sa) * sb / sy, fb = 1;
    for (const Policy& p : kPolicies) {
      std::vector<int8_t> want;
      for (size_t k = 0; k < qa.size(); ++k)
        want.push_back(ref::binary(bop, qa[k], qb[k], fa, fb, p.xavierFixedPoint(),
                                   clip ? ref::Act::kClip : ref::Act::kRelu, double(hi) / sy));
      expectSame(net.run({a, b}, out, p), want, sy, "fused " + std::to_string(i) + " " + name(p));
    }
  }
}

// The constant's operand vector over one image's logical (c, h, w) elements, and each element's
// index into it, as the docs' table describes (scalar, per channel, or per element).
struct ConstOperand {
  std::vector<double> values;
  std::vector<size_t> index;  // per output element (NCHW order, all images)
};

ConstOperand constOperand(const std::vector<float>& c, const Shape& cs, const Shape& ys,
                          double (*f)(double, double, double), double s1, double s2) {
  ConstOperand o;
  Shape c4 = cs;
  while (c4.size() < 4) c4.insert(c4.begin(), 1);
  bool scalar = c.size() == 1, channel = !scalar && c4[2] == 1 && c4[3] == 1;
  if (scalar) o.values.assign(1, f(c[0], s1, s2));
  if (channel)
    for (int64_t k = 0; k < ys[1]; ++k)
      o.values.push_back(f(c[size_t(c4[1] == 1 ? 0 : k)], s1, s2));
  if (!scalar && !channel)
    for (int64_t k = 0; k < ys[1]; ++k)
      for (int64_t h = 0; h < ys[2]; ++h)
        for (int64_t w = 0; w < ys[3]; ++w)
          o.values.push_back(f(c[size_t(bindex(c4, 0, k, h, w))], s1, s2));
  for (int64_t n = 0; n < ys[0]; ++n)
    for (int64_t k = 0; k < ys[1]; ++k)
      for (int64_t h = 0; h < ys[2]; ++h)
        for (int64_t w = 0; w < ys[3]; ++w)
          o.index.push_back(scalar ? 0 : channel ? size_t(k) : size_t((k * ys[2] + h) * ys[3] + w));
  return o;
}

TEST(Int8Layers, ElementWiseWithConstantsAsAffinePrograms) {
  std::mt19937 rng(7);
  const sim::EltOp ops[] = {sim::EltOp::kSum, sim::EltOp::kSub,  sim::EltOp::kMax,
                            sim::EltOp::kMin, sim::EltOp::kProd, sim::EltOp::kDiv};
  for (int i = 0; i < 72; ++i) {
    sim::EltOp op = ops[i % 6];
    bool constFirst = (i / 6) % 2 && op != sim::EltOp::kDiv;
    Shape xs = {u(rng, 1, 2), u(rng, 1, 12), u(rng, 1, 7), u(rng, 1, 7)};
    int form = (i / 12) % 3;
    Shape cs = form == 0   ? Shape{1}
               : form == 1 ? Shape{xs[1], 1, 1}
                           : Shape{1, xs[1], xs[2], xs[3]};
    std::vector<float> c(size_t(sim::volume(cs)));
    for (auto& v : c) v = float(u(rng, -300, 300)) / 64 + (op == sim::EltOp::kDiv ? 8.f : 0.f);
    float sx = pickScale(rng, i % 2, 1.f / 64, 0.5f), sy = pickScale(rng, i % 2, sx, 4 * sx);
    std::vector<float> x = gridValues(rng, size_t(sim::volume(xs)), sx);
    Net net;
    TensorId tx = net.input("x", xs, sx), tc = net.constant("c", cs, c);
    std::vector<TensorId> in =
        constFirst ? std::vector<TensorId>{tc, tx} : std::vector<TensorId>{tx, tc};
    TensorId out = net.layer(sim::OpKind::kElementWise, sim::EltAttrs{op}, in, sy);
    ref::Affine a;
    a.factor.assign(1, double(sx) / sy);
    ConstOperand o;
    const Shape& ys = net.g.desc(out).shape;
    auto div = [](double v, double, double s) { return v / s; };
    switch (op) {
      case sim::EltOp::kSum:
      case sim::EltOp::kMax:
      case sim::EltOp::kMin:
        a.postOp = op == sim::EltOp::kSum   ? ref::Post::kSum
                   : op == sim::EltOp::kMax ? ref::Post::kMax
                                            : ref::Post::kMin;
        o = constOperand(c, cs, ys, div, 0, sy);
        a.post = o.values;
        break;
      case sim::EltOp::kSub:
        a.postOp = ref::Post::kSum;
        o = constOperand(c, cs, ys, div, 0, sy);
        for (auto& v : o.values) v = constFirst ? v : -v;
        a.post = o.values;
        if (constFirst) a.factor.assign(1, -(double(sx) / sy));
        break;
      case sim::EltOp::kProd:
        o = constOperand(
            c, cs, ys, [](double v, double s, double t) { return s * v / t; }, sx, sy);
        a.factor = o.values;
        break;
      default:  // Div: x / c
        o = constOperand(
            c, cs, ys, [](double v, double s, double t) { return s / (v * t); }, sx, sy);
        a.factor = o.values;
        break;
    }
    std::vector<int8_t> qx = codes(x, sx);
    std::vector<int64_t> xin(qx.begin(), qx.end());
    for (const Policy& p : kPolicies)
      expectSame(net.run({x}, out, p), ref::runAffine(a, xin, o.index, p.xavierFixedPoint()), sy,
                 "eltwise-constant " + std::to_string(i) + " " + name(p));
  }
}

TEST(Int8Layers, ScaleActivationsPReluAbsAndIdentity) {
  std::mt19937 rng(8);
  for (int i = 0; i < 70; ++i) {
    Shape xs = {u(rng, 1, 2), u(rng, 1, 16), u(rng, 1, 8), u(rng, 1, 8)};
    const int64_t C = xs[1], plane = xs[2] * xs[3];
    float sx = pickScale(rng, i % 2, 1.f / 64, 0.5f), sy = pickScale(rng, i % 2, sx / 2, 3 * sx);
    std::vector<float> x = gridValues(rng, size_t(sim::volume(xs)), sx);
    Net net;
    TensorId tx = net.input("x", xs, sx), out;
    ref::Affine a;
    a.factor.assign(1, double(sx) / sy);
    std::vector<size_t> idx;
    for (int64_t n = 0; n < xs[0]; ++n)
      for (int64_t k = 0; k < C; ++k)
        for (int64_t e = 0; e < plane; ++e) idx.push_back(size_t(k));
    int kind = i % 7;
    if (kind == 0 || kind == 1) {  // Scale, with (kind 1) a zero scale: the shift goes after
      std::vector<float> sc(static_cast<size_t>(C)), sh(static_cast<size_t>(C));
      for (auto& v : sc) v = float(u(rng, -200, 200)) / 64;
      for (auto& v : sh) v = float(u(rng, -200, 200)) / 16;
      if (kind == 1) sc[0] = 0;
      out = net.layer(sim::OpKind::kScale, sim::ScaleAttrs{},
                      {tx, net.constant("s", {C}, sc), net.constant("t", {C}, sh)}, sy);
      bool zero = std::count(sc.begin(), sc.end(), 0.f) > 0;
      a.factor.clear();
      for (int64_t k = 0; k < C; ++k) {
        a.factor.push_back(double(sx) * sc[size_t(k)] / sy);
        if (zero)
          a.post.push_back(double(sh[size_t(k)]) / sy);
        else
          a.preBias.push_back(double(sh[size_t(k)]) / (double(sx) * sc[size_t(k)]));
      }
      if (zero) a.postOp = ref::Post::kSum;
    } else if (kind == 2) {
      out =
          net.layer(sim::OpKind::kActivation, sim::ActivationAttrs{sim::ActType::kRelu}, {tx}, sy);
      a.act = ref::Act::kRelu;
    } else if (kind == 3) {
      float hi = float(u(rng, 1, 127)) * sx / 4;
      out = net.layer(sim::OpKind::kActivation, sim::ActivationAttrs{sim::ActType::kClip, 0, hi},
                      {tx}, sy);
      a.act = ref::Act::kClip;
      a.clipHigh = double(hi) / sy;
    } else if (kind == 4) {
      float alpha = float(u(rng, 0, 64)) / 128;
      out = net.layer(sim::OpKind::kActivation,
                      sim::ActivationAttrs{sim::ActType::kLeakyRelu, alpha}, {tx}, sy);
      a.act = ref::Act::kLeaky;
      a.slope.assign(1, alpha);
    } else if (kind == 5) {  // PReLU, slopes per channel
      std::vector<float> sl(static_cast<size_t>(C));
      for (auto& v : sl) v = float(u(rng, 0, 90)) / 100;
      out = net.layer(sim::OpKind::kParametricReLU, sim::NoAttrs{},
                      {tx, net.constant("sl", {1, C, 1, 1}, sl)}, sy);
      a.act = ref::Act::kLeaky;
      a.slope.assign(sl.begin(), sl.end());
    } else if (i % 2) {
      out = net.layer(sim::OpKind::kUnary, sim::UnaryAttrs{sim::UnaryOp::kAbs}, {tx}, sy);
      a.abs = true;
    } else {
      out = net.layer(sim::OpKind::kIdentity, sim::IdentityAttrs{}, {tx}, sy);
    }
    std::vector<int8_t> qx = codes(x, sx);
    std::vector<int64_t> xin(qx.begin(), qx.end());
    for (const Policy& p : kPolicies)
      expectSame(
          net.run({x}, out, p), ref::runAffine(a, xin, idx, p.xavierFixedPoint()), sy,
          "point-wise " + std::to_string(i) + " kind " + std::to_string(kind) + " " + name(p));
  }
}

TEST(Int8Layers, ConcatenationCopiesCodesOrRequantises) {
  std::mt19937 rng(9);
  for (int i = 0; i < 20; ++i) {
    int64_t n = u(rng, 1, 2), h = u(rng, 1, 6), w = u(rng, 1, 6);
    float sy = pickScale(rng, i % 2, 1.f / 32, 1.f);
    Net net;
    std::vector<TensorId> ins;
    std::vector<std::vector<float>> xs;
    std::vector<float> scales;
    for (int k = 0; k < 3; ++k) {
      int64_t c = u(rng, 1, 9);
      scales.push_back(i % 4 == 0 ? sy : pickScale(rng, i % 2, sy / 4, sy * 2));
      xs.push_back(gridValues(rng, size_t(n * c * h * w), scales.back()));
      ins.push_back(net.input("x" + std::to_string(k), {n, c, h, w}, scales.back()));
    }
    TensorId out = net.layer(sim::OpKind::kConcatenation, sim::ConcatAttrs{1}, ins, sy);
    for (const Policy& p : kPolicies) {
      std::vector<int8_t> want;
      for (int64_t b = 0; b < n; ++b)
        for (int k = 0; k < 3; ++k) {
          const Shape& s = net.g.desc(ins[size_t(k)]).shape;
          std::vector<int8_t> q = codes(xs[size_t(k)], scales[size_t(k)]);
          std::vector<int64_t> part(q.begin() + b * s[1] * h * w,
                                    q.begin() + (b + 1) * s[1] * h * w);
          ref::Affine a;
          a.factor.assign(1, double(scales[size_t(k)]) / sy);
          std::vector<int8_t> r = scales[size_t(k)] == sy
                                      ? std::vector<int8_t>(part.begin(), part.end())
                                      : ref::runAffine(a, part, std::vector<size_t>(part.size(), 0),
                                                       p.xavierFixedPoint());
          want.insert(want.end(), r.begin(), r.end());
        }
      expectSame(net.run(xs, out, p), want, sy, "concat " + std::to_string(i) + " " + name(p));
    }
  }
}

// Xavier's shared shift and 16-bit multipliers follow the documented rule, and a convolution's
// program equals NVDLA's compile step (kern::nvdla::compileXavierRequant) on the same scales.
TEST(Int8Layers, XavierShiftSelectionFollowsTheRule) {
  std::mt19937 rng(10);
  std::uniform_real_distribution<double> e(-20, 6);
  for (int i = 0; i < 500; ++i) {
    std::vector<double> f(size_t(u(rng, 1, 40)));
    for (auto& v : f) v = std::exp2(e(rng)) * (u(rng, 0, 4) ? 1 : -1);
    if (i % 50 == 0) f = {std::exp2(double(u(rng, -20, 0)))};  // powers of two: mantissa 2^14
    kern::int8::AffineSpec s;
    s.factor = kern::int8::Operand::perChannel(f);
    auto prog = kern::int8::compile(s, testnum::xavier(), int64_t(f.size()), int64_t(f.size()));
    ref::Mults m = ref::multipliers(f);
    ASSERT_EQ(kern::int8::xavierMulShift(*prog), m.sh);
    std::vector<int16_t> got = kern::int8::xavierMultipliers(*prog);
    ASSERT_EQ(got.size(), m.m.size());
    for (size_t k = 0; k < got.size(); ++k) ASSERT_EQ(got[k], m.m[k]) << k;
    double largest = 0;
    for (double v : f) largest = std::max(largest, std::fabs(v));
    if (m.sh > 0 && m.sh < 63) {  // the largest multiplier's magnitude lies in [2^14, 2^15)
      int64_t top = 0;
      for (int64_t v : m.m) top = std::max<int64_t>(top, std::llabs(v));
      EXPECT_GE(top, 1 << 14);
      EXPECT_LT(top, 1 << 15);
    }
  }
  // The convolution program against NVDLA's compile step.
  for (int i = 0; i < 50; ++i) {
    kern::nvdla::RequantParams rp;
    rp.inputScale = pickScale(rng, false, 1e-3f, 1.f);
    rp.outputScale = pickScale(rng, false, 1e-3f, 1.f);
    for (int k = 0; k < 16; ++k) {
      rp.weightScales.push_back(pickScale(rng, false, 1e-4f, 1e-1f));
      rp.bias.push_back(float(u(rng, -1000, 1000)) / 100);
    }
    kern::nvdla::XavierRequant want = kern::nvdla::compileXavierRequant(rp);
    auto prog = kern::int8::compile(
        sim::convOutputSpec(rp.inputScale, rp.weightScales, rp.outputScale, rp.bias.data(), false),
        testnum::xavier(), 16, 16);
    EXPECT_EQ(kern::int8::xavierMulShift(*prog), want.mulShift);
    std::vector<int16_t> got = kern::int8::xavierMultipliers(*prog);
    EXPECT_EQ(got, want.multipliers);
    // Same arithmetic: the SDP settings of the compile step give the same codes.
    for (int32_t acc : {0, 1, -1, 12345, -54321, 1 << 20, -(1 << 24), INT32_MAX, INT32_MIN})
      for (int k = 0; k < 16; ++k) {
        const auto& bs = want.sdpSettings(1, 1).bs;
        int32_t t = kern::nvdla::sdpStage(bs, acc, want.biasOperands[size_t(k)],
                                          want.multipliers[size_t(k)]);
        EXPECT_EQ(kern::int8::applyOne(*prog, acc, k, k), kern::nvdla::sdpConvert(want.cvt, t))
            << acc << " channel " << k;
      }
  }
}

}  // namespace
