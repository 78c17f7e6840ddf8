// FP16 rounding, exhaustively over all 65,536 half patterns, plus ties, subnormals, saturation.
#include "kernels/numeric/fp16.h"

#include <gtest/gtest.h>

#include <cmath>

using kern::numeric::floatToHalfBits;
using kern::numeric::halfBitsToFloat;
using kern::numeric::roundToFp16;

TEST(Fp16, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = halfBitsToFloat(uint16_t(h));
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(roundToFp16(f)));
      continue;
    }
    if (std::isinf(f)) continue;  // Inf saturates (checked below)
    EXPECT_EQ(floatToHalfBits(f), h) << "half 0x" << std::hex << h;
  }
}

TEST(Fp16, MidpointsRoundToEvenAndNeighboursToNearest) {
  for (uint32_t h = 0; h < 0x7bff; ++h) {  // positive finite, each with its successor
    float lo = halfBitsToFloat(uint16_t(h)), hi = halfBitsToFloat(uint16_t(h + 1));
    double mid = (double(lo) + double(hi)) / 2;
    float m = float(mid);  // exact in float: halves have 11 significant bits
    ASSERT_EQ(double(m), mid);
    uint16_t even = (h & 1u) ? uint16_t(h + 1) : uint16_t(h);
    EXPECT_EQ(floatToHalfBits(m), even) << "midpoint after 0x" << std::hex << h;
    EXPECT_EQ(floatToHalfBits(std::nextafter(m, 0.f)), h);
    EXPECT_EQ(floatToHalfBits(std::nextafter(m, 1e9f)), h + 1);
  }
}

TEST(Fp16, SaturatesInsteadOfOverflowing) {
  EXPECT_EQ(roundToFp16(65504.f), 65504.f);
  EXPECT_EQ(roundToFp16(65519.f), 65504.f);
  EXPECT_EQ(roundToFp16(65520.f), 65504.f);  // IEEE would round to Inf
  EXPECT_EQ(roundToFp16(1e30f), 65504.f);
  EXPECT_EQ(roundToFp16(-INFINITY), -65504.f);
  EXPECT_EQ(roundToFp16(INFINITY), 65504.f);
  EXPECT_EQ(roundToFp16(5.96e-8f), halfBitsToFloat(1));  // smallest subnormal
  EXPECT_EQ(roundToFp16(2.9e-8f), 0.f);                  // below half of it
  EXPECT_EQ(std::signbit(roundToFp16(-1e-10f)), true);   // sign of zero kept
}
