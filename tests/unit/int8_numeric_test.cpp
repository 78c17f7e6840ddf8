#include <gtest/gtest.h>

#include "kernels/numeric/int8.h"

using kern::numeric::fakeQuantizeInt8;
using kern::numeric::fakeQuantizeInt8PerChannel;
using kern::numeric::quantizeInt8;

TEST(Int8, RoundsHalfAwayFromZeroAndSaturates) {
  EXPECT_EQ(quantizeInt8(2.5f, 1.f), 3);  // away from zero, not to even
  EXPECT_EQ(quantizeInt8(-2.5f, 1.f), -3);
  EXPECT_EQ(quantizeInt8(3.5f, 1.f), 4);
  EXPECT_EQ(quantizeInt8(0.49f, 1.f), 0);
  EXPECT_EQ(quantizeInt8(1000.f, 1.f), 127);
  EXPECT_EQ(quantizeInt8(-1000.f, 1.f), -128);
  EXPECT_EQ(quantizeInt8(NAN, 1.f), 0);
  EXPECT_EQ(quantizeInt8(0.75f, 0.5f), 2);  // 1.5 -> 2
}

TEST(Int8, FakeQuantizationPerTensorAndPerChannel) {
  float v[4] = {0.3f, -0.26f, 1.27f, 2.0f};
  fakeQuantizeInt8(v, 4, 0.01f);
  EXPECT_FLOAT_EQ(v[0], 0.3f);
  EXPECT_FLOAT_EQ(v[1], -0.26f);
  EXPECT_FLOAT_EQ(v[2], 1.27f);
  EXPECT_FLOAT_EQ(v[3], 1.27f);                          // saturated at 127 * 0.01
  float w[6] = {1.f, -0.5f, 0.25f, 100.f, 50.f, -25.f};  // channel scales 1/127 and 100/127
  fakeQuantizeInt8PerChannel(w, 2, 3);
  EXPECT_FLOAT_EQ(w[0], 1.f);
  EXPECT_NEAR(w[1], -0.5f, 0.5f / 127);
  EXPECT_FLOAT_EQ(w[3], 100.f);
  EXPECT_NEAR(w[5], -25.f, 0.5f * 100 / 127);
  float zero[2] = {0, 0};
  fakeQuantizeInt8(zero, 2, 0.f);  // all-zero tensor: untouched
  EXPECT_EQ(zero[0], 0.f);
}
