// INT8 calibration caches in TensorRT's text format: a header "TRT-<version>-<Algorithm>", then
// "tensor name: <scale>" per tensor, the scale a float32 bit pattern in big-endian hex
// (dynamic range = scale * 127).
#pragma once
#include <map>
#include <string>

namespace dlasim {

struct CalibrationCache {
  std::string header = "TRT-8502-MinMaxCalibration";
  std::map<std::string, float> scales;  // tensor name -> scale

  /// Reads and checks a cache file. Throws InputError naming the file, the line and the value.
  static CalibrationCache read(const std::string& path);
  /// The cache as text, entries sorted by name.
  std::string text() const;
  /// Why `scale` gives no usable INT8 range, or "" when it does: zero (of either sign), a
  /// denormal, or a dynamic range (scale x 127) too large for a float. Such entries are not
  /// applied: as in TensorRT for a tensor without a range, the layers reading or writing it run
  /// in FP16, and the build warns naming each tensor and layer (docs/numerics.md).
  static std::string unusableReason(float scale);
};

}  // namespace dlasim
