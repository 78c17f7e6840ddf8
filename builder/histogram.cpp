#include "builder/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace builder {

namespace {

// The smallest power of two above m > 0 (m = f * 2^e with f in [0.5, 1): 2^e).
double powerOfTwoAbove(double m) {
  int e = 0;
  std::frexp(m, &e);
  return std::ldexp(1.0, e);
}

}  // namespace

bool AbsHistogram::fromParts(double range, float amax, std::vector<uint64_t> counts,
                             AbsHistogram* out) {
  if (counts.empty() || !(amax >= 0) || !std::isfinite(amax)) return false;
  if (range == 0) {
    for (size_t j = 1; j < counts.size(); ++j)
      if (counts[j]) return false;
    if (amax != 0) return false;
  } else if (!(range > 0) || range != powerOfTwoAbove(range / 2) || !(double(amax) < range) ||
             powerOfTwoAbove(double(amax)) != range) {
    return false;
  }
  out->counts_ = std::move(counts);
  out->range_ = range;
  out->amax_ = amax;
  return true;
}

void AbsHistogram::growTo(double range) {
  if (range <= range_) return;
  if (range_ > 0) {
    int k = 0;
    for (double r = range_; r < range; r *= 2) ++k;
    std::vector<uint64_t> merged(counts_.size(), 0);
    for (size_t j = 0; j < counts_.size(); ++j) merged[j >> std::min(k, 62)] += counts_[j];
    counts_ = std::move(merged);
  }
  range_ = range;  // from 0: the zeros counted so far stay in bin 0
}

void AbsHistogram::add(const float* x, int64_t n) {
  constexpr float kMax = std::numeric_limits<float>::max();
  float m = amax_;
  for (int64_t i = 0; i < n; ++i) {
    float a = std::fabs(x[i]);
    if (a <= kMax) m = std::max(m, a);  // skips Inf and NaN
  }
  amax_ = m;
  if (m > 0 && double(m) >= range_) growTo(powerOfTwoAbove(m));
  if (range_ == 0) {  // only zeros (and non-finite values) so far
    for (int64_t i = 0; i < n; ++i) counts_[0] += x[i] == 0;
    return;
  }
  // |x| < range, so the bin is below bins; the product is exact (24-bit value, power of two).
  const double perBin = double(counts_.size()) / range_;
  const size_t last = counts_.size() - 1;
  for (int64_t i = 0; i < n; ++i) {
    float a = std::fabs(x[i]);
    if (a <= kMax) ++counts_[std::min(size_t(double(a) * perBin), last)];
  }
}

bool AbsHistogram::merge(const AbsHistogram& other) {
  if (other.counts_.size() != counts_.size()) return false;
  AbsHistogram o = other;
  growTo(o.range_);
  o.growTo(range_);
  for (size_t j = 0; j < counts_.size(); ++j) counts_[j] += o.counts_[j];
  amax_ = std::max(amax_, o.amax_);
  return true;
}

double entropyThreshold(const std::vector<double>& hist, double width, int levels) {
  const size_t bins = hist.size(), L = size_t(std::max(levels, 1));
  // The zero bin counts as its neighbour: ReLU outputs and padding put a spike of exact zeros
  // there that would otherwise decide the divergence (NVIDIA's pytorch-quantization does the
  // same in its TensorRT-style entropy calibrator).
  std::vector<double> h = hist;
  if (bins > 1) h[0] = h[1];
  // Prefix sums make each candidate O(levels) instead of O(bins): H = counts, N = non-empty
  // bins, S = sum of c·ln c.
  std::vector<double> H(bins + 1, 0.0), N(bins + 1, 0.0), S(bins + 1, 0.0);
  for (size_t j = 0; j < bins; ++j) {
    H[j + 1] = H[j] + h[j];
    N[j + 1] = N[j] + (h[j] > 0);
    S[j + 1] = S[j] + (h[j] > 0 ? h[j] * std::log(h[j]) : 0.0);
  }
  const double total = H[bins];
  if (total <= 0) return 0;
  if (bins <= L) return double(bins) * width;  // nothing to choose: the whole range
  constexpr double kTie = 1e-12;  // divergences this close are equal (rounding of the sums)
  double best = std::numeric_limits<double>::infinity();
  size_t bestI = bins;
  for (size_t i = L; i <= bins; ++i) {
    const double clipped = total - H[i];  // counts beyond the candidate, folded into bin i-1
    const double totalQ = H[i];
    if (totalQ <= 0) continue;
    const double last = h[i - 1] + clipped;  // P[i-1]
    // KL(P||Q) = sum p ln p - sum p ln q, p = P/total, q = Q/totalQ.
    double klP = (S[i - 1] + (last > 0 ? last * std::log(last) : 0.0)) / total - std::log(total);
    double klQ = 0;
    bool infinite = false;
    for (size_t g = 0; g < L; ++g) {
      // Level g holds bins j with j * L / i == g: [ceil(g i / L), ceil((g+1) i / L)).
      size_t lo = (g * i + L - 1) / L, hi = ((g + 1) * i + L - 1) / L;
      if (lo >= hi) continue;
      double mass = H[hi] - H[lo], pMass = mass, nonzero = N[hi] - N[lo];
      if (hi == i) {  // the level of bin i-1, which also holds the clipped counts in P
        pMass += clipped;
        nonzero += h[i - 1] == 0 && clipped > 0;
      }
      if (pMass <= 0) continue;
      if (mass <= 0) {
        infinite = true;
        break;
      }
      klQ += pMass / total * std::log(mass / nonzero / totalQ);
    }
    if (infinite) continue;
    double kl = klP - klQ;
    if (kl < best - kTie) {
      best = kl;
      bestI = i;
    } else if (kl <= best + kTie) {  // the largest i on ties, as pytorch-quantization's argmin
      best = std::min(best, kl);
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
