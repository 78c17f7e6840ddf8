// dlasim::Model: import (onnx_import), TensorRT-style passes (sim/passes), build (builder/).
#include "api/impl.h"
#include "builder/bindings.h"
#include "builder/calibration.h"
#include "sim/passes/passes.h"
#include "sim/ir/memory_budget.h"

namespace dlasim {

std::vector<TensorSpec> specsOf(const sim::Graph& g, const std::vector<sim::TensorId>& ids) {
  std::vector<TensorSpec> v;
  for (sim::TensorId t : ids) v.push_back({g.tensor(t).name, g.desc(t).dtype, g.desc(t).shape});
  return v;
}

TensorMap namedOutputs(const sim::Graph& g, std::vector<Tensor> values) {
  TensorMap out;
  for (size_t k = 0; k < g.outputs.size() && k < values.size(); ++k)
    out[g.tensor(g.outputs[k]).name] = std::move(values[k]);
  return out;
}

namespace {

std::shared_ptr<ModelImpl> imported(
    const LoadOptions& o,
    const std::function<onnx_import::ImportResult(const onnx_import::ImportOptions&)>& import) {
  auto impl = std::make_shared<ModelImpl>();
  onnx_import::ImportOptions io;
  io.shapes = o.shapes;
  io.constantInputs = o.constantInputs;
  io.maxMemoryBytes = impl->maxMemory = sim::memoryBudget(o.maxMemoryBytes);
  io.warn = [&](const std::string& m) {
    impl->warnings.push_back(m);
    if (o.warn) o.warn(m);
  };
  impl->imported = import(io);
  sim::Graph& g = impl->imported.graph;
  sim::passes::fuseShuffles(g);
  sim::passes::markPatterns(g);
  sim::passes::fuseLikeTensorRT(g);
  ModelInfo& info = impl->info;
  info.opset = impl->imported.opset;
  info.producer = impl->imported.producer;
  info.onnxNodes = impl->imported.onnxNodeCount;
  info.layers = g.nodes.size();
  info.weightBytes = int64_t(g.constantBytes());
  info.inputs = specsOf(g, g.inputs);
  info.outputs = specsOf(g, g.outputs);
  info.dynamicInputs = impl->imported.dynamicInputs;
  return impl;
}

// Before the first FP32 run: the model's activations must fit in its budget (with runMutex held).
void checkReferenceMemory(ModelImpl& impl) {
  if (impl.memoryChecked) return;
  try {
    sim::checkRunMemory(impl.imported.graph, impl.maxMemory);
  } catch (const sim::Error& e) {
    if (impl.info.path.empty()) throw;
    sim::fail(impl.info.path, ": ", e.what());
  }
  impl.memoryChecked = true;
}

// Bindings the model declares float16 default to fp16:chw (the others to their type's format)
// when the configuration names no formats of that side.
BuildConfig halfBindingDefaults(const onnx_import::ImportResult& m, const BuildConfig& config) {
  BuildConfig c = config;
  auto fill = [&](std::vector<IOFormat>& formats, const std::vector<sim::TensorId>& ts) {
    bool any = false;
    for (sim::TensorId t : ts) any |= m.halfBindings.count(m.graph.tensor(t).name) > 0;
    if (!formats.empty() || !any) return;
    for (sim::TensorId t : ts)
      formats.push_back(m.halfBindings.count(m.graph.tensor(t).name)
                            ? IOFormat{"fp16", "chw"}
                            : builder::defaultBindingFormat(m.graph.desc(t).dtype));
  };
  fill(c.inputFormats, m.graph.inputs);
  fill(c.outputFormats, m.graph.outputs);
  return c;
}

}  // namespace

Model::Model(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Model Model::load(const std::string& path, const LoadOptions& options) {
  auto impl = imported(options, [&](const onnx_import::ImportOptions& io) {
    return onnx_import::importModelFile(path, io);
  });
  impl->info.path = path;
  return Model(impl);
}

Model Model::fromBytes(const std::string& bytes, const LoadOptions& options,
                       const std::string& baseDir) {
  return Model(imported(options, [&](const onnx_import::ImportOptions& io) {
    return onnx_import::importModelBytes(bytes, baseDir, io);
  }));
}

const ModelInfo& Model::info() const {
  return impl_->info;
}
const std::vector<std::string>& Model::warnings() const {
  return impl_->warnings;
}

std::vector<std::string> Model::tensorNames() const {
  std::vector<std::string> v;
  for (const auto& t : impl_->imported.graph.tensors) v.push_back(t.name);
  return v;
}

Engine Model::build(const BuildConfig& config) const {
  auto p = std::make_shared<EngineImpl>();
  p->graph = impl_->imported.graph;  // constants share their buffers with the model
  p->opset = impl_->imported.opset;
  p->build = builder::buildPlan(p->graph, impl_->imported.dynamicInputs,
                                halfBindingDefaults(impl_->imported, config));
  PlanSettings& s = p->settings;
  s.platform = p->build.platform->id;
  s.platformName = p->build.platform->name;
  s.powerMode = config.powerMode;
  s.trtVersion = p->build.trtVersion->id;
  s.dlaCore = config.dlaCore;
  s.sourceModel = impl_->info.path;
  s.calibrated =
      config.calibration.has_value() || builder::hasExplicitScales(impl_->imported.graph);
  s.standalone = config.standalone;
  s.fp16 = config.fp16;
  s.int8 = config.int8;
  s.sparsity = config.sparsity;
  auto sram = config.memPoolMiB.find("dlaSRAM");
  if (sram != config.memPoolMiB.end()) s.sramPoolBytes = int64_t(sram->second * (1 << 20));
  s.inputFormats = config.inputFormats;
  s.outputFormats = config.outputFormats;
  p->origin = impl_->info.path;
  p->describe();
  p->checkMemory(sim::memoryBudget(config.maxMemoryBytes));
  return EngineAccess::make(p);
}

TensorMap Model::run(const TensorMap& inputs) const {
  std::lock_guard<std::mutex> lock(impl_->runMutex);
  const sim::Graph& g = impl_->imported.graph;
  checkReferenceMemory(*impl_);
  if (!impl_->reference) impl_->reference = std::make_unique<sim::Executor>(g, true);
  return namedOutputs(g, impl_->reference->run(inputs));
}

CalibrationCache Model::calibrate(const TensorMap& inputs) const {
  {
    std::lock_guard<std::mutex> lock(impl_->runMutex);
    checkReferenceMemory(*impl_);
  }
  return builder::minMaxCalibration(impl_->imported.graph, inputs);
}

CalibrationCache Model::calibrate(const Dataset& data, const CalibrationOptions& options) const {
  return builder::calibrateDataset(impl_->imported.graph, data, options);
}

CalibrationStatistics Model::calibrationStatistics(const Dataset& data,
                                                   const CalibrationOptions& options, int64_t first,
                                                   int64_t count) const {
  return builder::calibrationStatistics(impl_->imported.graph, data, options, first, count);
}

}  // namespace dlasim
