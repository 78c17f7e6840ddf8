// A profile measured on a device, read back and set beside the modelled rows.
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "dlasim/errors.h"
#include "dlasim/report.h"
#include "report/charts.h"
#include "report/html_util.h"
#include "report/json_file.h"

namespace dlasim {

namespace {

// Names a profile row may carry for this plan: its timing rows, layers and loadables.
std::set<std::string> planNames(const Engine& plan, const Performance& p) {
  std::set<std::string> names;
  for (const auto& r : p.rows) names.insert(r.name);
  for (const auto& l : plan.layers()) names.insert(l.name);
  for (const auto& l : plan.loadables()) names.insert(l.name);
  return names;
}

}  // namespace

MeasuredProfile readProfileJson(const std::string& path, const Engine& plan) {
  nlohmann::json j = report::readJsonFile(path, "a trtexec profile");
  auto bad = [&](const std::string& what) { throw InputError(path + ": " + what); };
  if (j.is_discarded() || !j.is_array())
    bad("not a trtexec profile (a JSON array written by --exportProfile)");
  MeasuredProfile m;
  m.source = path;
  for (const auto& x : j) {
    if (!x.is_object() || x.contains("count")) continue;
    auto name = x.find("name");
    auto ms = x.find("averageMs");
    if (name == x.end() || !name->is_string() || ms == x.end() || !ms->is_number())
      bad("row " + std::to_string(m.rows.size() + 1) + " has no \"name\" and \"averageMs\"");
    double v = ms->get<double>();
    if (!(v >= 0) || !std::isfinite(v))
      bad("row '" + printable(name->get<std::string>()) + "' has averageMs " + std::to_string(v));
    m.rows.push_back({name->get<std::string>(), v});
  }
  if (m.rows.empty()) bad("no profile rows");
  std::set<std::string> names = planNames(plan, plan.performance());
  std::vector<std::string> unknown;
  for (const auto& r : m.rows)
    if (!names.count(r.name)) unknown.push_back(r.name);
  // A device's profile may name reformats its own way; most rows must still be the plan's.
  if (2 * unknown.size() > m.rows.size())
    bad(std::to_string(unknown.size()) + " of " + std::to_string(m.rows.size()) +
        " rows name no layer of this plan (first: '" + printable(unknown.front()) +
        "'): a profile of another model or build");
  return m;
}

namespace report {

std::string measuredHtml(const MeasuredProfile& m, const Performance& p, ChartConfigs& charts) {
  // By name; a loadable is one row of a profile (trtexec's ForeignNode, dlasim's folded row with
  // its rows under "layers", not read): its modelled time is all its rows'.
  std::unordered_map<std::string, double> modelled;
  std::map<int, double> loadableMs;
  for (const auto& r : p.rows) {
    modelled[r.name] += r.ms;
    if (r.loadable >= 0) loadableMs[r.loadable] += r.ms;
  }
  for (const auto& [l, ms] : loadableMs)
    if (size_t(l) < p.loadables.size()) modelled[p.loadables[size_t(l)].name] = ms;
  double measuredTotal = 0;
  for (const auto& r : m.rows) measuredTotal += r.averageMs;
  std::vector<const MeasuredProfile::Row*> rows;
  for (const auto& r : m.rows) rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(),
                   [](auto* a, auto* b) { return a->averageMs > b->averageMs; });
  if (rows.size() > 20) rows.resize(20);
  nlohmann::json labels = nlohmann::json::array(), measured = nlohmann::json::array(),
                 model = nlohmann::json::array();
  std::string table =
      "<table class=\"grid\" id=\"measured\"><tr><th>row</th><th>measured ms</th>"
      "<th>modelled ms</th><th>modelled / measured</th></tr>";
  for (const auto* r : rows) {
    auto it = modelled.find(r->name);
    labels.push_back(printable(r->name).substr(0, 48));
    measured.push_back(r->averageMs);
    model.push_back(it == modelled.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second));
    table += "<tr><td class=\"name\">" + esc(r->name) + "</td><td class=\"num\">" +
             num(r->averageMs) + "</td><td class=\"num\">" +
             (it == modelled.end() ? "-" : num(it->second)) + "</td><td class=\"num\">" +
             (it == modelled.end() || r->averageMs <= 0 ? "-" : num(it->second / r->averageMs, 3)) +
             "</td></tr>";
  }
  nlohmann::json config = {
      {"type", "bar"},
      {"data",
       {{"labels", labels},
        {"datasets",
         {{{"label", "measured"}, {"data", measured}, {"backgroundColor", "#555555"}},
          {{"label", "modelled"}, {"data", model}, {"backgroundColor", "#1f77b4"}}}}}},
      {"options",
       {{"indexAxis", "y"},
        {"scales",
         {{"x", {{"beginAtZero", true}, {"title", {{"display", true}, {"text", "ms"}}}}},
          {"y", {{"ticks", {{"autoSkip", false}, {"font", {{"size", 10}}}}}}}}},
        {"plugins", {{"legend", {{"position", "top"}}}}}}}};
  return "<p>" + esc(m.source) + ": " + std::to_string(m.rows.size()) + " rows adding up to " +
         num(measuredTotal) + " ms measured; modelled " + num(p.latencyMs) +
         " ms. The 20 rows that took longest on the device:</p>" +
         chartCanvas(charts, "measured-chart", std::move(config), int(rows.size()) * 26 + 80) +
         table + "</table>";
}

}  // namespace report

}  // namespace dlasim
