// The modelled-performance part of a run: the engine size after the build, and after the
// inference trtexec's timing log (trace, === Performance summary ===, profile), its
// --exportProfile / --exportTimes files and TREx's metadata files.
#pragma once
#include <string>
#include <vector>

#include "cli/log.h"
#include "cli/options.h"
#include "dlasim/plan.h"

namespace dlasim::cli {

/// The power mode, clocks and copies the flags ask the cost model for.
PerformanceOptions performanceOptions(const Options& o);

/// The plan's modelled performance at the flags' power mode and clocks (bad values: exit 2).
Performance modelRun(const Engine& plan, const Options& o);

/// "Created engine with size: X MiB" and one line per loadable (sizes, pools).
void printEngineSize(const Performance& p, Log& log);

/// trtexec's timing and summary lines, the profile (--dumpProfile), the verbose per-layer table
/// and the exported files; `inputs` are files the run reads (never overwritten). `engineLayers`
/// (the --exportLayerInfo names in order) orders the --exportProfile rows, which join them.
void reportPerformance(const Performance& p, const Options& o, Log& log,
                       const std::vector<std::string>& inputs,
                       const std::vector<std::string>& engineLayers);

}  // namespace dlasim::cli
