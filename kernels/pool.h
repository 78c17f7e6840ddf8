// Max and average pooling over up to 3 spatial dimensions of NC[D]HW tensors.
#pragma once
#include <array>
#include <cstdint>

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
