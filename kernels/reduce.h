// Reductions and normalisations: reduce over axes, softmax, mean/variance normalisation, LRN.
#pragma once
#include <cstdint>
#include <vector>

namespace kern {

enum class ReduceKind { kSum, kMean, kMax, kMin, kProd, kSumSquare, kL1, kL2, kLogSumExp };

/// Reduces `x` of inShape over the dims where reduced[d] is true; out has the kept-dims volume.
template <class T>
void reduce(ReduceKind kind, const std::vector<int64_t>& inShape, const std::vector<bool>& reduced,
            const T* x, T* out);

/// Softmax over `axis` of a tensor viewed as [outer, axis, inner]; logSoftmax when log is set.
void softmax(const float* x, float* y, int64_t outer, int64_t axis, int64_t inner, bool log);

/// Normalises each of `rows` rows of length rowLen to zero mean, unit variance (population).
/// mean / invStd (may be null) receive the per-row statistics.
void normalizeRows(const float* x, float* y, int64_t rows, int64_t rowLen, float epsilon,
                   float* mean, float* invStd);

/// Local response normalisation across channels of an [N, C, spatial] tensor.
void lrnAcrossChannels(const float* x, float* y, int64_t batch, int64_t channels, int64_t spatial,
                       int64_t size, float alpha, float beta, float bias);

}  // namespace kern
