// INT8 calibration caches in TensorRT's text format: a header "TRT-<version>-<Algorithm>", then
// "tensor name: <scale>" per tensor, the scale a float32 bit pattern in big-endian hex
// (dynamic range = scale * 127). And the calibration algorithms that compute them.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dlasim {

struct CalibrationCache {
  std::string header = "TRT-8502-MinMaxCalibration";
  std::map<std::string, float> scales;  // tensor name -> scale

  /// Reads and checks a cache file. Throws InputError naming the file, the line and the value
  /// (a header that is not TRT-<digits>-<known algorithm>, a line that is not "name: hex", a
  /// scale that is not a finite non-negative float, a tensor listed twice, binary content).
  static CalibrationCache read(const std::string& path);
  /// The cache as text, entries sorted by name, scales as 8 lower-case hex digits.
  std::string text() const;
  /// Why `scale` gives no usable INT8 range, or "" when it does: zero (of either sign), a
  /// denormal, or a dynamic range (scale x 127) too large for a float. Such entries are not
  /// applied: as in TensorRT for a tensor without a range, the layers reading or writing it run
  /// in FP16, and the build warns naming each tensor and layer (docs/numerics.md).
  static std::string unusableReason(float scale);
};

/// How scales are chosen from the values a tensor takes over the calibration data
/// (docs/numerics.md "Calibration"):
/// - kEntropy: TensorRT's EntropyCalibration2 (its default, and the one the DLA needs): the
///   threshold minimising the KL divergence between the histogram of |x| and its INT8 version;
/// - kMinMax: max |x| (TensorRT's MinMaxCalibration);
/// - kPercentile: the given percentile of |x| (TensorRT's legacy calibrator's quantile).
enum class CalibrationAlgorithm : uint8_t { kEntropy, kMinMax, kPercentile };

struct CalibrationOptions {
  CalibrationAlgorithm algorithm = CalibrationAlgorithm::kEntropy;
  /// kPercentile: the percentile of |x| (in (0, 100]) taken as the tensor's range.
  double percentile = 99.99;
  /// Called after each batch with the number of samples done and the total.
  std::function<void(int64_t done, int64_t total)> progress;
};

/// The statistics calibration keeps of one tensor over the data seen: the exact max |x| and
/// (entropy, percentile) a histogram of |x| in 2048 bins over [0, range), the range the smallest
/// power of two above amax (docs/numerics.md "Calibration").
struct TensorHistogram {
  double range = 0;              // 0 while only zeros were seen (they count in bin 0)
  float amax = 0;                // max |x|, exactly
  std::vector<uint64_t> counts;  // empty for MinMax
};

/// Per-tensor statistics of a calibration over part of a data set. Statistics of disjoint
/// parts merge, in any order, into exactly those of the whole, and the cache computed from them
/// is the one Model::calibrate gives for the whole: this is how dlasim.distributed shares a
/// calibration out over workers.
struct CalibrationStatistics {
  CalibrationAlgorithm algorithm = CalibrationAlgorithm::kEntropy;
  std::map<std::string, TensorHistogram> tensors;

  /// Adds `other`'s statistics (a tensor in one only is kept). Throws InputError when the two
  /// are of different algorithms or a histogram is malformed (wrong bin count, a range that is
  /// not a power of two above amax).
  void merge(const CalibrationStatistics& other);
  /// The thresholds of `options.algorithm` (which must be the statistics' one) as a cache.
  CalibrationCache cache(const CalibrationOptions& options) const;
};

/// "entropy", "minmax", "percentile" -> the algorithm; false if unknown.
bool parseCalibrationAlgorithm(const std::string& s, CalibrationAlgorithm* out);
const char* calibrationAlgorithmName(CalibrationAlgorithm a);
/// The cache header TensorRT writes for the algorithm: "TRT-8502-EntropyCalibration2",
/// "TRT-8502-MinMaxCalibration", "TRT-8502-LegacyCalibration" (percentile).
std::string calibrationHeader(CalibrationAlgorithm a);

}  // namespace dlasim
