// The report's charts, drawn as SVG and HTML on linear (or log) scales of the data: the
// timeline of one inference, per-layer time by engine unit and bound, the top 10, the per-layer
// error curve and the capacity plan's throughput against batch.
#pragma once
#include <string>

#include "dlasim/capacity.h"
#include "dlasim/compare.h"
#include "dlasim/performance.h"
#include "dlasim/plan.h"
#include "dlasim/report.h"
#include "report/timeline.h"

namespace dlasim::report {

/// Lane labels and one bar per timed row (`class="bar"`, `data-ms`, `data-row`), plus a span
/// per loadable (`class="span"`). The bars' x axis is in microseconds, stretched by the viewer.
std::string timelineHtml(const Plan& plan, const Performance& p, const Timeline& t);

/// Per-layer modelled time grouped by device and engine unit, each bar coloured by its bound.
std::string unitBarsHtml(const Plan& plan, const Performance& p);

/// The 10 rows that take the most time.
std::string topRowsHtml(const Plan& plan, const Performance& p);

/// Relative error against FP32 per layer along the network (log scale), the first jump marked.
std::string errorCurveHtml(const PerLayerReport& r);

/// The capacity-plan table and images per second against batch, one line per placement.
std::string capacityHtml(const CapacityPlan& c);

/// Measured against modelled times, the measured profile's 20 longest rows first.
std::string measuredHtml(const MeasuredProfile& m, const Performance& p);

/// The colour of a timeline row: its loadable's for DLA work, red for hand-offs, grey for GPU.
std::string rowColour(const TimingRow& r);

}  // namespace dlasim::report
