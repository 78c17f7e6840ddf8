#include "cli/run.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/bindings_io.h"
#include "cli/calibrate.h"
#include "cli/check.h"
#include "cli/compare.h"
#include "cli/eval.h"
#include "cli/log.h"
#include "cli/nvdla_trace.h"
#include "cli/performance.h"
#include "cli/placement.h"
#include "cli/plan_cmd.h"
#include "cli/report_cmd.h"
#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/dlasim.h"
#include "dlasim/format.h"
#include "dlasim/report.h"

namespace dlasim::cli {

namespace {

const std::string kVersion = dlasim::version();

void printOptions(Log& log, const Options& o) {
  log.info("=== Model Options ===");
  log.info(o.loadEngine.empty() ? "Format: ONNX" : "Format: dlasim engine");
  log.info("Model: " + (o.loadEngine.empty() ? o.onnx : o.loadEngine));
  log.info("=== Build Options ===");
  std::string prec = "FP32";
  if (o.best)
    prec += "+FP16+INT8";
  else {
    if (o.fp16) prec += "+FP16";
    if (o.int8) prec += "+INT8";
  }
  log.info("Precision: " + prec);
  log.info(std::string("Calibration: ") +
           (o.int8 || o.best ? (o.calib.empty() ? "Dynamic" : o.calib) : ""));
  std::string constraints = o.precisionConstraints;
  if (!constraints.empty()) constraints[0] = char(std::toupper(constraints[0]));
  log.info("Precision constraints: " + constraints);
  log.info(std::string("Build DLA standalone loadable: ") +
           (o.buildDLAStandalone ? "Enabled" : "Disabled"));
  log.info(std::string("Allow GPU fallback for DLA: ") +
           (o.allowGPUFallback ? "Enabled" : "Disabled"));
  log.info("=== System Options ===");
  log.info("Device: simulated " + o.platform +
           (o.powerMode.empty() ? "" : " (" + o.powerMode + ")"));
  log.info("DLACore: " + (o.useDLACore >= 0 ? std::to_string(o.useDLACore) : std::string()));
  log.info("=== Device Information ===");
  for (const auto& p : platforms())
    if (p.id == o.platform) {
      const PowerModeInfo* mode = &p.powerModes.front();
      for (const auto& m : p.powerModes)
        if (m.name == o.powerMode) mode = &m;
      log.info("Selected Device: " + p.name + " (simulated by dlasim; no GPU or DLA is used)");
      // The clocks modelled: the mode's, or the --dlaClockMHz / --gpuClockMHz / --emcClockMHz
      // overrides, as the performance block prints them.
      auto clock = [](double asked, double mode, const char* flag) {
        return asked > 0 ? cat(asked, " MHz (", flag, ")") : cat(mode, " MHz");
      };
      log.info(cat("DLA cores: ", p.dlaCores, ", power mode ", mode->name, ": DLA clock ",
                   clock(o.dlaClockMHz, mode->dlaClockMHz, "--dlaClockMHz"), ", GPU clock ",
                   clock(o.gpuClockMHz, mode->gpuClockMHz, "--gpuClockMHz"), ", EMC clock ",
                   clock(o.emcClockMHz, mode->emcClockMHz, "--emcClockMHz"), ", managed SRAM ",
                   p.sramBytesPerCore / 1024, " KiB per core, DRAM ", p.dramBandwidthGBs,
                   " GB/s at the highest EMC clock"));
    }
  log.info("=== Inference Options ===");
  std::ostringstream shapes;
  for (const auto& [n, s] : o.shapes)
    shapes << (shapes.tellp() ? ", " : "") << n << ":" << shapeStr(s);
  log.info("Input inference shapes: " +
           (shapes.str().empty() ? std::string("model") : shapes.str()));
}

// trtexec saves the builder's kernel timings here; scripts expect the file to exist afterwards.
// dlasim times no kernels: the file says so.
void writeTimingCache(const Options& o, Log& log) {
  std::vector<std::string> inputs = {o.onnx, o.loadEngine, o.calib, o.saveEngine};
  for (const auto& [n, f] : o.loadInputs) inputs.push_back(f);
  writeFileSafely(o.timingCacheFile,
                  "DLASIM-TIMING-CACHE 1\n# dlasim selects no GPU kernels, so this cache holds no "
                  "timings; trtexec would store its tactic timings here.\n",
                  inputs);
  log.info("Timing cache written to " + o.timingCacheFile + " (no kernel timings in simulation)");
}

// A loaded engine runs at its build shapes: the DLA cannot run other shapes (seed §3.1), and
// dlasim's engines hold static shapes.
void checkEngineShapes(const Engine& plan, const Options& o) {
  for (const auto& [name, shape] : o.shapes) {
    auto specs = plan.inputs();
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&](const TensorSpec& s) { return s.name == name; });
    if (it == specs.end())
      fail("--shapes names '", name, "', which is not an input of ", o.loadEngine);
    if (it->shape == shape) continue;
    bool dla = plan.settings().dlaCore >= 0 && !plan.loadables().empty();
    fail("--shapes ", name, ":", shapeStr(shape), " differs from ", o.loadEngine, "'s build shape ",
         shapeStr(it->shape),
         dla ? ": on the DLA the runtime shapes must equal the build shapes (seed §3.1); "
               "rebuild the engine for these shapes"
             : ": dlasim engines hold the shapes they were built for; rebuild from the ONNX model");
  }
}

}  // namespace

int runTrtexec(const Options& o, std::ostream& out, std::ostream& err) {
  Log log(out, o.verbose);
  log.raw("&&&& RUNNING dlasim [dlasim v" + std::string(kVersion) + "] # " + o.commandLine);
  printOptions(log, o);
  for (const auto& f : o.ignoredFlags)
    log.warn(f + " only matters on a device: ignored in simulation");
  for (const auto& [flag, why] : o.noEffect)
    log.warn(flag + " has no effect in simulation: " + why);
  std::optional<Model> model;  // kept for nothing but the plan: freed when the plan is built
  std::optional<Engine> built;
  std::string source = o.onnx.empty() ? o.loadEngine : o.onnx;
  if (!o.loadEngine.empty()) {
    built = Engine::load(o.loadEngine, o.maxMemory);
    const PlanSettings& e = built->settings();
    log.info(
        "Loaded engine " + o.loadEngine + " (built from " + e.sourceModel + " for " + e.platform +
        (e.dlaCore >= 0 ? ", DLA core " + std::to_string(e.dlaCore) : std::string(", GPU only")) +
        ")");
    if (e.platform != o.platform && o.platform != "orin-agx")
      log.warn("--platform=" + o.platform + " ignored: the engine was built for " + e.platform);
    checkEngineShapes(*built, o);
    if (e.standalone) {
      // trtexec cannot deserialize a kDLA_STANDALONE engine (cuDLA runs it): dlasim runs its
      // DLA loadable alone, reading and writing the bindings in their DLA formats.
      for (const auto& l : built->layers())
        if (l.device == Device::kGPU)
          fail(o.loadEngine, ": DLA standalone engine with GPU layer '", l.name,
               "': a standalone loadable cannot run GPU layers");
      std::string formats;
      for (const auto& b : built->bindings())
        formats += cat(formats.empty() ? "" : ", ", b.isInput ? "input '" : "output '", b.name,
                       "' ", b.format.type, ":", b.format.format);
      log.info(
          "Engine is a DLA standalone loadable (--buildDLAStandalone): trtexec cannot run it "
          "(cuDLA does); dlasim runs only its DLA loadable, with its DLA I/O formats (" +
          formats + ")");
    }
  } else {
    LoadOptions lo;
    lo.shapes = o.shapes;
    lo.maxMemoryBytes = o.maxMemory;
    lo.warn = [&](const std::string& m) { log.warn(m); };
    auto t0 = std::chrono::steady_clock::now();
    model = Model::load(o.onnx, lo);
    auto t1 = std::chrono::steady_clock::now();
    const ModelInfo& info = model->info();
    log.info("Parsed " + o.onnx + " (opset " + std::to_string(info.opset) + ", producer '" +
             info.producer + "'): " + std::to_string(info.onnxNodes) + " ONNX nodes -> " +
             std::to_string(info.layers) + " layers, weights " +
             std::to_string(info.weightBytes / 1024) + " KiB, in " +
             std::to_string(std::chrono::duration<double, std::milli>(t1 - t0).count()) + " ms");
    BuildConfig cfg = buildConfig(o);
    if (cfg.calibration) {
      std::vector<std::string> names = model->tensorNames(), unknown;
      std::sort(names.begin(), names.end());
      size_t unusable = 0;  // named in the build's warnings, with the layers they affect
      for (const auto& [name, scale] : cfg.calibration->scales)
        if (!std::binary_search(names.begin(), names.end(), name))
          unknown.push_back(name);
        else if (!CalibrationCache::unusableReason(scale).empty())
          ++unusable;
      log.info(cat("Calibration cache ", o.calib, " (", cfg.calibration->header,
                   "): ", cfg.calibration->scales.size() - unknown.size() - unusable,
                   " INT8 scales applied",
                   unusable ? cat(", ", unusable, " unusable (see the warnings)") : ""));
      if (!unknown.empty())
        log.warn(cat(unknown.size(), " calibration entries name no tensor of the model (first: '",
                     unknown.front(), "'); layers without a scale run in FP16"));
    }
    try {
      built = model->build(cfg);
    } catch (const VerdictError& e) {
      for (const auto& p : e.problems) log.error("[TRT] " + p);
      throw;
    }
    for (const auto& w : built->warnings()) log.warn("[TRT] " + w);
    model.reset();
  }
  Engine& plan = *built;
  if (o.verbose)
    for (const auto& l : plan.layers()) log.verbose("Layer " + l.type + ": " + l.name);
  printPlacement(plan, log, o.loadEngine.empty());  // a loaded engine repeats no build warnings
  for (const auto& n : bindingNotes(plan)) log.info(n);
  if (o.sparsity != "disable" && plan.settings().dlaCore >= 0) printSparsity(plan, log);
  Performance perf = modelRun(plan, o);  // checks --powerMode and the clocks (exit 2)
  printEngineSize(perf, log);
  if (!o.saveEngine.empty()) {
    plan.save(o.saveEngine, inputFilesOf(o));
    log.info("Engine saved to " + o.saveEngine);
  }
  if (!o.timingCacheFile.empty() && o.loadEngine.empty()) writeTimingCache(o, log);
  if (o.dumpLayerInfo) {
    log.info("Layer Information:");
    std::istringstream lines(plan.layerInfoJson(o.profilingVerbosity == "detailed"));
    for (std::string line; std::getline(lines, line);) log.info(line);
  }
  if (!o.exportLayerInfo.empty()) {
    writeFileSafely(o.exportLayerInfo, plan.layerInfoJson(o.profilingVerbosity == "detailed"),
                    inputFilesOf(o));
    log.info("Layer information written to " + o.exportLayerInfo);
  }
  if (!o.exportTrace.empty()) {  // the modelled timeline needs no inference
    writeFileSafely(o.exportTrace, chromeTraceJson(plan, perf), inputFilesOf(o));
    log.info("Modelled timeline written to " + o.exportTrace + " (Chrome trace: Perfetto)");
  }

  std::vector<std::string> notes;
  TensorMap inputs = bindingInputs(plan, o, source, &notes);
  for (const auto& n : notes) log.info(n);
  if (o.skipInference) {
    log.info(o.buildOnly ? "Skipped inference (--buildOnly)"
                         : "Skipped inference (--skipInference)");
    log.raw("&&&& PASSED dlasim [dlasim v" + kVersion + "] # " + o.commandLine);
    return 0;
  }

  // DLA layers compute in their emulated precision, GPU layers in FP32.
  int fp16Count = plan.dlaLayers(Precision::kFP16), int8Count = plan.dlaLayers(Precision::kINT8);
  if (plan.usesDynamicScales())
    log.info(
        "INT8 scales: no --calib, so MinMax over this run's own inputs (trtexec would use "
        "random dynamic ranges)");
  if (fp16Count || int8Count)
    log.info(cat("Numerics: ", fp16Count, " DLA layers in emulated FP16, ", int8Count,
                 " in emulated INT8 (docs/numerics.md); the other layers in FP32"));
  plan.releaseHostWeights();  // one context, one copy of the weights: the prepared kernels'
  ExecutionContext context = plan.createExecutionContext();
  auto t2 = std::chrono::steady_clock::now();
  TensorMap results = context.run(inputs);
  auto t3 = std::chrono::steady_clock::now();
  // Wall time of the emulator on this CPU; the first run also holds a dynamic MinMax pass.
  log.info(cat(
      fp16Count || int8Count ? "Emulated inference" : "FP32 reference inference",
      " on this host: ", std::to_string(std::chrono::duration<double, std::milli>(t3 - t2).count()),
      " ms wall time of the emulator",
      plan.usesDynamicScales() ? ", including the MinMax pass" : "", " (not a device estimate)"));
  std::vector<std::string> engineLayers;  // the profile's rows join --exportLayerInfo's layers
  if (!o.exportProfile.empty()) {
    nlohmann::json info = nlohmann::json::parse(plan.layerInfoJson(false));
    for (const auto& name : info.at("Layers")) engineLayers.push_back(name.get<std::string>());
  }
  reportPerformance(perf, o, log, inputFilesOf(o), engineLayers);

  std::vector<std::string> names;
  std::vector<Tensor> outputs;
  for (const auto& spec : plan.outputs()) {
    names.push_back(spec.name);
    outputs.push_back(results.at(spec.name));
  }
  if (o.dumpRawBindings) dumpRawBindings(context, inputs, results, o, log);
  outputs = bindingOutputs(context, outputs);  // what the output bindings hold
  if (!o.exportOutput.empty()) {
    writeFileSafely(o.exportOutput, outputJson(names, outputs), inputFilesOf(o));
    log.info("Output written to " + o.exportOutput);
  }
  for (size_t i = 0; i < names.size(); ++i)
    log.info("Output " + names[i] + ": " + dataTypeName(outputs[i].dtype()) + " " +
             shapeStr(outputs[i].shape()));
  if (o.dumpOutput) {  // trtexec's form: the name and dims, then the values on one line
    log.info("Output Tensors:");
    for (size_t i = 0; i < names.size(); ++i) {
      log.info(names[i] + ": (" + shapeStr(outputs[i].shape()) + ")");
      std::ostringstream values;
      for (double v : outputs[i].asDouble()) values << (values.tellp() ? " " : "") << v;
      log.info(values.str());
    }
  }
  log.raw("&&&& PASSED dlasim [dlasim v" + kVersion + "] # " + o.commandLine);
  return 0;
}

int dlasimMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  std::string sub = argc > 1 ? argv[1] : "";
  if (sub == "check") return checkMain(argc, argv, out, err);
  if (sub == "compare") return compareMain(argc, argv, out, err);
  if (sub == "calibrate") return calibrateMain(argc, argv, out, err);
  if (sub == "eval") return evalMain(argc, argv, err);
  if (sub == "nvdla-trace") return nvdlaTraceMain(argc - 1, argv + 1, out, err);
  if (sub == "plan") return planMain(argc, argv, out, err);
  if (sub == "report") return reportMain(argc, argv, out, err);
  if (sub == "rules") return rulesMain(argc, argv, out, err);
  try {
    auto opts = parseOptions(argc, argv);
    if (!opts) return 0;
    return runTrtexec(*opts, out, err);
  } catch (const VerdictError& e) {
    err << "dlasim: build failed: " << printable(e.what()) << "\n";
    out << "&&&& FAILED dlasim [dlasim v" << kVersion << "]\n";
    return 1;
  } catch (const InputError& e) {
    err << "dlasim: error: " << printable(e.what()) << "\n";
    out << "&&&& FAILED dlasim [dlasim v" << kVersion << "]\n";
    return 2;
  } catch (const std::bad_alloc&) {
    err << "dlasim: error: out of memory (the model or its inputs are too large for this "
           "machine)\n";
    return 2;
  } catch (const std::exception& e) {
    err << "dlasim: error: " << printable(e.what()) << "\n";
    return 2;
  }
}

}  // namespace dlasim::cli
