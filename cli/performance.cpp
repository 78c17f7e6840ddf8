#include "cli/performance.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/util.h"
#include "dlasim/dlasim.h"
#include "dlasim/format.h"

namespace dlasim::cli {

namespace {

using nlohmann::json;

std::string mib(int64_t bytes) {
  std::ostringstream os;
  os << double(bytes) / double(1 << 20);
  return os.str();
}

// "min = X ms, max = X ms, mean = X ms, median = X ms, percentile(90%) = X ms, ..." as trtexec.
std::string stats(const TimingStats& s, const std::vector<double>& pct, const char* unit) {
  std::ostringstream os;
  os << "min = " << s.min << unit << ", max = " << s.max << unit << ", mean = " << s.mean << unit
     << ", median = " << s.median << unit;
  for (size_t i = 0; i < pct.size(); ++i)
    os << ", percentile(" << pct[i] << "%) = " << s.percentiles[i] << unit;
  return os.str();
}

json statsJson(const TimingStats& s) {
  json v = {s.min, s.max, s.mean, s.median};
  for (double p : s.percentiles) v.push_back(p);
  return v;
}

std::string precisionFlags(const Options& o) {
  std::string prec = "FP32";
  if (o.best || o.fp16) prec += "+FP16";
  if (o.best || o.int8) prec += "+INT8";
  return prec;
}

// TREx's naming: NAME.profile.json next to NAME.profile.metadata.json and NAME.build.metadata.json
// (trt-engine-explorer's process_engine.py parses them out of trtexec's logs).
void writeTrexMetadata(const Performance& p, const TimingRun& run, const Options& o, Log& log,
                       const std::vector<std::string>& inputs) {
  const std::string suffix = ".profile.json";
  const std::string& path = o.exportProfile;
  if (path.size() <= suffix.size() ||
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
    return;
  std::string base = path.substr(0, path.size() - suffix.size());
  json device = {{"Selected Device", p.platformName + " (simulated by dlasim)"},
                 {"Power mode", p.powerMode},
                 {"DLA clock (MHz)", p.dlaClockMHz},
                 {"GPU clock (MHz)", p.gpuClockMHz},
                 {"EMC clock (MHz)", p.emcClockMHz},
                 {"DRAM bandwidth (GB/s)", p.dramGBs}};
  json perf = {{"Throughput", run.throughputQps},
               {"Uncertainty", p.uncertainty < 0 ? json(nullptr) : json(p.uncertainty)},
               {"Calibration regime", p.regime},
               {"TensorRT version", p.trtVersion},
               {"Latency", statsJson(run.latency)},
               {"Enqueue Time", statsJson(run.enqueue)},
               {"H2D Latency", statsJson(run.h2d)},
               {"GPU Compute Time", statsJson(run.compute)},
               {"D2H Latency", statsJson(run.d2h)},
               {"Total Host Walltime", run.walltimeS},
               {"Total GPU Compute Time", run.totalComputeS}};
  json inference = {{"Iterations", o.iterations},
                    {"Duration", o.duration},
                    {"Warmup", o.warmUp},
                    {"Avg runs", o.avgRuns},
                    {"Percentiles", o.percentiles},
                    {"Batch", p.batch},
                    {"Separate profile run", o.separateProfileRun},
                    {"Data transfers", !o.noDataTransfers}};
  json profileMeta = {{"performance_summary", perf},
                      {"inference_options", inference},
                      {"device_information", device},
                      {"modelled_by", std::string("dlasim ") + version()}};
  json build = {{"model_options",
                 {{"Format", o.onnx.empty() ? "dlasim engine" : "ONNX"},
                  {"Model", o.onnx.empty() ? o.loadEngine : o.onnx}}},
                {"build_options",
                 {{"Precision", precisionFlags(o)},
                  {"DLACore", o.useDLACore},
                  {"Allow GPU fallback for DLA", o.allowGPUFallback},
                  {"Build DLA standalone loadable", o.buildDLAStandalone},
                  {"Engine size (MiB)", double(p.memory.engineBytes) / double(1 << 20)}}},
                {"device_information", device}};
  writeFileSafely(base + ".profile.metadata.json", profileMeta.dump(2) + "\n", inputs);
  writeFileSafely(base + ".build.metadata.json", build.dump(2) + "\n", inputs);
  log.info("TREx metadata written to " + base + ".profile.metadata.json and " + base +
           ".build.metadata.json");
}

// trtexec's --dumpProfile table (TensorRT 10 layout); rows without time are skipped as there.
void printProfile(const Performance& p, int count, Log& log) {
  double total = 0;
  for (const auto& r : p.rows) total += r.ms;
  log.info("");
  log.info(cat("=== Profile (", count, " iterations ) ==="));
  log.info("   Time(ms)     Avg.(ms)   Median(ms)   Time(%)   Layer");
  auto line = [&](double ms, const std::string& name) {
    std::ostringstream os;
    os << std::fixed << std::setw(11) << std::setprecision(2) << ms * count << std::setw(13)
       << std::setprecision(4) << ms << std::setw(13) << ms << std::setw(10) << std::setprecision(1)
       << (total > 0 ? 100.0 * ms / total : 0.0) << "   " << name;
    log.info(os.str());
  };
  for (const auto& r : p.rows)
    if (r.ms > 0) line(r.ms, r.name);
  line(total, "Total");
  log.info("");
}

// --verbose: what the model saw and decided for every row.
void printLayerTable(const Performance& p, Log& log) {
  log.verbose("Modelled timeline (" + p.platformName + ", " + p.powerMode + "):");
  std::ostringstream h;
  h << std::left << std::setw(44) << "Layer" << std::setw(5) << "Dev" << std::setw(7) << "Unit"
    << std::setw(6) << "Prec" << std::right << std::setw(14) << "MACs" << std::setw(13)
    << "DRAM bytes"
    << "  " << std::left << std::setw(9) << "Bound" << std::right << std::setw(11) << "Time (ms)";
  log.verbose(h.str());
  for (const auto& r : p.rows) {
    std::string name = r.name.size() > 42 ? r.name.substr(0, 39) + "..." : r.name;
    std::ostringstream os;
    os << std::left << std::setw(44) << name << std::setw(5) << deviceName(r.device) << std::setw(7)
       << engineUnitName(r.unit) << std::setw(6) << precisionName(r.precision) << std::right
       << std::setw(14) << r.macs << std::setw(13) << r.dramBytes << "  " << std::left
       << std::setw(9) << boundName(r.bound) << std::right << std::fixed << std::setw(11)
       << std::setprecision(4) << r.ms;
    log.verbose(os.str());
  }
}

}  // namespace

PerformanceOptions performanceOptions(const Options& o) {
  PerformanceOptions po;
  po.powerMode = o.powerMode;
  po.dlaClockMHz = o.dlaClockMHz;
  po.gpuClockMHz = o.gpuClockMHz;
  po.emcClockMHz = o.emcClockMHz;
  po.dataTransfers = !o.noDataTransfers;
  return po;
}

Performance modelRun(const Engine& plan, const Options& o) {
  return plan.performance(performanceOptions(o));
}

void printEngineSize(const Performance& p, Log& log) {
  const EngineMemory& m = p.memory;
  log.info("Created engine with size: " + mib(m.engineBytes) +
           " MiB (modelled: " + std::to_string(m.loadables.size()) +
           " DLA loadable(s), GPU weights " + mib(m.gpuWeightBytes) + " MiB)");
  for (size_t i = 0; i < m.loadables.size(); ++i) {
    const LoadableMemory& l = m.loadables[i];
    log.info(cat("DLA loadable ", l.name, ": ", mib(l.totalBytes), " MiB (convolution weights ",
                 mib(l.convWeightBytes), " MiB, other constants ", mib(l.constantBytes),
                 " MiB, metadata ", mib(l.metadataBytes), " MiB); local DRAM ",
                 mib(l.activationBytes), " MiB, managed SRAM ", l.sramBytes / 1024, " of ",
                 m.sramPoolBytes / 1024, " KiB; modelled DLA time ",
                 i < p.loadables.size() ? p.loadables[i].ms : 0.0, " ms per inference"));
  }
  if (!m.loadables.empty())
    log.info(cat("DLA weights: ", mib(m.dlaWeightBytes), " MiB of the ", mib(m.weightLimitBytes),
                 " MiB limit"));
}

void reportPerformance(const Performance& p, const Options& o, Log& log,
                       const std::vector<std::string>& inputs,
                       const std::vector<std::string>& engineLayers) {
  TimingOptions to;
  to.iterations = o.iterations;
  to.durationS = o.duration;
  to.warmUpMs = o.warmUp;
  to.avgRuns = o.avgRuns;
  to.percentiles = o.percentiles;
  TimingRun run = simulateTiming(p, to);
  log.info("Starting inference");
  log.info(cat("Warmup completed ", run.warmUpQueries, " queries over ", o.warmUp, " ms"));
  log.info(cat("Timing trace has ", run.queries, " queries over ", run.walltimeS, " s"));
  log.info("");
  log.info("=== Trace details ===");
  log.info(cat("Trace averages of ", o.avgRuns, " runs:"));
  for (int i = 0; i + o.avgRuns <= run.queries; i += o.avgRuns)
    log.info(cat("Average on ", o.avgRuns, " runs - GPU latency: ", p.computeMs,
                 " ms - Host latency: ", p.latencyMs, " ms (enqueue ", p.enqueueMs, " ms)"));
  log.info("");
  log.info("=== Performance summary ===");
  log.info(cat("Throughput: ", run.throughputQps, " qps (", uncertaintyText(p), ")"));
  log.info("Latency: " + stats(run.latency, o.percentiles, " ms"));
  log.info("Enqueue Time: " + stats(run.enqueue, o.percentiles, " ms"));
  log.info("H2D Latency: " + stats(run.h2d, o.percentiles, " ms"));
  log.info("GPU Compute Time: " + stats(run.compute, o.percentiles, " ms"));
  log.info("D2H Latency: " + stats(run.d2h, o.percentiles, " ms"));
  log.info(cat("Total Host Walltime: ", run.walltimeS, " s"));
  log.info(cat("Total GPU Compute Time: ", run.totalComputeS, " s"));
  if (p.enqueueMs > 0.8 * p.computeMs)
    log.warn(
        "* Throughput may be bound by Enqueue Time rather than GPU Compute and the GPU may be "
        "under-utilized.");
  if (p.h2dMs > 0 && p.h2dMs >= p.computeMs)
    log.warn(
        "* Throughput may be bound by host-to-device transfers for the inputs rather than GPU "
        "Compute and the GPU may be under-utilized.");
  if (p.d2hMs > 0 && p.d2hMs >= p.computeMs)
    log.warn(
        "* Throughput may be bound by device-to-host transfers for the outputs rather than GPU "
        "Compute and the GPU may be under-utilized.");
  log.info("Explanations of the performance metrics are printed in the verbose logs.");
  log.info(cat("Figures modelled by dlasim for ", p.platformName, " at power mode ", p.powerMode,
               " (DLA ", p.dlaClockMHz, " MHz, GPU ", p.gpuClockMHz, " MHz, EMC ", p.emcClockMHz,
               " MHz) with TensorRT ", p.trtVersion,
               " - not measured on a device; every iteration takes the modelled time"));
  log.info(cat("Model uncertainty: ",
               p.uncertainty < 0 ? std::string("none stated: no calibration point covers ")
                                 : cat("±", std::lround(p.uncertainty * 100), "% from ",
                                       p.calibrationPoints, " calibration point(s) of "),
               p.regime, " (docs/cost-model.md §3)"));
  log.verbose("Throughput: queries over the walltime; copies overlap the next query's compute.");
  log.verbose(
      "Latency: H2D + GPU Compute + D2H of one query. GPU Compute Time: DLA loadables, "
      "GPU layers and the reformats and synchronisations between them.");
  printLayerTable(p, log);
  // A separate profile run repeats the timed loop with the profiler attached; without it the
  // profile comes from the timed run itself. Either way the modelled rows are the same.
  if (o.dumpProfile) printProfile(p, run.queries, log);
  if (!o.exportProfile.empty()) {
    writeFileSafely(o.exportProfile, profileJson(p, run.queries, engineLayers), inputs);
    log.info("Profile written to " + o.exportProfile);
    writeTrexMetadata(p, run, o, log, inputs);
  }
  if (!o.exportTimes.empty()) {
    writeFileSafely(o.exportTimes, timesJson(p, run), inputs);
    log.info("Timing trace written to " + o.exportTimes);
  }
}

}  // namespace dlasim::cli
