// The clocks a performance figure is modelled at: a power mode of the platform, optionally
// overridden clock by clock (--dlaClockMHz, --gpuClockMHz, --emcClockMHz).
#pragma once
#include <string>

#include "hwmodels/cost/cost_params.h"

namespace hw {

struct ClockRequest {
  std::string powerMode;                      // "" = the platform's default (first) mode
  double dlaMHz = 0, gpuMHz = 0, emcMHz = 0;  // 0 = the power mode's
};

struct Clocks {
  std::string powerMode;
  double dlaMHz = 0, gpuMHz = 0, emcMHz = 0;
  double dramGBs = 0;  // the platform's bandwidth scaled by the EMC clock
};

/// Throws sim::Error (exit 2) naming the flag and the allowed values for an unknown power mode
/// or a clock outside the platform's range.
Clocks resolveClocks(const Platform& p, const ClockRequest& r);

}  // namespace hw
