// Text and JSON renderings of the library's results, as the dlasim command prints and writes
// them (trtexec's --exportProfile / --exportTimes / --exportOutput files, the capacity plan's
// table). The library computes the results (performance.h, capacity.h) and does not need these;
// the command line and the Python module use them.
#pragma once
#include <string>
#include <vector>

#include "dlasim/capacity.h"
#include "dlasim/performance.h"
#include "dlasim/tensor.h"

namespace dlasim {

/// trtexec's --exportProfile JSON ([{"count": N}, {"name", "timeMs", "averageMs", "medianMs",
/// "percentage", ...}]) with extra keys per row: device, engineUnit, loadable, precision,
/// bound, kind, macs, dramBytes. One row per engine layer, named as Engine::layerInfoJson names
/// it, so that the two files join (TREx): a DLA loadable is one row, its ForeignNode, carrying
/// its whole time (submission, layers, format conversions; kind "loadable") with the per-layer
/// breakdown under "layers"; the host copies ("H2D: x", "D2H: y"; no engine layer) come first
/// and last. `engineLayers` (the layer-info names in order) adds a zero-time row, kind
/// "reformat", for each engine layer timed inside another row (a reformat, in its hand-off).
std::string profileJson(const Performance& p, int count,
                        const std::vector<std::string>& engineLayers = {});
/// trtexec's --exportTimes JSON: one object per timed query.
std::string timesJson(const Performance& p, const TimingRun& run);

/// "table" (aligned columns, best marked with '*', then the recommendation), "csv" or "json".
/// Throws InputError for another format.
std::string formatCapacityPlan(const CapacityPlan& plan, const std::string& format);

/// trtexec's --exportOutput: [{"name", "dimensions": "1x10", "values": [...]}], in the order
/// given.
std::string outputJson(const std::vector<std::string>& names, const std::vector<Tensor>& values);

}  // namespace dlasim
