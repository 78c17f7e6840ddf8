// TopK along one axis (ONNX TopK, ArgMax, ArgMin; TensorRT's TopK layer). Header-only: one
// small template for every element type.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <type_traits>
#include <vector>

namespace kern {

struct TopKParams {
  int64_t outer = 1, n = 1, inner = 1;  // the input viewed as [outer, n, inner], k along n
  int64_t k = 1;
  bool largest = true;      // the k largest (else the k smallest)
  bool lastOnTies = false;  // of equal values the higher index first (ArgMax select_last_index)
};

/// Writes, for each of the outer x inner lines, its k extreme values in order (best first) and
/// their int64 indices along n, as [outer, k, inner]. Equal values keep the lower index first
/// (ONNX TopK), or the higher with lastOnTies. NaN ranks before every number, as numpy's argmax
/// and argmin pick it. `values` may be null (ArgMax / ArgMin).
template <class T>
void topK(const TopKParams& p, const T* x, T* values, int64_t* indices) {
  auto isNan = [](T v) {
    if constexpr (std::is_floating_point_v<T>)
      return std::isnan(v);
    else
      return false;
  };
  std::vector<int64_t> order(size_t(p.n));
  for (int64_t o = 0; o < p.outer; ++o)
    for (int64_t i = 0; i < p.inner; ++i) {
      const T* line = x + o * p.n * p.inner + i;
      auto at = [&](int64_t j) { return line[j * p.inner]; };
      // Strict order "a ranks before b".
      auto before = [&](int64_t a, int64_t b) {
        T va = at(a), vb = at(b);
        if (isNan(va) != isNan(vb)) return isNan(va);
        if (!isNan(va) && va != vb) return p.largest ? va > vb : va < vb;
        return p.lastOnTies ? a > b : a < b;
      };
      std::iota(order.begin(), order.end(), int64_t(0));
      std::partial_sort(order.begin(), order.begin() + p.k, order.end(), before);
      for (int64_t j = 0; j < p.k; ++j) {
        int64_t out = (o * p.k + j) * p.inner + i;
        indices[out] = order[size_t(j)];
        if (values) values[out] = at(order[size_t(j)]);
      }
    }
}

}  // namespace kern
