#include "kernels/movement.h"

#include <cstring>

namespace kern {

namespace {

Dims contiguousStrides(const Dims& shape) {
  Dims s(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

int64_t volumeOf(const Dims& d) {
  int64_t v = 1;
  for (auto x : d) v *= x;
  return v;
}

// Calls f(outLinear, idx) for every index of shape in row-major order.
template <class F>
void forEachIndex(const Dims& shape, F&& f) {
  int64_t total = volumeOf(shape);
  Dims idx(shape.size(), 0);
  for (int64_t o = 0; o < total; ++o) {
    f(o, idx);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

template <class E>
void transposeTyped(const Dims& inShape, const Dims& perm, const E* x, E* y) {
  Dims inStrides = contiguousStrides(inShape), outShape(perm.size()), srcStride(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    outShape[i] = inShape[perm[i]];
    srcStride[i] = inStrides[perm[i]];
  }
  const size_t rank = perm.size();
  if (rank == 0) {
    y[0] = x[0];
    return;
  }
  const int64_t inner = outShape[rank - 1], innerStride = srcStride[rank - 1];
  int64_t total = volumeOf(outShape);
  if (total == 0) return;
  Dims idx(rank, 0);
  int64_t src = 0;
  for (int64_t o = 0; o < total; o += inner) {
    for (int64_t i = 0; i < inner; ++i) y[o + i] = x[src + i * innerStride];
    for (int64_t d = int64_t(rank) - 2; d >= 0; --d) {
      src += srcStride[d];
      if (++idx[d] < outShape[d]) break;
      src -= srcStride[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

}  // namespace

void transpose(const Dims& inShape, const Dims& perm, size_t esize, const void* x, void* y) {
  switch (esize) {
    case 1:
      return transposeTyped(inShape, perm, static_cast<const uint8_t*>(x),
                            static_cast<uint8_t*>(y));
    case 2:
      return transposeTyped(inShape, perm, static_cast<const uint16_t*>(x),
                            static_cast<uint16_t*>(y));
    case 4:
      return transposeTyped(inShape, perm, static_cast<const uint32_t*>(x),
                            static_cast<uint32_t*>(y));
    default:
      return transposeTyped(inShape, perm, static_cast<const uint64_t*>(x),
                            static_cast<uint64_t*>(y));
  }
}

void stridedSlice(const Dims& inShape, const Dims& start, const Dims& stride, const Dims& outShape,
                  bool wrap, size_t esize, const void* x, void* y) {
  Dims inStrides = contiguousStrides(inShape);
  auto* src = static_cast<const char*>(x);
  auto* dst = static_cast<char*>(y);
  forEachIndex(outShape, [&](int64_t o, const Dims& idx) {
    int64_t off = 0;
    for (size_t d = 0; d < idx.size(); ++d) {
      int64_t i = start[d] + idx[d] * stride[d];
      if (wrap) i = ((i % inShape[d]) + inShape[d]) % inShape[d];
      off += i * inStrides[d];
    }
    std::memcpy(dst + o * esize, src + off * esize, esize);
  });
}

void concat(const std::vector<const void*>& xs, const std::vector<int64_t>& axisLens, int64_t outer,
            int64_t inner, size_t esize, void* y) {
  int64_t total = 0;
  for (auto a : axisLens) total += a;
  auto* dst = static_cast<char*>(y);
  for (int64_t o = 0; o < outer; ++o) {
    int64_t at = 0;
    for (size_t k = 0; k < xs.size(); ++k) {
      size_t chunk = size_t(axisLens[k] * inner) * esize;
      std::memcpy(dst + size_t((o * total + at) * inner) * esize,
                  static_cast<const char*>(xs[k]) + o * chunk, chunk);
      at += axisLens[k];
    }
  }
}

void gather(const void* x, int64_t outer, int64_t axisLen, int64_t inner,
            const std::vector<int64_t>& indices, size_t esize, void* y) {
  auto* src = static_cast<const char*>(x);
  auto* dst = static_cast<char*>(y);
  const size_t chunk = size_t(inner) * esize;
  for (int64_t o = 0; o < outer; ++o)
    for (size_t k = 0; k < indices.size(); ++k)
      std::memcpy(dst + (o * indices.size() + k) * chunk,
                  src + size_t(o * axisLen + indices[k]) * chunk, chunk);
}

void pad(const Dims& inShape, const Dims& padsBegin, const Dims& outShape, PadKind kind,
         const void* value, size_t esize, const void* x, void* y) {
  Dims inStrides = contiguousStrides(inShape);
  auto* src = static_cast<const char*>(x);
  auto* dst = static_cast<char*>(y);
  forEachIndex(outShape, [&](int64_t o, const Dims& idx) {
    int64_t off = 0;
    bool outside = false;
    for (size_t d = 0; d < idx.size(); ++d) {
      int64_t i = idx[d] - padsBegin[d], n = inShape[d];
      if (i < 0 || i >= n) {
        if (kind == PadKind::kConstant || n == 0) {
          outside = true;
          break;
        }
        if (kind == PadKind::kEdge) {
          i = i < 0 ? 0 : n - 1;
        } else {  // reflect without repeating the edge: period 2(n-1)
          int64_t period = 2 * (n - 1);
          if (period == 0)
            i = 0;
          else {
            i = ((i % period) + period) % period;
            if (i >= n) i = period - i;
          }
        }
      }
      off += i * inStrides[d];
    }
    std::memcpy(dst + o * esize, outside ? static_cast<const char*>(value) : src + off * esize,
                esize);
  });
}

}  // namespace kern
