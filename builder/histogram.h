// The statistics calibration keeps per tensor, and the thresholds it derives from them:
// TensorRT's entropy (EntropyCalibration2), MinMax and percentile (docs/numerics.md,
// "Calibration", has the definitions and a worked example).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace builder {

/// A histogram of |x| over [0, range) in `bins` equal bins, filled batch by batch. The range is
/// the smallest power of two above the max |x| seen (0 while only zeros were seen; they count in
/// bin 0), so it depends on the values only, not on their order: a larger max later doubles the
/// range as often as needed and merges bins pairwise (j -> j >> k), and a value's bin,
/// floor(|x| * bins / range), is exact in double. Histograms of disjoint parts of a data set
/// therefore merge() into exactly the histogram of the whole, whatever the order (calibration
/// shared out over workers relies on it). Non-finite values are skipped; amax() is the exact max
/// |x| seen.
class AbsHistogram {
 public:
  explicit AbsHistogram(int bins = 2048) : counts_(size_t(bins), 0) {}
  /// A histogram from its parts (as range(), amax(), counts() give them); false when they are
  /// not one this class could have made (a range that is not 0 or a power of two above amax,
  /// no bins, counts beyond bin 0 without a range).
  static bool fromParts(double range, float amax, std::vector<uint64_t> counts, AbsHistogram* out);
  void add(const float* x, int64_t n);
  /// Adds another histogram's counts (same number of bins): the result is the histogram of both
  /// value sets. False (and nothing changed) when the bin counts differ.
  bool merge(const AbsHistogram& other);
  double range() const { return range_; }
  double binWidth() const { return range_ / double(counts_.size()); }
  float amax() const { return amax_; }
  const std::vector<uint64_t>& counts() const { return counts_; }

 private:
  void growTo(double range);  // merges bins for a larger power-of-two range
  std::vector<uint64_t> counts_;
  double range_ = 0;
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
