// Reports a person looks at rather than reads: one self-contained HTML file per plan (summary,
// the graph coloured by device and loadable, the modelled timeline of one inference, per-layer
// times, the changes that would move layers to the DLA, optionally the per-layer error and a
// capacity plan), and the modelled timeline in the Chrome Trace Event format (Perfetto,
// chrome://tracing).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dlasim/capacity.h"
#include "dlasim/compare.h"
#include "dlasim/engine.h"
#include "dlasim/performance.h"

namespace dlasim {

/// One change that would move layers to the DLA (`dlasim check`'s advice): the fix a broken
/// rule names, and the layers that broke it, in plan order.
struct PlacementAdvice {
  std::string fix;
  std::vector<std::string> layers;
};

/// Every distinct fix of the GPU layers' broken rules, in the order the layers come.
std::vector<PlacementAdvice> placementAdvice(const Engine& plan);

/// Per-row times measured on a device (trtexec's --exportProfile of the same model and build):
/// shown beside the modelled ones.
struct MeasuredProfile {
  std::string source;  // the file
  struct Row {
    std::string name;
    double averageMs = 0;
  };
  std::vector<Row> rows;  // in the file's order
};

struct ReportOptions {
  std::string title;  // "" = the source model's file name
  /// The power mode and clocks the performance is modelled at (as Engine::performance).
  PerformanceOptions performance;
  /// The per-layer comparison against FP32 (comparePerLayer, or readPerLayerJson): adds the
  /// error curve through the network with the first jump marked.
  std::optional<PerLayerReport> perLayer;
  /// A profile measured on a device (readProfileJson): adds measured against modelled times.
  std::optional<MeasuredProfile> measured;
  /// A capacity plan of the same model (capacityPlan): adds its table and a throughput-vs-batch
  /// chart per placement.
  std::optional<CapacityPlan> capacity;
  /// The command line that made the report, shown in its header ("" = none).
  std::string commandLine;
};

/// The report as one HTML document: no network access when opened, nothing beside it. The
/// graph is laid out by Graphviz's dot. Throws InputError for a bad power mode or clock, or a
/// per-layer comparison whose layers are not the plan's.
std::string reportHtml(const Engine& plan, const ReportOptions& options = {});

/// reportHtml written safely to `path` (nothing half-written is left; `inputs` are never
/// replaced). Throws InputError naming the path when it cannot be written.
void writeReport(const Engine& plan, const std::string& path, const ReportOptions& options = {},
                 const std::vector<std::string>& inputs = {});

/// The modelled timeline of one inference in the Chrome Trace Event format ({"traceEvents":
/// [...]}, times in microseconds): one process per device (each DLA core, the GPU, the host
/// copies), one thread per engine unit, one complete event per row named after its layer,
/// loadable or hand-off, and a span per loadable.
std::string chromeTraceJson(const Engine& plan, const Performance& performance);

/// Reads `dlasim compare --per-layer --json` output for `plan`: throws InputError naming the
/// file when it is not such a file or its layers are not the plan's (another model or build).
PerLayerReport readPerLayerJson(const std::string& path, const Engine& plan);

/// Reads trtexec's --exportProfile JSON ([{"count": N}, {"name", "averageMs", ...}, ...]) for
/// `plan`: throws InputError naming the file when it is not such a file or when most of its rows
/// name no layer, loadable or hand-off of the plan (a profile of another model or build).
MeasuredProfile readProfileJson(const std::string& path, const Engine& plan);

}  // namespace dlasim
