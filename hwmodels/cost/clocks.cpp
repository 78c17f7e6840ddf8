#include "hwmodels/cost/clocks.h"

#include "sim/ir/error.h"

namespace hw {

namespace {

double pick(const char* flag, double asked, double mode, double lo, double hi, const Platform& p) {
  if (asked == 0) return mode;
  if (!(asked >= lo && asked <= hi))
    sim::fail(flag, ": ", asked, " MHz is outside ", p.name, "'s range [", lo, ", ", hi, "] MHz");
  return asked;
}

}  // namespace

Clocks resolveClocks(const Platform& p, const ClockRequest& r) {
  const CostParams& c = costParams(p);
  const PowerMode* mode = &p.powerModes.front();
  if (!r.powerMode.empty()) {
    mode = nullptr;
    std::string names;
    for (const auto& m : p.powerModes) {
      if (m.name == r.powerMode) mode = &m;
      names += (names.empty() ? "" : ", ") + m.name;
    }
    if (!mode)
      sim::fail("--powerMode: ", p.name, " has no power mode '", r.powerMode, "' (", names, ")");
  }
  Clocks k;
  k.powerMode = mode->name;
  const ClockLimits& l = c.clocks;
  k.dlaMHz = pick("--dlaClockMHz", r.dlaMHz, mode->dlaClockMHz, l.dlaMinMHz, l.dlaMaxMHz, p);
  k.gpuMHz = pick("--gpuClockMHz", r.gpuMHz, mode->gpuClockMHz, l.gpuMinMHz, l.gpuMaxMHz, p);
  double emc = mode->emcClockMHz > 0 ? mode->emcClockMHz : c.emcMaxMHz;
  k.emcMHz = pick("--emcClockMHz", r.emcMHz, emc, l.emcMinMHz, l.emcMaxMHz, p);
  k.dramGBs = p.dramBandwidthGBs * k.emcMHz / c.emcMaxMHz;
  return k;
}

}  // namespace hw
