// dlasim's command line: trtexec's flags with trtexec's meaning, plus dlasim's own.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dlasim/build_config.h"
#include "dlasim/types.h"

namespace dlasim::cli {

using dlasim::IOFormat;

struct Options {
  // Model and shapes.
  std::string onnx, loadEngine, saveEngine;
  std::map<std::string, Shape> shapes, minShapes, optShapes, maxShapes;
  // Precision and DLA.
  bool int8 = false, fp16 = false, best = false, noTF32 = false;
  std::string calib;
  int useDLACore = -1;
  bool allowGPUFallback = false, buildDLAStandalone = false;
  std::vector<IOFormat> inputIOFormats, outputIOFormats;
  std::map<std::string, double> memPoolSizeMiB;  // pool -> MiB
  std::string sparsity = "disable";
  std::vector<std::pair<std::string, std::string>> layerPrecisions, layerDeviceTypes;
  std::string profilingVerbosity = "layer_names_only";
  // Inference and reporting.
  std::map<std::string, std::string> loadInputs;  // input name -> file
  std::string exportOutput, exportProfile, exportLayerInfo, exportTimes;
  int iterations = 10, warmUp = 200, avgRuns = 10;
  double duration = 3;
  std::vector<double> percentiles = {90, 95, 99};
  bool verbose = false, skipInference = false, dumpOutput = false, dumpLayerInfo = false;
  // dlasim's own.
  std::string platform = "orin-agx", powerMode;
  unsigned seed = 1;
  int64_t maxMemory = 0;  // bytes; 0 = dlasim::defaultMaxMemoryBytes()

  /// Flags given that only mean something on a device (timing loops, CUDA options).
  std::vector<std::string> ignoredFlags;
  /// The command line as typed, for the log.
  std::string commandLine;
};

/// The build configuration the flags ask for (the calibration cache is read separately).
BuildConfig buildConfig(const Options& o);

/// Parses argv. Throws sim::Error (exit 2) with one line naming the flag and value.
/// Returns nullopt when --help was printed.
std::optional<Options> parseOptions(int argc, const char* const* argv);

/// "input:1x3x224x224,'x:0':1x2" -> map. Throws sim::Error naming `flag`.
std::map<std::string, Shape> parseShapeSpec(const std::string& flag, const std::string& spec);

}  // namespace dlasim::cli
