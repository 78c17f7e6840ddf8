// The statistics calibration keeps per tensor, and the thresholds it derives from them:
// TensorRT's entropy (EntropyCalibration2), MinMax and percentile (docs/numerics.md,
// "Calibration", has the definitions and a worked example).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace builder {

/// A histogram of |x| over [0, range) in `bins` equal bins, filled batch by batch. The first
/// values that are not all zero set the range to their max |x|; a later batch with a larger
/// max doubles the range as often as needed and merges bins pairwise, so bin edges stay exact
/// and no value is dropped (the resolution is that of the final range). Non-finite values are
/// skipped; amax() is the exact max |x| seen.
class AbsHistogram {
 public:
  explicit AbsHistogram(int bins = 2048) : counts_(size_t(bins), 0) {}
  void add(const float* x, int64_t n);
  double range() const { return range_; }
  double binWidth() const { return range_ / double(counts_.size()); }
  float amax() const { return amax_; }
  const std::vector<uint64_t>& counts() const { return counts_; }

 private:
  std::vector<uint64_t> counts_;
  double range_ = 0;  // 0 until a non-zero value is seen (zeros count in bin 0 meanwhile)
  float amax_ = 0;
};

/// TensorRT's EntropyCalibration2 threshold (Migacz, "8-bit Inference with TensorRT", GTC
/// 2017; details as NVIDIA's pytorch-quantization reimplements it): bin 0 takes bin 1's count
/// (a spike of exact zeros would decide the divergence); for each candidate i of [levels,
/// bins], P = the first i bins with the counts beyond folded into bin i-1 (values clipped to
/// the threshold), Q = the first i bins (without the clipped counts) merged into `levels`
/// levels (bin j into level j * levels / i) and spread evenly back over the bins where P is
/// non-zero; the threshold is i * width for the i of least KL(P || Q) (the largest such i on
/// ties). A candidate where Q is zero where P is not has infinite divergence. Returns 0 for an
/// empty histogram.
double entropyThreshold(const std::vector<double>& hist, double binWidth, int levels = 128);

/// The right edge of the first bin at which the cumulative count reaches `percentile` % of the
/// total. Returns 0 for an empty histogram.
double percentileThreshold(const std::vector<double>& hist, double binWidth, double percentile);

}  // namespace builder
