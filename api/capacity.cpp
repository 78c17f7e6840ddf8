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
      bool slower = s.batch == r.batch && s.placement == r.placement &&
                    s.powerMode != r.powerMode && s.dlaClockMHz <= r.dlaClockMHz &&
                    s.gpuClockMHz <= r.gpuClockMHz && s.emcClockMHz <= r.emcClockMHz;
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

int gpuLayerCount(const Plan& plan) {
  int n = 0;
  for (const auto& l : plan.layers())
    n += l.device == Device::kGPU && l.work.unit != EngineUnit::kNone;
  return n;
}

}  // namespace

CapacityPlan capacityPlan(const std::string& onnxPath, const CapacityPlanOptions& o) {
  CapacityPlan cp;
  cp.model = onnxPath;
  const hw::Platform& platform = hw::platformById(o.build.platform);
  cp.platform = platform.id;
  cp.platformName = platform.name;
  std::vector<std::string> modes = o.powerModes;
  if (modes.empty())
    for (const auto& m : platform.powerModes) modes.push_back(m.name);
  std::vector<int64_t> batches =
      o.batches.empty() ? std::vector<int64_t>{1, 2, 4, 8, 16, 32} : o.batches;
  for (int64_t b : batches)
    if (b < 1 || b > platform.limits.maxBatch)
      throw InputError(cat("--batches: ", b, " is not in [1, ", platform.limits.maxBatch, "]"));
  std::vector<Placement> places = o.placements;
  if (places.empty())
    places = {Placement::kGpu, Placement::kDla0, Placement::kDla0Gpu, Placement::kDla0Dla1,
              Placement::kDla0Dla1Gpu};

  LoadOptions lo;
  lo.shapes = o.shapes;
  Model model = Model::load(onnxPath, lo);
  const ModelInfo& info = model.info();
  if (info.inputs.empty()) throw InputError(cat(onnxPath, ": the model has no inputs"));
  const TensorSpec& first = info.inputs.front();
  int64_t base = first.shape.empty() ? 1 : first.shape[0];
  auto dyn = info.dynamicInputs.find(first.name);
  bool dynamicBatch = dyn != info.dynamicInputs.end() && !dyn->second.empty() && dyn->second[0] < 0;
  if (!dynamicBatch) {
    cp.notes.push_back(cat("input '", first.name, "' has a static batch of ", base,
                           ": only that batch is modelled"));
    batches = {base};
  }

  BuildConfig gpuCfg = o.build, dlaCfg = o.build;
  gpuCfg.dlaCore = -1;
  dlaCfg.dlaCore = 0;
  dlaCfg.allowGpuFallback = true;
  Plan gpuPlan = model.build(gpuCfg);
  std::optional<Plan> dlaPlan;
  bool wantDla =
      std::any_of(places.begin(), places.end(), [](Placement p) { return p != Placement::kGpu; });
  if (wantDla && platform.dlaCores > 0) {
    try {
      dlaPlan = model.build(dlaCfg);
    } catch (const VerdictError& e) {
      cp.notes.push_back(cat("no DLA build: ", e.what()));
    }
  }
  std::vector<Placement> usable;
  for (Placement p : places) {
    int cores = dlaCopies(p);
    if (cores > 0 && !dlaPlan) continue;
    if (cores > platform.dlaCores) {
      cp.notes.push_back(cat(placementName(p), " skipped: ", platform.name, " has ",
                             platform.dlaCores, " DLA core(s)"));
      continue;
    }
    usable.push_back(p);
  }
  if (dlaPlan && dlaPlan->loadables().empty())
    cp.notes.push_back("no layer of the model runs on the DLA: DLA placements run on the GPU");

  const hw::CostParams& cost = hw::costParams(platform);
  cp.trtVersion = gpuPlan.settings().trtVersion;
  cp.precision = o.build.int8 && o.build.fp16 ? "INT8+FP16"
                 : o.build.int8               ? "INT8"
                 : o.build.fp16               ? "FP16"
                                              : "FP32";
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
        << r.powerMode << " on " << placementName(r.placement) << ": " << r.imagesPerSecond
        << " images/s (" << r.qps << " qps), latency " << std::setprecision(3) << r.latencyMs
        << " ms, engine " << std::setprecision(1) << double(r.engineBytes) / double(1 << 20)
        << " MiB (best " << cp.target << ")";
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

std::string formatCapacityPlan(const CapacityPlan& p, const std::string& format) {
  auto mib = [](int64_t b) { return double(b) / double(1 << 20); };
  std::ostringstream os;
  if (format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : p.rows)
      rows.push_back({{"batch", r.batch},
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
          "dram_gbs,loadables,gpu_layers,limit,uncertainty,within_budget,best\n";
    for (const auto& r : p.rows)
      os << r.batch << ',' << r.powerMode << ',' << r.dlaClockMHz << ',' << r.gpuClockMHz << ','
         << r.emcClockMHz << ',' << placementName(r.placement) << ',' << r.qps << ','
         << r.imagesPerSecond << ',' << r.latencyMs << ',' << mib(r.engineBytes) << ','
         << double(r.dramBytesPerBatch) / 1e6 << ',' << r.dramGBs << ',' << r.loadables << ','
         << r.gpuLayers << ',' << r.limit << ','
         << (r.uncertainty < 0 ? std::string("uncalibrated") : std::to_string(r.uncertainty)) << ','
         << (r.withinBudget ? 1 : 0) << ',' << (r.best ? 1 : 0) << '\n';
    return os.str();
  }
  if (format != "table")
    throw InputError(cat("--format: '", format, "' is not one of table, csv, json"));
  os << "Capacity plan for " << p.model << " on " << p.platformName << " (modelled by dlasim; "
     << p.precision << ", TensorRT " << p.trtVersion << "; target: " << p.target << ")\n";
  os << std::left << "  " << std::setw(6) << "Batch" << std::setw(7) << "Power" << std::setw(15)
     << "Placement" << std::right << std::setw(11) << "qps" << std::setw(12) << "images/s"
     << std::setw(13) << "latency ms" << std::setw(12) << "engine MiB" << std::setw(14)
     << "DRAM MB/batch" << std::setw(10) << "DRAM GB/s" << std::setw(8) << "+-%"
     << "  Limit\n";
  os << std::fixed;
  for (const auto& r : p.rows) {
    os << (r.best           ? "* "
           : r.withinBudget ? "  "
                            : "- ")
       << std::left << std::setw(6) << r.batch << std::setw(7) << r.powerMode << std::setw(15)
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
    if (std::find(modes.begin(), modes.end(), r.powerMode) == modes.end()) {
      modes.push_back(r.powerMode);
      os << std::setprecision(1) << "Power mode " << r.powerMode << ": DLA " << r.dlaClockMHz
         << " MHz, GPU " << r.gpuClockMHz << " MHz, EMC " << r.emcClockMHz << " MHz\n";
    }
  for (const auto& n : p.notes) os << "Note: " << n << "\n";
  if (p.rows.size() && p.best >= 0) os << "(* best; - over the latency budget)\n";
  os << "Recommendation: " << p.recommendation << "\n";
  return os.str();
}

}  // namespace dlasim
