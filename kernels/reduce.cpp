#include "kernels/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/elementwise.h"

namespace kern {

template <class T>
void reduce(ReduceKind kind, const std::vector<int64_t>& inShape, const std::vector<bool>& reduced,
            const T* x, T* out) {
  std::vector<int64_t> keptShape(inShape);
  int64_t outSize = 1, count = 1;
  for (size_t d = 0; d < inShape.size(); ++d) {
    if (reduced[d]) {
      keptShape[d] = 1;
      count *= inShape[d];
    }
    outSize *= keptShape[d];
  }
  const bool isMax = kind == ReduceKind::kMax, isMin = kind == ReduceKind::kMin;
  double init = kind == ReduceKind::kProd ? 1.0
                : isMax                   ? -std::numeric_limits<double>::infinity()
                : isMin                   ? std::numeric_limits<double>::infinity()
                                          : 0.0;
  std::vector<double> acc(outSize, init);
  // LogSumExp is made stable by subtracting the per-output maximum first.
  std::vector<double> shift(outSize, 0.0);
  auto strides = broadcastStrides(keptShape, inShape);
  if (kind == ReduceKind::kLogSumExp) {
    std::fill(shift.begin(), shift.end(), -std::numeric_limits<double>::infinity());
    forEachBroadcast(inShape, {strides}, [&](int64_t i, int64_t o, int64_t, int64_t) {
      shift[o] = std::max(shift[o], double(x[i]));
    });
  }
  forEachBroadcast(inShape, {strides}, [&](int64_t i, int64_t o, int64_t, int64_t) {
    double v = double(x[i]);
    switch (kind) {
      case ReduceKind::kSum:
      case ReduceKind::kMean:
        acc[o] += v;
        break;
      case ReduceKind::kMax:
        acc[o] = std::max(acc[o], v);
        break;
      case ReduceKind::kMin:
        acc[o] = std::min(acc[o], v);
        break;
      case ReduceKind::kProd:
        acc[o] *= v;
        break;
      case ReduceKind::kSumSquare:
      case ReduceKind::kL2:
        acc[o] += v * v;
        break;
      case ReduceKind::kL1:
        acc[o] += std::fabs(v);
        break;
      case ReduceKind::kLogSumExp:
        acc[o] += std::exp(v - shift[o]);
        break;
    }
  });
  for (int64_t o = 0; o < outSize; ++o) {
    double v = acc[o];
    if (kind == ReduceKind::kMean) v /= double(count);
    if (kind == ReduceKind::kL2) v = std::sqrt(v);
    if (kind == ReduceKind::kLogSumExp) v = std::log(v) + shift[o];
    out[o] = T(v);
  }
}

template void reduce<float>(ReduceKind, const std::vector<int64_t>&, const std::vector<bool>&,
                            const float*, float*);
template void reduce<double>(ReduceKind, const std::vector<int64_t>&, const std::vector<bool>&,
                             const double*, double*);
template void reduce<int32_t>(ReduceKind, const std::vector<int64_t>&, const std::vector<bool>&,
                              const int32_t*, int32_t*);
template void reduce<int64_t>(ReduceKind, const std::vector<int64_t>&, const std::vector<bool>&,
                              const int64_t*, int64_t*);

void softmax(const float* x, float* y, int64_t outer, int64_t axis, int64_t inner, bool log) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float* xs = x + o * axis * inner + i;
      float* ys = y + o * axis * inner + i;
      float mx = -std::numeric_limits<float>::infinity();
      for (int64_t a = 0; a < axis; ++a) mx = std::max(mx, xs[a * inner]);
      double sum = 0;
      for (int64_t a = 0; a < axis; ++a) sum += std::exp(double(xs[a * inner]) - mx);
      for (int64_t a = 0; a < axis; ++a) {
        double d = double(xs[a * inner]) - mx;
        ys[a * inner] = float(log ? d - std::log(sum) : std::exp(d) / sum);
      }
    }
}

void normalizeRows(const float* x, float* y, int64_t rows, int64_t rowLen, float epsilon,
                   float* mean, float* invStd) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * rowLen;
    float* yr = y + r * rowLen;
    double m = 0;
    for (int64_t i = 0; i < rowLen; ++i) m += xr[i];
    m /= double(rowLen);
    double var = 0;
    for (int64_t i = 0; i < rowLen; ++i) var += (xr[i] - m) * (xr[i] - m);
    var /= double(rowLen);
    double inv = 1.0 / std::sqrt(var + double(epsilon));
    for (int64_t i = 0; i < rowLen; ++i) yr[i] = float((xr[i] - m) * inv);
    if (mean) mean[r] = float(m);
    if (invStd) invStd[r] = float(inv);
  }
}

void lrnAcrossChannels(const float* x, float* y, int64_t batch, int64_t channels, int64_t spatial,
                       int64_t size, float alpha, float beta, float bias) {
  const int64_t before = (size - 1) / 2, after = size - 1 - before;
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t s = 0; s < spatial; ++s) {
        double sq = 0;
        for (int64_t j = std::max<int64_t>(0, c - before); j <= std::min(channels - 1, c + after);
             ++j) {
          double v = x[(n * channels + j) * spatial + s];
          sq += v * v;
        }
        int64_t i = (n * channels + c) * spatial + s;
        y[i] =
            float(x[i] / std::pow(double(bias) + double(alpha) / double(size) * sq, double(beta)));
      }
}

}  // namespace kern
