// The Xavier compile step: float scales and bias become SDP settings (16-bit per-channel
// multipliers with one shared shift, a 16-bit bias operand with a left shift, the converter),
// and the SDP then approximates the float requantisation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "kernels/nvdla/requant.h"
#include "kernels/nvdla/sdp.h"

namespace kn = kern::nvdla;

namespace {

// What the float model computes: round half away of (acc * sIn * sW + bias) / sOut, sat8.
int floatRequant(int32_t acc, const kn::RequantParams& p, int k) {
  double real = double(acc) * p.inputScale * p.weightScales[size_t(k)];
  if (!p.bias.empty()) real += p.bias[size_t(k)];
  if (p.relu) real = std::max(real, 0.0);
  return int(std::clamp(std::round(real / p.outputScale), -128.0, 127.0));
}

TEST(NvdlaRequant, ShiftPutsTheLargestMultiplierInRange) {
  for (double f : {1.0, 0.75, 0.5, 0.003, 1e-6, 3.9, 1000.0}) {
    const int shift = kn::multiplierShiftFor(f);
    const double m = std::trunc(std::ldexp(f, shift));
    EXPECT_GE(m, 16384) << f;
    EXPECT_LT(m, 32768) << f;
  }
  EXPECT_EQ(kn::multiplierShiftFor(1.0), 14);
  EXPECT_EQ(kn::multiplierShiftFor(0.75), 15);
  EXPECT_EQ(kn::multiplierShiftFor(1e-30), 63);  // the 6-bit field's maximum
  EXPECT_EQ(kn::multiplierShiftFor(1e6), 0);     // cannot shift left: the multiplier saturates
}

TEST(NvdlaRequant, SharedShiftSelectionOnRandomLayers) {
  // Plain rule: the largest multiplier is the first of 2^s * f_max (s = 0, 1, ...) to reach
  // 2^14; every channel's multiplier is trunc(2^s * f_k) and so no larger.
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> exponent(-40, 12);
  for (int layer = 0; layer < 2000; ++layer) {
    kn::RequantParams p;
    p.inputScale = 1;
    p.outputScale = 1;
    const int k = 1 + int(rng() % 8);
    for (int i = 0; i < k; ++i) p.weightScales.push_back(float(std::exp2(exponent(rng))));
    const double largest = *std::max_element(p.weightScales.begin(), p.weightScales.end());
    int want = 0;
    while (want < 63 && std::ldexp(largest, want) < 16384) ++want;
    const kn::XavierRequant r = kn::compileXavierRequant(p);
    ASSERT_EQ(r.mulShift, want) << largest;
    for (int i = 0; i < k; ++i) {
      const double m =
          std::min(32767.0, std::trunc(std::ldexp(double(p.weightScales[size_t(i)]), want)));
      ASSERT_EQ(r.multipliers[size_t(i)], int16_t(m));
    }
  }
}

TEST(NvdlaRequant, SettingsFollowTheOpenCompiler) {
  kn::RequantParams p;
  p.inputScale = 0.02f;
  p.weightScales = {0.01f, 0.005f, 0.0025f};
  p.outputScale = 0.04f;
  p.bias = {1.0f, -0.5f, 0.0f};
  const kn::XavierRequant r = kn::compileXavierRequant(p);
  // Factors 0.005, 0.0025, 0.00125: the largest sets the shift (0.005 * 2^22 = 20971.52).
  EXPECT_EQ(r.mulShift, 22);
  EXPECT_EQ(r.multipliers, (std::vector<int16_t>{20971, 10485, 5242}));  // truncated
  // Bias in accumulator units: 1 / 2e-4 = 5000, -0.5 / 1e-4 = -5000, 0; fits without a shift.
  EXPECT_EQ(r.biasShift, 0);
  EXPECT_EQ(r.biasOperands, (std::vector<int16_t>{5000, -5000, 0}));
  const kn::SdpSettings s = r.sdpSettings(4, 2);
  EXPECT_FALSE(s.bs.bypass);
  EXPECT_FALSE(s.bs.aluBypass);
  EXPECT_EQ(s.bs.aluAlgo, kn::SdpAluAlgo::Sum);
  EXPECT_EQ(s.bs.mulOperand.source, kn::SdpOperandSource::PerChannel);
  EXPECT_TRUE(s.bn.bypass);
  EXPECT_EQ(s.cvt.offset, 0);
  EXPECT_EQ(s.cvt.scale, 1);
  EXPECT_EQ(s.cvt.shift, 0);
}

TEST(NvdlaRequant, LargeBiasGetsALeftShift) {
  kn::RequantParams p;
  p.inputScale = 1e-3f;
  p.weightScales = {1e-3f, 2e-3f};
  p.outputScale = 0.1f;
  p.bias = {100.0f, -3.0f};  // 1e8 and -1.5e6 accumulator units
  const kn::XavierRequant r = kn::compileXavierRequant(p);
  EXPECT_EQ(r.biasShift, 12);  // 1e8 / 2^12 = 24414 fits; 2^11 would not
  EXPECT_EQ(r.biasOperands[0], 24414);
  EXPECT_EQ(r.biasOperands[1], -366);  // -1.5e6 / 4096 = -366.2
}

// Random layers: the integer pipeline lands within one step of the float result, and exactly on
// it for the usual case.
TEST(NvdlaRequant, ApproximatesTheFloatRequantisation) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> unit(0.f, 1.f);
  int64_t total = 0, exact = 0;
  for (int layer = 0; layer < 200; ++layer) {
    kn::RequantParams p;
    const int k = 1 + int(rng() % 16);
    p.inputScale = std::ldexp(0.5f + unit(rng), -int(rng() % 8));
    const float spread = layer % 2 ? 8.f : 100.f;  // per-channel weight scales up to 100x apart
    for (int i = 0; i < k; ++i)
      p.weightScales.push_back(std::ldexp(1.f, -8) * (1.f + (spread - 1.f) * unit(rng)));
    // As in real layers, an output step spans at least one accumulator step (factors <= 1):
    // the bias is rounded to whole accumulator steps, an error of up to half a factor.
    const float largest = *std::max_element(p.weightScales.begin(), p.weightScales.end());
    p.outputScale = p.inputScale * largest * (1.f + 100.f * unit(rng));
    if (layer % 3) {
      for (int i = 0; i < k; ++i) p.bias.push_back((unit(rng) - 0.5f) * 40.f * p.outputScale);
    }
    p.relu = layer % 4 == 0;
    const kn::XavierRequant r = kn::compileXavierRequant(p);
    const int width = 64;
    std::vector<int32_t> acc(size_t(k) * width);
    // Accumulators spanning the int8 output range and beyond.
    for (int c = 0; c < k; ++c)
      for (int x = 0; x < width; ++x)
        acc[size_t(c * width + x)] =
            int32_t(std::lround((unit(rng) - 0.5f) * 300.f * p.outputScale /
                                (p.inputScale * p.weightScales[size_t(c)])));
    std::vector<int8_t> out(acc.size());
    kn::sdp(r.sdpSettings(width, 1), acc.data(), out.data());
    for (int c = 0; c < k; ++c) {
      // The multiplier's relative error is at most 1 / m_k; the bias adds half a step at most.
      const int tolerance = r.multipliers[size_t(c)] >= 2048 ? 1 : 2;
      for (int x = 0; x < width; ++x) {
        const int want = floatRequant(acc[size_t(c * width + x)], p, c);
        const int got = out[size_t(c * width + x)];
        ASSERT_LE(std::abs(got - want), tolerance)
            << "layer " << layer << " channel " << c << " acc " << acc[size_t(c * width + x)]
            << " m " << r.multipliers[size_t(c)] << " shift " << r.mulShift << " bias "
            << (r.biasOperands.empty() ? 0 : r.biasOperands[size_t(c)]) << " << " << r.biasShift
            << " got " << got << " want " << want;
        exact += got == want;
        ++total;
      }
    }
  }
  EXPECT_GT(double(exact) / double(total), 0.95);
}

TEST(NvdlaRequant, ExactFactorsAreExact) {
  // Power-of-two factors are exact multipliers: the result is the float result, ties included
  // (round half away from zero in both).
  kn::RequantParams p;
  p.inputScale = 0.5f;
  p.weightScales = {0.25f, 0.5f};
  p.outputScale = 1.0f;  // factors 1/8 and 1/4
  const kn::XavierRequant r = kn::compileXavierRequant(p);
  std::vector<int32_t> acc;
  for (int v = -1100; v <= 1100; ++v) acc.push_back(v);
  const int n = int(acc.size());
  std::vector<int32_t> both(acc);
  both.insert(both.end(), acc.begin(), acc.end());
  std::vector<int8_t> out(both.size());
  kn::sdp(r.sdpSettings(n, 1), both.data(), out.data());
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < n; ++i)
      ASSERT_EQ(out[size_t(c * n + i)], floatRequant(acc[size_t(i)], p, c)) << acc[size_t(i)];
}

TEST(NvdlaRequant, RoundedMultipliersOption) {
  kn::RequantParams p;
  p.inputScale = 1;
  p.weightScales = {0.7f, 0.3f};
  p.outputScale = 1;
  p.roundMultipliers = true;
  const kn::XavierRequant r = kn::compileXavierRequant(p);
  EXPECT_EQ(r.mulShift, 15);
  EXPECT_EQ(r.multipliers[0], int16_t(std::lround(0.7 * 32768)));
  EXPECT_EQ(r.multipliers[1], int16_t(std::lround(double(0.3f) * 32768)));
  p.weightScales = {0.99999f};  // rounds to 32768: capped at the int16 maximum
  EXPECT_EQ(kn::compileXavierRequant(p).multipliers[0], 32767);
}

}  // namespace
