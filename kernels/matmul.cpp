#include "kernels/matmul.h"

#include <Eigen/Core>

#include "kernels/elementwise.h"

namespace kern {

void matmulF32(const std::vector<int64_t>& aShape, const float* a, bool transA,
               const std::vector<int64_t>& bShape, const float* b, bool transB,
               const std::vector<int64_t>& outShape, float* c) {
  using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const size_t ra = aShape.size(), rb = bShape.size(), rc = outShape.size();
  const int64_t aRows = aShape[ra - 2], aCols = aShape[ra - 1];
  const int64_t bRows = bShape[rb - 2], bCols = bShape[rb - 1];
  const int64_t m = outShape[rc - 2], n = outShape[rc - 1];
  // Broadcast batch dims: matrix index strides computed over the batch shape.
  std::vector<int64_t> batch(outShape.begin(), outShape.end() - 2);
  std::vector<int64_t> aBatch(aShape.begin(), aShape.end() - 2),
      bBatch(bShape.begin(), bShape.end() - 2);
  auto aStr = broadcastStrides(aBatch, batch), bStr = broadcastStrides(bBatch, batch);
  if (batch.empty()) batch = {1}, aStr = {0}, bStr = {0};
  forEachBroadcast(batch, {aStr, bStr}, [&](int64_t o, int64_t ia, int64_t ib, int64_t) {
    Eigen::Map<const RowMat> A(a + ia * aRows * aCols, aRows, aCols);
    Eigen::Map<const RowMat> B(b + ib * bRows * bCols, bRows, bCols);
    Eigen::Map<RowMat> C(c + o * m * n, m, n);
    if (!transA && !transB)
      C.noalias() = A * B;
    else if (transA && !transB)
      C.noalias() = A.transpose() * B;
    else if (!transA && transB)
      C.noalias() = A * B.transpose();
    else
      C.noalias() = A.transpose() * B.transpose();
  });
}

}  // namespace kern
