#include "kernels/elementwise.h"

namespace kern {

std::vector<int64_t> broadcastStrides(const std::vector<int64_t>& shape,
                                      const std::vector<int64_t>& outShape) {
  std::vector<int64_t> strides(outShape.size(), 0);
  int64_t s = 1;
  for (int64_t i = int64_t(shape.size()) - 1, o = int64_t(outShape.size()) - 1; i >= 0; --i, --o) {
    strides[o] = shape[i] == 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

}  // namespace kern
