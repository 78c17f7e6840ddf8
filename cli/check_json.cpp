// `dlasim check --format=json`: the compatibility report as one JSON document, for CI scripts
// (the same facts as the text report: counts, loadables and their sizes, the share of MACs on
// the DLA, every GPU layer's broken rules with value, limit and fix, and the advice).
#include <nlohmann/json.hpp>

#include "cli/check.h"
#include "dlasim/dlasim.h"
#include "dlasim/report.h"

namespace dlasim::cli {

std::string checkJson(const std::string& model, const Engine& plan) {
  using json = nlohmann::ordered_json;
  const PlanSettings& st = plan.settings();
  int dla = 0;
  json layers = json::array();
  for (const LayerInfo& l : plan.layers()) {
    dla += l.device == Device::kDLA;
    json reasons = json::array();
    for (const auto& r : l.reasons)
      reasons.push_back({{"rule", r.rule},
                         {"message", r.message},
                         {"value", r.value},
                         {"limit", r.limit},
                         {"fix", r.fix}});
    layers.push_back({{"name", l.name},
                      {"type", l.type},
                      {"onnxOp", l.onnxOp},
                      {"device", deviceName(l.device)},
                      {"loadable", l.loadable},
                      {"precision", precisionName(l.precision)},
                      {"macs", l.work.macs},
                      {"reasons", reasons}});
  }
  EngineMemory mem = plan.memory();
  json loadables = json::array();
  for (size_t i = 0; i < plan.loadables().size(); ++i) {
    const LoadableInfo& l = plan.loadables()[i];
    json entry = {{"name", l.name}, {"layers", l.layers.size()}};
    if (i < mem.loadables.size()) entry["bytes"] = mem.loadables[i].totalBytes;
    loadables.push_back(entry);
  }
  json advice = json::array();
  for (const auto& a : placementAdvice(plan))
    advice.push_back({{"fix", a.fix}, {"layers", a.layers}});
  int64_t macs = plan.totalMacs();
  json j = {
      {"model", model},
      {"platform", st.platform},
      {"platformName", st.platformName},
      {"trtVersion", st.trtVersion},
      {"dlaCore", st.dlaCore},
      {"layers",
       {{"total", plan.layers().size()}, {"dla", dla}, {"gpu", int(plan.layers().size()) - dla}}},
      {"loadables", loadables},
      {"maxLoadablesPerCore", platform(st.platform).maxLoadablesPerCore},
      {"macs", {{"total", macs}, {"dla", plan.dlaMacs()}}},
      {"dlaMacShare", macs > 0 ? double(plan.dlaMacs()) / double(macs) : 0.0},
      {"engineBytes", mem.engineBytes},
      {"dlaWeightBytes", mem.dlaWeightBytes},
      {"weightLimitBytes", mem.weightLimitBytes},
      {"perLayer", layers},
      {"advice", advice}};
  return j.dump(2) + "\n";
}

}  // namespace dlasim::cli
