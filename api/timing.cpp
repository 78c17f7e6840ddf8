// trtexec's timing loop over a modelled inference (its files: api/format.cpp).
#include <algorithm>
#include <cmath>
#include <map>
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

}  // namespace dlasim
