// dlasim::Engine: inspection and engine files (runs: api/execution_context.cpp).
#include <algorithm>
#include <set>

#include "api/impl.h"
#include "builder/bindings.h"
#include "builder/calibration.h"
#include "builder/engine_file.h"
#include "builder/layer_info.h"
#include "dlasim/io.h"
#include "sim/ir/io_format.h"
#include "sim/ir/memory_budget.h"
#include "sim/ops/op_def.h"

namespace dlasim {

using sim::fail;

void Engine::Impl::describe() {
  const sim::Graph& g = graph;
  const builder::BuildResult& b = build;
  layers.clear();
  loadables.clear();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const sim::Node& n = g.nodes[i];
    LayerInfo l;
    l.name = n.name;
    l.onnxNodes.push_back({n.onnxName.empty() ? n.firstName() : n.onnxName, n.onnxOp});
    // Layers TensorRT's parser adds ("(Unnamed Layer* 7) [Shuffle]") are not ONNX nodes.
    for (const auto& f : n.fused)
      if (f.first.rfind("(Unnamed Layer* ", 0) != 0) l.onnxNodes.push_back({f.first, f.second});
    l.onnxOp = n.onnxOp;
    l.loadable = b.partition.loadableOf[i];
    l.device = l.loadable >= 0 ? Device::kDLA : Device::kGPU;
    l.type = builder::gpuLayerType(n);
    // GPU layers report TensorRT's pick (their emulated numerics stay FP32, design §4).
    l.precision = builder::reportedPrecision(g, b, i);
    for (const auto& v : builder::fallbackReasons(g, b, i))
      l.reasons.push_back({v.rule, v.message, v.value, v.limit, v.fix});
    l.work = builder::reportedWork(g, b, i);
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
  costFacts = hw::BuildFacts();
  costFacts.version = b.trtVersion;
  costFacts.fp16 = settings.fp16;
  costFacts.int8 = settings.int8;
  costFacts.sparsity = settings.sparsity;
  costFacts.sramPoolBytes = settings.sramPoolBytes;
  costFacts.inputFormats = settings.inputFormats;
  costFacts.outputFormats = settings.outputFormats;
  hw::takeGraphFacts(g, *b.platform, &costFacts);
  sparsity = SparsityReport();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].kind != sim::OpKind::kConvolution || layers[i].device != Device::kDLA) continue;
    ++sparsity.convolutions;
    std::string why;
    if (hw::sparseEligible(g, g.nodes[i], *b.platform, g.nodes[i].precision, &why))
      ++sparsity.eligible;
    else
      ++sparsity.notEligible[why.substr(0, why.find(" ("))];
  }
}

void Engine::Impl::checkMemory(int64_t budget) const {
  try {
    sim::checkRunMemory(graph, budget);
  } catch (const sim::Error& e) {
    if (origin.empty()) throw;
    fail(origin, ": ", e.what());
  }
}

Engine::Engine(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

const std::vector<LayerInfo>& Engine::layers() const {
  return impl_->layers;
}
const std::vector<LoadableInfo>& Engine::loadables() const {
  return impl_->loadables;
}
const PlanSettings& Engine::settings() const {
  return impl_->settings;
}
std::vector<TensorSpec> Engine::inputs() const {
  return specsOf(impl_->graph, impl_->graph.inputs);
}
std::vector<TensorSpec> Engine::outputs() const {
  return specsOf(impl_->graph, impl_->graph.outputs);
}
std::vector<BindingInfo> Engine::bindings() const {
  return builder::bindingInfos(impl_->graph, impl_->build);
}

const std::vector<std::string>& Engine::warnings() const {
  return impl_->build.warnings;
}

int64_t Engine::totalMacs() const {
  int64_t m = 0;
  for (const auto& l : impl_->layers) m += l.work.macs;
  return m;
}

int64_t Engine::dlaMacs() const {
  int64_t m = 0;
  for (const auto& l : impl_->layers)
    if (l.device == Device::kDLA) m += l.work.macs;
  return m;
}

int Engine::dlaLayers(Precision p) const {
  return int(std::count_if(impl_->layers.begin(), impl_->layers.end(), [&](const LayerInfo& l) {
    return l.device == Device::kDLA && l.precision == p;
  }));
}

SparsityReport Engine::sparsity() const {
  return impl_->sparsity;
}

bool Engine::usesDynamicScales() const {
  if (impl_->settings.calibrated) return false;
  if (dlaLayers(Precision::kINT8) > 0) return true;
  // An INT8 output binding needs a scale too: MinMax of the run, as for the DLA's tensors.
  const auto& f = impl_->build.bindingFormats;
  for (size_t k = 0; k < impl_->graph.outputs.size(); ++k) {
    size_t at = impl_->graph.inputs.size() + k;
    if (at < f.size() && sim::ioTypeOf(f[at]) == sim::IOType::kINT8 &&
        !impl_->graph.tensor(impl_->graph.outputs[k]).quant.has())
      return true;
  }
  return false;
}

bool Engine::Impl::needsRunScales() const {
  if (settings.calibrated) return false;
  for (const auto& l : layers)
    if (l.device == Device::kDLA && l.precision == Precision::kINT8) return true;
  return false;
}

kern::DlaNumerics Engine::Impl::numerics() const {
  return build.platform ? build.platform->numerics : kern::DlaNumerics();
}

void Engine::releaseHostWeights() {
  impl_->releaseWeights = true;
}

std::string Engine::layerInfoJson(bool detailed) const {
  // The hand-offs between the GPU and the DLA are layers of the engine, as in the profile: the
  // cost model's timeline says which tensors have them.
  std::set<std::string> toNvm, fromNvm;
  std::vector<TimingRow> rows;
  try {
    rows = performance().rows;
  } catch (const InputError&) {  // a plan the cost model cannot time: no hand-off layers
  }
  for (const TimingRow& r : rows) {
    const std::string to = " to nvm", from = " from nvm";
    if (r.kind == RowKind::kToDla && r.name.size() > to.size())
      toNvm.insert(r.name.substr(0, r.name.size() - to.size()));
    if (r.kind == RowKind::kFromDla && r.name.size() > from.size())
      fromNvm.insert(r.name.substr(0, r.name.size() - from.size()));
  }
  return builder::layerInfoJson(impl_->graph, impl_->build, detailed, toNvm, fromNvm);
}

std::string Engine::serialize() const {
  if (impl_->weightsReleased) fail("the engine's host weights were released; it cannot be saved");
  return builder::serializeEngine(impl_->graph, impl_->opset, impl_->build, impl_->settings);
}

void Engine::save(const std::string& path, const std::vector<std::string>& inputs) const {
  writeFileSafely(path, serialize(), inputs);
}

Engine Engine::load(const std::string& path, int64_t maxMemoryBytes) {
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
  return Engine(p);
}

}  // namespace dlasim
