// Public views of the platform data (hwmodels/platforms.cpp) and the rule table.
#include "dlasim/platforms.h"

#include "dlasim/dlasim.h"
#include "hwmodels/dla_rules.h"

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
  for (const auto& m : p.powerModes) v.powerModes.push_back({m.name, m.dlaClockMHz, m.emcClockMHz});
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

std::string rulesMarkdown() {
  return hw::rulesMarkdown();
}

const char* version() {
  return DLASIM_VERSION;
}

}  // namespace dlasim
