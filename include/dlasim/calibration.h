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
};

}  // namespace dlasim
