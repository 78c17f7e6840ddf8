#include "kernels/resize.h"

#include <algorithm>
#include <cmath>

namespace kern {

namespace {

struct Taps {
  std::vector<int64_t> index;  // per output position: nTaps clamped input indices
  std::vector<double> weight;
  int n = 1;
};

double sourceCoord(const ResizeParams& p, int64_t x, int64_t inLen, double scale) {
  // ONNX defines the output length used here as scale * input length (not the rounded size).
  double outLen = scale * double(inLen);
  switch (p.coord) {
    case CoordMode::kHalfPixel:
      return (x + 0.5) / scale - 0.5;
    case CoordMode::kPytorchHalfPixel:
      return outLen > 1 ? (x + 0.5) / scale - 0.5 : -0.5;
    case CoordMode::kAlignCorners:
      return outLen == 1 ? 0.0 : x * double(inLen - 1) / (outLen - 1);
    case CoordMode::kAsymmetric:
      return x / scale;
    case CoordMode::kTfHalfPixelForNearest:
      return (x + 0.5) / scale;
  }
  return 0;
}

Taps makeTaps(const ResizeParams& p, int64_t inLen, int64_t outLen, double scale) {
  Taps t;
  t.n = p.mode == InterpMode::kCubic ? 4 : (p.mode == InterpMode::kLinear ? 2 : 1);
  t.index.resize(outLen * t.n);
  t.weight.resize(outLen * t.n);
  for (int64_t x = 0; x < outLen; ++x) {
    // Every tap is clamped to the input below, so a source far outside it reads the edge
    // whatever its exact value: clamp it first, so that it always converts to int64.
    double src = std::clamp(sourceCoord(p, x, inLen, scale), -8.0, double(inLen) + 8.0);
    double fl = std::floor(src), r = src - fl;
    int64_t base = int64_t(fl);
    std::vector<double> w;
    int64_t first = base;
    if (p.mode == InterpMode::kNearest) {
      bool up = false;
      if (r != 0) {
        switch (p.rounding) {
          case RoundMode::kRoundPreferFloor:
            up = r > 0.5;
            break;
          case RoundMode::kRoundPreferCeil:
            up = r >= 0.5;
            break;
          case RoundMode::kFloor:
            up = false;
            break;
          case RoundMode::kCeil:
            up = true;
            break;
        }
      }
      w = {1.0};
      first = base + (up ? 1 : 0);
    } else if (p.mode == InterpMode::kLinear) {
      w = {1 - r, r};
    } else {
      double A = p.cubicA;
      auto c = [A](double s) {  // Keys cubic convolution kernel
        s = std::fabs(s);
        if (s <= 1) return ((A + 2) * s - (A + 3)) * s * s + 1;
        if (s < 2) return ((A * s - 5 * A) * s + 8 * A) * s - 4 * A;
        return 0.0;
      };
      w = {c(r + 1), c(r), c(1 - r), c(2 - r)};
      first = base - 1;
    }
    double sum = 0;
    for (int k = 0; k < t.n; ++k) {
      int64_t i = first + k;
      if (p.excludeOutside && (i < 0 || i >= inLen)) w[k] = 0;
      sum += w[k];
    }
    for (int k = 0; k < t.n; ++k) {
      t.index[x * t.n + k] = std::clamp<int64_t>(first + k, 0, inLen - 1);
      t.weight[x * t.n + k] = p.excludeOutside && sum != 0 ? w[k] / sum : w[k];
    }
  }
  return t;
}

}  // namespace

void resize(const ResizeParams& p, const float* x, float* y) {
  std::vector<int64_t> shape = p.inShape;
  std::vector<double> cur(
      x, x + [&] {
        int64_t v = 1;
        for (auto d : shape) v *= d;
        return v;
      }());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == p.outShape[d] && p.scales[d] == 1.f &&
        p.coord != CoordMode::kTfHalfPixelForNearest)
      continue;  // identity along this dimension for every supported transform
    Taps t = makeTaps(p, shape[d], p.outShape[d], p.scales[d]);
    int64_t outer = 1, inner = 1;
    for (size_t i = 0; i < d; ++i) outer *= shape[i];
    for (size_t i = d + 1; i < shape.size(); ++i) inner *= shape[i];
    int64_t inLen = shape[d], outLen = p.outShape[d];
    std::vector<double> next(size_t(outer * outLen * inner));
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < outLen; ++j) {
        double* dst = &next[(o * outLen + j) * inner];
        for (int k = 0; k < t.n; ++k) {
          double w = t.weight[j * t.n + k];
          if (w == 0) continue;
          const double* src = &cur[(o * inLen + t.index[j * t.n + k]) * inner];
          for (int64_t i = 0; i < inner; ++i) dst[i] += w * src[i];
        }
      }
    cur.swap(next);
    shape[d] = outLen;
  }
  for (size_t i = 0; i < cur.size(); ++i) y[i] = float(cur[i]);
}

}  // namespace kern
