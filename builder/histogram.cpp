#include "builder/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace builder {

void AbsHistogram::add(const float* x, int64_t n) {
  float m = 0;
  for (int64_t i = 0; i < n; ++i) {
    float a = std::fabs(x[i]);
    if (a <= std::numeric_limits<float>::max()) m = std::max(m, a);  // skips Inf and NaN
  }
  amax_ = std::max(amax_, m);
  const size_t bins = counts_.size();
  if (m > range_) {
    if (range_ == 0) {
      range_ = m;  // zeros counted so far stay in bin 0
    } else {
      int k = 0;
      while (range_ < m) {
        range_ *= 2;
        ++k;
      }
      std::vector<uint64_t> merged(bins, 0);
      for (size_t j = 0; j < bins; ++j) merged[j >> std::min(k, 62)] += counts_[j];
      counts_ = std::move(merged);
    }
  }
  if (range_ == 0) {  // only zeros (and non-finite values) so far
    for (int64_t i = 0; i < n; ++i) counts_[0] += x[i] == 0;
    return;
  }
  const float perBin = float(double(bins) / range_);
  const size_t last = bins - 1;
  for (int64_t i = 0; i < n; ++i) {
    float a = std::fabs(x[i]) * perBin;
    if (!(a <= float(last))) {  // the top bin, Inf or NaN
      if (std::fabs(x[i]) <= std::numeric_limits<float>::max()) ++counts_[last];
      continue;
    }
    ++counts_[size_t(a)];
  }
}

double entropyThreshold(const std::vector<double>& hist, double width, int levels) {
  const size_t bins = hist.size(), L = size_t(std::max(levels, 1));
  // The zero bin counts as its neighbour: ReLU outputs and padding put a spike of exact zeros
  // there that would otherwise decide the divergence (NVIDIA's pytorch-quantization does the
  // same in its TensorRT-style entropy calibrator).
  std::vector<double> h = hist;
  if (bins > 1) h[0] = h[1];
  std::vector<double> beyond(bins + 1, 0.0);  // beyond[i] = sum of h[i..]
  for (size_t j = bins; j-- > 0;) beyond[j] = beyond[j + 1] + h[j];
  const double total = beyond[0];
  if (total <= 0) return 0;
  if (bins <= L) return double(bins) * width;  // nothing to choose: the whole range
  double best = std::numeric_limits<double>::infinity();
  size_t bestI = bins;
  std::vector<double> p(bins), mass(L), nonzero(L);
  for (size_t i = L; i <= bins; ++i) {
    std::copy(h.begin(), h.begin() + std::ptrdiff_t(i), p.begin());
    p[i - 1] += beyond[i];
    const double totalQ = total - beyond[i];
    if (totalQ <= 0) continue;
    // Bin j of the first i falls in level j * L / i: L groups of (almost) equal size.
    std::fill(mass.begin(), mass.end(), 0.0);
    std::fill(nonzero.begin(), nonzero.end(), 0.0);
    for (size_t j = 0; j < i; ++j) {
      size_t g = j * L / i;
      mass[g] += h[j];
      nonzero[g] += p[j] > 0;
    }
    double kl = 0;
    for (size_t j = 0; j < i; ++j) {  // terms may be negative: no early exit
      if (p[j] <= 0) continue;
      size_t g = j * L / i;
      double qj = mass[g] / nonzero[g];
      if (qj <= 0) {
        kl = std::numeric_limits<double>::infinity();
        break;
      }
      double pj = p[j] / total;
      kl += pj * std::log(pj / (qj / totalQ));
    }
    if (kl <= best) {  // the largest i on ties, as pytorch-quantization's last argmin
      best = kl;
      bestI = i;
    }
  }
  return double(bestI) * width;
}

double percentileThreshold(const std::vector<double>& h, double width, double percentile) {
  double total = 0;
  for (double c : h) total += c;
  if (total <= 0) return 0;
  const double target = total * std::clamp(percentile, 0.0, 100.0) / 100.0;
  double cum = 0;
  for (size_t j = 0; j < h.size(); ++j) {
    cum += h[j];
    if (cum >= target && h[j] > 0) return double(j + 1) * width;
  }
  return double(h.size()) * width;
}

}  // namespace builder
