// The Jetson platforms dlasim models (data with sources in hwmodels/platforms.cpp) and the DLA
// rule table.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dlasim {

struct PowerModeInfo {
  std::string name;
  double dlaClockMHz = 0;
  double emcClockMHz = 0;  // memory clock cap; 0 = full speed
};

struct PlatformInfo {
  std::string id;    // --platform value
  std::string name;  // display name
  int dlaCores = 0;
  int64_t sramBytesPerCore = 0;
  double dramBandwidthGBs = 0;
  int maxLoadablesPerCore = 0;
  std::vector<PowerModeInfo> powerModes;  // first = default (MAXN)
};

/// All platforms, in --help order.
std::vector<PlatformInfo> platforms();
/// Throws InputError naming the value and the choices when `id` is unknown.
PlatformInfo platform(const std::string& id);
/// The DLA rule table with each platform's values, as Markdown (docs/dla-rules.md).
std::string rulesMarkdown();

}  // namespace dlasim
