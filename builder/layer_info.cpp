#include "builder/layer_info.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sim/ops/op_def.h"

namespace builder {

using namespace sim;

using nlohmann::ordered_json;

namespace {

ordered_json tensorsJson(const Graph& g, const std::vector<TensorId>& ids, const char* type) {
  ordered_json a = ordered_json::array();
  for (TensorId t : ids) {
    if (t == kNoTensor || g.tensor(t).isConstant()) continue;
    a.push_back({{"Name", g.tensor(t).name},
                 {"Location", "Device"},
                 {"Dimensions", g.desc(t).shape},
                 {"Format/Datatype", std::string("Row major linear ") + type}});
  }
  return a;
}

// A layer's work record, added to its detailed entry.
void addWork(ordered_json& j, const LayerWork& w) {
  j["MACs"] = w.macs;
  j["ElementOps"] = w.eltOps;
  j["InputBytes"] = w.inputBytes;
  j["OutputBytes"] = w.outputBytes;
  j["WeightBytes"] = w.weightBytes;
  j["EngineUnit"] = dlasim::engineUnitName(w.unit);
}

}  // namespace

std::string layerInfoJson(const Graph& g, const BuildResult& b, bool detailed) {
  ordered_json layers = ordered_json::array();
  std::vector<bool> emitted(b.partition.loadables.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    int l = b.partition.loadableOf[i];
    if (l >= 0) {
      if (emitted[l]) continue;
      emitted[l] = true;
      const Loadable& ld = b.partition.loadables[l];
      std::string name = foreignNodeName(g, ld);
      if (!detailed) {
        layers.push_back(name);
        continue;
      }
      ordered_json inner = ordered_json::array();
      std::vector<TensorId> ins, outs;
      for (NodeId id : ld.nodes) {
        const Node& m = g.nodes[id];
        ordered_json lj = {{"Name", m.name},
                           {"LayerType", trtLayerType(m.kind)},
                           {"Origin", m.onnxOp},
                           {"Precision", precisionName(m.precision)}};
        addWork(lj, layerWork(g, m));
        inner.push_back(std::move(lj));
        for (TensorId t : m.inputs)
          if (t != kNoTensor &&
              (g.tensor(t).producer < 0 || b.partition.loadableOf[g.tensor(t).producer] != l))
            ins.push_back(t);
        for (TensorId t : m.outputs) {
          bool external = std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
          for (size_t k = 0; k < g.nodes.size() && !external; ++k)
            for (TensorId u : g.nodes[k].inputs)
              if (u == t && b.partition.loadableOf[k] != l) external = true;
          if (external) outs.push_back(t);
        }
      }
      layers.push_back({{"Name", name},
                        {"LayerType", "ForeignNode"},
                        {"Device", "DLA"},
                        {"Loadable", l},
                        {"Inputs", tensorsJson(g, ins, "FP32")},
                        {"Outputs", tensorsJson(g, outs, "FP32")},
                        {"Layers", std::move(inner)}});
      continue;
    }
    if (!detailed) {
      layers.push_back(n.name);
      continue;
    }
    ordered_json reasons = ordered_json::array();
    for (const auto& v : fallbackReasons(g, b, i)) {
      reasons.push_back({{"rule", v.rule},
                         {"message", v.message},
                         {"value", v.value},
                         {"limit", v.limit},
                         {"fix", v.fix}});
    }
    ordered_json lj = {{"Name", n.name},
                       {"LayerType", gpuLayerType(n)},
                       {"Device", "GPU"},
                       {"Origin", n.onnxOp},
                       {"Precision", precisionName(reportedPrecision(g, b, i))},
                       {"Inputs", tensorsJson(g, n.inputs, "FP32")},
                       {"Outputs", tensorsJson(g, n.outputs, "FP32")}};
    addWork(lj, reportedWork(g, b, i));
    lj["DLAReasons"] = std::move(reasons);
    layers.push_back(std::move(lj));
  }
  ordered_json bindings = ordered_json::array();
  for (TensorId t : g.inputs) bindings.push_back(g.tensor(t).name);
  for (TensorId t : g.outputs) bindings.push_back(g.tensor(t).name);
  return ordered_json{{"Layers", std::move(layers)}, {"Bindings", std::move(bindings)}}.dump(
             2, ' ', false, ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace builder
