// The DLA's arithmetic where generations differ (docs/numerics.md, design §4): the one
// description of a platform's numerics. Platform data fills it (hw::Platform::numerics, with
// its source, hwmodels/platforms.cpp); the executor and the kernels read it as it is. Kernels
// know nothing of platforms: they branch on these fields, never on a platform's name.
#pragma once
#include <cstdint>
#include <string>

namespace kern {

struct DlaNumerics {
  /// How an INT8 layer turns its integer result into its output's int8 codes.
  enum class Int8Requant : uint8_t {
    kXavierFixedPoint,  // NVDLA v1's fixed-point SDP (kernels/nvdla/sdp.h, requant.h)
    kOrinFp19,          // the FP19 point-wise pipe (kernels/numeric/fp19.h)
  };
  /// How an FP16 layer stores its non-convolution constants.
  enum class Fp16Constants : uint8_t { kFp16, kFp19 };

  // Value-initialised: the default platform's (orin-agx) arithmetic, for executors built
  // without a platform; tests/unit/dla_numerics_test.cpp checks it equals that platform's data.
  Int8Requant int8Requant = Int8Requant::kOrinFp19;
  Fp16Constants fp16Constants = Fp16Constants::kFp19;
  std::string source;  // where the platform data takes these from

  bool xavierFixedPoint() const { return int8Requant == Int8Requant::kXavierFixedPoint; }
  bool fp19Constants() const { return fp16Constants == Fp16Constants::kFp19; }
};

}  // namespace kern
