// Max and average pooling over up to 3 spatial dimensions of NC[D]HW tensors.
#pragma once
#include <array>
#include <cstdint>
#include <memory>

namespace kern {

struct PoolParams {
  bool average = false;
  bool countIncludePad = false;
  int64_t batch = 1, channels = 1;  // batch*channels independent planes
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1},
      padBegin{0, 0, 0}, padEnd{0, 0, 0}, dilation{1, 1, 1};
};

/// Pools one element type; T is float, double, int8 or uint8 (max only for integers).
template <class T>
void pool(const PoolParams& p, const T* x, T* y);

}  // namespace kern

namespace kern {

struct Layout;
struct PoolPlan;
/// oneDNN pooling (2-D, float) reading x in `srcLayout` (nullptr = plain NCHW); the output
/// layout follows the input's. Returns nullptr when oneDNN cannot run these parameters.
std::shared_ptr<PoolPlan> preparePoolF32(const PoolParams& p, const Layout* srcLayout);
/// y is written plain, or in the plan's output layout when yBlocked.
void executePoolF32(const PoolPlan& plan, const float* x, float* y, bool yBlocked);
const Layout* poolOutputLayout(const PoolPlan& plan);
size_t poolBlockedOutputBytes(const PoolPlan& plan);

}  // namespace kern
