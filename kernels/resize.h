// N-d resize (nearest, linear, cubic) with ONNX's coordinate transformations, computed as one
// separable 1-D pass per dimension.
#pragma once
#include <cstdint>
#include <vector>

namespace kern {

enum class InterpMode { kNearest, kLinear, kCubic };
enum class CoordMode {
  kHalfPixel,
  kPytorchHalfPixel,
  kAlignCorners,
  kAsymmetric,
  kTfHalfPixelForNearest
};
enum class RoundMode { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

struct ResizeParams {
  InterpMode mode = InterpMode::kNearest;
  CoordMode coord = CoordMode::kHalfPixel;
  RoundMode rounding = RoundMode::kRoundPreferFloor;
  float cubicA = -0.75f;
  bool excludeOutside = false;
  std::vector<int64_t> inShape, outShape;
  std::vector<float> scales;  // per dimension
};

void resize(const ResizeParams& p, const float* x, float* y);

}  // namespace kern
