// Data movement that is blind to the element type (elements are copied as `esize` bytes):
// transpose, strided slice, concat, gather, pad.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kern {

using Dims = std::vector<int64_t>;

/// y = transpose(x, perm): y.shape[i] = x.shape[perm[i]].
void transpose(const Dims& inShape, const Dims& perm, size_t esize, const void* x, void* y);

/// y[i] = x[start + i*stride] per dimension. wrap: indices are taken modulo the input size.
void stridedSlice(const Dims& inShape, const Dims& start, const Dims& stride, const Dims& outShape,
                  bool wrap, size_t esize, const void* x, void* y);

/// Concatenates inputs (given as [outer, axisLen_i, inner] views) along the middle dimension.
void concat(const std::vector<const void*>& xs, const std::vector<int64_t>& axisLens, int64_t outer,
            int64_t inner, size_t esize, void* y);

/// y = x taken at `indices` (already in [0, axisLen)) along the middle of [outer, axisLen, inner].
void gather(const void* x, int64_t outer, int64_t axisLen, int64_t inner,
            const std::vector<int64_t>& indices, size_t esize, void* y);

enum class PadKind { kConstant, kReflect, kEdge };
/// Pads (or, with negative pads, crops) every dimension. `value` points at one element.
void pad(const Dims& inShape, const Dims& padsBegin, const Dims& outShape, PadKind kind,
         const void* value, size_t esize, const void* x, void* y);

}  // namespace kern
