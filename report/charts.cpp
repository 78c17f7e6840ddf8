#include "report/charts.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "report/graph_svg.h"
#include "report/html_util.h"

namespace dlasim::report {

namespace {

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

std::string legend() {
  std::string s = "<div class=\"legend\">bound: ";
  for (Bound b : {Bound::kCompute, Bound::kMemory, Bound::kOverhead})
    s += "<span><i style=\"background:" + std::string(boundColour(b)) + "\"></i>" + boundName(b) +
         "</span>";
  return s + "</div>";
}

}  // namespace

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

std::string timelineHtml(const Plan& plan, const Performance& p, const Timeline& t) {
  const double laneH = 22, barH = 16;
  double widthUs = std::max(t.latencyMs * 1000.0, 1e-3);
  double height = laneH * double(t.lanes.size());
  std::string labels = "<div class=\"lanes\">";
  std::string prev;
  for (const auto& l : t.lanes) {
    labels += "<div class=\"lane\"><b>" + (l.device == prev ? std::string() : esc(l.device)) +
              "</b> " + esc(l.unit) + "</div>";
    prev = l.device;
  }
  labels += "</div>";
  std::string svg = "<svg id=\"timeline-svg\" class=\"timeline\" viewBox=\"0 0 " + num(widthUs, 9) +
                    " " + num(height) + "\" preserveAspectRatio=\"none\" height=\"" + num(height) +
                    "\" data-latency-ms=\"" + num(t.latencyMs, 12) + "\">";
  for (size_t i = 0; i < t.lanes.size(); ++i)
    if (i % 2)
      svg += "<rect class=\"stripe\" x=\"0\" y=\"" + num(laneH * double(i)) + "\" width=\"" +
             num(widthUs, 9) + "\" height=\"" + num(laneH) + "\"/>";
  for (const auto& b : t.bars) {
    std::string fill, cls, data;
    if (b.row >= 0) {
      const TimingRow& r = p.rows[size_t(b.row)];
      fill = rowColour(r);
      cls = "bar k-" + b.kind;
      data = " data-row=\"" + std::to_string(b.row) + "\"";
    } else {
      fill = loadableColour(b.loadable);
      cls = "span";
    }
    if (b.layer >= 0) data += " data-layer=\"" + std::to_string(b.layer) + "\"";
    if (b.loadable >= 0) data += " data-loadable=\"" + std::to_string(b.loadable) + "\"";
    svg += "<rect class=\"" + cls + "\" x=\"" + num(b.startMs * 1000.0, 12) + "\" y=\"" +
           num(laneH * double(b.lane) + (laneH - barH) / 2) + "\" width=\"" +
           num(b.ms * 1000.0, 12) + "\" height=\"" + num(barH) + "\" fill=\"" + fill +
           "\" data-ms=\"" + num(b.ms, 12) + "\"" + data + "><title>" + esc(b.name) + " (" +
           num(b.ms, 4) + " ms)</title></rect>";
  }
  svg += "</svg>";
  return "<div class=\"timeline-box\">" + labels +
         "<div class=\"timeline-scroll\" id=\"timeline-scroll\">" + svg +
         "<div class=\"axis\" id=\"timeline-axis\"></div></div></div>";
}

std::string unitBarsHtml(const Plan& plan, const Performance& p) {
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
  std::string html = legend();
  for (const auto& g : order) {
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
            "</summary><table class=\"bars\">";
    for (size_t i : rows) {
      const TimingRow& r = p.rows[i];
      html += "<tr data-row=\"" + std::to_string(i) + "\"><td class=\"name\" title=\"" +
              esc(r.name) + "\">" + esc(r.name) + "</td><td>" + precisionName(r.precision) +
              "</td><td class=\"barcell\"><i style=\"width:" +
              fixed(maxMs > 0 ? 100.0 * r.ms / maxMs : 0, 2) +
              "%;background:" + boundColour(r.bound) + "\"></i></td><td class=\"num\">" +
              num(r.ms) + " ms</td><td>" + boundName(r.bound) + "</td></tr>";
    }
    html += "</table></details>";
  }
  return html;
}

std::string topRowsHtml(const Plan& plan, const Performance& p) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < p.rows.size(); ++i)
    if (p.rows[i].ms > 0) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return p.rows[a].ms > p.rows[b].ms; });
  if (idx.size() > 10) idx.resize(10);
  std::string html =
      "<table class=\"grid\" id=\"top10\"><tr><th>#</th><th>row</th><th>where</th><th>precision"
      "</th><th>bound</th><th>modelled ms</th><th>share of latency</th></tr>";
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

std::string errorCurveHtml(const PerLayerReport& r) {
  const double w = 900, h = 260, left = 50, bottom = 30, top = 10;
  const double lo = -7;  // log10 of the smallest error drawn
  double hi = lo + 1;
  for (const auto& c : r.layers)
    if (c.compared && c.relativeError > 0)
      hi = std::max(hi, std::ceil(std::log10(c.relativeError)));
  size_t n = std::max<size_t>(r.layers.size(), 2);
  auto x = [&](size_t i) { return left + (w - left - 10) * double(i) / double(n - 1); };
  auto y = [&](double e) {
    double v = e > 0 ? std::max(std::log10(e), lo) : lo;
    return top + (h - top - bottom) * (hi - v) / (hi - lo);
  };
  std::string svg = "<svg class=\"chart\" id=\"error-curve\" viewBox=\"0 0 " + num(w) + " " +
                    num(h) + "\" width=\"" + num(w) + "\">";
  for (double d = lo; d <= hi; d += 1)
    svg += "<line class=\"gridline\" x1=\"" + num(left) + "\" x2=\"" + num(w - 10) + "\" y1=\"" +
           num(y(std::pow(10, d))) + "\" y2=\"" + num(y(std::pow(10, d))) + "\"/><text x=\"" +
           num(left - 4) + "\" y=\"" + num(y(std::pow(10, d)) + 3) + "\" text-anchor=\"end\">1e" +
           num(d) + "</text>";
  std::string line;
  for (size_t i = 0; i < r.layers.size(); ++i)
    if (r.layers[i].compared)
      line += num(x(i), 6) + "," + num(y(r.layers[i].relativeError), 6) + " ";
  svg +=
      "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"" + line + "\"/>";
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerComparison& c = r.layers[i];
    if (!c.compared) continue;
    svg += "<circle class=\"point" + std::string(c.jump ? " jump" : "") + "\" cx=\"" +
           num(x(i), 6) + "\" cy=\"" + num(y(c.relativeError), 6) + "\" r=\"" +
           (c.jump ? "4" : "2.5") + "\" fill=\"" +
           (c.device == Device::kDLA ? "#2ca02c" : "#888888") + "\"><title>" + std::to_string(i) +
           " " + esc(c.name) + " (" + deviceName(c.device) + " " + precisionName(c.precision) +
           "): relative error " + num(c.relativeError) + "</title></circle>";
  }
  if (r.firstJump >= 0) {
    const LayerComparison& c = r.layers[size_t(r.firstJump)];
    double jx = x(size_t(r.firstJump));
    svg += "<line id=\"first-jump\" x1=\"" + num(jx, 6) + "\" x2=\"" + num(jx, 6) + "\" y1=\"" +
           num(top) + "\" y2=\"" + num(h - bottom) +
           "\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/><text x=\"" + num(jx + 4, 6) +
           "\" y=\"" + num(top + 12) + "\" fill=\"#d62728\">first jump: " + esc(c.name) + "</text>";
  }
  svg += "<text x=\"" + num(w / 2) + "\" y=\"" + num(h - 6) +
         "\" text-anchor=\"middle\">layer (network order); green: DLA, grey: GPU</text></svg>";
  std::string summary;
  if (r.firstJump >= 0) {
    const LayerComparison& c = r.layers[size_t(r.firstJump)];
    summary = "<p>The error first jumps at layer " + std::to_string(r.firstJump) + " <b>" +
              esc(c.name) + "</b> (" + esc(c.type) + ", " + deviceName(c.device) + " " +
              precisionName(c.precision) + "): relative error " + num(c.inputError) + " &rarr; " +
              num(c.relativeError) + ".</p>";
  } else {
    summary = "<p>No layer's error jumps.</p>";
  }
  return summary + svg;
}

std::string capacityHtml(const CapacityPlan& c) {
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
  // The chart at the best configuration's power mode (else the first row's).
  std::string mode = c.rows[size_t(c.best >= 0 ? c.best : 0)].powerMode;
  std::map<int, std::vector<const CapacityPlanRow*>> lines;
  double maxIps = 0, maxB = 1;
  for (const auto& r : c.rows) {
    if (r.powerMode != mode) continue;
    lines[int(r.placement)].push_back(&r);
    maxIps = std::max(maxIps, r.imagesPerSecond);
    maxB = std::max(maxB, double(r.batch));
  }
  const double w = 640, h = 260, left = 60, bottom = 30, top = 10;
  double lb = std::max(std::log2(maxB), 1.0);
  auto x = [&](double b) { return left + (w - left - 130) * std::log2(b) / lb; };
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - v / std::max(maxIps, 1e-9)); };
  std::string svg = "<svg class=\"chart\" id=\"capacity-chart\" viewBox=\"0 0 " + num(w) + " " +
                    num(h) + "\" width=\"" + num(w) + "\">";
  for (int k = 0; k <= 4; ++k) {
    double v = maxIps * k / 4;
    svg += "<line class=\"gridline\" x1=\"" + num(left) + "\" x2=\"" + num(w - 130) + "\" y1=\"" +
           num(y(v)) + "\" y2=\"" + num(y(v)) + "\"/><text x=\"" + num(left - 4) + "\" y=\"" +
           num(y(v) + 3) + "\" text-anchor=\"end\">" + fixed(v, 0) + "</text>";
  }
  for (double b = 1; b <= maxB; b *= 2)
    svg += "<text x=\"" + num(x(b)) + "\" y=\"" + num(h - bottom + 14) +
           "\" text-anchor=\"middle\">" + num(b) + "</text>";
  int k = 0;
  for (const auto& [placement, rows] : lines) {
    const char* const series[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a"};
    std::string colour = series[k % 4], pts;
    for (const auto* r : rows)
      pts += num(x(double(r->batch)), 6) + "," + num(y(r->imagesPerSecond), 6) + " ";
    svg += "<polyline class=\"series\" fill=\"none\" stroke=\"" + colour +
           "\" stroke-width=\"2\" points=\"" + pts + "\"/>";
    for (const auto* r : rows)
      svg += "<circle cx=\"" + num(x(double(r->batch)), 6) + "\" cy=\"" +
             num(y(r->imagesPerSecond), 6) + "\" r=\"3\" fill=\"" + colour + "\"><title>" +
             placementName(r->placement) + ", batch " + std::to_string(r->batch) + ": " +
             num(r->imagesPerSecond) + " images/s</title></circle>";
    svg += "<text x=\"" + num(w - 120) + "\" y=\"" + num(top + 14 + 16 * k) + "\" fill=\"" +
           colour + "\">" + placementName(Placement(placement)) + "</text>";
    ++k;
  }
  svg += "<text x=\"" + num((w - 130) / 2 + 30) + "\" y=\"" + num(h - 2) +
         "\" text-anchor=\"middle\">batch (images/s against batch at power mode " + esc(mode) +
         ")</text></svg>";
  return head + svg + html;
}

}  // namespace dlasim::report
