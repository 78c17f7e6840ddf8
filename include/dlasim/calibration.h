// INT8 calibration caches in TensorRT's text format: a header "TRT-<version>-<Algorithm>", then
// "tensor name: <scale>" per tensor, the scale a float32 bit pattern in big-endian hex
// (dynamic range = scale * 127). And the calibration algorithms that compute them.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>

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

/// "entropy", "minmax", "percentile" -> the algorithm; false if unknown.
bool parseCalibrationAlgorithm(const std::string& s, CalibrationAlgorithm* out);
const char* calibrationAlgorithmName(CalibrationAlgorithm a);
/// The cache header TensorRT writes for the algorithm: "TRT-8502-EntropyCalibration2",
/// "TRT-8502-MinMaxCalibration", "TRT-8502-LegacyCalibration" (percentile).
std::string calibrationHeader(CalibrationAlgorithm a);

}  // namespace dlasim
