// The Jetson platforms dlasim models (data with sources in hwmodels/platforms.cpp) and the DLA
// rule table.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dlasim {

/// A power mode's clocks as the cost model uses them (the performance block prints the same).
struct PowerModeInfo {
  std::string name;
  double dlaClockMHz = 0;
  double emcClockMHz = 0;  // the memory clock (the platform's highest unless the mode caps it)
  double gpuClockMHz = 0;
};

struct PlatformInfo {
  std::string id;    // --platform value
  std::string name;  // display name
  int dlaCores = 0;
  int64_t sramBytesPerCore = 0;
  double dramBandwidthGBs = 0;
  int maxLoadablesPerCore = 0;
  std::vector<PowerModeInfo> powerModes;  // first = default (MAXN)
  std::vector<std::string> trtVersions;   // the TensorRT versions that ship for it, oldest first
};

/// The TensorRT versions dlasim models (--trtVersion), oldest first; the first is the default.
std::vector<std::string> trtVersions();

/// All platforms, in --help order.
std::vector<PlatformInfo> platforms();
/// Throws InputError naming the value and the choices when `id` is unknown.
PlatformInfo platform(const std::string& id);
/// The DLA rule table of TensorRT `trtVersion` ("" = the default 8.4, docs/dla-rules.md) with
/// each platform's values, as Markdown. Throws InputError for an unknown version.
std::string rulesMarkdown(const std::string& trtVersion = "");

}  // namespace dlasim
