// An independent plain-loop implementation of NVDLA's INT8 unit rules, written from
// docs/numerics.md (section "NVDLA INT8 units") and ../shared/reference/nvdla-traces.md §4,
// agreeing bit for bit with kernels/nvdla on random convolution, SDP and pooling problems,
// including ties, saturation and every shift.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "kernels/nvdla/conv.h"
#include "kernels/nvdla/pdp.h"
#include "kernels/nvdla/sdp.h"

namespace kn = kern::nvdla;

namespace {

// x / 2^s rounded to nearest, ties away from zero, by quotient and remainder.
int64_t refRound(__int128 x, int s) {
  if (s == 0) return int64_t(x);
  const __int128 m = x < 0 ? -x : x, d = __int128(1) << s;
  __int128 q = m / d;
  if (2 * (m % d) >= d) ++q;
  return int64_t(x < 0 ? -q : q);
}

int64_t refClamp(__int128 x, int bits) {
  const __int128 hi = (__int128(1) << (bits - 1)) - 1, lo = -(__int128(1) << (bits - 1));
  return int64_t(x > hi ? hi : x < lo ? lo : x);
}

// --- convolution: CSC padding, per-atom CMAC sums, 34-bit CACC, truncate, sat32 ---

std::vector<int32_t> refConv(const kn::ConvSettings& s, const std::vector<int8_t>& in,
                             const std::vector<int8_t>& w) {
  std::vector<int32_t> out(size_t(s.kernels) * s.outHeight * s.outWidth);
  auto input = [&](int c, int y, int x) -> int64_t {
    if (y < 0 || y >= s.inHeight || x < 0 || x >= s.inWidth) return s.padValue;  // not converted
    int64_t v = in[size_t((c * s.inHeight + y) * s.inWidth + x)];
    if (s.inputConverter.enabled)
      v = refClamp(refRound((v - s.inputConverter.offset) * s.inputConverter.scale,
                            s.inputConverter.truncate),
                   8);
    return v;
  };
  for (int k = 0; k < s.kernels; ++k)
    for (int oy = 0; oy < s.outHeight; ++oy)
      for (int ox = 0; ox < s.outWidth; ++ox) {
        int64_t acc = 0;
        for (int c0 = 0; c0 < s.inChannels; c0 += s.hw.atomicC)
          for (int ky = 0; ky < s.kernelHeight; ++ky)
            for (int kx = 0; kx < s.kernelWidth; ++kx) {
              int64_t partial = 0;
              for (int c = c0; c < std::min(c0 + s.hw.atomicC, s.inChannels); ++c)
                partial +=
                    input(c, oy * s.strideY + ky * s.dilationY - s.padTop,
                          ox * s.strideX + kx * s.dilationX - s.padLeft) *
                    w[size_t(((k * s.inChannels + c) * s.kernelHeight + ky) * s.kernelWidth + kx)];
              acc = refClamp(acc + partial, 34);
            }
        out[size_t((k * s.outHeight + oy) * s.outWidth + ox)] =
            int32_t(refClamp(refRound(acc, s.truncate), 32));
      }
  return out;
}

std::vector<int8_t> randomBytes(std::mt19937& rng, size_t n) {
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(rng());
  return v;
}

TEST(NvdlaReferenceConv, RandomProblemsAgreeBitForBit) {
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) { return lo + int(rng() % uint32_t(hi - lo + 1)); };
  for (int iter = 0; iter < 300; ++iter) {
    kn::ConvSettings s;
    s.hw = iter % 3 == 0 ? kn::HwConfig::nvFull() : kn::HwConfig::nvSmall();
    s.inChannels = pick(1, 40);
    s.kernels = pick(1, 9);
    s.inWidth = pick(1, 9);
    s.inHeight = pick(1, 9);
    s.kernelWidth = pick(1, 4);
    s.kernelHeight = pick(1, 4);
    s.strideX = pick(1, 3);
    s.strideY = pick(1, 3);
    s.dilationX = pick(1, 3);
    s.dilationY = pick(1, 3);
    s.padLeft = pick(0, 3);
    s.padTop = pick(0, 3);
    const int padRight = pick(0, 3), padBottom = pick(0, 3);
    s.outWidth = std::max(
        1,
        (s.inWidth + s.padLeft + padRight - (s.kernelWidth - 1) * s.dilationX - 1) / s.strideX + 1);
    s.outHeight =
        std::max(1, (s.inHeight + s.padTop + padBottom - (s.kernelHeight - 1) * s.dilationY - 1) /
                            s.strideY +
                        1);
    s.padValue = int8_t(rng());
    s.truncate = iter % 4 == 0 ? 0 : pick(0, 31);  // small truncates make ties frequent
    if (iter % 5 == 0) s.inputConverter = {true, int16_t(rng()), int16_t(rng()), pick(0, 63)};
    auto in = randomBytes(rng, size_t(s.inChannels) * s.inHeight * s.inWidth);
    auto w = randomBytes(rng, size_t(s.kernels) * s.inChannels * s.kernelHeight * s.kernelWidth);
    std::vector<int32_t> got(size_t(s.kernels) * s.outHeight * s.outWidth);
    kn::convInt8(s, in.data(), w.data(), got.data());
    ASSERT_EQ(got, refConv(s, in, w)) << "iteration " << iter;
  }
}

TEST(NvdlaReferenceConv, AccumulatorSaturatesAt34BitsInHardwareOrder) {
  // 8192 channels x 9 x 9 taps of 127 * 127: the running sum passes 2^33 - 1 within the first
  // 7000 channels, saturates, and the later negative channel blocks pull it back down, so the
  // order of the adds is visible in the result.
  for (kn::HwConfig hw : {kn::HwConfig::nvSmall(), kn::HwConfig::nvFull()}) {
    kn::ConvSettings s;
    s.hw = hw;
    s.inChannels = 8192;
    s.kernels = 2;
    s.inWidth = s.inHeight = 9;
    s.kernelWidth = s.kernelHeight = 9;
    s.truncate = 3;
    std::vector<int8_t> in(size_t(8192) * 81, 127), w(size_t(2) * 8192 * 81);
    for (int k = 0; k < 2; ++k)
      for (int c = 0; c < 8192; ++c)
        for (int t = 0; t < 81; ++t)
          w[size_t((k * 8192 + c) * 81 + t)] = int8_t(c < 7000 ? 127 : (k ? -128 : -1));
    std::vector<int32_t> got(2);
    kn::convInt8(s, in.data(), w.data(), got.data());
    EXPECT_EQ(got, refConv(s, in, w));
    const int64_t exact = int64_t(127) * 81 * (7000 * 127 - 1192 * 128);
    EXPECT_LT(exact, int64_t(1) << 33);
    EXPECT_NE(got[1], refRound(exact, 3));
    if (hw.atomicC == 8) {  // 7000 is a whole number of 8-channel blocks
      const int64_t saturated = ((int64_t(1) << 33) - 1) - int64_t(127) * 81 * 1192 * 128;
      EXPECT_EQ(got[1], refRound(saturated, 3));
    }
  }
}

// --- SDP: BS / BN stages and the output converter ---

int64_t refStage(const kn::SdpStage& st, int64_t x, int64_t aluOp, int64_t mulOp) {
  if (st.bypass) return x;
  __int128 a = x;
  if (!st.aluBypass) {
    const __int128 op = refClamp(__int128(aluOp) * (__int128(1) << (st.aluShift & 63)), 32);
    a = st.aluAlgo == kn::SdpAluAlgo::Max   ? std::max(a, op)
        : st.aluAlgo == kn::SdpAluAlgo::Min ? std::min(a, op)
                                            : a + op;
  }
  int64_t t;
  if (st.mulBypass)
    t = refClamp(refRound(a, st.mulShift & 63), 32);
  else if (st.prelu && a >= 0)
    t = int32_t(uint32_t(uint64_t(int64_t(a))));
  else
    t = refClamp(refRound(a * mulOp, st.mulShift & 63), 32);
  if (!st.reluBypass && t < 0) t = 0;
  return t;
}

int8_t refConvert(const kn::SdpOutputConverter& c, int64_t x) {
  return int8_t(
      refClamp(refClamp(refRound((__int128(x) - c.offset) * c.scale, c.shift & 63), 17), 8));
}

struct StageData {
  std::vector<int16_t> alu, mul;
};

kn::SdpStage randomStage(std::mt19937& rng, int channels, int elements, StageData& d) {
  kn::SdpStage st;
  st.bypass = rng() % 4 == 0;
  st.aluBypass = rng() % 3 == 0;
  st.aluAlgo = kn::SdpAluAlgo(rng() % 3);
  st.aluShift = rng() % 2 ? int(rng() % 64) : int(rng() % 6);
  st.mulBypass = rng() % 3 == 0;
  st.prelu = rng() % 3 == 0;
  st.mulShift = rng() % 2 ? int(rng() % 256) : int(rng() % 4);  // the field has 8 bits
  st.reluBypass = rng() % 2 == 0;
  auto operand = [&](kn::SdpOperand& op, std::vector<int16_t>& data) {
    op.value = int16_t(rng());
    op.source = kn::SdpOperandSource(rng() % 3);
    data.resize(op.source == kn::SdpOperandSource::PerChannel ? channels : elements);
    for (auto& v : data) v = rng() % 4 ? int16_t(rng()) : int16_t(rng() % 5 - 2);
    op.data = data.data();
  };
  operand(st.aluOperand, d.alu);
  operand(st.mulOperand, d.mul);
  return st;
}

int64_t operandAt(const kn::SdpOperand& op, int c, int e) {
  if (op.source == kn::SdpOperandSource::Register) return op.value;
  return op.source == kn::SdpOperandSource::PerChannel ? op.data[c] : op.data[e];
}

TEST(NvdlaReferenceSdp, RandomProblemsAgreeBitForBit) {
  std::mt19937 rng(11);
  for (int iter = 0; iter < 400; ++iter) {
    kn::SdpSettings s;
    s.width = 1 + int(rng() % 6);
    s.height = 1 + int(rng() % 6);
    s.channels = 1 + int(rng() % 12);
    const int plane = s.width * s.height, n = plane * s.channels;
    StageData bsData, bnData;
    s.bs = randomStage(rng, s.channels, n, bsData);
    s.bn = randomStage(rng, s.channels, n, bnData);
    s.cvt.offset = rng() % 2 ? int32_t(rng()) : int32_t(rng() % 9) - 4;
    s.cvt.scale = rng() % 2 ? int16_t(rng()) : int16_t(1);
    s.cvt.shift = rng() % 2 ? int(rng() % 64) : int(rng() % 4);
    std::vector<int32_t> in(static_cast<size_t>(n));
    for (auto& v : in) {
      switch (rng() % 4) {
        case 0:
          v = int32_t(rng());
          break;
        case 1:
          v = rng() % 2 ? INT32_MAX - int32_t(rng() % 3) : INT32_MIN + int32_t(rng() % 3);
          break;
        default:
          v = int32_t(rng() % 2001) - 1000;
          break;  // ties under small shifts
      }
    }
    std::vector<int8_t> got(static_cast<size_t>(n));
    kn::sdp(s, in.data(), got.data());
    for (int c = 0; c < s.channels; ++c)
      for (int i = 0; i < plane; ++i) {
        const int e = c * plane + i;
        int64_t v = refStage(s.bs, in[size_t(e)], operandAt(s.bs.aluOperand, c, e),
                             operandAt(s.bs.mulOperand, c, e));
        v = refStage(s.bn, v, operandAt(s.bn.aluOperand, c, e), operandAt(s.bn.mulOperand, c, e));
        ASSERT_EQ(got[size_t(e)], refConvert(s.cvt, v)) << "iteration " << iter << " element " << e;
      }
  }
}

TEST(NvdlaReferenceSdp, DocumentedCorners) {
  kn::SdpStage st;
  st.bypass = false;
  // A bypassed multiplier still truncates: 5 >> 1 rounds half away to 3.
  st.mulShift = 1;
  EXPECT_EQ(kn::sdpStage(st, 5, 0, 0), 3);
  EXPECT_EQ(kn::sdpStage(st, -5, 0, 0), -3);
  // Only the low 6 bits of the 8-bit shift field count: 65 acts as 1.
  st.mulShift = 65;
  EXPECT_EQ(kn::sdpStage(st, 5, 0, 0), 3);
  // PReLU: non-negative values skip multiply and shift and wrap to 32 bits.
  st.mulBypass = false;
  st.prelu = true;
  st.mulShift = 10;
  st.aluBypass = false;
  st.aluAlgo = kn::SdpAluAlgo::Sum;
  EXPECT_EQ(kn::sdpStage(st, INT32_MAX, 1, 7), INT32_MIN);  // 2^31 wraps
  EXPECT_EQ(kn::sdpStage(st, -2048, 0, 3), -6);             // negative: * 3 >> 10
  // The ALU operand shift saturates to 32 bits before the 33-bit sum.
  st.prelu = false;
  st.mulOperand.value = 1;
  st.mulShift = 0;
  st.aluShift = 40;
  EXPECT_EQ(kn::sdpStage(st, 5, 1, 1), INT32_MAX);  // 5 + (2^31 - 1) saturates in truncate
  EXPECT_EQ(kn::sdpStage(st, -5, -1, 1), INT32_MIN);
  // Output converter: (x - offset) * scale >> shift, half away, saturated to int8.
  EXPECT_EQ(kn::sdpConvert({0, 1, 1}, 3), 2);
  EXPECT_EQ(kn::sdpConvert({0, 1, 1}, -3), -2);
  EXPECT_EQ(kn::sdpConvert({10, 3, 0}, 100), 127);
  EXPECT_EQ(kn::sdpConvert({INT32_MIN, -32768, 63}, INT32_MAX), 0);  // no overflow at the extremes
  EXPECT_EQ(kn::sdpConvert({INT32_MIN, -32768, 0}, INT32_MAX), -128);
}

// --- PDP: max / min over real taps, average with pad values and two reciprocal roundings ---

TEST(NvdlaReferencePdp, RandomProblemsAgreeBitForBit) {
  std::mt19937 rng(5);
  const uint32_t driverRecip[9] = {0,      0x10000, 0x8000, 0x5555, 0x4000,
                                   0x3333, 0x2aaa,  0x2492, 0x2000};
  for (int iter = 0; iter < 400; ++iter) {
    kn::PdpSettings s;
    s.method = kn::PoolMethod(rng() % 3);
    s.kernelWidth = 1 + int(rng() % 8);
    s.kernelHeight = 1 + int(rng() % 8);
    s.strideX = 1 + int(rng() % 4);
    s.strideY = 1 + int(rng() % 4);
    s.padLeft = int(rng() % std::min(8, s.kernelWidth));
    s.padTop = int(rng() % std::min(8, s.kernelHeight));
    const int padRight = int(rng() % std::min(8, s.kernelWidth)),
              padBottom = int(rng() % std::min(8, s.kernelHeight));
    s.inWidth = 1 + int(rng() % 12);
    s.inHeight = 1 + int(rng() % 12);
    s.channels = 1 + int(rng() % 5);
    s.outWidth = std::max(1, (s.inWidth + s.padLeft + padRight - s.kernelWidth) / s.strideX + 1);
    s.outHeight = std::max(1, (s.inHeight + s.padTop + padBottom - s.kernelHeight) / s.strideY + 1);
    const bool linearPads = rng() % 4 != 0;  // the driver programs n * pad; test others too
    const int pad = int(int8_t(rng()));
    for (int n = 1; n <= 7; ++n)
      s.padValues[size_t(n - 1)] = linearPads ? n * pad : int(rng() % 2048) - 1024;
    s.recipKernelWidth = rng() % 4 ? driverRecip[s.kernelWidth] : rng() % 0x10001;
    s.recipKernelHeight = rng() % 4 ? driverRecip[s.kernelHeight] : rng() % 0x10001;
    auto in = randomBytes(rng, size_t(s.channels) * s.inHeight * s.inWidth);
    std::vector<int8_t> got(size_t(s.channels) * s.outHeight * s.outWidth);
    kn::pdp(s, in.data(), got.data());
    for (int c = 0; c < s.channels; ++c)
      for (int oy = 0; oy < s.outHeight; ++oy)
        for (int ox = 0; ox < s.outWidth; ++ox) {
          int64_t sum = 0, best = s.method == kn::PoolMethod::Max ? -128 : 127;
          int padTaps = 0, padRows = 0;
          for (int ky = 0; ky < s.kernelHeight; ++ky) {
            const int y = oy * s.strideY - s.padTop + ky;
            if (y < 0 || y >= s.inHeight) {
              ++padRows;
              padTaps += s.kernelWidth;
              continue;
            }
            int padCols = 0;
            for (int kx = 0; kx < s.kernelWidth; ++kx) {
              const int x = ox * s.strideX - s.padLeft + kx;
              if (x < 0 || x >= s.inWidth) {
                ++padCols;
                ++padTaps;
                continue;
              }
              const int v = in[size_t((c * s.inHeight + y) * s.inWidth + x)];
              sum += v;
              best = s.method == kn::PoolMethod::Max ? std::max<int64_t>(best, v)
                                                     : std::min<int64_t>(best, v);
            }
            if (!linearPads && padCols) sum += s.padValues[size_t(padCols - 1)];
          }
          if (linearPads)
            sum += int64_t(padTaps) * pad;  // n padded taps add n * pad
          else if (padRows)
            sum += int64_t(s.kernelWidth) * s.padValues[size_t(padRows - 1)];
          int64_t want = best;
          if (s.method == kn::PoolMethod::Average)
            want = refClamp(refRound(__int128(refRound(__int128(sum) * s.recipKernelWidth, 16)) *
                                         s.recipKernelHeight,
                                     16),
                            8);
          ASSERT_EQ(got[size_t((c * s.outHeight + oy) * s.outWidth + ox)], want)
              << "iteration " << iter;
        }
  }
}

TEST(NvdlaReferencePdp, AverageRoundsTwiceWithTruncatedReciprocals) {
  // 3 x 3 window summing to 4: 4 * 0x5555 / 2^16 = 1.33 -> 1, then 1 * 0x5555 / 2^16 -> 0.
  EXPECT_EQ(kn::pdpAverage(4, 0x5555, 0x5555), 0);
  // One combined rounding of 4 / 9 = 0.44 would also give 0, but 14 / 9 = 1.56 -> 2 combined,
  // and two stages give rna(4.67) = 5 then rna(1.67) = 2.
  EXPECT_EQ(kn::pdpAverage(14, 0x5555, 0x5555), 2);
  // Ties round away from zero: -6 / 4 = -1.5 -> -2.
  EXPECT_EQ(kn::pdpAverage(-6, 0x8000, 0x8000), -2);
  EXPECT_EQ(kn::pdpAverage(6, 0x8000, 0x8000), 2);
}

}  // namespace
