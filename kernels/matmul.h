// Batched matrix multiplication with numpy broadcasting of the batch dimensions.
#pragma once
#include <cstdint>
#include <vector>

namespace kern {

/// C[b] = op(A[b]) * op(B[b]); shapes are the full tensor shapes (rank >= 2 after the caller
/// promotes 1-D operands); transA/transB swap the last two dims. outShape is C's shape.
void matmulF32(const std::vector<int64_t>& aShape, const float* a, bool transA,
               const std::vector<int64_t>& bShape, const float* b, bool transB,
               const std::vector<int64_t>& outShape, float* c);

}  // namespace kern
