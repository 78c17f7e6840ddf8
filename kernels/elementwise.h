// Point-wise math: binary ops with numpy broadcasting, unary maps, ternary select.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kern {

/// Strides (in elements) of `shape` viewed as `outShape` after right-aligned broadcasting:
/// broadcast dimensions get stride 0.
std::vector<int64_t> broadcastStrides(const std::vector<int64_t>& shape,
                                      const std::vector<int64_t>& outShape);

/// Visits every output index of outShape, passing the offsets into up to three broadcast inputs.
template <class F>
void forEachBroadcast(const std::vector<int64_t>& outShape,
                      const std::vector<std::vector<int64_t>>& strides, F&& f) {
  const size_t rank = outShape.size(), nIn = strides.size();
  int64_t total = 1;
  for (int64_t d : outShape) total *= d;
  if (total == 0) return;
  std::vector<int64_t> idx(rank, 0);
  int64_t off[3] = {0, 0, 0};
  const int64_t inner = rank ? outShape[rank - 1] : 1;
  int64_t innerStride[3] = {0, 0, 0};
  for (size_t k = 0; k < nIn; ++k) innerStride[k] = rank ? strides[k][rank - 1] : 0;
  for (int64_t o = 0; o < total; o += inner) {
    for (int64_t i = 0; i < inner; ++i)
      f(o + i, off[0] + i * innerStride[0], off[1] + i * innerStride[1],
        off[2] + i * innerStride[2]);
    // Odometer increment over the outer dimensions.
    for (int64_t d = int64_t(rank) - 2; d >= 0; --d) {
      ++idx[d];
      for (size_t k = 0; k < nIn; ++k) off[k] += strides[k][d];
      if (idx[d] < outShape[d]) break;
      for (size_t k = 0; k < nIn; ++k) off[k] -= strides[k][d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/// out = op(a, b) with broadcasting; fast path when both shapes equal the output shape.
template <class TA, class TOut, class Op>
void binary(const std::vector<int64_t>& aShape, const TA* a, const std::vector<int64_t>& bShape,
            const TA* b, const std::vector<int64_t>& outShape, TOut* out, Op op) {
  if (aShape == outShape && bShape == outShape) {
    int64_t n = 1;
    for (int64_t d : outShape) n *= d;
    for (int64_t i = 0; i < n; ++i) out[i] = op(a[i], b[i]);
    return;
  }
  forEachBroadcast(outShape,
                   {broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)},
                   [&](int64_t o, int64_t ia, int64_t ib, int64_t) { out[o] = op(a[ia], b[ib]); });
}

/// out = cond ? x : y with broadcasting over all three.
template <class T>
void select(const std::vector<int64_t>& cShape, const bool* c, const std::vector<int64_t>& xShape,
            const T* x, const std::vector<int64_t>& yShape, const T* y,
            const std::vector<int64_t>& outShape, T* out) {
  forEachBroadcast(
      outShape,
      {broadcastStrides(cShape, outShape), broadcastStrides(xShape, outShape),
       broadcastStrides(yShape, outShape)},
      [&](int64_t o, int64_t ic, int64_t ix, int64_t iy) { out[o] = c[ic] ? x[ix] : y[iy]; });
}

}  // namespace kern
