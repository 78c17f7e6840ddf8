// dlasim/format.h: trtexec's --exportProfile / --exportTimes / --exportOutput JSON and the
// capacity plan's table, CSV and JSON. Nothing else in the library calls these.
#include "dlasim/format.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/ir/error.h"
#include "sim/ir/tensor.h"

namespace dlasim {

using sim::cat;
using sim::DType;
using sim::shapeStr;

namespace {

std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump();
}

}  // namespace

namespace {

// One row of the exported profile: a timeline row, or a loadable's rows folded into one.
struct ProfileRow {
  TimingRow row;
  std::vector<const TimingRow*> parts;  // a loadable's own rows
  std::string kind;
};

std::string rowJson(const TimingRow& r, const std::string& kind, const std::string& loadable,
                    int count, double total) {
  std::ostringstream os;
  os << "{ \"name\" : " << quoted(r.name) << ", \"timeMs\" : " << r.ms * count
     << ", \"averageMs\" : " << r.ms << ", \"medianMs\" : " << r.ms
     << ", \"percentage\" : " << (total > 0 ? 100.0 * r.ms / total : 0.0) << ", \"device\" : \""
     << deviceName(r.device) << "\", \"engineUnit\" : \"" << engineUnitName(r.unit)
     << "\", \"loadable\" : " << quoted(loadable) << ", \"precision\" : \""
     << precisionName(r.precision) << "\", \"bound\" : \"" << boundName(r.bound)
     << "\", \"kind\" : \"" << kind << "\", \"macs\" : " << r.macs
     << ", \"dramBytes\" : " << r.dramBytes;
  return os.str();
}

}  // namespace

std::string profileJson(const Performance& p, int count,
                        const std::vector<std::string>& engineLayers) {
  double total = 0;
  for (const auto& r : p.rows) total += r.ms;
  auto loadableName = [&](int l) {
    return l >= 0 && size_t(l) < p.loadables.size() ? p.loadables[size_t(l)].name : "";
  };
  // Fold each loadable's rows into one; its unit, precision and bound are its longest part's.
  std::vector<ProfileRow> rows;
  std::map<int, size_t> folded;
  for (const auto& r : p.rows) {
    if (r.loadable < 0) {
      rows.push_back({r, {}, rowKindName(r.kind)});
      continue;
    }
    auto [it, added] = folded.insert({r.loadable, rows.size()});
    if (added) {
      ProfileRow f;
      f.row.name = loadableName(r.loadable);
      f.row.kind = RowKind::kSubmit;
      f.row.device = Device::kDLA;
      f.row.loadable = r.loadable;
      f.kind = "loadable";
      rows.push_back(f);
    }
    ProfileRow& f = rows[it->second];
    if (f.parts.empty() || r.ms > f.row.computeMs) {  // computeMs: the longest part so far
      f.row.unit = r.unit;
      f.row.precision = r.precision;
      f.row.bound = r.bound;
      f.row.computeMs = r.ms;
    }
    f.row.ms += r.ms;
    f.row.macs += r.macs;
    f.row.dramBytes += r.dramBytes;
    f.parts.push_back(&r);
  }
  // In the engine's layer order when it is given: the host copies first and last.
  if (!engineLayers.empty()) {
    std::vector<ProfileRow> ordered;
    std::vector<bool> used(rows.size(), false);
    auto take = [&](size_t i) {
      used[i] = true;
      ordered.push_back(rows[i]);
    };
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i].row.kind == RowKind::kH2D) take(i);
    for (const auto& name : engineLayers) {
      size_t i = 0;
      while (i < rows.size() && (used[i] || rows[i].row.name != name)) ++i;
      if (i < rows.size()) {
        take(i);
        continue;
      }
      ProfileRow zero;
      zero.row.name = name;
      zero.kind = "reformat";
      ordered.push_back(zero);
    }
    for (size_t i = 0; i < rows.size(); ++i)
      if (!used[i]) take(i);  // D2H, and anything the layer list does not name
    rows = std::move(ordered);
  }
  std::ostringstream os;
  std::string u = p.uncertainty < 0 ? "null" : std::to_string(p.uncertainty);
  os << "[\n  { \"count\" : " << count << ", \"uncertainty\" : " << u
     << ", \"regime\" : " << quoted(p.regime) << ", \"trtVersion\" : " << quoted(p.trtVersion)
     << " }\n";
  for (const auto& r : rows) {
    os << ", " << rowJson(r.row, r.kind, loadableName(r.row.loadable), count, total)
       << ", \"uncertainty\" : " << u;
    if (!r.parts.empty()) {
      os << ", \"layers\" : [";
      for (size_t i = 0; i < r.parts.size(); ++i)
        os << (i ? ", " : " ")
           << rowJson(*r.parts[i], rowKindName(r.parts[i]->kind), r.row.name, count, total) << " }";
      os << " ]";
    }
    os << " }\n";
  }
  os << "]\n";
  return os.str();
}

std::string timesJson(const Performance& p, const TimingRun& run) {
  std::ostringstream os;
  os << "[\n";
  for (size_t i = 0; i < run.startMs.size(); ++i) {
    double h2d = run.startMs[i], compute = h2d + p.h2dMs, d2h = compute + p.computeMs;
    os << (i ? ", " : "  ") << "{ \"startEnqMs\" : " << h2d
       << ", \"endEnqMs\" : " << h2d + p.enqueueMs << ", \"startH2dMs\" : " << h2d
       << ", \"endH2dMs\" : " << compute << ", \"startComputeMs\" : " << compute
       << ", \"endComputeMs\" : " << d2h << ", \"startD2hMs\" : " << d2h
       << ", \"endD2hMs\" : " << d2h + p.d2hMs << ", \"h2dMs\" : " << p.h2dMs
       << ", \"computeMs\" : " << p.computeMs << ", \"d2hMs\" : " << p.d2hMs
       << ", \"latencyMs\" : " << p.latencyMs << " }\n";
  }
  os << "]\n";
  return os.str();
}

std::string formatCapacityPlan(const CapacityPlan& p, const std::string& format) {
  auto mib = [](int64_t b) { return double(b) / double(1 << 20); };
  std::ostringstream os;
  if (format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : p.rows)
      rows.push_back({{"platform", r.platform},
                      {"precision", r.precision},
                      {"batch", r.batch},
                      {"powerMode", r.powerMode},
                      {"dlaClockMHz", r.dlaClockMHz},
                      {"gpuClockMHz", r.gpuClockMHz},
                      {"emcClockMHz", r.emcClockMHz},
                      {"placement", placementName(r.placement)},
                      {"qps", r.qps},
                      {"imagesPerSecond", r.imagesPerSecond},
                      {"latencyMs", r.latencyMs},
                      {"engineBytes", r.engineBytes},
                      {"dramBytesPerBatch", r.dramBytesPerBatch},
                      {"dramGBs", r.dramGBs},
                      {"loadables", r.loadables},
                      {"gpuLayers", r.gpuLayers},
                      {"limit", r.limit},
                      {"uncertainty",
                       r.uncertainty < 0 ? nlohmann::json(nullptr) : nlohmann::json(r.uncertainty)},
                      {"withinBudget", r.withinBudget},
                      {"best", r.best}});
    nlohmann::json j = {{"model", p.model},
                        {"platform", p.platform},
                        {"platformName", p.platformName},
                        {"trtVersion", p.trtVersion},
                        {"precision", p.precision},
                        {"target", p.target},
                        {"modelled", true},
                        {"rows", rows},
                        {"best", p.best},
                        {"recommendation", p.recommendation},
                        {"notes", p.notes}};
    return j.dump(2) + "\n";
  }
  if (format == "csv") {
    os << "batch,power_mode,dla_mhz,gpu_mhz,emc_mhz,placement,qps,images_per_s,latency_ms,engine_"
          "mib,dram_mb_per_batch,"
          "dram_gbs,loadables,gpu_layers,limit,uncertainty,within_budget,best,platform,precision\n";
    for (const auto& r : p.rows)
      os << r.batch << ',' << r.powerMode << ',' << r.dlaClockMHz << ',' << r.gpuClockMHz << ','
         << r.emcClockMHz << ',' << placementName(r.placement) << ',' << r.qps << ','
         << r.imagesPerSecond << ',' << r.latencyMs << ',' << mib(r.engineBytes) << ','
         << double(r.dramBytesPerBatch) / 1e6 << ',' << r.dramGBs << ',' << r.loadables << ','
         << r.gpuLayers << ',' << r.limit << ','
         << (r.uncertainty < 0 ? std::string("uncalibrated") : std::to_string(r.uncertainty)) << ','
         << (r.withinBudget ? 1 : 0) << ',' << (r.best ? 1 : 0) << ',' << r.platform << ','
         << r.precision << '\n';
    return os.str();
  }
  if (format != "table")
    throw InputError(cat("--format: '", format, "' is not one of table, csv, json"));
  os << "Capacity plan for " << p.model << " on " << p.platformName << " (modelled by dlasim; "
     << p.precision << ", TensorRT " << p.trtVersion << "; target: " << p.target << ")\n";
  // Several platforms or precisions: a column each, so the rows compare across them.
  bool sweep = false;
  for (const auto& r : p.rows)
    sweep |= r.platform != p.rows.front().platform || r.precision != p.rows.front().precision;
  os << std::left << "  ";
  if (sweep) os << std::setw(15) << "Platform" << std::setw(10) << "Precision";
  os << std::setw(6) << "Batch" << std::setw(7) << "Power" << std::setw(15) << "Placement"
     << std::right << std::setw(11) << "qps" << std::setw(12) << "images/s" << std::setw(13)
     << "latency ms" << std::setw(12) << "engine MiB" << std::setw(14) << "DRAM MB/batch"
     << std::setw(10) << "DRAM GB/s" << std::setw(8) << "+-%"
     << "  Limit\n";
  os << std::fixed;
  for (const auto& r : p.rows) {
    os << (r.best ? "* " : r.withinBudget ? "  " : "- ") << std::left;
    if (sweep) os << std::setw(15) << r.platform << std::setw(10) << r.precision;
    os << std::setw(6) << r.batch << std::setw(7) << r.powerMode << std::setw(15)
       << placementName(r.placement) << std::right << std::setprecision(1) << std::setw(11) << r.qps
       << std::setw(12) << r.imagesPerSecond << std::setprecision(3) << std::setw(13) << r.latencyMs
       << std::setprecision(2) << std::setw(12) << mib(r.engineBytes) << std::setw(14)
       << double(r.dramBytesPerBatch) / 1e6 << std::setprecision(1) << std::setw(10) << r.dramGBs
       << std::setw(8)
       << (r.uncertainty < 0 ? std::string("uncal.")
                             : std::to_string(std::lround(r.uncertainty * 100)))
       << "  " << r.limit << "\n";
  }
  std::vector<std::string> modes;
  for (const auto& r : p.rows)
    if (std::find(modes.begin(), modes.end(), r.platform + r.powerMode) == modes.end()) {
      modes.push_back(r.platform + r.powerMode);
      os << std::setprecision(1) << "Power mode " << r.powerMode << (sweep ? " of " : "")
         << (sweep ? r.platform : "") << ": DLA " << r.dlaClockMHz << " MHz, GPU " << r.gpuClockMHz
         << " MHz, EMC " << r.emcClockMHz << " MHz\n";
    }
  for (const auto& n : p.notes) os << "Note: " << n << "\n";
  if (p.rows.size() && p.best >= 0) os << "(* best; - over the latency budget)\n";
  os << "Recommendation: " << p.recommendation << "\n";
  return os.str();
}

std::string outputJson(const std::vector<std::string>& names, const std::vector<Tensor>& values) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (size_t i = 0; i < names.size(); ++i) {
    nlohmann::ordered_json o;
    o["name"] = names[i];
    o["dimensions"] = shapeStr(values[i].shape()) == "scalar" ? "" : shapeStr(values[i].shape());
    nlohmann::ordered_json v = nlohmann::ordered_json::array();
    DType t = values[i].dtype();
    bool integral = t != DType::kFloat && t != DType::kDouble && t != DType::kHalf;
    for (double x : values[i].asDouble()) {
      if (t == DType::kFloat)
        v.push_back(static_cast<float>(x));
      else if (integral)  // trtexec prints integer bindings as integers
        v.push_back(static_cast<int64_t>(x));
      else
        v.push_back(x);
    }
    o["values"] = std::move(v);
    arr.push_back(std::move(o));
  }
  return arr.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace dlasim
