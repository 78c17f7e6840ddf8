#include "cli/placement.h"

#include "cli/util.h"

namespace dlasim::cli {

std::string reasonsText(const LayerInfo& l) {
  std::string s;
  for (const auto& r : l.reasons) {
    // Placement causes that are not DLA rules print without a rule id.
    if (r.rule == "layerDeviceTypes") return r.message;
    // A layer the loadable or weight limits sent back names itself.
    if (r.rule.rfind("network.", 0) == 0)
      return r.message + " for layer " + l.name + " [" + r.rule + "]";
    s += (s.empty() ? "" : "; ") + r.message + " [" + r.rule + "]";
  }
  return s;
}

void printPlacement(const Engine& plan, Log& log, bool warnings) {
  if (plan.settings().dlaCore < 0) return;
  for (const auto& l : plan.layers())
    if (warnings && l.device == Device::kGPU)
      log.warn("[TRT] Layer '" + l.name + "' (" + l.type +
               "): Unsupported on DLA. Switching this layer's device type to GPU. Reason: " +
               reasonsText(l));
  log.info("[TRT] ---------- Layers Running on DLA ----------");
  for (const auto& ld : plan.loadables()) log.info("[TRT] [DlaLayer] " + ld.name);
  log.info("[TRT] ---------- Layers Running on GPU ----------");
  for (const auto& l : plan.layers())
    if (l.device == Device::kGPU) log.info("[TRT] [GpuLayer] " + l.type + ": " + l.name);
}

void printSparsity(const Engine& plan, Log& log) {
  SparsityReport r = plan.sparsity();
  std::string detail;
  for (const auto& [why, count] : r.notEligible)
    detail += cat(detail.empty() ? "; not: " : ", ", why, " (", count, ")");
  log.info(cat("[TRT] Sparsity: ", r.eligible, " of ", r.convolutions,
               " DLA convolutions eligible for 2:4 structured sparsity", detail,
               " [sparsity.eligible]"));
}

}  // namespace dlasim::cli
