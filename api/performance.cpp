// dlasim::Engine::performance and memory: the cost model (hwmodels/cost) over a built engine.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "api/impl.h"
#include "hwmodels/cost/calibration.h"
#include "hwmodels/cost/perf_model.h"

namespace dlasim {

const char* boundName(Bound b) {
  switch (b) {
    case Bound::kCompute:
      return "compute";
    case Bound::kMemory:
      return "memory";
    case Bound::kOverhead:
      return "overhead";
    case Bound::kFused:
      return "fused";
    default:
      return "none";
  }
}

const char* rowKindName(RowKind k) {
  switch (k) {
    case RowKind::kSubmit:
      return "submit";
    case RowKind::kToDla:
      return "to_dla";
    case RowKind::kFromDla:
      return "from_dla";
    case RowKind::kConversion:
      return "conversion";
    case RowKind::kH2D:
      return "h2d";
    case RowKind::kD2H:
      return "d2h";
    default:
      return "layer";
  }
}

std::string uncertaintyText(const Performance& p) {
  if (p.uncertainty < 0) return "modelled, uncalibrated regime";
  std::ostringstream os;
  os << "modelled, ±" << std::lround(p.uncertainty * 100) << "%: " << p.calibrationPoints
     << " calibration point" << (p.calibrationPoints == 1 ? "" : "s") << " of this regime";
  return os.str();
}

namespace {

std::vector<std::string> loadableNames(const EngineImpl& p) {
  std::vector<std::string> v;
  for (const auto& l : p.loadables) v.push_back(l.name);
  return v;
}

// The calibration regime of a plan: what its DLA layers compute in, and whether any layer that
// does work runs on the GPU.
hw::Regime regimeOf(const EngineImpl& p) {
  hw::Regime r;
  r.trtVersion = p.build.trtVersion->id;
  if (p.loadables.empty()) return r;
  r.dlaGeneration = p.build.platform->dlaGeneration;
  for (const auto& l : p.layers) {
    r.int8 |= l.device == Device::kDLA && l.precision == Precision::kINT8;
    r.fallback |= l.device == Device::kGPU && l.work.unit != EngineUnit::kNone;
  }
  return r;
}

}  // namespace

Performance Engine::performance(const PerformanceOptions& o) const {
  const Impl& p = *impl_;
  const hw::Platform& platform = *p.build.platform;
  if (o.batchScale < 1) throw InputError(sim::cat("batch scale ", o.batchScale, " must be >= 1"));
  hw::ClockRequest rq{o.powerMode.empty() ? p.settings.powerMode : o.powerMode, o.dlaClockMHz,
                      o.gpuClockMHz, o.emcClockMHz};
  hw::Clocks k = hw::resolveClocks(platform, rq);
  hw::CostContext ctx(p.graph, p.build.partition, platform, p.costFacts, k, o.batchScale);
  std::vector<std::string> names = loadableNames(p);
  hw::PerfModel m = hw::modelPerformance(ctx, names);
  if (!o.dataTransfers) {
    auto copy = [](const TimingRow& t) {
      return t.kind == RowKind::kH2D || t.kind == RowKind::kD2H;
    };
    for (const auto& t : m.rows)
      if (copy(t)) m.dramBytes -= t.dramBytes;
    m.rows.erase(std::remove_if(m.rows.begin(), m.rows.end(), copy), m.rows.end());
    m.h2dMs = m.d2hMs = 0;
  }
  Performance r;
  r.platform = platform.id;
  r.platformName = platform.name;
  r.powerMode = k.powerMode;
  r.trtVersion = p.build.trtVersion->id;
  r.dlaDramGBs = ctx.dlaDramGBs();
  hw::Regime regime = regimeOf(p);
  hw::Uncertainty u = hw::uncertaintyOf(regime);
  r.regime = hw::regimeName(regime);
  r.uncertainty = u.fraction;
  r.calibrationPoints = u.points;
  r.dlaClockMHz = k.dlaMHz;
  r.gpuClockMHz = k.gpuMHz;
  r.emcClockMHz = k.emcMHz;
  r.dramGBs = k.dramGBs;
  r.batch = o.batchScale;
  if (!p.graph.inputs.empty() && !p.graph.desc(p.graph.inputs[0]).shape.empty())
    r.batch *= p.graph.desc(p.graph.inputs[0]).shape[0];
  r.h2dMs = m.h2dMs;
  r.computeMs = m.computeMs;
  r.d2hMs = m.d2hMs;
  r.latencyMs = m.h2dMs + m.computeMs + m.d2hMs;
  r.enqueueMs = m.enqueueMs;
  // Copies of the next inference overlap this one's compute (trtexec's separate streams).
  double period = std::max({m.computeMs, m.h2dMs, m.d2hMs});
  r.throughputQps = period > 0 ? 1000.0 / period : 0;
  r.dlaBusyMs = m.dlaBusyMs;
  r.gpuBusyMs = m.gpuBusyMs;
  r.dramBytes = m.dramBytes;
  r.rows = std::move(m.rows);
  r.loadables = std::move(m.loadables);
  r.memory = hw::engineMemory(ctx, names, 0, 0);
  return r;
}

EngineMemory Engine::memory() const {
  const Impl& p = *impl_;
  hw::CostContext ctx(p.graph, p.build.partition, *p.build.platform, p.costFacts,
                      hw::resolveClocks(*p.build.platform, {}), 1);
  return hw::engineMemory(ctx, loadableNames(p), 0, 0);
}

}  // namespace dlasim
