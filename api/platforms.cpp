// Public views of the platform data (hwmodels/platforms.cpp) and the rule table.
#include "dlasim/platforms.h"

#include "dlasim/dlasim.h"
#include "hwmodels/cost/clocks.h"
#include "hwmodels/dla_rules.h"
#include "hwmodels/trt_version.h"

namespace dlasim {

namespace {

PlatformInfo view(const hw::Platform& p) {
  PlatformInfo v;
  v.id = p.id;
  v.name = p.name;
  v.dlaCores = p.dlaCores;
  v.sramBytesPerCore = p.sramBytesPerCore;
  v.dramBandwidthGBs = p.dramBandwidthGBs;
  v.maxLoadablesPerCore = p.limits.maxLoadablesPerCore;
  for (const auto& m : p.powerModes) {
    hw::Clocks k = hw::resolveClocks(p, {m.name});
    v.powerModes.push_back({m.name, k.dlaMHz, k.emcMHz, k.gpuMHz});
  }
  for (const auto& t : hw::trtVersions())
    for (int g : t.dlaGenerations)
      if (g == p.dlaGeneration) v.trtVersions.push_back(t.id);
  return v;
}

}  // namespace

std::vector<PlatformInfo> platforms() {
  std::vector<PlatformInfo> v;
  for (const auto& p : hw::platforms()) v.push_back(view(p));
  return v;
}

PlatformInfo platform(const std::string& id) {
  return view(hw::platformById(id));
}

std::vector<std::string> trtVersions() {
  std::vector<std::string> v;
  for (const auto& t : hw::trtVersions()) v.push_back(t.id);
  return v;
}

std::string rulesMarkdown(const std::string& trtVersion) {
  return hw::rulesMarkdown(trtVersion);
}

const char* version() {
  return DLASIM_VERSION;
}

}  // namespace dlasim
