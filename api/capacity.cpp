// dlasim::capacityPlan: one import, two builds, every (batch, power mode, placement) modelled.
#include "dlasim/capacity.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "api/contention.h"
#include "dlasim/model.h"
#include "hwmodels/cost/cost_params.h"
#include "sim/ir/error.h"

namespace dlasim {

using sim::cat;

const char* placementName(Placement p) {
  switch (p) {
    case Placement::kDla0:
      return "DLA0";
    case Placement::kDla0Dla1:
      return "DLA0+DLA1";
    case Placement::kDla0Dla1Gpu:
      return "DLA0+DLA1+GPU";
    case Placement::kDla0Gpu:
      return "DLA0+GPU";
    default:
      return "GPU";
  }
}

bool parsePlacement(const std::string& s, Placement* out) {
  std::string u;
  for (char c : s) u += char(std::toupper(static_cast<unsigned char>(c)));
  for (Placement p : {Placement::kGpu, Placement::kDla0, Placement::kDla0Gpu, Placement::kDla0Dla1,
                      Placement::kDla0Dla1Gpu})
    if (u == placementName(p)) {
      *out = p;
      return true;
    }
  return false;
}

namespace {

// Power-mode clocks are caps: a mode whose clocks are all at least another's can run its engines
// at that mode's rates. Where sharing makes a faster mode deliver less (a faster GPU copy taking
// DRAM the DLA copies need), the row takes the slower mode's figures, paced.
void paceToSlowerModes(std::vector<CapacityPlanRow>& rows) {
  std::vector<CapacityPlanRow> own = rows;
  for (auto& r : rows)
    for (const auto& s : own) {
      bool slower = s.batch == r.batch && s.placement == r.placement && s.platform == r.platform &&
                    s.precision == r.precision && s.powerMode != r.powerMode &&
                    s.dlaClockMHz <= r.dlaClockMHz && s.gpuClockMHz <= r.gpuClockMHz &&
                    s.emcClockMHz <= r.emcClockMHz;
      if (!slower || s.imagesPerSecond <= r.imagesPerSecond) continue;
      r.qps = s.qps;
      r.imagesPerSecond = s.imagesPerSecond;
      r.latencyMs = s.latencyMs;
      r.dramGBs = s.dramGBs;
      r.limit = "paced to " + s.powerMode;
    }
}

int dlaCopies(Placement p) {
  return p == Placement::kGpu ? 0 : p == Placement::kDla0 || p == Placement::kDla0Gpu ? 1 : 2;
}

int gpuLayerCount(const Engine& plan) {
  int n = 0;
  for (const auto& l : plan.layers())
    n += l.device == Device::kGPU;  // as the build log's [GpuLayer] lines, views included
  return n;
}

}  // namespace

namespace {

std::string precisionLabel(const BuildConfig& c) {
  return c.int8 && c.fp16 ? "INT8+FP16" : c.int8 ? "INT8" : c.fp16 ? "FP16" : "FP32";
}

// "int8", "fp16", "best" or "fp32" as the build's precisions.
BuildConfig withPrecision(BuildConfig c, const std::string& name) {
  std::string p;
  for (char ch : name) p += char(std::tolower(static_cast<unsigned char>(ch)));
  if (p != "int8" && p != "fp16" && p != "best" && p != "fp32")
    throw InputError(cat("--precisions: '", name, "' is not one of int8, fp16, best, fp32"));
  c.int8 = p == "int8" || p == "best";
  c.fp16 = p == "fp16" || p == "best";
  return c;
}

// The rows of one platform and precision: two builds (GPU only; DLA core 0 with fallback), every
// batch x power mode x placement modelled from them.
void planConfiguration(const Model& model, const BuildConfig& build, const CapacityPlanOptions& o,
                       CapacityPlan& cp) {
  const hw::Platform& platform = hw::platformById(build.platform);
  std::string label = precisionLabel(build);
  std::vector<std::string> modes = o.powerModes;
  if (modes.empty())
    for (const auto& m : platform.powerModes) modes.push_back(m.name);
  std::vector<int64_t> batches =
      o.batches.empty() ? std::vector<int64_t>{1, 2, 4, 8, 16, 32} : o.batches;
  for (int64_t b : batches)
    if (b < 1 || b > platform.limits.maxBatch)
      throw InputError(cat("--batches: ", b, " is not in [1, ", platform.limits.maxBatch, "]"));
  bool explicitPlaces = !o.placements.empty();
  std::vector<Placement> places = o.placements;
  if (places.empty())
    places = {Placement::kGpu, Placement::kDla0, Placement::kDla0Gpu, Placement::kDla0Dla1,
              Placement::kDla0Dla1Gpu};
  const ModelInfo& info = model.info();
  const TensorSpec& first = info.inputs.front();
  int64_t base = first.shape.empty() ? 1 : first.shape[0];
  auto dyn = info.dynamicInputs.find(first.name);
  bool dynamicBatch = dyn != info.dynamicInputs.end() && !dyn->second.empty() && dyn->second[0] < 0;
  if (!dynamicBatch) {
    std::string note = cat("input '", first.name, "' has a static batch of ", base,
                           ": only that batch is modelled");
    if (std::find(cp.notes.begin(), cp.notes.end(), note) == cp.notes.end())
      cp.notes.push_back(note);
    batches = {base};
  }

  BuildConfig gpuCfg = build, dlaCfg = build;
  gpuCfg.dlaCore = -1;
  dlaCfg.dlaCore = 0;
  dlaCfg.allowGpuFallback = true;
  Engine gpuPlan = model.build(gpuCfg);
  std::optional<Engine> dlaPlan;
  bool wantDla =
      std::any_of(places.begin(), places.end(), [](Placement p) { return p != Placement::kGpu; });
  std::string noDla;
  if (wantDla && platform.dlaCores > 0) {
    try {
      dlaPlan = model.build(dlaCfg);
    } catch (const VerdictError& e) {
      noDla = e.what();
      cp.notes.push_back(cat(platform.name, " ", label, ": no DLA build: ", noDla));
    }
  }
  std::vector<Placement> usable;
  for (Placement p : places) {
    int cores = dlaCopies(p);
    std::string why = cores > platform.dlaCores
                          ? cat(platform.name, " has ", platform.dlaCores, " DLA core(s)")
                      : cores > 0 && !dlaPlan ? cat("no DLA build (", noDla, ")")
                                              : "";
    if (why.empty()) {
      usable.push_back(p);
      continue;
    }
    // Asked for by name, a placement that cannot be modelled is an error, not an empty table.
    if (explicitPlaces)
      throw InputError(cat("--placements: ", placementName(p), " cannot be modelled: ", why));
    if (cores > platform.dlaCores) cp.notes.push_back(cat(placementName(p), " skipped: ", why));
  }
  if (dlaPlan && dlaPlan->loadables().empty())
    cp.notes.push_back("no layer of the model runs on the DLA: DLA placements run on the GPU");

  const hw::CostParams& cost = hw::costParams(platform);
  cp.trtVersion = gpuPlan.settings().trtVersion;
  for (int64_t b : batches) {
    if (b % base != 0) {
      cp.notes.push_back(cat("batch ", b, " skipped: not a multiple of the imported batch ", base,
                             " (give --shapes with batch 1)"));
      continue;
    }
    for (const auto& mode : modes) {
      PerformanceOptions po;
      po.powerMode = mode;
      po.batchScale = b / base;
      Performance g = gpuPlan.performance(po);
      std::optional<Performance> d;
      if (dlaPlan) d = dlaPlan->performance(po);
      for (Placement pl : usable) {
        int n = dlaCopies(pl);
        std::vector<CopyLoad> copies(size_t(n), CopyLoad{d ? &*d : nullptr, true});
        if (pl == Placement::kGpu || pl == Placement::kDla0Gpu || pl == Placement::kDla0Dla1Gpu)
          copies.push_back({&g, false});
        SharedLimits lim;
        lim.dramBytesPerMs = g.dramGBs * 1e6 * cost.gpu.memoryEfficiency;
        lim.dlaPairShared = n > 1;
        lim.dlaPairFactor = cost.dla.pairDramFactor;
        if (d) lim.dlaCoreBytesPerMs = d->dlaDramGBs * 1e6;
        ContentionResult shared = shareResources(copies, lim);
        CapacityPlanRow r;
        r.batch = b;
        r.platform = platform.id;
        r.precision = label;
        r.powerMode = g.powerMode;
        r.dlaClockMHz = g.dlaClockMHz;
        r.gpuClockMHz = g.gpuClockMHz;
        r.emcClockMHz = g.emcClockMHz;
        r.placement = pl;
        int64_t dramBytes = 0;
        double dramRate = 0;
        for (size_t i = 0; i < copies.size(); ++i) {
          const Performance& c = *copies[i].perf;
          double period = shared.periodMs[i];
          if (period <= 0) continue;  // a model of views
          r.qps += 1000.0 / period;
          r.latencyMs = std::max(r.latencyMs, period + c.h2dMs + c.d2hMs);
          dramBytes = std::max(dramBytes, c.dramBytes);
          dramRate += double(c.dramBytes) * 1000.0 / period;
        }
        r.imagesPerSecond = r.qps * double(b);
        const Performance& main = pl == Placement::kGpu ? g : *d;
        r.engineBytes = main.memory.engineBytes;
        if (copies.size() > size_t(n))
          r.engineBytes = std::max(r.engineBytes, g.memory.engineBytes);
        r.dramBytesPerBatch = dramBytes;
        r.dramGBs = dramRate / 1e9;
        r.loadables = int(main.loadables.size());
        r.gpuLayers = gpuLayerCount(pl == Placement::kGpu ? gpuPlan : *dlaPlan);
        r.limit = shared.limit;
        // The least certain copy's uncertainty (an uncalibrated one makes the row uncalibrated).
        bool uncalibrated = false;
        double u = 0;
        for (const auto& c : copies) {
          uncalibrated |= c.perf->uncertainty < 0;
          u = std::max(u, c.perf->uncertainty);
        }
        r.uncertainty = uncalibrated ? -1 : u;
        r.withinBudget = o.latencyBudgetMs <= 0 || r.latencyMs <= o.latencyBudgetMs;
        cp.rows.push_back(r);
      }
    }
  }
}

}  // namespace

CapacityPlan capacityPlan(const std::string& onnxPath, const CapacityPlanOptions& o) {
  CapacityPlan cp;
  cp.model = onnxPath;
  std::vector<std::string> platforms = o.platforms;
  if (platforms.empty()) platforms = {o.build.platform};
  std::vector<BuildConfig> builds;
  for (const auto& id : platforms) {
    BuildConfig c = o.build;
    c.platform = hw::platformById(id).id;  // an unknown id: InputError naming the choices
    if (o.precisions.empty()) builds.push_back(c);
    for (const auto& p : o.precisions) builds.push_back(withPrecision(c, p));
  }
  const hw::Platform& first = hw::platformById(builds.front().platform);
  cp.platform = first.id;
  cp.platformName = first.name;
  for (const auto& b : builds) {
    std::string label = precisionLabel(b);
    if (cp.precision.find(label) == std::string::npos)
      cp.precision += (cp.precision.empty() ? "" : ", ") + label;
    if (b.platform != first.id &&
        cp.platformName.find(hw::platformById(b.platform).name) == std::string::npos)
      cp.platformName += ", " + hw::platformById(b.platform).name;
  }
  LoadOptions lo;
  lo.shapes = o.shapes;
  Model model = Model::load(onnxPath, lo);
  if (model.info().inputs.empty()) throw InputError(cat(onnxPath, ": the model has no inputs"));
  for (const auto& b : builds) planConfiguration(model, b, o, cp);
  paceToSlowerModes(cp.rows);
  for (auto& r : cp.rows)
    r.withinBudget = o.latencyBudgetMs <= 0 || r.latencyMs <= o.latencyBudgetMs;
  cp.target = o.latencyBudgetMs > 0 ? cat("throughput within ", o.latencyBudgetMs, " ms latency")
                                    : "throughput";
  for (size_t i = 0; i < cp.rows.size(); ++i)
    if (cp.rows[i].withinBudget &&
        (cp.best < 0 || cp.rows[i].imagesPerSecond > cp.rows[size_t(cp.best)].imagesPerSecond))
      cp.best = int(i);
  std::ostringstream rec;
  if (cp.best >= 0) {
    CapacityPlanRow& r = cp.rows[size_t(cp.best)];
    r.best = true;
    rec << std::fixed << std::setprecision(1) << "Ship batch " << r.batch << " at power mode "
        << r.powerMode << " on " << placementName(r.placement)
        << (cp.platform != r.platform || cp.precision.find(',') != std::string::npos
                ? cat(" (", r.platform, ", ", r.precision, ")")
                : std::string())
        << ": " << r.imagesPerSecond << " images/s (" << r.qps << " qps), latency "
        << std::setprecision(3) << r.latencyMs << " ms, engine " << std::setprecision(1)
        << double(r.engineBytes) / double(1 << 20) << " MiB (best " << cp.target << ")";
  } else if (!cp.rows.empty()) {
    auto fastest =
        std::min_element(cp.rows.begin(), cp.rows.end(),
                         [](const auto& a, const auto& b) { return a.latencyMs < b.latencyMs; });
    rec << "No configuration meets the " << o.latencyBudgetMs
        << " ms budget; the lowest latency is " << std::fixed << std::setprecision(3)
        << fastest->latencyMs << " ms (batch " << fastest->batch << ", " << fastest->powerMode
        << ", " << placementName(fastest->placement) << ")";
  } else {
    rec << "No configuration could be modelled";
  }
  cp.recommendation = rec.str();
  return cp;
}

}  // namespace dlasim
