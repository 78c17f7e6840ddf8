// The modelled timeline as Chrome Trace Event JSON ("Trace Event Format", the JSON object form
// with "traceEvents"; complete events "X" with microsecond times, metadata events "M" naming
// processes and threads), which Perfetto and chrome://tracing open.
#include <map>
#include <nlohmann/json.hpp>

#include "dlasim/report.h"
#include "report/timeline.h"

namespace dlasim {

std::string chromeTraceJson(const Engine& plan, const Performance& p) {
  using json = nlohmann::ordered_json;
  report::Timeline t = report::buildTimeline(plan, p);
  json events = json::array();
  std::map<std::string, int> pidOf;
  std::vector<int> pids;
  for (size_t i = 0; i < t.lanes.size(); ++i) {
    const auto& lane = t.lanes[i];
    auto [it, added] = pidOf.emplace(lane.device, int(pidOf.size()) + 1);
    pids.push_back(it->second);
    if (added) {
      events.push_back({{"name", "process_name"},
                        {"ph", "M"},
                        {"pid", it->second},
                        {"args", {{"name", lane.device}}}});
      events.push_back({{"name", "process_sort_index"},
                        {"ph", "M"},
                        {"pid", it->second},
                        {"args", {{"sort_index", it->second}}}});
    }
    int tid = int(i) + 1;
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", it->second},
                      {"tid", tid},
                      {"args", {{"name", lane.unit}}}});
    events.push_back({{"name", "thread_sort_index"},
                      {"ph", "M"},
                      {"pid", it->second},
                      {"tid", tid},
                      {"args", {{"sort_index", tid}}}});
  }
  const auto& loadables = plan.loadables();
  for (const auto& b : t.bars) {
    json args = json::object();
    if (b.row >= 0) {
      const TimingRow& r = p.rows[size_t(b.row)];
      args["device"] = deviceName(r.device);
      args["engineUnit"] = engineUnitName(r.unit);
      args["precision"] = precisionName(r.precision);
      args["bound"] = boundName(r.bound);
      args["macs"] = r.macs;
      args["dramBytes"] = r.dramBytes;
      args["ms"] = r.ms;
      if (b.layer >= 0) args["layerType"] = plan.layers()[size_t(b.layer)].type;
    } else {
      args["ms"] = b.ms;
      args["layers"] = loadables[size_t(b.loadable)].layers.size();
    }
    if (b.loadable >= 0 && size_t(b.loadable) < loadables.size())
      args["loadable"] = loadables[size_t(b.loadable)].name;
    events.push_back({{"name", b.name},
                      {"cat", b.kind},
                      {"ph", "X"},
                      {"ts", b.startMs * 1000.0},
                      {"dur", b.ms * 1000.0},
                      {"pid", pids[size_t(b.lane)]},
                      {"tid", b.lane + 1},
                      {"args", std::move(args)}});
  }
  json j = {{"traceEvents", std::move(events)},
            {"displayTimeUnit", "ms"},
            {"otherData",
             {{"modelledBy", "dlasim"},
              {"platform", p.platformName},
              {"powerMode", p.powerMode},
              {"latencyMs", p.latencyMs},
              {"note", "modelled by dlasim, not measured on a device"}}}};
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace dlasim
