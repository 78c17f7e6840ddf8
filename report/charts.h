// The report's charts, drawn in the browser by Chart.js (Debian's libjs-chart.js, inlined into
// the file): the timeline of one inference, per-layer time by engine unit and bound, the top 10,
// the per-layer error curve, the capacity plan's throughput against batch and measured against
// modelled times. Here each chart is a <canvas> and a Chart.js configuration (type, data,
// options); report.js adds what JSON cannot hold (clicks, tooltips) and creates the chart.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "dlasim/capacity.h"
#include "dlasim/compare.h"
#include "dlasim/engine.h"
#include "dlasim/performance.h"
#include "dlasim/report.h"
#include "report/timeline.h"

namespace dlasim::report {

/// Canvas id -> Chart.js configuration, embedded in the report's data as "charts".
using ChartConfigs = nlohmann::json;

/// A floating-bar chart (Chart.js bars of [start, end] on horizontal lanes): one lane per engine
/// unit, datasets "loadables" (spans), "layers", "hand-offs", "submissions" and "host copies";
/// each dataset's `rows` names the Performance::rows index of each bar.
std::string timelineHtml(const Engine& plan, const Performance& p, const Timeline& t,
                         ChartConfigs& charts);

/// Modelled time per engine unit stacked by bound, then one bar chart per unit of its rows
/// (one dataset per bound), in <details> that start closed past 60 rows.
std::string unitBarsHtml(const Performance& p, ChartConfigs& charts);

/// The 10 rows that take the most time: a bar chart (one dataset per bound) and a table.
std::string topRowsHtml(const Performance& p, ChartConfigs& charts);

/// Relative error against FP32 per layer along the network (log scale), DLA and GPU layers as
/// their own datasets, the first jump a dashed vertical line.
std::string errorCurveHtml(const PerLayerReport& r, ChartConfigs& charts);

/// The capacity-plan table and images per second against batch, one line per placement.
std::string capacityHtml(const CapacityPlan& c, ChartConfigs& charts);

/// Measured against modelled times of the measured profile's 20 longest rows: a chart and a
/// table.
std::string measuredHtml(const MeasuredProfile& m, const Performance& p, ChartConfigs& charts);

/// The colour of a timeline row: its loadable's for DLA work, red for hand-offs, grey for GPU.
std::string rowColour(const TimingRow& r);

/// A canvas `id` of `heightPx` whose chart is `config`, added to `charts`.
std::string chartCanvas(ChartConfigs& charts, const std::string& id, nlohmann::json config,
                        int heightPx);

}  // namespace dlasim::report
