// The state behind the public handles (dlasim::Model, dlasim::Plan): internal to the library.
#pragma once
#include <memory>
#include <mutex>

#include "builder/build_plan.h"
#include "dlasim/model.h"
#include "dlasim/plan.h"
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

struct Plan::Impl {
  sim::Graph graph;  // the plan's own copy, with precisions and INT8 scales
  int opset = 0;
  builder::BuildResult build;
  PlanSettings settings;
  std::vector<LayerInfo> layers;
  std::vector<LoadableInfo> loadables;
  hw::BuildFacts costFacts;  // the cost model's view, taken while the weights are held
  SparsityReport sparsity;   // likewise: it reads the convolutions' weights
  /// The file errors name: the engine it was loaded from, else the ONNX model.
  std::string origin;

  std::mutex runMutex;
  std::unique_ptr<sim::Executor> exec;  // built on the first run
  bool scalesReady = false;             // dynamic INT8 scales computed (or not needed)
  bool releaseWeights = false, weightsReleased = false;

  /// Fills layers, loadables, costFacts and sparsity from graph, build and settings.
  void describe();
  /// Computes dynamic INT8 scales (MinMax over `inputs`) on the first run of a plan without a
  /// calibration cache; the caller holds runMutex.
  void prepareScales(const TensorMap& inputs);
  /// Refuses a plan whose runs would not fit in `budget` bytes (sim::checkRunMemory), naming
  /// `origin`.
  void checkMemory(int64_t budget) const;
};

/// The state behind a Plan handle.
struct PlanAccess {
  static Plan::Impl& of(const Plan& p) { return *p.impl_; }
};

/// The platform's DLA arithmetic (hwmodels data) as the runtime's policies.
sim::DlaNumerics runtimeNumerics(const hw::DlaNumerics& n);

/// The specs of a graph's inputs / outputs.
std::vector<TensorSpec> specsOf(const sim::Graph& g, const std::vector<sim::TensorId>& ids);
/// Outputs of an executor run, by name.
TensorMap namedOutputs(const sim::Graph& g, std::vector<Tensor> values);

}  // namespace dlasim
