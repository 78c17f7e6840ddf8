// A built engine (TensorRT's ICudaEngine): every layer placed on the DLA or the GPU with its
// precision, the DLA loadables (TensorRT's ForeignNodes), the reasons for every fallback, each
// layer's work; it saves to / loads from engine files. An Engine is immutable and may be shared
// by any number of threads; runs happen in ExecutionContext objects made from it (TensorRT's
// IExecutionContext), one per thread, which hold what a run changes.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dlasim/bindings.h"
#include "dlasim/build_config.h"
#include "dlasim/performance.h"
#include "dlasim/tensor.h"
#include "dlasim/work.h"

namespace dlasim {

/// One DLA rule a layer broke, e.g. {"conv.kernel", "kernel 33x33 exceeds [1,32]", "33x33",
/// "[1,32]", "split the kernel into several convolutions summed together"}. Placement causes
/// that are not rules (--layerDeviceTypes, the loadable limit) use the same form.
struct RuleBreak {
  std::string rule, message, value, limit, fix;
};

/// An ONNX node of the model: its name and op type.
struct OnnxNode {
  std::string name, op;
};

struct LayerInfo {
  std::string name;                 // TensorRT's layer name ("Conv_0 + Relu_1")
  std::vector<OnnxNode> onnxNodes;  // the ONNX nodes inside it, its own first
  std::string onnxOp;               // the ONNX op type it came from
  std::string type;                 // TensorRT layer type as printed (CONVOLUTION, ...)
  Device device = Device::kGPU;
  int loadable = -1;  // index into Engine::loadables() (-1 on the GPU)
  Precision precision = Precision::kFP32;
  std::vector<RuleBreak> reasons;  // why it is not on the DLA (empty when it is, or GPU-only)
  LayerWork work;
  std::vector<std::string> inputs, outputs;  // tensor names (constants included)
};

struct LoadableInfo {
  std::string name;         // "{ForeignNode[Conv_0...Relu_11]}"
  std::vector<int> layers;  // indices into Engine::layers()
  int64_t batch = 1;        // the DLA batch of its layers
};

/// Structured-sparsity eligibility of the DLA convolutions (--sparsity).
struct SparsityReport {
  int convolutions = 0, eligible = 0;
  std::map<std::string, int> notEligible;  // reason -> count
};

/// Facts about the engine: how it was built (or the file it came from).
struct PlanSettings {
  std::string platform;      // platform id
  std::string platformName;  // display name
  std::string powerMode;     // "" = default
  std::string trtVersion;    // TensorRT version modelled ("8.4", ...)
  int dlaCore = -1;          // -1 = GPU only
  std::string sourceModel;   // the ONNX file it was built from ("" if from bytes)
  bool calibrated = false;   // INT8 scales came from a calibration cache
  bool standalone = false;   // --buildDLAStandalone
  // Build facts the cost model reads (performance()).
  bool fp16 = false, int8 = false;  // builder precisions (--fp16, --int8, --best)
  Sparsity sparsity = Sparsity::kDisable;
  int64_t sramPoolBytes = 0;  // --memPoolSize=dlaSRAM (0 = the platform's default)
  std::vector<IOFormat> inputFormats, outputFormats;  // --inputIOFormats / --outputIOFormats
};

class ExecutionContext;
struct EngineAccess;

class Engine {
 public:
  const std::vector<LayerInfo>& layers() const;
  const std::vector<LoadableInfo>& loadables() const;
  const PlanSettings& settings() const;
  std::vector<TensorSpec> inputs() const;
  std::vector<TensorSpec> outputs() const;
  /// The bindings, inputs then outputs, in the formats of the build (--inputIOFormats /
  /// --outputIOFormats), with the scales of the build: an INT8 output without a calibrated
  /// scale has scale 0 here (ExecutionContext::bindings() has the one its runs computed).
  std::vector<BindingInfo> bindings() const;
  /// Warnings of the build, one line each as TensorRT logs them (without "[W] ").
  const std::vector<std::string>& warnings() const;
  /// Multiply-accumulates of all layers / of those on the DLA.
  int64_t totalMacs() const;
  int64_t dlaMacs() const;
  /// Layers on the DLA that compute in FP16 / INT8.
  int dlaLayers(Precision p) const;
  SparsityReport sparsity() const;
  /// The modelled performance of one inference on the engine's platform (docs/cost-model.md).
  /// Throws InputError for an unknown power mode or a clock outside the platform's range.
  Performance performance(const PerformanceOptions& options = {}) const;
  /// Loadable and engine sizes and the memory pools they need.
  EngineMemory memory() const;
  /// INT8 layers whose scales are not from a calibration cache (trtexec's "Dynamic"): each
  /// execution context takes MinMax scales from the inputs of its own first run.
  bool usesDynamicScales() const;

  /// A new context to run the engine in. Contexts of one engine run in parallel; one context
  /// runs one inference at a time. Throws InputError after releaseHostWeights() made a context.
  ExecutionContext createExecutionContext() const;

  /// trtexec's --exportLayerInfo JSON ({"Layers": [...], "Bindings": [...]}); `detailed` as
  /// --profilingVerbosity=detailed.
  std::string layerInfoJson(bool detailed) const;

  /// The engine file (dlasim's own versioned, checksummed format).
  std::string serialize() const;
  /// Writes the engine safely, refusing to replace any of `inputs`.
  void save(const std::string& path, const std::vector<std::string>& inputs = {}) const;
  /// Loads and checks an engine file; throws InputError naming the file and what is wrong.
  /// `maxMemoryBytes` (0 = defaultMaxMemoryBytes()) bounds the file and the engine's runs.
  static Engine load(const std::string& path, int64_t maxMemoryBytes = 0);

  /// For one context per engine (the command line's runs): the next run of its context, once
  /// the kernels are prepared, frees the engine's host copy of the weights they hold, so one
  /// copy stays in memory. Not thread-safe: call it before sharing the engine. Afterwards
  /// createExecutionContext() makes one more context at most, and serialize(), save() and
  /// runReference() throw.
  void releaseHostWeights();

 private:
  struct Impl;
  friend struct EngineAccess;  // the library's internals (api/)
  friend class ExecutionContext;
  explicit Engine(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

/// What one thread runs an Engine with (TensorRT's IExecutionContext): the prepared kernels,
/// the dynamic INT8 scales of its first run, the executor's buffers. Move-only; not
/// thread-safe itself (one run at a time), while contexts of the same engine are independent.
class ExecutionContext {
 public:
  ExecutionContext(ExecutionContext&&) noexcept;
  ExecutionContext& operator=(ExecutionContext&&) noexcept;
  ~ExecutionContext();

  /// The engine it runs (shared: the context keeps it alive).
  const Engine& engine() const;
  /// Runs with emulated DLA numerics (DLA layers in their precision, GPU layers in FP32).
  /// INT8 layers without a calibration cache take MinMax scales from this context's first
  /// run's inputs (Engine::usesDynamicScales()). Throws InputError for missing or mis-shaped
  /// inputs.
  TensorMap run(const TensorMap& inputs);
  /// The same engine with every layer in FP32 (the reference of `compare`).
  TensorMap runReference(const TensorMap& inputs);
  /// Engine::bindings() with the INT8 scales this context's runs computed.
  std::vector<BindingInfo> bindings() const;

 private:
  struct State;
  friend class Engine;
  friend struct EngineAccess;
  ExecutionContext(Engine engine, std::unique_ptr<State> state);
  Engine engine_;
  std::unique_ptr<State> state_;
};

}  // namespace dlasim
