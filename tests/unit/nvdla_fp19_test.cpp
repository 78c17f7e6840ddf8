// FP19 (1 sign, 8 exponent, 10 mantissa bits) rounding against a plain reference: a wide sample
// of float bit patterns, every rounding boundary, and all 65536 halves.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/numeric/fp16.h"
#include "kernels/numeric/fp19.h"

namespace kq = kern::numeric;

namespace {

// The plain reference: the FP19 quantum at |x| is 2^(floor(log2|x|) - 10) for normals and
// 2^-136 below 2^-126; x / quantum is exact in double and nearbyint rounds half to even.
float referenceFp19(double x) {
  if (std::isnan(x)) return std::numeric_limits<float>::quiet_NaN();
  const double largest = std::ldexp(2.0 - std::ldexp(1.0, -10), 127);
  if (std::isinf(x)) return float(std::copysign(largest, x));
  const double a = std::fabs(x);
  if (a == 0) return float(x);
  const int e = a < std::ldexp(1.0, -126) ? -126 : std::ilogb(a);
  const double quantum = std::ldexp(1.0, e - 10);
  double r = std::nearbyint(a / quantum) * quantum;  // default rounding: to nearest even
  if (r > largest) r = largest;
  return float(std::copysign(r, x));
}

uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

float fromBits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

void expectSame(float x) {
  const float got = kq::roundToFp19(x), want = referenceFp19(x);
  if (std::isnan(want)) {
    ASSERT_TRUE(std::isnan(got)) << std::hex << bitsOf(x);
    ASSERT_EQ(bitsOf(got) & 0x80000000u, bitsOf(x) & 0x80000000u) << "NaN keeps its sign";
    return;
  }
  ASSERT_EQ(bitsOf(got), bitsOf(want)) << "input 0x" << std::hex << bitsOf(x) << " = " << x;
  ASSERT_EQ(bitsOf(got) & 0x1fffu, 0u);
}

TEST(NvdlaFp19, WideSampleOfFloatPatterns) {
  // Every 509th bit pattern (a prime stride reaches every residue of the dropped bits): 8.4 M.
  for (uint64_t b = 0; b <= 0xffffffffull; b += 509) expectSame(fromBits(uint32_t(b)));
}

TEST(NvdlaFp19, EveryRoundingBoundary) {
  // For every FP19 magnitude: the value, just above it, just below, exactly half way (a tie),
  // and either side of the half way point, with both signs.
  const uint32_t offsets[] = {0, 1, 0x7ff, 0xfff, 0x1000, 0x1001, 0x1800, 0x1fff};
  for (uint32_t m = 0; m < (1u << 18); ++m)
    for (uint32_t off : offsets)
      for (uint32_t sign : {0u, 0x80000000u}) {
        const uint64_t b = (uint64_t(m) << 13) + off;
        if (b > 0xffffffffu) continue;
        expectSame(fromBits(sign | uint32_t(b)));
      }
}

TEST(NvdlaFp19, TiesGoToEven) {
  // 1 + 2^-11 lies half way between 1 and 1 + 2^-10: even (1) wins; 1 + 3 * 2^-11 goes up.
  EXPECT_EQ(kq::roundToFp19(1.0f + std::ldexp(1.0f, -11)), 1.0f);
  EXPECT_EQ(kq::roundToFp19(1.0f + 3 * std::ldexp(1.0f, -11)), 1.0f + 2 * std::ldexp(1.0f, -10));
  EXPECT_EQ(kq::roundToFp19(-1.0f - std::ldexp(1.0f, -11)), -1.0f);
}

TEST(NvdlaFp19, SubnormalsAreKept) {
  EXPECT_EQ(kq::roundToFp19(std::ldexp(1.0f, -136)), std::ldexp(1.0f, -136));  // smallest
  EXPECT_EQ(kq::roundToFp19(std::ldexp(1.0f, -137)), 0.0f);                    // tie to even 0
  EXPECT_EQ(kq::roundToFp19(std::ldexp(1.5f, -137)), std::ldexp(1.0f, -136));
  EXPECT_EQ(kq::roundToFp19(std::ldexp(1.0f, -140)), 0.0f);
}

TEST(NvdlaFp19, OverflowSaturatesAndNeverMakesInf) {
  const float largest = kq::fp19BitsToFloat(0x3fbff);  // exponent 254, mantissa all ones
  EXPECT_EQ(largest, std::ldexp(2.0f - std::ldexp(1.0f, -10), 127));
  EXPECT_EQ(kq::roundToFp19(std::numeric_limits<float>::max()), largest);
  EXPECT_EQ(kq::roundToFp19(std::numeric_limits<float>::infinity()), largest);
  EXPECT_EQ(kq::roundToFp19(-std::numeric_limits<float>::infinity()), -largest);
  EXPECT_TRUE(std::isnan(kq::roundToFp19(std::numeric_limits<float>::quiet_NaN())));
}

TEST(NvdlaFp19, EveryHalfIsExactlyRepresentable) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = kq::halfBitsToFloat(uint16_t(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(kq::roundToFp19(f)));
    } else if (std::isinf(f)) {
      EXPECT_EQ(std::fabs(kq::roundToFp19(f)), kq::fp19BitsToFloat(0x3fbff));  // saturates
    } else {
      ASSERT_EQ(bitsOf(kq::roundToFp19(f)), bitsOf(f)) << "half 0x" << std::hex << h;
      ASSERT_EQ(kq::fp19BitsToFloat(kq::floatToFp19Bits(f)), f);
    }
  }
}

TEST(NvdlaFp19, EncodingRoundTrips) {
  for (uint32_t b = 0; b < (1u << 19); ++b) {
    const float f = kq::fp19BitsToFloat(b);
    if (std::isnan(f) || std::isinf(f)) continue;
    ASSERT_EQ(kq::floatToFp19Bits(f), b);
  }
}

TEST(NvdlaFp19, ArithmeticRoundsOnceFromTheExactResult) {
  // 1 + 2^-11 + 2^-30 is above the tie: rounded once it goes up; rounding through float first
  // would land exactly on the tie and go down to 1.
  EXPECT_EQ(kq::roundDoubleToFp19(1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -30)),
            1.0f + std::ldexp(1.0f, -10));
  EXPECT_EQ(kq::fp19Mul(3.0f, 1.5f), 4.5f);
  EXPECT_EQ(kq::fp19Add(1.0f, std::ldexp(1.0f, -11)), 1.0f);  // tie to even, down
  EXPECT_EQ(kq::fp19Add(1.0f + std::ldexp(1.0f, -10), std::ldexp(1.0f, -11)),
            1.0f + 2 * std::ldexp(1.0f, -10));  // tie to even, up
  // Random FP19 operands: the results equal the reference applied to the exact result.
  uint32_t seed = 1;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  for (int i = 0; i < 200000; ++i) {
    const float x = kq::roundToFp19(fromBits(next() & 0xbfffffffu));  // |x| < 2
    const uint32_t r = next();
    const float y =
        kq::roundToFp19(std::ldexp(fromBits((r & 0x807fffffu) | 0x3f800000u), int(r % 40) - 20));
    const double sum = double(x) + double(y);
    if (sum - double(x) == double(y) && sum - double(y) == double(x)) {  // the sum is exact
      ASSERT_EQ(bitsOf(kq::fp19Add(x, y)), bitsOf(referenceFp19(sum)));
    }
    ASSERT_EQ(bitsOf(kq::fp19Mul(x, y)), bitsOf(referenceFp19(double(x) * double(y))));
  }
}

}  // namespace
