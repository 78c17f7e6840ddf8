// An imported ONNX model: lowered to TensorRT-like layers, constants folded, static shapes,
// fused as TensorRT's builder fuses. Build plans from it, run its FP32 reference, calibrate.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dlasim/build_config.h"
#include "dlasim/calibration.h"
#include "dlasim/dataset.h"
#include "dlasim/engine.h"
#include "dlasim/plan.h"  // Plan, the convenience over Engine
#include "dlasim/tensor.h"

namespace dlasim {

struct LoadOptions {
  /// Shapes for inputs (trtexec's --shapes); fixes dynamic dimensions (others default to 1
  /// with a warning).
  std::map<std::string, Shape> shapes;
  /// Values for inputs that feed shape-like parameters (such inputs become constants).
  std::map<std::string, Tensor> constantInputs;
  /// Receives each warning as it happens (they are also kept in Model::warnings()).
  std::function<void(const std::string&)> warn;
  /// Memory budget in bytes for the imported model's constants (initializers and folded
  /// results) and for its FP32 reference runs; beyond it the import is refused before
  /// allocating. 0 = defaultMaxMemoryBytes(). (--maxMemory)
  int64_t maxMemoryBytes = 0;
};

struct ModelInfo {
  std::string path;  // "" when loaded from bytes
  int opset = 0;
  std::string producer;
  size_t onnxNodes = 0, layers = 0;
  int64_t weightBytes = 0;
  std::vector<TensorSpec> inputs, outputs;
  /// Inputs that had dynamic dimensions in the file, with the declared shape (-1 = dynamic).
  std::map<std::string, Shape> dynamicInputs;
};

class Model {
 public:
  /// Reads and imports an ONNX file (external data must stay in the model's folder). Throws
  /// InputError with one line naming the file, the node and the offending value.
  static Model load(const std::string& path, const LoadOptions& options = {});
  /// Imports a model in memory; `baseDir` resolves external data.
  static Model fromBytes(const std::string& bytes, const LoadOptions& options = {},
                         const std::string& baseDir = ".");

  const ModelInfo& info() const;
  const std::vector<std::string>& warnings() const;
  /// Names of every tensor of the imported graph (inputs, layer outputs, constants): the names
  /// a calibration cache may use.
  std::vector<std::string> tensorNames() const;

  /// Builds an engine: DLA rules per layer, partition into loadables, precisions. Throws
  /// InputError for bad configuration values and VerdictError when the build is impossible.
  /// (`Plan plan = model.build(config)` still works: a Plan wraps the engine.)
  Engine build(const BuildConfig& config = {}) const;
  /// Runs every layer in FP32 (the reference; agrees with ONNX Runtime to float tolerance).
  TensorMap run(const TensorMap& inputs) const;
  /// MinMax calibration over one batch: scale = max|x| / 127 for the inputs and every float
  /// layer output.
  CalibrationCache calibrate(const TensorMap& inputs) const;
  /// Calibration over a data set for the model's single input, in batches of the model's batch
  /// size (load the model with the batch wanted in LoadOptions::shapes), with the algorithm of
  /// `options` (entropy by default, as TensorRT). Throws InputError when the samples do not fit
  /// the input. (docs/numerics.md "Calibration")
  CalibrationCache calibrate(const Dataset& data, const CalibrationOptions& options = {}) const;
  /// The statistics Model::calibrate computes its cache from, over samples [first, first +
  /// count) of `data` (count -1: to the end), in batches of the model's batch size starting at
  /// `first`, a short last batch padded as calibrate() pads it. With `first` a multiple of the
  /// batch size, merging the statistics of consecutive ranges and taking their cache() gives
  /// exactly calibrate(data, options).
  CalibrationStatistics calibrationStatistics(const Dataset& data,
                                              const CalibrationOptions& options = {},
                                              int64_t first = 0, int64_t count = -1) const;

 private:
  struct Impl;
  friend struct ModelAccess;  // the library's internals (api/)
  explicit Model(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace dlasim
