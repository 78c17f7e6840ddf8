#include "cli/compare_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/util.h"

namespace dlasim::cli {

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string where(const LayerComparison& c) {
  return c.device == Device::kDLA ? cat("DLA ", precisionName(c.precision))
                                  : cat("GPU ", precisionName(c.precision));
}

nlohmann::ordered_json stats(const DifferenceStats& s) {
  return {{"mean", s.mean}, {"median", s.median}, {"max", s.max}, {"argmax", s.argmax}};
}

}  // namespace

void printPerLayer(const PerLayerReport& r, const CompareOptions& o, Log& log) {
  log.info(cat("Per-layer error against FP32 (relative L2 error ||emulated - FP32|| / ||FP32||; ",
               "a jump adds >= ", o.jumpThreshold,
               " to its inputs' error and at least doubles it):"));
  log.info("      #  device     rel.error   cosine      added  layer");
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerComparison& c = r.layers[i];
    char idx[32];
    std::snprintf(idx, sizeof idx, "%7zu", i);
    std::string dev = where(c);
    dev.resize(std::max<size_t>(dev.size(), 9), ' ');
    if (!c.compared) {
      log.info(cat(idx, "  ", dev, "  ",
                   c.fusedInto.empty() ? "(not a float output)" : "(fused into the next line's)",
                   "  ", c.name));
      continue;
    }
    log.info(cat(idx, "  ", dev, "  ", fixed(c.relativeError, 6), "  ", fixed(c.cosine, 6), "  ",
                 c.increase >= 0 ? "+" : "", fixed(c.increase, 6), "  ", c.name,
                 int(i) == r.firstJump ? "  <== first jump"
                 : c.jump              ? "  <== jump"
                                       : ""));
  }
  if (r.firstJump >= 0) {
    const LayerComparison& c = r.layers[size_t(r.firstJump)];
    log.info(cat("First jump: layer ", r.firstJump, " '", c.name, "' (", c.type, ", ", where(c),
                 "): relative error ", fixed(c.inputError, 4), " -> ", fixed(c.relativeError, 4)));
  } else if (r.largestIncrease >= 0) {
    const LayerComparison& c = r.layers[size_t(r.largestIncrease)];
    log.info(cat("No jump; the most error is added by layer ", r.largestIncrease, " '", c.name,
                 "' (", where(c), "): relative error ", fixed(c.inputError, 4), " -> ",
                 fixed(c.relativeError, 4)));
  }
}

std::string compareJson(const std::string& model, const Engine& plan, const CompareOptions& o,
                        const CompareResult& result, const PerLayerReport* perLayer,
                        const std::string& reference) {
  using json = nlohmann::ordered_json;
  json j;
  j["model"] = model;
  j["platform"] = plan.settings().platform;
  j["dlaCore"] = plan.settings().dlaCore;
  j["dlaLayers"] = {{"FP16", plan.dlaLayers(Precision::kFP16)},
                    {"INT8", plan.dlaLayers(Precision::kINT8)}};
  j["options"] = {{"rtol", o.rtol},
                  {"atol", o.atol},
                  {"checkErrorStat", errorStatName(o.checkErrorStat)},
                  {"jumpThreshold", o.jumpThreshold}};
  j["reference"] = reference;
  j["passed"] = result.passed;
  json outs = json::array();
  for (const auto& c : result.outputs) {
    json x = {{"name", c.name},
              {"shape", c.shape},
              {"passed", c.passed},
              {"cosine", c.cosine},
              {"absolute", stats(c.absolute)},
              {"relative", stats(c.relative)}};
    if (c.classScores) x["classScores"] = {{"rows", c.rows}, {"top1", c.top1}, {"top5", c.top5}};
    outs.push_back(std::move(x));
  }
  j["outputs"] = std::move(outs);
  if (perLayer) {
    json layers = json::array();
    for (size_t i = 0; i < perLayer->layers.size(); ++i) {
      const LayerComparison& c = perLayer->layers[i];
      json x = {{"index", i},
                {"name", c.name},
                {"type", c.type},
                {"device", deviceName(c.device)},
                {"precision", precisionName(c.precision)},
                {"output", c.output},
                {"compared", c.compared}};
      if (!c.fusedInto.empty()) x["fusedInto"] = c.fusedInto;
      if (c.compared) {
        x["relativeError"] = c.relativeError;
        x["cosine"] = c.cosine;
        x["maxAbs"] = c.maxAbs;
        x["meanAbs"] = c.meanAbs;
        x["inputError"] = c.inputError;
        x["increase"] = c.increase;
        x["jump"] = c.jump;
      }
      layers.push_back(std::move(x));
    }
    auto ref = [&](int i) -> json {
      if (i < 0) return nullptr;
      return {{"index", i}, {"name", perLayer->layers[size_t(i)].name}};
    };
    j["perLayer"] = {{"layers", std::move(layers)},
                     {"firstJump", ref(perLayer->firstJump)},
                     {"largestIncrease", ref(perLayer->largestIncrease)}};
  }
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace dlasim::cli
