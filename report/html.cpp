// The report document: header, summary, graph, timeline, per-layer time, top 10, advice and
// the optional error curve and capacity plan; the data the viewer's script reads is embedded
// as JSON.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "dlasim/dlasim.h"
#include "dlasim/report.h"
#include "report/assets.h"
#include "report/charts.h"
#include "report/graph_svg.h"
#include "report/html_util.h"
#include "report/timeline.h"

namespace dlasim {

namespace {

using report::esc;
using report::mib;
using report::num;

std::string card(const std::string& key, const std::string& value, const std::string& id = "") {
  return "<div class=\"card\"" + (id.empty() ? "" : " id=\"" + id + "\"") + "><div class=\"v\">" +
         value + "</div><div class=\"k\">" + key + "</div></div>";
}

// The cost model's uncertainty of the throughput and latency cards: " ±18%", or a mark that the
// plan's regime has no calibration point (the summary's "uncertainty" row says more).
std::string uncertainty(const Performance& p) {
  if (p.uncertainty < 0)
    return " <small title=\"no calibration point covers this regime\">"
           "(uncalibrated)</small>";
  return " <small>&plusmn;" + std::to_string(std::lround(p.uncertainty * 100)) + "%</small>";
}

std::string precisionText(const Engine& plan) {
  const PlanSettings& s = plan.settings();
  std::string flags = s.int8 && s.fp16 ? "INT8 + FP16" : s.int8 ? "INT8" : s.fp16 ? "FP16" : "FP32";
  int int8 = plan.dlaLayers(Precision::kINT8), fp16 = plan.dlaLayers(Precision::kFP16);
  return flags + (s.calibrated ? " (calibration cache)" : "") +
         "; DLA layers: " + std::to_string(int8) + " INT8, " + std::to_string(fp16) + " FP16";
}

std::string summaryHtml(const Engine& plan, const Performance& p) {
  const PlanSettings& s = plan.settings();
  PlatformInfo info = platform(s.platform);
  int gpu = 0;
  for (const auto& l : plan.layers()) gpu += l.device == Device::kGPU;
  double share = plan.totalMacs() ? 100.0 * double(plan.dlaMacs()) / double(plan.totalMacs()) : 0;
  const EngineMemory& m = p.memory;
  std::string html = "<div class=\"cards\">";
  html +=
      card("throughput (modelled)", num(p.throughputQps) + " qps" + uncertainty(p), "throughput");
  html += card("latency of one batch of " + std::to_string(p.batch) + " (modelled)",
               num(p.latencyMs) + " ms" + uncertainty(p), "latency");
  html += card("DLA share of MACs", report::fixed(share, 1) + "%", "dla-share");
  html += card("DLA loadables (of " + std::to_string(info.maxLoadablesPerCore) + " per core)",
               std::to_string(plan.loadables().size()), "loadables");
  html += card("layers on the GPU (of " + std::to_string(plan.layers().size()) + ")",
               std::to_string(gpu), "gpu-layers");
  html += card("engine size (modelled)", mib(m.engineBytes), "engine-size");
  html += "</div><table class=\"grid\" id=\"summary\">";
  auto row = [&](const std::string& k, const std::string& v) {
    html += "<tr><th>" + k + "</th><td>" + v + "</td></tr>";
  };
  row("platform", esc(p.platformName) + " (" + esc(s.platform) + ")");
  row("power mode", esc(p.powerMode) + ": DLA " + num(p.dlaClockMHz) + " MHz, GPU " +
                        num(p.gpuClockMHz) + " MHz, EMC " + num(p.emcClockMHz) + " MHz, DRAM " +
                        num(p.dramGBs) + " GB/s");
  row("TensorRT modelled",
      esc(p.trtVersion.empty() ? std::string("8.4") : p.trtVersion) +
          " (its ONNX parser's layers and names, its DLA rules, its cost calibration)");
  row("uncertainty", esc(uncertaintyText(p)) +
                         (p.regime.empty() ? std::string() : " (regime: " + esc(p.regime) + ")"));
  row("precision", esc(precisionText(plan)));
  row("DLA core", s.dlaCore < 0 ? "none (GPU only)" : std::to_string(s.dlaCore));
  row("MACs", num(double(plan.dlaMacs()) / 1e6) + " million on the DLA of " +
                  num(double(plan.totalMacs()) / 1e6));
  row("latency", num(p.latencyMs) + " ms = H2D " + num(p.h2dMs) + " + compute " + num(p.computeMs) +
                     " + D2H " + num(p.d2hMs) + "; DLA busy " + num(p.dlaBusyMs) +
                     " ms, GPU busy " + num(p.gpuBusyMs) + " ms");
  row("DRAM traffic", num(double(p.dramBytes) / 1e6) + " MB per inference");
  row("engine", mib(m.engineBytes) + " = DLA loadables + GPU weights " + mib(m.gpuWeightBytes) +
                    "; DLA weights " + mib(m.dlaWeightBytes) + " of the " +
                    mib(m.weightLimitBytes) + " limit");
  html += "</table>";
  if (!m.loadables.empty()) {
    html +=
        "<table class=\"grid\" id=\"loadable-table\"><tr><th>loadable</th><th>layers</th>"
        "<th>modelled ms</th><th>size (global DRAM pool " +
        mib(m.globalDramPoolBytes) + ")</th><th>local DRAM (pool " + mib(m.localDramPoolBytes) +
        ")</th><th>managed SRAM (pool " + mib(m.sramPoolBytes) + ")</th></tr>";
    for (size_t i = 0; i < m.loadables.size() && i < plan.loadables().size(); ++i) {
      const LoadableMemory& l = m.loadables[i];
      html += "<tr><td><i class=\"sw\" style=\"background:" + report::loadableColour(int(i)) +
              "\"></i> " + esc(l.name) + "</td><td class=\"num\">" +
              std::to_string(plan.loadables()[i].layers.size()) + "</td><td class=\"num\">" +
              (i < p.loadables.size() ? num(p.loadables[i].ms) : "-") + "</td><td class=\"num\">" +
              mib(l.totalBytes) + "</td><td class=\"num\">" + mib(l.activationBytes) +
              "</td><td class=\"num\">" + mib(l.sramBytes) + "</td></tr>";
    }
    html += "</table>";
  }
  return html;
}

std::string legendHtml(const Engine& plan) {
  std::string html = "<div class=\"legend\">";
  for (size_t i = 0; i < plan.loadables().size(); ++i)
    html += "<span><i style=\"background:" + report::loadableColour(int(i)) + "\"></i>" +
            esc(plan.loadables()[i].name) + "</span>";
  return html + "<span><i style=\"background:" + report::loadableColour(-1) +
         "\"></i>GPU</span><span><i style=\"background:#d62728\"></i>DLA&harr;GPU hand-off "
         "(edge, timeline)</span><span><i style=\"background:#555555\"></i>submission</span>"
         "<span><i style=\"background:#9ecae1\"></i>host copy</span></div>";
}

std::string adviceHtml(const Engine& plan) {
  auto advice = placementAdvice(plan);
  if (advice.empty())
    return "<p>No change suggested: " +
           std::string(plan.settings().dlaCore < 0 ? "the plan uses no DLA core (--useDLACore)."
                                                   : "no GPU layer broke a rule with a fix.") +
           "</p>";
  std::string html = "<ul class=\"advice\" id=\"advice\">";
  for (const auto& a : advice) {
    std::string names;
    for (size_t i = 0; i < a.layers.size() && i < 6; ++i) names += (i ? ", " : "") + a.layers[i];
    if (a.layers.size() > 6) names += ", ... (" + std::to_string(a.layers.size()) + " in all)";
    html += "<li>" + esc(a.fix) + " <span class=\"note\">(" + esc(names) + ")</span></li>";
  }
  return html + "</ul>";
}

// What the viewer's script shows on hover and click.
std::string dataJson(const Engine& plan, const Performance& p, const report::ChartConfigs& charts) {
  using json = nlohmann::json;
  std::unordered_map<std::string, int> rowOf;
  for (size_t i = 0; i < p.rows.size(); ++i)
    if (p.rows[i].kind == RowKind::kLayer) rowOf.emplace(p.rows[i].name, int(i));
  std::unordered_map<std::string, int> layerOf;
  json layers = json::array();
  for (size_t i = 0; i < plan.layers().size(); ++i) {
    const LayerInfo& l = plan.layers()[i];
    layerOf.emplace(l.name, int(i));
    json nodes = json::array(), reasons = json::array();
    for (const auto& n : l.onnxNodes) nodes.push_back(n.name + " (" + n.op + ")");
    for (const auto& r : l.reasons)
      reasons.push_back({{"rule", r.rule},
                         {"message", r.message},
                         {"value", r.value},
                         {"limit", r.limit},
                         {"fix", r.fix}});
    auto it = rowOf.find(l.name);
    layers.push_back({{"name", l.name},
                      {"type", l.type},
                      {"device", deviceName(l.device)},
                      {"loadable", l.loadable},
                      {"precision", precisionName(l.precision)},
                      {"onnxNodes", nodes},
                      {"reasons", reasons},
                      {"row", it == rowOf.end() ? -1 : it->second},
                      {"work",
                       {{"unit", engineUnitName(l.work.unit)},
                        {"macs", l.work.macs},
                        {"eltOps", l.work.eltOps},
                        {"inputBytes", l.work.inputBytes},
                        {"outputBytes", l.work.outputBytes},
                        {"weightBytes", l.work.weightBytes}}}});
  }
  json rows = json::array();
  for (const auto& r : p.rows) {
    auto it = r.kind == RowKind::kLayer ? layerOf.find(r.name) : layerOf.end();
    rows.push_back({{"name", r.name},
                    {"kind", rowKindName(r.kind)},
                    {"device", deviceName(r.device)},
                    {"unit", engineUnitName(r.unit)},
                    {"loadable", r.loadable},
                    {"bound", boundName(r.bound)},
                    {"ms", r.ms},
                    {"computeMs", r.computeMs},
                    {"memoryMs", r.memoryMs},
                    {"overheadMs", r.overheadMs},
                    {"dramBytes", r.dramBytes},
                    {"layer", it == layerOf.end() ? -1 : it->second}});
  }
  json loadables = json::array();
  for (size_t i = 0; i < plan.loadables().size(); ++i) {
    const LoadableInfo& l = plan.loadables()[i];
    json x = {{"name", l.name}, {"layers", l.layers.size()}, {"ms", 0}, {"bytes", 0}};
    if (i < p.loadables.size()) x["ms"] = p.loadables[i].ms;
    if (i < p.memory.loadables.size()) {
      x["bytes"] = p.memory.loadables[i].totalBytes;
      x["activationBytes"] = p.memory.loadables[i].activationBytes;
      x["sramBytes"] = p.memory.loadables[i].sramBytes;
    }
    loadables.push_back(std::move(x));
  }
  std::string s = json{
      {"layers", layers},
      {"rows", rows},
      {"loadables", loadables},
      {"latencyMs", p.latencyMs},
      {"charts",
       charts}}.dump(-1, ' ', false, json::error_handler_t::replace);
  // Inside <script>, "</" could close the element.
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/')
      out += "<\\";
    else
      out += s[i];
  }
  return out;
}

std::string section(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + id + "\"><h2>" + title + "</h2>" + body + "</section>\n";
}

}  // namespace

std::vector<PlacementAdvice> placementAdvice(const Engine& plan) {
  std::vector<PlacementAdvice> fixes;
  for (const LayerInfo& l : plan.layers()) {
    if (l.device == Device::kDLA) continue;
    for (const auto& v : l.reasons) {
      if (v.fix.empty() || v.rule == "layerDeviceTypes") continue;
      auto it = std::find_if(fixes.begin(), fixes.end(),
                             [&](const PlacementAdvice& f) { return f.fix == v.fix; });
      if (it == fixes.end())
        fixes.push_back({v.fix, {l.name}});
      else if (it->layers.back() != l.name)
        it->layers.push_back(l.name);
    }
  }
  return fixes;
}

std::string reportHtml(const Engine& plan, const ReportOptions& o) {
  Performance p = plan.performance(o.performance);
  if (o.perLayer && o.perLayer->layers.size() != plan.layers().size())
    throw InputError("per-layer comparison has " + std::to_string(o.perLayer->layers.size()) +
                     " layers, the plan " + std::to_string(plan.layers().size()) +
                     ": it is of another model or build");
  std::string title = o.title;
  if (title.empty()) {
    const std::string& src = plan.settings().sourceModel;
    title = src.empty() ? "plan" : src.substr(src.find_last_of('/') + 1);
  }
  report::Timeline t = report::buildTimeline(plan, p);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>dlasim report: " +
      esc(title) + "</title><style>" + report::kReportCss + "</style></head><body>\n<header><h1>" +
      esc(title) + " on " + esc(p.platformName) + "</h1><div class=\"note\">dlasim " +
      std::string(version()) +
      ": every time and size here is modelled (docs/cost-model.md), not measured on a device." +
      "</div>" + (o.commandLine.empty() ? "" : "<code>" + esc(o.commandLine) + "</code>") +
      "</header>\n";
  html += section("summary-section", "Summary", summaryHtml(plan, p));
  report::ChartConfigs charts = report::ChartConfigs::object();
  html += section(
      "graph-section", "Graph: where each layer runs",
      "<div class=\"toolbar\"><button id=\"collapse-all\">collapse all</button><button "
      "id=\"expand-all\">expand all</button><input id=\"search\" placeholder=\"find a layer "
      "(Enter)\" size=\"24\"><button id=\"zoom-in\">+</button><button id=\"zoom-out\">&minus;"
      "</button><button id=\"zoom-fit\">fit</button> <span class=\"note\">wheel: zoom, drag: "
      "pan, hover or click a layer: details; click a loadable's frame to collapse it, its box "
      "to expand it</span></div>" +
          legendHtml(plan) + "<div class=\"graph-view\" id=\"graph-view\"><div class=\"pan\" " +
          "id=\"graph-layers\">" + report::layerGraphSvg(plan) + "</div></div>");
  html += section("timeline-section", "Timeline of one inference (modelled)",
                  "<div class=\"toolbar\"><button id=\"tl-in\">zoom in</button><button "
                  "id=\"tl-out\">zoom out</button><button id=\"tl-left\">&larr;</button>"
                  "<button id=\"tl-right\">&rarr;</button><span class=\"note\">" +
                      num(p.latencyMs) +
                      " ms; rows run one after another within the engine; click a bar for its "
                      "details</span></div>" +
                      report::timelineHtml(plan, p, t, charts));
  html += section("layers-section", "Modelled time per layer, by engine unit and bound",
                  report::unitBarsHtml(p, charts));
  html += section("top-section", "Top 10 by modelled time", report::topRowsHtml(p, charts));
  html += section("advice-section", "Changes that would move layers to the DLA", adviceHtml(plan));
  if (o.perLayer)
    html += section("compare-section", "Error against FP32 through the network",
                    report::errorCurveHtml(*o.perLayer, charts));
  if (o.measured)
    html += section("measured-section", "Measured on a device against modelled",
                    report::measuredHtml(*o.measured, p, charts));
  if (o.capacity)
    html += section("plan-section", "Capacity plan (" + esc(o.capacity->target) + ")",
                    report::capacityHtml(*o.capacity, charts));
  html +=
      "<aside id=\"details\"><p>Hover or click a layer in the graph, a bar in the timeline "
      "or a row of the tables for its details.</p></aside>\n";
  html += "<script type=\"application/json\" id=\"dlasim-data\">" + dataJson(plan, p, charts) +
          "</script>\n<script>" + report::kChartJs + "</script>\n<script>" + report::kReportJs +
          "</script>\n</body></html>\n";
  return html;
}

void writeReport(const Engine& plan, const std::string& path, const ReportOptions& o,
                 const std::vector<std::string>& inputs) {
  writeFileSafely(path, reportHtml(plan, o), inputs);
}

}  // namespace dlasim
