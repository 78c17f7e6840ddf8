// dlasim's command line: trtexec's flags with trtexec's meaning, plus dlasim's own.
#pragma once
#include <map>
#include <optional>
#include <ostream>
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
  std::vector<std::pair<std::string, std::string>> layerOutputTypes;
  std::string precisionConstraints = "none";
  bool stronglyTyped = false;
  std::map<std::string, Shape> minShapesCalib, optShapesCalib, maxShapesCalib;
  std::string timingCacheFile;
  std::string profilingVerbosity = "layer_names_only";
  // Inference and reporting.
  std::map<std::string, std::string> loadInputs;  // input name -> file
  std::string exportOutput, exportProfile, exportLayerInfo, exportTimes;
  std::string exportTrace;  // the modelled timeline as a Chrome trace (dlasim's own)
  int iterations = 10, warmUp = 200, avgRuns = 10;
  double duration = 3;
  std::vector<double> percentiles = {90, 95, 99};
  bool verbose = false, skipInference = false, dumpOutput = false, dumpLayerInfo = false;
  bool dumpProfile = false, separateProfileRun = false, noDataTransfers = false;
  bool buildOnly = false, dumpRawBindings = false;
  // dlasim's own.
  std::string platform = "orin-agx", powerMode;
  std::string trtVersion;  // --trtVersion, or the version of --jetpack ("" = 8.4)
  double dlaClockMHz = 0, gpuClockMHz = 0, emcClockMHz = 0;  // 0 = the power mode's
  unsigned seed = 1;
  int64_t maxMemory = 0;  // bytes; 0 = dlasim::defaultMaxMemoryBytes()

  /// Flags given that only mean something on a device (timing loops, CUDA options).
  std::vector<std::string> ignoredFlags;
  /// Flags given that trtexec accepts but that change nothing dlasim models: (flag, why).
  std::vector<std::pair<std::string, std::string>> noEffect;
  /// The command line as typed, for the log.
  std::string commandLine;
};

/// The build configuration the flags ask for (the calibration cache is read separately).
BuildConfig buildConfig(const Options& o);

struct SubcommandSpec;

/// A subcommand's part of parseOptions (cli/subcommand.h): its own flags and positional model
/// file are parsed with trtexec's; `own` receives the own flags given; --help goes to `out`.
struct SubcommandParse {
  const SubcommandSpec* spec = nullptr;
  std::map<std::string, std::string> own;
  std::ostream* out = nullptr;
};

/// Parses argv. Throws sim::Error (exit 2) with one line naming the flag and value.
/// Returns nullopt when --help was printed.
std::optional<Options> parseOptions(int argc, const char* const* argv,
                                    SubcommandParse* sub = nullptr);

/// "conv1:fp16,conv2:int8" -> (name, value) pairs; each value must be one of `allowed` (when
/// not empty). Throws InputError naming `flag`.
std::vector<std::pair<std::string, std::string>> parseLayerSpec(
    const std::string& flag, const std::string& spec, const std::vector<std::string>& allowed);

/// "input:1x3x224x224,'x:0':1x2" -> map. Throws sim::Error naming `flag`.
std::map<std::string, Shape> parseShapeSpec(const std::string& flag, const std::string& spec);

}  // namespace dlasim::cli
