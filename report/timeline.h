// The modelled timeline of one inference, laid out in lanes: one group per device (each DLA
// core, the GPU, the host copies) and one lane per engine unit within it. Shared by the HTML
// report's timeline and the Chrome trace, so the two always show the same bars.
#pragma once
#include <string>
#include <vector>

#include "dlasim/engine.h"
#include "dlasim/performance.h"

namespace dlasim::report {

struct TimelineLane {
  std::string device;  // "DLA core 0", "GPU", "Host copies"
  std::string unit;    // "loadables", "CONV", "SDP", ..., "kernels", "reformats", "H2D / D2H"
};

struct TimelineBar {
  int lane = 0;    // index into Timeline::lanes
  int row = -1;    // index into Performance::rows; -1 for a loadable's span
  int layer = -1;  // index into Engine::layers() for a layer row
  int loadable = -1;
  std::string name, kind;  // kind: a RowKind name, or "loadable" for spans
  double startMs = 0, ms = 0;
};

struct Timeline {
  std::vector<TimelineLane> lanes;
  std::vector<TimelineBar> bars;  // rows with time, in execution order, then loadable spans
  double latencyMs = 0;
};

/// Rows run one after another (within one engine the DLA and the GPU take turns), so each bar
/// starts where the previous row ended. Rows without time (fused, views) get no bar.
Timeline buildTimeline(const Engine& plan, const Performance& p);

}  // namespace dlasim::report
