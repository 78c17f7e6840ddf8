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

double entropyThreshold(const std::vector<double>& h, double width, int levels) {
  const size_t bins = h.size(), L = size_t(std::max(levels, 1));
  std::vector<double> beyond(bins + 1, 0.0);  // beyond[i] = sum of h[i..]
  for (size_t j = bins; j-- > 0;) beyond[j] = beyond[j + 1] + h[j];
  const double total = beyond[0];
  if (total <= 0) return 0;
  if (bins <= L) return double(bins) * width;  // nothing to choose: the whole range
  double best = std::numeric_limits<double>::infinity();
  size_t bestI = bins;
  std::vector<double> p(bins), q(bins);
  for (size_t i = L; i <= bins; ++i) {
    std::copy(h.begin(), h.begin() + std::ptrdiff_t(i), p.begin());
    p[i - 1] += beyond[i];
    const double totalQ = total - beyond[i];
    if (totalQ <= 0) continue;
    const size_t m = i / L;
    for (size_t g = 0; g < L; ++g) {
      size_t lo = g * m, hi = g + 1 == L ? i : lo + m;
      double mass = 0;
      size_t nonzero = 0;
      for (size_t j = lo; j < hi; ++j) {
        mass += h[j];
        nonzero += p[j] > 0;
      }
      for (size_t j = lo; j < hi; ++j) q[j] = p[j] > 0 && nonzero ? mass / double(nonzero) : 0;
    }
    double kl = 0;
    for (size_t j = 0; j < i; ++j) {  // terms may be negative: no early exit
      if (p[j] <= 0) continue;
      if (q[j] <= 0) {
        kl = std::numeric_limits<double>::infinity();
        break;
      }
      double pj = p[j] / total, qj = q[j] / totalQ;
      kl += pj * std::log(pj / qj);
    }
    if (kl < best) {
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
