// TensorRT's INT8 calibration cache (--calib): a header "TRT-<version>-<Algorithm>", then one
// "tensor name: <scale>" line per tensor, the scale a float32 bit pattern in big-endian hex
// (leading zeros may be dropped); dynamic range = scale * 127 (design §2; trt-tools §2.4).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "sim/ir/graph.h"

namespace sim::cli {

struct CalibrationCache {
  std::string header;                   // e.g. "TRT-8502-EntropyCalibration2"
  std::map<std::string, float> scales;  // tensor name -> scale
};

/// Reads and checks a cache; throws sim::Error naming the file, the line and the value.
CalibrationCache readCalibrationCache(const std::string& path);

/// The cache as text, entries sorted by name, scales as big-endian float32 hex.
std::string calibrationCacheText(const CalibrationCache& c);

/// MinMax calibration: one unfused FP32 run over `inputs`; scale = max|x| / 127 for the graph
/// inputs and every float layer output.
CalibrationCache minMaxCalibration(const Graph& g, const std::map<std::string, Tensor>& inputs);

/// Sets TensorInfo::int8Scale for every graph tensor the cache names; returns the cache's
/// names that match no tensor.
std::vector<std::string> applyCalibration(Graph& g, const CalibrationCache& c,
                                          bool onlyMissing = false);

}  // namespace sim::cli
