// trtexec's --exportLayerInfo: IEngineInspector's JSON. Names only, or (detailed) one object
// per engine layer with TensorRT's keys (Name, LayerType, Inputs, Outputs, ParameterType, the
// layer's parameters, TacticName / TacticValue) plus dlasim's (Device, Origin, Precision, the
// work, DLAReasons). The reformat layers TensorRT inserts appear where it runs them.
#include "builder/layer_info.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "builder/bindings.h"
#include "sim/ops/op_def.h"

namespace builder {

using namespace sim;

using nlohmann::ordered_json;

namespace {

ordered_json tensorJson(const Graph& g, TensorId t, const dlasim::IOFormat& f) {
  return {{"Name", g.tensor(t).name},
          {"Location", "Device"},
          {"Dimensions", g.desc(t).shape},
          {"Format/Datatype", formatDescription(f)}};
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

const char* weightsType(Precision p) {
  return p == Precision::kINT8 ? "Int8" : p == Precision::kFP16 ? "Half" : "Float";
}

ordered_json count(const Graph& g, const Node& n, int input, Precision p) {
  bool has = input >= 0 && size_t(input) < n.inputs.size() && n.inputs[size_t(input)] != kNoTensor;
  return {{"Type", weightsType(p)},
          {"Count", has ? volume(g.desc(n.inputs[size_t(input)]).shape) : 0}};
}

// TensorRT's ParameterType and the parameters its inspector prints, from the layer's kind.
void addParameters(ordered_json& j, const Graph& g, const Node& n, Precision p) {
  for (const LayerParam& param : opDef(n.kind).params(g, n, gpuLayerType(n))) {
    ordered_json& v = j[param.key];
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, WeightsOf>)
            v = count(g, n, x.input, x.layerPrecision ? p : Precision::kFP32);
          else
            v = x;
        },
        param.value);
  }
}

// The format of tensor t where layer i reads or writes it: a loadable reads a binding in a DLA
// format as it is; otherwise the layer's own format.
dlasim::IOFormat formatAt(const Graph& g, const BuildResult& b, size_t i, TensorId t) {
  bool dla = b.dla && b.partition.loadableOf[i] >= 0;
  dlasim::IOFormat own = layerFormat(g, b, i);
  auto binding = [&](const std::vector<TensorId>& ts, size_t base) -> const dlasim::IOFormat* {
    for (size_t k = 0; k < ts.size(); ++k)
      if (ts[k] == t && base + k < b.bindingFormats.size()) return &b.bindingFormats[base + k];
    return nullptr;
  };
  const dlasim::IOFormat* f = binding(g.inputs, 0);
  if (!f) f = binding(g.outputs, g.inputs.size());
  if (dla && f && sim::isDlaFormat(*f, f == binding(g.inputs, 0)) && f->type == own.type) return *f;
  return own;
}

}  // namespace

std::string layerInfoJson(const Graph& g, const BuildResult& b, bool detailed,
                          const std::set<std::string>& toNvm,
                          const std::set<std::string>& fromNvm) {
  std::vector<Reformat> reformats = reformatLayers(g, b);
  ordered_json layers = ordered_json::array();
  // A copy layer of tensor t from format `from` to `to`: a reformat TensorRT inserts, or a
  // hand-off between the GPU and a loadable (the DLA's memory: "X to nvm" / "X from nvm").
  auto emitCopy = [&](const std::string& name, TensorId t, const dlasim::IOFormat& from,
                      const dlasim::IOFormat& to, const char* origin) {
    if (!detailed) {
      layers.push_back(name);
      return;
    }
    ordered_json o = tensorJson(g, t, to);
    o["Name"] = g.tensor(t).name + " (reformatted)";
    layers.push_back({{"Name", name},
                      {"LayerType", "Reformat"},
                      {"Inputs", ordered_json::array({tensorJson(g, t, from)})},
                      {"Outputs", ordered_json::array({std::move(o)})},
                      {"ParameterType", "Reformat"},
                      {"Origin", origin},
                      {"TacticValue", "0x0000000000000000"},
                      {"Device", "GPU"}});
  };
  auto emitHandoff = [&](TensorId t, const dlasim::IOFormat& f, bool in) {
    emitCopy(g.tensor(t).name + (in ? " to nvm" : " from nvm"), t, f, f,
             in ? "TO_DLA" : "FROM_DLA");
  };
  auto emitReformat = [&](const Reformat& r) {
    emitCopy(r.name, r.tensor, r.from, r.to, "REFORMAT");
  };
  auto reformatsAt = [&](size_t node, bool before) {
    for (const auto& r : reformats)
      if (r.beforeNode == before && r.node == node) emitReformat(r);
  };
  std::vector<bool> emitted(b.partition.loadables.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    int l = b.dla ? b.partition.loadableOf[i] : -1;
    if (l >= 0) {
      if (emitted[l]) continue;
      emitted[l] = true;
      const Loadable& ld = b.partition.loadables[l];
      for (NodeId id : ld.nodes) reformatsAt(size_t(id), true);
      std::string name = foreignNodeName(g, ld);
      // The loadable's tensors from and to outside it, with the format where it meets them.
      std::vector<std::pair<TensorId, dlasim::IOFormat>> ins, outs;
      for (NodeId id : ld.nodes) {
        const Node& m = g.nodes[id];
        for (TensorId t : m.inputs)
          if (t != kNoTensor && !g.tensor(t).isConstant() &&
              (g.tensor(t).producer < 0 || b.partition.loadableOf[g.tensor(t).producer] != l))
            ins.push_back({t, formatAt(g, b, size_t(id), t)});
        for (TensorId t : m.outputs) {
          bool external = std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end();
          for (size_t k = 0; k < g.nodes.size() && !external; ++k)
            for (TensorId u : g.nodes[k].inputs)
              if (u == t && b.partition.loadableOf[k] != l) external = true;
          if (external) outs.push_back({t, formatAt(g, b, size_t(id), t)});
        }
      }
      std::set<std::string> handed;
      for (const auto& [t, f] : ins)
        if (toNvm.count(g.tensor(t).name) && handed.insert(g.tensor(t).name).second)
          emitHandoff(t, f, true);
      if (!detailed) {
        layers.push_back(name);
      } else {
        ordered_json inner = ordered_json::array();
        for (NodeId id : ld.nodes) {
          const Node& m = g.nodes[id];
          ordered_json lj = {{"Name", m.name},
                             {"LayerType", gpuLayerType(m)},
                             {"Origin", m.onnxOp},
                             {"Precision", precisionName(m.precision)}};
          addWork(lj, layerWork(g, m));
          inner.push_back(std::move(lj));
        }
        ordered_json inJson = ordered_json::array(), outJson = ordered_json::array();
        for (const auto& [t, f] : ins) inJson.push_back(tensorJson(g, t, f));
        for (const auto& [t, f] : outs) outJson.push_back(tensorJson(g, t, f));
        layers.push_back({{"Name", name},
                          {"LayerType", "ForeignNode"},
                          {"Inputs", std::move(inJson)},
                          {"Outputs", std::move(outJson)},
                          {"ParameterType", "ForeignNode"},
                          {"TacticValue", "0x0000000000000000"},
                          {"Device", "DLA"},
                          {"Loadable", l},
                          {"Layers", std::move(inner)}});
      }
      for (const auto& [t, f] : outs)
        if (fromNvm.count(g.tensor(t).name)) emitHandoff(t, f, false);
      for (NodeId id : ld.nodes) reformatsAt(size_t(id), false);
      continue;
    }
    reformatsAt(i, true);
    if (!detailed) {
      layers.push_back(n.name);
      reformatsAt(i, false);
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
    Precision p = reportedPrecision(g, b, i);
    ordered_json ins = ordered_json::array(), outs = ordered_json::array();
    for (TensorId t : n.inputs)
      if (t != kNoTensor && !g.tensor(t).isConstant())
        ins.push_back(tensorJson(g, t, formatAt(g, b, i, t)));
    for (TensorId t : n.outputs)
      if (t != kNoTensor) outs.push_back(tensorJson(g, t, formatAt(g, b, i, t)));
    ordered_json lj = {{"Name", n.name},
                       {"LayerType", gpuLayerType(n)},
                       {"Inputs", std::move(ins)},
                       {"Outputs", std::move(outs)}};
    addParameters(lj, g, n, p);
    // dlasim selects no GPU kernel: TensorRT's keys are there, the tactic is none.
    lj["TacticName"] = "";
    lj["TacticValue"] = "0x0000000000000000";
    lj["Device"] = "GPU";
    lj["Origin"] = n.onnxOp;
    lj["Precision"] = precisionName(p);
    addWork(lj, reportedWork(g, b, i));
    lj["DLAReasons"] = std::move(reasons);
    layers.push_back(std::move(lj));
    reformatsAt(i, false);
  }
  ordered_json bindings = ordered_json::array();
  for (TensorId t : g.inputs) bindings.push_back(g.tensor(t).name);
  for (TensorId t : g.outputs) bindings.push_back(g.tensor(t).name);
  return ordered_json{{"Layers", std::move(layers)}, {"Bindings", std::move(bindings)}}.dump(
             2, ' ', false, ordered_json::error_handler_t::replace) +
         "\n";
}

}  // namespace builder
