#include "api/contention.h"

#include <algorithm>
#include <cmath>

namespace dlasim {

namespace {

struct Stretch {
  double memory = 1, dla = 1, gpu = 1;
};

bool hostCopy(const TimingRow& r) {
  return r.kind == RowKind::kH2D || r.kind == RowKind::kD2H;
}

// One row's time when DRAM terms stretch by `mem` and GPU rows by `gpu`.
double rowMs(const TimingRow& r, double mem, double gpu) {
  if (r.bound == Bound::kFused || r.ms <= 0) return 0;
  double t = std::max(r.computeMs, r.memoryMs * mem) + r.overheadMs;
  if (r.computeMs == 0 && r.memoryMs == 0 && r.overheadMs == 0) t = r.ms;
  return r.device == Device::kGPU ? t * gpu : t;
}

struct Demand {
  double periodMs = 0, dramBytes = 0, dlaBytes = 0, gpuBusyMs = 0;
};

Demand demandOf(const CopyLoad& c, const Stretch& s) {
  Demand d;
  for (const auto& r : c.perf->rows) {
    if (hostCopy(r)) {  // on their own streams, overlapping compute: bytes only
      d.dramBytes += double(r.dramBytes);
      continue;
    }
    bool dla = r.device == Device::kDLA;
    double mem = dla ? std::max(s.memory, s.dla) : s.memory;
    double t = rowMs(r, mem, s.gpu);
    d.periodMs += t;
    d.dramBytes += double(r.dramBytes);
    if (dla) d.dlaBytes += double(r.dramBytes);
    if (!dla) d.gpuBusyMs += t / s.gpu;  // the GPU's own busy time, without waiting
  }
  return d;
}

}  // namespace

ContentionResult shareResources(const std::vector<CopyLoad>& copies, const SharedLimits& limits) {
  Stretch s;
  std::vector<Demand> d(copies.size());
  // Each stretch moves by the ratio of demand to capacity (damped) until all demands fit.
  for (int iter = 0; iter < 200; ++iter) {
    double dram = 0, pair = 0, gpu = 0, duty = 0;
    int dlaCopies = 0;
    for (size_t i = 0; i < copies.size(); ++i) {
      d[i] = demandOf(copies[i], s);
      if (d[i].periodMs <= 0) continue;
      dram += d[i].dramBytes / d[i].periodMs;
      gpu += d[i].gpuBusyMs / d[i].periodMs;
      if (!copies[i].onDla) continue;
      pair += d[i].dlaBytes / d[i].periodMs;
      ++dlaCopies;
      // The share of its time a core streams from DRAM at its full rate (without the stretch).
      if (limits.dlaCoreBytesPerMs > 0)
        duty += std::min(1.0, d[i].dlaBytes / (d[i].periodMs * limits.dlaCoreBytesPerMs) * s.dla);
    }
    double needMem = limits.dramBytesPerMs > 0 ? dram / limits.dramBytesPerMs : 0;
    double pairRate = limits.dlaPairFactor * limits.dlaCoreBytesPerMs;
    double needPair = limits.dlaPairShared && pairRate > 0 ? pair / pairRate : 0;
    double needGpu = gpu;
    auto step = [](double& x, double need) {
      x = std::max(1.0, x * std::pow(std::max(need, 1e-9), 0.7));
    };
    Stretch before = s;
    step(s.memory, needMem);
    step(s.dla, needPair);
    if (limits.dlaPairShared && dlaCopies > 1) {
      // While both cores stream, each gets pairFactor / 2 of its rate: a core's memory terms
      // stretch by that for the share of time the other one streams too.
      double both = 1 + duty / dlaCopies * (2 / limits.dlaPairFactor - 1);
      s.dla = std::max(s.dla, 0.5 * (s.dla + both));
    }
    step(s.gpu, needGpu);
    if (std::fabs(before.memory - s.memory) < 1e-7 && std::fabs(before.dla - s.dla) < 1e-7 &&
        std::fabs(before.gpu - s.gpu) < 1e-7)
      break;
  }
  ContentionResult r;
  for (const auto& x : d) r.periodMs.push_back(x.periodMs);
  r.memoryStretch = s.memory;
  r.dlaStretch = s.dla;
  r.gpuStretch = s.gpu;
  double top = std::max({s.memory, s.dla, s.gpu});
  if (top > 1 + 1e-6) r.limit = top == s.gpu ? "GPU" : top == s.memory ? "DRAM" : "DLA memory";
  return r;
}

}  // namespace dlasim
