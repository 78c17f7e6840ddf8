#include "cli/flags_trtexec.h"

#include <cmath>

#include "cli/util.h"

namespace dlasim::cli {

namespace {

// Switches trtexec accepts that change nothing dlasim models, with the reason the log gives.
const std::pair<const char*, const char*> kNoEffectSwitches[] = {
    {"--explicitBatch", "ONNX networks are always explicit batch (trtexec 8.x sets it for ONNX)"},
    {"--tf32", "TF32 is a GPU math mode for FP32 layers; GPU numerics are emulated in FP32"},
    {"--fp8", "the DLA computes in FP16 and INT8 only; FP8 would only concern GPU kernels"},
    {"--bf16", "the DLA computes in FP16 and INT8 only; BF16 would only concern GPU kernels"},
    {"--versionCompatible", "dlasim engines carry dlasim's own version and are checked on load"},
    {"--noCompilationCache", "no kernels are compiled in simulation"},
    {"--errorOnTimingCacheMiss", "no kernels are timed in simulation"},
    {"--excludeLeanRuntime", "dlasim engines have no runtime inside"},
    {"--stripWeights", "dlasim engines always hold their weights"},
    {"--int4", "INT4 is a TensorRT 10 GPU weight-only precision; the DLA runs FP16 and INT8"},
    {"--consistency", "it checks safety-certified engines; dlasim builds none"},
    {"--restricted", "it checks the safety scope of a build; dlasim builds no safety engines"},
    {"--dumpOptimizationProfile", "dlasim engines hold one profile: the build shapes"},
};
// Device-only switches (no device in simulation).
const char* kDeviceSwitches[] = {"--threads", "--timeDeserialize", "--timeRefit"};
// Options with a value that change nothing dlasim models.
const std::pair<const char*, const char*> kNoEffectOptions[] = {
    {"--maxAuxStreams", "GPU auxiliary streams are not simulated"},
    {"--hardwareCompatibilityLevel", "dlasim engines are not tied to a GPU architecture"},
    {"--tempdir", "dlasim writes no temporary files while building"},
    {"--tempfileControls", "dlasim writes no temporary files while building"},
    {"--preview", "TensorRT preview features do not change DLA placement"},
    {"--persistentCacheRatio", "the GPU's L2 persistence is not simulated"},
    {"--useRuntime", "dlasim has one runtime"},
    {"--leanDLLPath", "dlasim has one runtime"},
    {"--calibProfile", "dlasim calibrates INT8 at the run's own --shapes"},
    {"--profile", "dlasim engines hold one optimization profile"},
};

int positiveInt(const std::string& flag, const std::string& s) {
  double v = std::nan("");
  try {
    size_t used = 0;
    v = std::stod(s, &used);
    if (used != s.size()) v = std::nan("");
  } catch (const std::exception&) {
  }
  if (!(v >= 1) || v != std::floor(v) || v > (1 << 30))
    fail(flag, ": '", s, "' is not an integer >= 1");
  return int(v);
}

}  // namespace

void addCompatFlags(CLI::App& app, CompatFlags& f) {
  const char* build = "Build (precision and DLA)";
  app.add_option("--layerOutputTypes", f.layerOutputTypes,
                 "Per-layer output types, e.g. conv1:fp16[+fp32] (with --precisionConstraints)")
      ->group(build);
  app.add_option("--precisionConstraints", f.precisionConstraints,
                 "none (default: --layerPrecisions/--layerOutputTypes ignored) | prefer | obey")
      ->group(build);
  app.add_flag("--stronglyTyped", f.switches["--stronglyTyped"],
               "Precisions from the network's types (no --fp16/--int8/--best)")
      ->group(build);
  app.add_flag("--buildOnly", f.switches["--buildOnly"],
               "Build, save and report; no inference (as --skipInference)")
      ->group(build);
  app.add_option("--timingCacheFile", f.timingCacheFile,
                 "Write a (kernel-timing-free) timing cache file here after the build")
      ->group(build);
  app.add_option("--minShapesCalib", f.minShapesCalib, "Calibration profile (no effect)")
      ->group(build);
  app.add_option("--optShapesCalib", f.optShapesCalib, "Calibration profile (no effect)")
      ->group(build);
  app.add_option("--maxShapesCalib", f.maxShapesCalib, "Calibration profile (no effect)")
      ->group(build);
  app.add_option("--avgTiming", f.avgTiming, "Kernel timing averages (no effect)")->group(build);
  app.add_option("--minTiming", f.minTiming, "Kernel timing iterations (no effect)")->group(build);
  app.add_option("--batch", f.batch, "Implicit batch: refused for ONNX, use --shapes")
      ->group(build);
  app.add_option("--maxBatch", f.maxBatch, "Implicit batch: refused for ONNX, use --shapes")
      ->group(build);
  app.add_flag("--dumpRawBindingsToFile", f.switches["--dumpRawBindingsToFile"],
               "Write each binding of the run to <name>.<input|output>.<dims>.<type>.raw")
      ->group("Inference and reporting");
  for (const auto& [flag, why] : kNoEffectSwitches)
    app.add_flag(flag, f.switches[flag], std::string("(no effect: ") + why + ")")
        ->group("No effect in simulation");
  for (const char* flag : kDeviceSwitches)
    app.add_flag(flag, f.switches[flag], "(device only; ignored)")->group("Ignored in simulation");
  for (const auto& [flag, why] : kNoEffectOptions)
    app.add_option(flag, f.settings[flag], std::string("(no effect: ") + why + ")")
        ->group("No effect in simulation");
}

void applyCompatFlags(const CLI::App& app, const CompatFlags& f, Options& o,
                      const std::set<std::string>& shadowed) {
  // A subcommand's own flag of the same name (calibrate --batch) is not trtexec's.
  auto given = [&](const std::string& flag) { return app.count(flag) && !shadowed.count(flag); };
  // Implicit batch: trtexec 8.x refuses it for ONNX models, which are explicit batch.
  for (const auto& [flag, value] :
       {std::pair<const char*, const std::string&>{"--batch", f.batch}, {"--maxBatch", f.maxBatch}})
    if (given(flag))
      fail(flag, "=", value,
           ": implicit batch is not supported for ONNX models (trtexec 8.x: \"Explicit batch or "
           "dynamic shapes enabled with implicit batch\"); set the batch with --shapes");
  if (given("--precisionConstraints")) {
    if (f.precisionConstraints != "none" && f.precisionConstraints != "prefer" &&
        f.precisionConstraints != "obey")
      fail("--precisionConstraints: '", f.precisionConstraints,
           "' is not one of none, prefer, obey");
    o.precisionConstraints = f.precisionConstraints;
  }
  if (!f.layerOutputTypes.empty())
    for (const auto& [name, types] : parseLayerSpec("layerOutputTypes", f.layerOutputTypes, {})) {
      // "type[+type]", one per output: dlasim's layers have one output, the first counts.
      std::string first = types.substr(0, types.find('+'));
      for (size_t at = 0; at <= types.size();) {
        size_t plus = std::min(types.find('+', at), types.size());
        std::string t = types.substr(at, plus - at);
        if (t != "fp32" && t != "fp16" && t != "int8" && t != "int32")
          fail("--layerOutputTypes: '", t, "' for layer '", name,
               "' is not one of fp32, fp16, int8, int32");
        at = plus + 1;
      }
      o.layerOutputTypes.push_back({name, first});
    }
  o.timingCacheFile = f.timingCacheFile;
  if (given("--timingCacheFile") && f.timingCacheFile.empty())
    fail("--timingCacheFile: no file given");
  const char* calibWhy = "dlasim calibrates INT8 (MinMax, or --calib) at the run's own --shapes";
  if (!f.minShapesCalib.empty())
    o.minShapesCalib = parseShapeSpec("minShapesCalib", f.minShapesCalib);
  if (!f.optShapesCalib.empty())
    o.optShapesCalib = parseShapeSpec("optShapesCalib", f.optShapesCalib);
  if (!f.maxShapesCalib.empty())
    o.maxShapesCalib = parseShapeSpec("maxShapesCalib", f.maxShapesCalib);
  for (const char* flag : {"--minShapesCalib", "--optShapesCalib", "--maxShapesCalib"})
    if (given(flag)) o.noEffect.push_back({flag, calibWhy});
  for (const auto& [flag, value] :
       {std::pair<const char*, const std::string&>{"--avgTiming", f.avgTiming},
        {"--minTiming", f.minTiming}})
    if (given(flag)) {
      positiveInt(flag, value);
      o.noEffect.push_back({flag, "the builder's kernel timing; dlasim selects no GPU kernels"});
    }
  auto on = [&](const char* flag) {
    auto it = f.switches.find(flag);
    return it != f.switches.end() && it->second;
  };
  o.stronglyTyped = on("--stronglyTyped");
  if (o.stronglyTyped && (o.fp16 || o.int8 || o.best))
    fail(
        "--stronglyTyped: precisions come from the network's types; --fp16, --int8 and --best "
        "are not allowed with it");
  if (on("--buildOnly")) {
    o.skipInference = true;
    o.buildOnly = true;
  }
  o.dumpRawBindings = on("--dumpRawBindingsToFile");
  for (const auto& [flag, why] : kNoEffectSwitches)
    if (on(flag)) o.noEffect.push_back({flag, why});
  for (const char* flag : kDeviceSwitches)
    if (on(flag)) o.ignoredFlags.push_back(flag);
  for (const auto& [flag, why] : kNoEffectOptions)
    if (given(flag)) o.noEffect.push_back({flag, why});
}

}  // namespace dlasim::cli
