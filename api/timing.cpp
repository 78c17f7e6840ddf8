// trtexec's timing loop over a modelled inference, and its --exportProfile / --exportTimes files.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dlasim/performance.h"

namespace dlasim {

namespace {

// trtexec stops at whichever of --iterations and --duration comes last; a cap keeps absurd
// durations from building absurd timelines.
constexpr int kMaxQueries = 10'000'000;

TimingStats constant(double v, size_t percentiles) {
  TimingStats s;
  s.min = s.max = s.mean = s.median = v;
  s.percentiles.assign(percentiles, v);
  return s;
}

std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump();
}

}  // namespace

TimingRun simulateTiming(const Performance& p, const TimingOptions& o) {
  TimingRun r;
  double period = std::max({p.computeMs, p.h2dMs, p.d2hMs});
  size_t np = o.percentiles.size();
  r.latency = constant(p.latencyMs, np);
  r.enqueue = constant(p.enqueueMs, np);
  r.h2d = constant(p.h2dMs, np);
  r.compute = constant(p.computeMs, np);
  r.d2h = constant(p.d2hMs, np);
  if (period <= 0) {
    r.queries = std::max(o.iterations, 1);
    return r;
  }
  if (o.warmUpMs > 0) {
    r.warmUpQueries = int(std::min<double>(kMaxQueries, std::ceil(o.warmUpMs / period)));
    r.warmUpMs = r.warmUpQueries * period;
  }
  double byDuration = o.durationS > 0 ? std::ceil(o.durationS * 1000.0 / period) : 0;
  r.queries = int(std::min<double>(kMaxQueries, std::max<double>(o.iterations, byDuration)));
  // From the first query's start to the last one's end.
  double wallMs = (r.queries - 1) * period + p.latencyMs;
  r.walltimeS = wallMs / 1000.0;
  r.throughputQps = r.queries / r.walltimeS;
  r.totalComputeS = r.queries * p.computeMs / 1000.0;
  r.startMs.resize(size_t(r.queries));
  for (int i = 0; i < r.queries; ++i) r.startMs[size_t(i)] = r.warmUpMs + i * period;
  return r;
}

std::string profileJson(const Performance& p, int count) {
  double total = 0;
  for (const auto& r : p.rows) total += r.ms;
  std::ostringstream os;
  std::string u = p.uncertainty < 0 ? "null" : std::to_string(p.uncertainty);
  os << "[\n  { \"count\" : " << count << ", \"uncertainty\" : " << u
     << ", \"regime\" : " << quoted(p.regime) << ", \"trtVersion\" : " << quoted(p.trtVersion)
     << " }\n";
  for (const auto& r : p.rows) {
    std::string loadable = r.loadable >= 0 && size_t(r.loadable) < p.loadables.size()
                               ? p.loadables[r.loadable].name
                               : "";
    os << ", { \"name\" : " << quoted(r.name) << ", \"timeMs\" : " << r.ms * count
       << ", \"averageMs\" : " << r.ms << ", \"medianMs\" : " << r.ms
       << ", \"percentage\" : " << (total > 0 ? 100.0 * r.ms / total : 0.0) << ", \"device\" : \""
       << deviceName(r.device) << "\", \"engineUnit\" : \"" << engineUnitName(r.unit)
       << "\", \"loadable\" : " << quoted(loadable) << ", \"precision\" : \""
       << precisionName(r.precision) << "\", \"bound\" : \"" << boundName(r.bound)
       << "\", \"kind\" : \"" << rowKindName(r.kind) << "\", \"macs\" : " << r.macs
       << ", \"dramBytes\" : " << r.dramBytes << ", \"uncertainty\" : " << u << " }\n";
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

}  // namespace dlasim
