// The one description of a platform's DLA arithmetic (kern::DlaNumerics): the platform data fill
// it, and its value-initialised form (what an executor built without a platform computes in) is
// the default platform's.
#include <gtest/gtest.h>

#include "dlasim/build_config.h"
#include "hwmodels/platform.h"

namespace {

TEST(DlaNumerics, DefaultIsTheDefaultPlatformsArithmetic) {
  const kern::DlaNumerics def;
  const kern::DlaNumerics& platform = hw::platformById(dlasim::BuildConfig{}.platform).numerics;
  EXPECT_EQ(def.int8Requant, platform.int8Requant);
  EXPECT_EQ(def.fp16Constants, platform.fp16Constants);
}

TEST(DlaNumerics, EveryPlatformStatesItsSourceAndGenerationsDiffer) {
  for (const hw::Platform& p : hw::platforms()) {
    EXPECT_FALSE(p.numerics.source.empty()) << p.id;
    // NVDLA v1 lineage (Xavier) requantises in the fixed-point SDP, Orin in FP19.
    EXPECT_EQ(p.numerics.xavierFixedPoint(), p.dlaGeneration == 1) << p.id;
    EXPECT_EQ(p.numerics.fp19Constants(), p.dlaGeneration == 2) << p.id;
  }
}

}  // namespace
