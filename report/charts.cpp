#include "report/charts.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "report/graph_svg.h"
#include "report/html_util.h"

namespace dlasim::report {

namespace {

using json = nlohmann::json;

const char* boundColour(Bound b) {
  switch (b) {
    case Bound::kCompute:
      return "#1f77b4";
    case Bound::kMemory:
      return "#ff7f0e";
    case Bound::kOverhead:
      return "#7f7f7f";
    case Bound::kFused:
      return "#bcbd22";
    case Bound::kNone:
      break;
  }
  return "#dddddd";
}

std::string pct(double part, double whole) {
  return whole > 0 ? fixed(100.0 * part / whole, 1) + "%" : "-";
}

std::string where(const TimingRow& r) {
  if (r.kind == RowKind::kH2D || r.kind == RowKind::kD2H) return "host copy";
  return std::string(deviceName(r.device)) +
         (r.device == Device::kDLA ? std::string(" ") + engineUnitName(r.unit) : "");
}

// Long layer names would take the chart's width: the axis shows their start, tooltips all.
std::string axisLabel(const std::string& name, size_t max = 48) {
  std::string s = printable(name);
  return s.size() <= max ? s : s.substr(0, max - 3) + "...";
}

json axisTitle(const std::string& text) {
  return {{"display", true}, {"text", text}};
}

// Horizontal bars of `rows` (the labels, in order), one dataset per bound: each bar in its
// bound's dataset and null in the others, stacked so that a bar keeps its slot. `rows` names
// each bar's Performance::rows index for the viewer's clicks and tooltips.
json boundBars(const Performance& p, const std::vector<size_t>& rows, double maxMs) {
  json labels = json::array(), rowIndex = json::array(), sets = json::array();
  for (size_t i : rows) {
    labels.push_back(axisLabel(p.rows[i].name) + " (" + precisionName(p.rows[i].precision) + ")");
    rowIndex.push_back(i);
  }
  for (Bound b : {Bound::kCompute, Bound::kMemory, Bound::kOverhead, Bound::kFused, Bound::kNone}) {
    json values = json::array();
    bool any = false;
    for (size_t i : rows) {
      bool mine = p.rows[i].bound == b;
      any = any || mine;
      values.push_back(mine ? json(p.rows[i].ms) : json(nullptr));
    }
    if (any)
      sets.push_back({{"label", boundName(b)},
                      {"data", values},
                      {"backgroundColor", boundColour(b)},
                      {"rows", rowIndex}});
  }
  json x = {{"stacked", true}, {"title", axisTitle("modelled ms")}, {"beginAtZero", true}};
  if (maxMs > 0) x["max"] = maxMs;
  return {
      {"type", "bar"},
      {"data", {{"labels", labels}, {"datasets", sets}}},
      {"options",
       {{"indexAxis", "y"},
        {"scales",
         {{"x", x},
          {"y", {{"stacked", true}, {"ticks", {{"autoSkip", false}, {"font", {{"size", 10}}}}}}}}},
        {"plugins", {{"legend", {{"position", "top"}}}}}}}};
}

int barsHeight(size_t bars) {
  return int(std::max<size_t>(bars, 3) * 16 + 70);
}

}  // namespace

std::string chartCanvas(ChartConfigs& charts, const std::string& id, json config, int heightPx) {
  charts[id] = std::move(config);
  return "<div class=\"chart-box\" style=\"height:" + std::to_string(heightPx) +
         "px\"><canvas id=\"" + id + "\" data-chart></canvas></div>";
}

std::string rowColour(const TimingRow& r) {
  switch (r.kind) {
    case RowKind::kToDla:
    case RowKind::kFromDla:
      return "#d62728";
    case RowKind::kH2D:
    case RowKind::kD2H:
      return "#9ecae1";
    case RowKind::kSubmit:
      return "#555555";
    default:
      break;
  }
  return loadableColour(r.device == Device::kDLA ? r.loadable : -1);
}

std::string timelineHtml(const Engine& plan, const Performance& p, const Timeline& t,
                         ChartConfigs& charts) {
  json labels = json::array();
  for (const auto& l : t.lanes) labels.push_back(l.device + ": " + l.unit);
  // Datasets by what a bar is, in the legend's order.
  const char* const kinds[] = {"loadables", "layers", "hand-offs", "submissions", "host copies"};
  auto kindOf = [&](const TimelineBar& b) -> int {
    if (b.row < 0) return 0;
    switch (p.rows[size_t(b.row)].kind) {
      case RowKind::kToDla:
      case RowKind::kFromDla:
        return 2;
      case RowKind::kSubmit:
        return 3;
      case RowKind::kH2D:
      case RowKind::kD2H:
        return 4;
      default:
        return 1;
    }
  };
  json sets = json::array();
  for (int k = 0; k < 5; ++k) {
    json data = json::array(), colours = json::array(), rows = json::array(), names = json::array(),
         loadables = json::array();
    for (const auto& b : t.bars) {
      if (kindOf(b) != k) continue;
      data.push_back({{"x", {b.startMs, b.startMs + b.ms}}, {"y", labels[size_t(b.lane)]}});
      // A loadable's span is drawn lighter: its layers' bars lie below it.
      colours.push_back(b.row >= 0 ? rowColour(p.rows[size_t(b.row)])
                                   : loadableColour(b.loadable) + "99");
      rows.push_back(b.row);
      names.push_back(printable(b.name));
      loadables.push_back(b.loadable);
    }
    if (data.empty()) continue;
    sets.push_back({{"label", kinds[k]},
                    {"data", data},
                    {"backgroundColor", colours},
                    {"grouped", false},
                    {"barPercentage", 0.8},
                    {"categoryPercentage", 1.0},
                    {"rows", rows},
                    {"names", names},
                    {"loadables", loadables}});
  }
  double latency = std::max(t.latencyMs, 1e-9);
  json config = {
      {"type", "bar"},
      {"data", {{"labels", labels}, {"datasets", sets}}},
      {"options",
       {{"indexAxis", "y"},
        {"scales",
         {{"x", {{"type", "linear"}, {"min", 0}, {"max", latency}, {"title", axisTitle("ms")}}},
          {"y", {{"ticks", {{"autoSkip", false}, {"font", {{"size", 10}}}}}}}}},
        {"plugins", {{"legend", {{"position", "top"}}}}}}}};
  return "<div class=\"timeline-box\" id=\"timeline\" data-latency-ms=\"" + num(latency, 12) +
         "\">" +
         chartCanvas(charts, "timeline-chart", std::move(config), int(t.lanes.size()) * 26 + 80) +
         "</div>";
}

std::string unitBarsHtml(const Performance& p, ChartConfigs& charts) {
  // Groups in a fixed order: DLA units, GPU kernels, then hand-offs, submissions and copies.
  std::map<std::string, std::vector<size_t>> groups;
  std::vector<std::string> order;
  for (size_t i = 0; i < p.rows.size(); ++i) {
    const TimingRow& r = p.rows[i];
    if (r.ms <= 0) continue;
    std::string g = r.kind == RowKind::kLayer || r.kind == RowKind::kConversion
                        ? where(r) + (r.device == Device::kGPU ? " kernels" : "")
                        : "hand-offs, submissions and copies";
    if (!groups.count(g)) order.push_back(g);
    groups[g].push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [](const std::string& a, const std::string& b) {
    auto rank = [](const std::string& s) {
      return s.rfind("DLA", 0) == 0 ? 0 : s[0] == 'G' ? 1 : 2;
    };
    return rank(a) < rank(b);
  });
  double maxMs = 0;
  for (const auto& r : p.rows) maxMs = std::max(maxMs, r.ms);

  // The units side by side, each bar stacked by bound.
  json labels = json::array(), sets = json::array();
  for (const auto& g : order) labels.push_back(g);
  for (Bound b : {Bound::kCompute, Bound::kMemory, Bound::kOverhead, Bound::kFused, Bound::kNone}) {
    json values = json::array();
    bool any = false;
    for (const auto& g : order) {
      double ms = 0;
      for (size_t i : groups[g])
        if (p.rows[i].bound == b) ms += p.rows[i].ms;
      any = any || ms > 0;
      values.push_back(ms);
    }
    if (any)
      sets.push_back(
          {{"label", boundName(b)}, {"data", values}, {"backgroundColor", boundColour(b)}});
  }
  json summary = {{"type", "bar"},
                  {"data", {{"labels", labels}, {"datasets", sets}}},
                  {"options",
                   {{"indexAxis", "y"},
                    {"scales",
                     {{"x", {{"stacked", true}, {"title", axisTitle("modelled ms per inference")}}},
                      {"y", {{"stacked", true}}}}},
                    {"plugins", {{"legend", {{"position", "top"}}}}}}}};
  std::string html =
      chartCanvas(charts, "unit-chart", std::move(summary), int(order.size()) * 30 + 80);
  for (size_t k = 0; k < order.size(); ++k) {
    const std::string& g = order[k];
    auto& rows = groups[g];
    std::stable_sort(rows.begin(), rows.end(),
                     [&](size_t a, size_t b) { return p.rows[a].ms > p.rows[b].ms; });
    double total = 0;
    std::map<Bound, int> bounds;
    for (size_t i : rows) {
      total += p.rows[i].ms;
      ++bounds[p.rows[i].bound];
    }
    std::string counts;
    for (const auto& [b, n] : bounds)
      counts += std::string(counts.empty() ? "" : ", ") + boundName(b) + " " + std::to_string(n);
    html += "<details class=\"unit\"" + std::string(rows.size() <= 60 ? " open" : "") +
            "><summary><b>" + esc(g) + "</b>: " + std::to_string(rows.size()) + " rows, " +
            num(total) + " ms (" + pct(total, p.latencyMs) + " of the latency); " + counts +
            "</summary>" +
            chartCanvas(charts, "unit-rows-" + std::to_string(k), boundBars(p, rows, maxMs),
                        barsHeight(rows.size())) +
            "</details>";
  }
  return html;
}

std::string topRowsHtml(const Performance& p, ChartConfigs& charts) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < p.rows.size(); ++i)
    if (p.rows[i].ms > 0) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return p.rows[a].ms > p.rows[b].ms; });
  if (idx.size() > 10) idx.resize(10);
  std::string html = chartCanvas(charts, "top10-chart", boundBars(p, idx, 0), barsHeight(10)) +
                     "<table class=\"grid\" id=\"top10\"><tr><th>#</th><th>row</th><th>where</th>"
                     "<th>precision</th><th>bound</th><th>modelled ms</th><th>share of latency"
                     "</th></tr>";
  for (size_t k = 0; k < idx.size(); ++k) {
    const TimingRow& r = p.rows[idx[k]];
    html += "<tr data-row=\"" + std::to_string(idx[k]) + "\"><td>" + std::to_string(k + 1) +
            "</td><td class=\"name\">" + esc(r.name) + "</td><td>" + where(r) + "</td><td>" +
            precisionName(r.precision) + "</td><td>" + boundName(r.bound) +
            "</td><td class=\"num\">" + num(r.ms) + "</td><td class=\"num\">" +
            pct(r.ms, p.latencyMs) + "</td></tr>";
  }
  return html + "</table>";
}

std::string errorCurveHtml(const PerLayerReport& r, ChartConfigs& charts) {
  const double floor = 1e-7;  // the smallest error drawn: the log axis has no zero
  json line = json::array(), lineNames = json::array();
  json points[2] = {json::array(), json::array()}, names[2] = {json::array(), json::array()};
  double hi = floor * 10;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerComparison& c = r.layers[i];
    if (!c.compared) continue;
    double e = std::max(c.relativeError, floor);
    hi = std::max(hi, e);
    std::string name = std::to_string(i) + " " + printable(c.name) + " (" + deviceName(c.device) +
                       " " + precisionName(c.precision) + ")";
    line.push_back({{"x", i}, {"y", e}});
    lineNames.push_back(name);
    int k = c.device == Device::kDLA ? 0 : 1;
    points[k].push_back({{"x", i}, {"y", e}});
    names[k].push_back(name);
  }
  json sets = json::array();
  sets.push_back({{"label", "relative error"},
                  {"data", line},
                  {"names", lineNames},
                  {"borderColor", "#1f77b4"},
                  {"borderWidth", 1.5},
                  {"pointRadius", 0},
                  {"order", 2}});
  const char* const colour[] = {"#2ca02c", "#888888"};
  const char* const label[] = {"DLA layers", "GPU layers"};
  for (int k = 0; k < 2; ++k)
    if (!points[k].empty())
      sets.push_back({{"label", label[k]},
                      {"data", points[k]},
                      {"names", names[k]},
                      {"showLine", false},
                      {"pointRadius", 2.5},
                      {"borderColor", colour[k]},
                      {"backgroundColor", colour[k]},
                      {"order", 1}});
  std::string summary = "<p>No layer's error jumps.</p>";
  if (r.firstJump >= 0) {
    const LayerComparison& c = r.layers[size_t(r.firstJump)];
    std::string name = printable(c.name);
    sets.push_back({{"label", "first jump: " + name},
                    {"data", {{{"x", r.firstJump}, {"y", floor}}, {{"x", r.firstJump}, {"y", hi}}}},
                    {"names", json::array({name, name})},
                    {"borderColor", "#d62728"},
                    {"backgroundColor", "#d62728"},
                    {"borderDash", {4, 3}},
                    {"pointRadius", 0},
                    {"order", 0}});
    summary = "<p>The error first jumps at layer " + std::to_string(r.firstJump) + " <b>" +
              esc(c.name) + "</b> (" + esc(c.type) + ", " + deviceName(c.device) + " " +
              precisionName(c.precision) + "): relative error " + num(c.inputError) + " &rarr; " +
              num(c.relativeError) + ".</p>";
  }
  json config = {{"type", "line"},
                 {"data", {{"datasets", sets}}},
                 {"options",
                  {{"scales",
                    {{"x", {{"type", "linear"}, {"title", axisTitle("layer (network order)")}}},
                     {"y",
                      {{"type", "logarithmic"},
                       {"min", floor},
                       {"title", axisTitle("relative error against FP32")}}}}},
                   {"plugins", {{"legend", {{"position", "top"}}}}}}}};
  return summary + chartCanvas(charts, "error-curve", std::move(config), 300);
}

std::string capacityHtml(const CapacityPlan& c, ChartConfigs& charts) {
  std::string html = "<details" + std::string(c.rows.size() <= 24 ? " open" : "") + "><summary>" +
                     std::to_string(c.rows.size()) +
                     " configurations</summary><table class=\"grid\" id=\"capacity\">"
                     "<tr><th></th><th>batch</th><th>power</th><th>placement</th><th>qps</th>"
                     "<th>images/s</th><th>latency ms</th><th>engine</th><th>DRAM GB/s</th>"
                     "<th>limit</th></tr>";
  for (const auto& r : c.rows)
    html += std::string("<tr") + (r.best ? " class=\"best\"" : "") + "><td>" + (r.best ? "*" : "") +
            "</td><td>" + std::to_string(r.batch) + "</td><td>" + esc(r.powerMode) + "</td><td>" +
            placementName(r.placement) + "</td><td class=\"num\">" + num(r.qps) +
            "</td><td class=\"num\">" + num(r.imagesPerSecond) + "</td><td class=\"num\">" +
            num(r.latencyMs) + "</td><td class=\"num\">" + mib(r.engineBytes) +
            "</td><td class=\"num\">" + num(r.dramGBs) + "</td><td>" + esc(r.limit) + "</td></tr>";
  html += "</table></details>";
  for (const auto& n : c.notes) html += "<p class=\"note\">" + esc(n) + "</p>";
  std::string head = "<p>" + esc(c.recommendation) + "</p>";
  if (c.rows.empty()) return head + html;
  // The chart at the best configuration's power mode (else the first row's): one line per
  // placement over the batches planned.
  std::string mode = c.rows[size_t(c.best >= 0 ? c.best : 0)].powerMode;
  std::map<int, std::map<int, double>> lines;  // placement -> batch -> images/s
  std::map<int, bool> batches;
  for (const auto& r : c.rows) {
    if (r.powerMode != mode) continue;
    lines[int(r.placement)][r.batch] = r.imagesPerSecond;
    batches[r.batch] = true;
  }
  json labels = json::array(), sets = json::array();
  for (const auto& [b, _] : batches) labels.push_back(std::to_string(b));
  const char* const series[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a"};
  int k = 0;
  for (const auto& [placement, values] : lines) {
    json data = json::array();
    for (const auto& [b, _] : batches) {
      auto it = values.find(b);
      data.push_back(it == values.end() ? json(nullptr) : json(it->second));
    }
    sets.push_back({{"label", placementName(Placement(placement))},
                    {"data", data},
                    {"borderColor", series[k % 4]},
                    {"backgroundColor", series[k % 4]},
                    {"spanGaps", true}});
    ++k;
  }
  json config = {{"type", "line"},
                 {"data", {{"labels", labels}, {"datasets", sets}}},
                 {"options",
                  {{"scales",
                    {{"x", {{"title", axisTitle("batch (power mode " + printable(mode) + ")")}}},
                     {"y", {{"beginAtZero", true}, {"title", axisTitle("images/s")}}}}},
                   {"plugins", {{"legend", {{"position", "top"}}}}}}}};
  return head + chartCanvas(charts, "capacity-chart", std::move(config), 300) + html;
}

}  // namespace dlasim::report
