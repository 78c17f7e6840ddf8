// dlasim::Plan: inspection, emulated runs, engine files.
#include <algorithm>

#include "api/impl.h"
#include "builder/calibration.h"
#include "builder/engine_file.h"
#include "builder/layer_info.h"
#include "dlasim/io.h"
#include "sim/ops/op_def.h"
#include "sim/runtime/memory_budget.h"

namespace dlasim {

using sim::fail;

void Plan::Impl::describe() {
  const sim::Graph& g = graph;
  const builder::BuildResult& b = build;
  layers.clear();
  loadables.clear();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const sim::Node& n = g.nodes[i];
    LayerInfo l;
    l.name = n.name;
    l.onnxNodes.push_back({n.firstName(), n.onnxOp});
    for (const auto& f : n.fused) l.onnxNodes.push_back({f.first, f.second});
    l.onnxOp = n.onnxOp;
    l.loadable = b.partition.loadableOf[i];
    l.device = l.loadable >= 0 ? Device::kDLA : Device::kGPU;
    l.type = l.loadable >= 0 ? sim::trtLayerType(n.kind) : builder::gpuLayerType(n);
    l.precision = n.precision;
    for (const auto& v : builder::fallbackReasons(g, b, i))
      l.reasons.push_back({v.rule, v.message, v.value, v.limit, v.fix});
    l.work = sim::layerWork(g, n);
    for (sim::TensorId t : n.inputs)
      if (t != sim::kNoTensor) l.inputs.push_back(g.tensor(t).name);
    for (sim::TensorId t : n.outputs)
      if (t != sim::kNoTensor) l.outputs.push_back(g.tensor(t).name);
    layers.push_back(std::move(l));
  }
  for (const auto& ld : b.partition.loadables) {
    LoadableInfo info;
    info.name = sim::foreignNodeName(g, ld);
    info.layers.assign(ld.nodes.begin(), ld.nodes.end());
    const sim::Shape& s = g.desc(g.nodes[ld.nodes.front()].outputs[0]).shape;
    info.batch = sim::volume(s, 0, s.size() >= 3 ? s.size() - 3 : 0);
    loadables.push_back(std::move(info));
  }
}

void Plan::Impl::checkMemory(int64_t budget) const {
  try {
    sim::checkRunMemory(graph, budget);
  } catch (const sim::Error& e) {
    if (origin.empty()) throw;
    fail(origin, ": ", e.what());
  }
}

Plan::Plan(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

const std::vector<LayerInfo>& Plan::layers() const { return impl_->layers; }
const std::vector<LoadableInfo>& Plan::loadables() const { return impl_->loadables; }
const PlanSettings& Plan::settings() const { return impl_->settings; }
std::vector<TensorSpec> Plan::inputs() const { return specsOf(impl_->graph, impl_->graph.inputs); }
std::vector<TensorSpec> Plan::outputs() const {
  return specsOf(impl_->graph, impl_->graph.outputs);
}
const std::vector<std::string>& Plan::warnings() const { return impl_->build.warnings; }

int64_t Plan::totalMacs() const {
  int64_t m = 0;
  for (const auto& l : impl_->layers) m += l.work.macs;
  return m;
}

int64_t Plan::dlaMacs() const {
  int64_t m = 0;
  for (const auto& l : impl_->layers)
    if (l.device == Device::kDLA) m += l.work.macs;
  return m;
}

int Plan::dlaLayers(Precision p) const {
  return int(std::count_if(impl_->layers.begin(), impl_->layers.end(), [&](const LayerInfo& l) {
    return l.device == Device::kDLA && l.precision == p;
  }));
}

SparsityReport Plan::sparsity() const {
  SparsityReport r;
  const sim::Graph& g = impl_->graph;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].kind != sim::OpKind::kConvolution || impl_->layers[i].device != Device::kDLA)
      continue;
    ++r.convolutions;
    std::string why;
    if (hw::sparseEligible(g, g.nodes[i], *impl_->build.platform, g.nodes[i].precision, &why))
      ++r.eligible;
    else
      ++r.notEligible[why.substr(0, why.find(" ("))];
  }
  return r;
}

bool Plan::usesDynamicScales() const {
  return !impl_->settings.calibrated && dlaLayers(Precision::kINT8) > 0;
}

TensorMap Plan::run(const TensorMap& inputs) const {
  Impl& p = *impl_;
  std::lock_guard<std::mutex> lock(p.runMutex);
  if (!p.scalesReady) {
    // No calibration cache (trtexec's "Calibration: Dynamic"): MinMax scales from this run's
    // inputs for the tensors that have none.
    if (usesDynamicScales())
      builder::applyCalibration(p.graph, builder::minMaxCalibration(p.graph, inputs), true);
    p.scalesReady = true;
  }
  if (!p.exec) {
    p.exec = std::make_unique<sim::Executor>(p.graph);
    p.exec->prepare();
  }
  if (p.releaseWeights && !p.weightsReleased) {
    // The prepared convolutions hold their own (reordered) weights: free the graph's copy.
    for (sim::TensorId t : p.exec->constantsHeldByPlans()) p.graph.tensors[t].value = Tensor();
    p.weightsReleased = true;
  }
  return namedOutputs(p.graph, p.exec->run(inputs));
}

TensorMap Plan::runReference(const TensorMap& inputs) const {
  std::lock_guard<std::mutex> lock(impl_->runMutex);
  if (impl_->weightsReleased) fail("the plan's host weights were released; rebuild it");
  sim::Executor ref(impl_->graph, /*reference=*/true);
  return namedOutputs(impl_->graph, ref.run(inputs));
}

void Plan::releaseHostWeights() {
  std::lock_guard<std::mutex> lock(impl_->runMutex);
  impl_->releaseWeights = true;
}

std::string Plan::layerInfoJson(bool detailed) const {
  return builder::layerInfoJson(impl_->graph, impl_->build, detailed);
}

std::string Plan::serialize() const {
  std::lock_guard<std::mutex> lock(impl_->runMutex);
  if (impl_->weightsReleased) fail("the plan's host weights were released; it cannot be saved");
  return builder::serializeEngine(impl_->graph, impl_->opset, impl_->build, impl_->settings);
}

void Plan::save(const std::string& path, const std::vector<std::string>& inputs) const {
  writeFileSafely(path, serialize(), inputs);
}

Plan Plan::load(const std::string& path, int64_t maxMemoryBytes) {
  int64_t budget = sim::memoryBudget(maxMemoryBytes);
  builder::EngineContents e = builder::loadEngine(path, budget);
  auto p = std::make_shared<Impl>();
  p->graph = std::move(e.graph);
  p->opset = e.opset;
  p->build = std::move(e.build);
  p->settings = std::move(e.settings);
  p->origin = path;
  p->describe();
  p->checkMemory(budget);
  return Plan(p);
}

}  // namespace dlasim
