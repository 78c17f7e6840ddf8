#include <gtest/gtest.h>

#include "sim/ir/tensor.h"

TEST(Tensor, CastClampsOutOfRange) {
  auto t = sim::Tensor::fromVector<float>(sim::DType::kFloat, {3}, {1e20f, -1e20f, 2.7f});
  auto i = t.castTo(sim::DType::kInt32).asInt64();
  EXPECT_EQ(i[0], INT32_MAX);
  EXPECT_EQ(i[1], INT32_MIN);
  EXPECT_EQ(i[2], 2);
}
