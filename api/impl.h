// The state behind the public handles (dlasim::Model, Engine, ExecutionContext): internal to
// the library.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>

#include "builder/build_plan.h"
#include "dlasim/engine.h"
#include "dlasim/model.h"
#include "hwmodels/cost/cost_context.h"
#include "onnx_import/importer.h"
#include "sim/runtime/executor.h"

namespace dlasim {

struct Model::Impl {
  onnx_import::ImportResult imported;  // the graph, lowered, folded and fused
  ModelInfo info;
  std::vector<std::string> warnings;
  std::mutex runMutex;
  std::unique_ptr<sim::Executor> reference;  // built on the first run
  int64_t maxMemory = 0;                     // bytes (LoadOptions::maxMemoryBytes resolved)
  bool memoryChecked = false;                // the reference run fits in it
};

struct Engine::Impl {
  sim::Graph graph;  // the engine's own copy, with precisions and INT8 scales
  int opset = 0;
  builder::BuildResult build;
  PlanSettings settings;
  std::vector<LayerInfo> layers;
  std::vector<LoadableInfo> loadables;
  hw::BuildFacts costFacts;  // the cost model's view, taken while the weights are held
  SparsityReport sparsity;   // likewise: it reads the convolutions' weights
  /// The file errors name: the engine it was loaded from, else the ONNX model.
  std::string origin;

  // Engine::releaseHostWeights(): set before the engine is shared; the first context that
  // prepares its kernels afterwards frees the graph's copy of what they hold.
  std::atomic<bool> releaseWeights{false}, weightsReleased{false};

  /// Fills layers, loadables, costFacts and sparsity from graph, build and settings.
  void describe();
  /// Refuses an engine whose runs would not fit in `budget` bytes (sim::checkRunMemory),
  /// naming `origin`.
  void checkMemory(int64_t budget) const;
  /// DLA layers compute in INT8 with scales no calibration cache gave: a context takes them
  /// from its first run (MinMax).
  bool needsRunScales() const;
  /// The platform's arithmetic, as the executor takes it.
  kern::DlaNumerics numerics() const;
};

/// What an ExecutionContext changes as it runs; the engine's graph stays untouched.
struct ExecutionContext::State {
  std::shared_ptr<Engine::Impl> engine;
  /// With dynamic scales: the engine's graph (constants shared, not copied) with the MinMax
  /// scales of this context's first run. Otherwise unused.
  sim::Graph scaled;
  bool ownGraph = false, scalesReady = false;
  std::unique_ptr<sim::Executor> exec;  // built on the first run

  /// The graph this context runs: its scaled copy, or the engine's.
  const sim::Graph& graph() const { return ownGraph ? scaled : engine->graph; }
  /// Takes the dynamic INT8 scales from `inputs` on the first call (when the engine has any).
  void prepareScales(const TensorMap& inputs);
  /// The emulating executor, built and prepared on the first call.
  sim::Executor& executor();
};

/// The state behind a Model, for the library's internals.
struct ModelAccess {
  using Impl = Model::Impl;
};
using ModelImpl = ModelAccess::Impl;

/// The state behind the public handles, for the library's internals.
struct EngineAccess {
  using Impl = Engine::Impl;
  static Impl& of(const Engine& e) { return *e.impl_; }
  static Engine make(std::shared_ptr<Impl> impl) { return Engine(std::move(impl)); }
  using State = ExecutionContext::State;
  static State& of(ExecutionContext& c) { return *c.state_; }
};
using EngineImpl = EngineAccess::Impl;
using ContextState = EngineAccess::State;

/// The specs of a graph's inputs / outputs.
std::vector<TensorSpec> specsOf(const sim::Graph& g, const std::vector<sim::TensorId>& ids);
/// Outputs of an executor run, by name.
TensorMap namedOutputs(const sim::Graph& g, std::vector<Tensor> values);

}  // namespace dlasim
