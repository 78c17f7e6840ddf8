#include "cli/options.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <set>
#include <sstream>

#include "cli/flags_trtexec.h"
#include "cli/subcommand.h"
#include "cli/util.h"

namespace dlasim::cli {

namespace {

std::vector<std::string> splitList(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : s) {
    if (c == '\'') quoted = !quoted;
    if (c == sep && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty() || !out.empty()) out.push_back(cur);
  return out;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') return s.substr(1, s.size() - 2);
  return s;
}

// Splits "name:value" at the last ':' outside quotes.
std::pair<std::string, std::string> splitNameValue(const std::string& flag,
                                                   const std::string& item) {
  bool quoted = false;
  size_t at = std::string::npos;
  for (size_t i = 0; i < item.size(); ++i) {
    if (item[i] == '\'') quoted = !quoted;
    if (item[i] == ':' && !quoted) at = i;
  }
  if (at == std::string::npos || at == 0)
    fail("--", flag, ": '", item, "' is not of the form name:value");
  return {unquote(item.substr(0, at)), item.substr(at + 1)};
}

int64_t parseNonNegative(const std::string& flag, const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 12)
    fail("--", flag, ": '", s, "' is not a valid dimension");
  return std::stoll(s);
}

double parseNumber(const std::string& flag, const std::string& s) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size() || !std::isfinite(v)) throw std::invalid_argument(s);
    return v;
  } catch (const std::exception&) {
    fail("--", flag, ": '", s, "' is not a number");
  }
}

int parseInt(const std::string& flag, const std::string& s, int lo, int hi) {
  double v = parseNumber(flag, s);
  if (v != std::floor(v) || v < lo || v > hi)
    fail("--", flag, ": ", s, " is not an integer in [", lo, ", ", hi, "]");
  return int(v);
}

std::vector<IOFormat> parseIOFormats(const std::string& flag, const std::string& spec) {
  std::vector<IOFormat> out;
  for (const auto& item : splitList(spec, ',')) out.push_back(parseIOFormat(item, "--" + flag));
  return out;
}

// A size in MiB as trtexec 8.x gives it, or with trtexec 10's base-2 suffixes B, K, M, G (KiB,
// MiB, GiB and KB, MB, GB are read the same, base 2, as in trtexec's scripts). A unit only follows
// a number ("512K").
double sizeInMiB(const std::string& flag, std::string size, const std::string& item) {
  double scale = 1;  // MiB
  size_t digits = size.find_last_of("0123456789.");
  if (digits != std::string::npos && digits + 1 < size.size()) {
    std::string unit = size.substr(digits + 1);
    size = size.substr(0, digits + 1);
    if (unit == "B")
      scale = 1.0 / (1 << 20);
    else if (unit == "K" || unit == "KiB" || unit == "KB")
      scale = 1.0 / 1024;
    else if (unit == "M" || unit == "MiB" || unit == "MB")
      scale = 1;
    else if (unit == "G" || unit == "GiB" || unit == "GB")
      scale = 1024;
    else
      fail("--", flag, ": unknown unit '", unit, "' in '", item, "' (B, K, M, G, KiB, MiB, GiB)");
  }
  return parseNumber(flag, size) * scale;
}

std::map<std::string, double> parseMemPools(const std::string& spec) {
  std::map<std::string, double> out;
  for (const auto& item : splitList(spec, ',')) {
    auto [pool, size] = splitNameValue("memPoolSize", item);
    checkMemPoolName(pool, "--memPoolSize");
    double v = sizeInMiB("memPoolSize", size, item);
    if (v <= 0) fail("--memPoolSize: pool ", pool, " size must be positive, got '", item, "'");
    out[pool] = v;
  }
  return out;
}

// --maxMemory: a size as --memPoolSize takes it (MiB, or with a unit).
int64_t parseMemorySize(const std::string& flag, const std::string& s) {
  double v = sizeInMiB(flag, s, s) * double(1 << 20);
  if (!(v >= 1) || v > 9.0e18) fail("--", flag, ": '", s, "' is not a size of at least 1 byte");
  return int64_t(v);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parseLayerSpec(
    const std::string& flag, const std::string& spec, const std::vector<std::string>& allowed) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& item : splitList(spec, ',')) {
    auto nv = splitNameValue(flag, item);
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), nv.second) == allowed.end()) {
      std::ostringstream os;
      for (size_t i = 0; i < allowed.size(); ++i) os << (i ? ", " : "") << allowed[i];
      fail("--", flag, ": '", nv.second, "' for layer '", nv.first, "' is not one of ", os.str());
    }
    out.push_back(nv);
  }
  return out;
}

std::map<std::string, Shape> parseShapeSpec(const std::string& flag, const std::string& spec) {
  std::map<std::string, Shape> out;
  for (const auto& item : splitList(spec, ',')) {
    auto [name, dims] = splitNameValue(flag, item);
    Shape s;
    if (!dims.empty() && dims != "scalar")
      for (const auto& d : splitList(dims, 'x')) {
        int64_t v = parseNonNegative(flag, d);
        if (v > (int64_t{1} << 31))
          fail("--", flag, ": dimension ", v, " of '", name, "' is absurdly large");
        s.push_back(v);
      }
    if (out.count(name)) fail("--", flag, ": input '", name, "' is given twice");
    out[name] = s;
  }
  return out;
}

std::optional<Options> parseOptions(int argc, const char* const* argv, SubcommandParse* sub) {
  Options o;
  for (int i = 0; i < argc; ++i) o.commandLine += (i ? " " : "") + std::string(argv[i]);
  CLI::App app{
      "dlasim: a software emulator and cost simulator for NVIDIA's DLA.\n"
      "Takes trtexec's flags with trtexec's meaning. Runs the ONNX model on this CPU\n"
      "and writes trtexec's files. Exit codes: 0 success, 1 verdict failed, 2 bad input.\n"
      "Also: dlasim check model.onnx [--platform=ID] [--int8|--fp16] [--strict]  (DLA\n"
      "compatibility report); dlasim compare model.onnx [flags] [--rtol=R] [--atol=A]\n"
      "[--per-layer] [--ref=FILE] [--json=FILE] (emulated build vs FP32 or reference outputs,\n"
      "Polygraphy-style; exit 1 over tolerance); dlasim calibrate model.onnx --data=FILE|DIR\n"
      "--out=FILE [--algo=entropy|minmax|percentile] (INT8 cache); dlasim eval model.onnx\n"
      "--data=FILE|DIR [--labels=y.npy] [flags] [--scheduler=ADDR|--workers=N]\n"
      "[--max-top1-drop=P] (accuracy over a data set on Dask); dlasim plan model.onnx\n"
      "[--batches=...] [--powerModes=...] [--placements=...] [--latency-budget=MS]\n"
      "[--format=table|csv|json] (capacity planning, modelled); dlasim report model.onnx\n"
      "[flags] --out=FILE [--compare[=FILE]] [--plan] [--profile=FILE] (one HTML file: graph,\n"
      "timeline, per-layer times); dlasim rules;\n"
      "dlasim nvdla-trace DIR [--config=nv_small|nv_full] (replay an NVDLA INT8 trace test).\n"
      "dlasim SUBCOMMAND --help lists a subcommand's flags; --flag value works as --flag=value.",
      "dlasim"};
  app.set_help_flag("-h,--help", "Print this help and exit");
  app.get_formatter()->column_width(40);
  std::string shapes, minShapes, optShapes, maxShapes, loadInputs, inFmt, outFmt, memPool;
  std::string layerPrec, layerDev, percentile, useDLACore, iterations, warmUp, duration, avgRuns;
  std::string platform = o.platform;

  auto* model = "Model";
  app.add_option("--onnx", o.onnx, "ONNX model file")->group(model);
  app.add_option("--loadEngine", o.loadEngine, "Load a dlasim engine file instead of --onnx")
      ->group(model);
  app.add_option("--saveEngine", o.saveEngine, "Save the built engine to this file")->group(model);
  app.add_option("--shapes", shapes, "Input shapes, e.g. input:32x3x32x32[,name:dims]")
      ->group(model);
  app.add_option("--minShapes", minShapes, "Build profile minimum shapes")->group(model);
  app.add_option("--optShapes", optShapes, "Build profile optimum shapes")->group(model);
  app.add_option("--maxShapes", maxShapes, "Build profile maximum shapes")->group(model);

  auto* build = "Build (precision and DLA)";
  app.add_flag("--int8", o.int8, "Enable INT8 precision")->group(build);
  app.add_flag("--fp16", o.fp16, "Enable FP16 precision")->group(build);
  app.add_flag("--best", o.best, "Enable all precisions")->group(build);
  app.add_flag("--noTF32", o.noTF32, "Disable TF32 (GPU only; ignored)")->group(build);
  app.add_option("--calib", o.calib, "INT8 calibration cache file (TensorRT text format)")
      ->group(build);
  app.add_option("--useDLACore", useDLACore,
                 "Run layers that support DLA on core N (default: GPU only)")
      ->group(build);
  app.add_flag("--allowGPUFallback", o.allowGPUFallback, "Run layers the DLA rejects on the GPU")
      ->group(build);
  app.add_flag("--buildDLAStandalone", o.buildDLAStandalone,
               "Build a DLA standalone loadable (no GPU)")
      ->group(build);
  app.add_option("--inputIOFormats", inFmt, "Input types:formats, e.g. int8:dla_hwc4,fp16:chw16")
      ->group(build);
  app.add_option("--outputIOFormats", outFmt, "Output types:formats")->group(build);
  app.add_option("--memPoolSize", memPool,
                 "Pool sizes, e.g. dlaSRAM:1,dlaLocalDRAM:1024 (MiB or B/K/M/G)")
      ->group(build);
  app.add_option("--sparsity", o.sparsity, "disable | enable | force")
      ->group(build)
      ->check(CLI::IsMember({"disable", "enable", "force"}));
  app.add_option("--layerPrecisions", layerPrec, "Per-layer precision, e.g. conv1:fp16")
      ->group(build);
  app.add_option("--layerDeviceTypes", layerDev, "Per-layer device, e.g. conv1:GPU")->group(build);
  app.add_option("--profilingVerbosity", o.profilingVerbosity, "layer_names_only | detailed | none")
      ->group(build)
      ->check(CLI::IsMember({"layer_names_only", "detailed", "none"}));

  auto* infer = "Inference and reporting";
  app.add_option("--loadInputs", loadInputs, "Input data: name:file[,name:file] (raw or .npy)")
      ->group(infer);
  app.add_option("--exportOutput", o.exportOutput, "Write outputs as trtexec's JSON")->group(infer);
  app.add_option("--exportProfile", o.exportProfile,
                 "Modelled per-layer times as trtexec's JSON (NAME.profile.json also writes "
                 "TREx's metadata files)")
      ->group(infer);
  app.add_option("--exportLayerInfo", o.exportLayerInfo,
                 "Write layer information as trtexec's JSON")
      ->group(infer);
  app.add_option("--exportTimes", o.exportTimes, "Modelled per-inference times as trtexec's JSON")
      ->group(infer);
  app.add_option("--exportTrace", o.exportTrace,
                 "The modelled timeline of one inference as a Chrome trace (Perfetto)")
      ->group(infer);
  app.add_option("--iterations", iterations, "Inferences to time (default 10)")->group(infer);
  app.add_option("--duration", duration, "Seconds to time (default 3)")->group(infer);
  app.add_option("--warmUp", warmUp, "Warm-up milliseconds (default 200)")->group(infer);
  app.add_option("--avgRuns", avgRuns, "Runs averaged per trace line (default 10)")->group(infer);
  app.add_option("--percentile", percentile, "Latency percentiles (default 90,95,99)")
      ->group(infer);
  app.add_flag("--skipInference", o.skipInference, "Build only; do not run")->group(infer);
  app.add_flag("-v,--verbose", o.verbose, "Verbose log")->group(infer);
  app.add_flag("--dumpOutput", o.dumpOutput, "Print the outputs to the log")->group(infer);
  app.add_flag("--dumpLayerInfo", o.dumpLayerInfo, "Print the layer information to the log")
      ->group(infer);
  app.add_flag("--dumpProfile", o.dumpProfile, "Print the modelled per-layer profile")
      ->group(infer);
  app.add_flag("--separateProfileRun", o.separateProfileRun,
               "Profile in a run of its own (the timed run stays unprofiled)")
      ->group(infer);
  app.add_flag("--noDataTransfers", o.noDataTransfers, "No host-device copies in the timing")
      ->group(infer);

  auto* own = "dlasim";
  app.add_option(
         "--platform", platform,
         "orin-agx (default), orin-agx-32gb, orin-nx-16gb, orin-nx-8gb, xavier-agx, xavier-nx")
      ->group(own);
  app.add_option("--powerMode", o.powerMode, "Power mode of the platform (e.g. MAXN, 30W, 15W)")
      ->group(own);
  std::string jetpack;
  app.add_option("--trtVersion", o.trtVersion,
                 "TensorRT version modelled: 8.4 (default), 8.5, 8.6, 10.3")
      ->group(own);
  app.add_option("--jetpack", jetpack,
                 "JetPack release, for its TensorRT: 5.0 (8.4), 5.1 (8.5), 6.0 (8.6), 6.2 (10.3)")
      ->group(own);
  app.add_option("--seed", o.seed, "Seed for random inputs (default 1)")->group(own);
  std::string dlaClock, gpuClock, emcClock;
  app.add_option("--dlaClockMHz", dlaClock, "DLA clock for the model (default: the power mode's)")
      ->group(own);
  app.add_option("--gpuClockMHz", gpuClock, "GPU clock for the model (default: the power mode's)")
      ->group(own);
  app.add_option("--emcClockMHz", emcClock,
                 "Memory (EMC) clock for the model (default: the power mode's)")
      ->group(own);
  std::string maxMemory;
  app.add_option("--maxMemory", maxMemory,
                 "Memory budget for weights and activations, MiB or B/K/M/G (default: a quarter "
                 "of this machine's memory)")
      ->group(own);

  // Flags that only mean something on a device: accepted, then named once as ignored.
  static const char* kDeviceFlags[] = {
      "--useSpinWait",    "--useCudaGraph", "--exposeDMA", "--useManagedMemory",
      "--noBuilderCache", "--directIO",     "--refit",     "--safe"};
  std::map<std::string, bool> deviceFlags;
  for (const char* f : kDeviceFlags)
    app.add_flag(f, deviceFlags[f], "(device only; ignored)")->group("Ignored in simulation");
  static const char* kDeviceOptions[] = {"--streams",   "--infStreams",
                                         "--sleepTime", "--idleTime",
                                         "--workspace", "--builderOptimizationLevel",
                                         "--device",    "--tacticSources"};
  std::map<std::string, std::string> deviceOptions;
  for (const char* f : kDeviceOptions)
    app.add_option(f, deviceOptions[f], "(device only; ignored)")->group("Ignored in simulation");

  CompatFlags compat;
  addCompatFlags(app, compat);

  // A subcommand's own flags (listed last in its --help) shadow trtexec's of the same name.
  std::map<std::string, std::string> subStorage;
  std::string subModel;
  if (sub) {
    app.name("dlasim " + sub->spec->name);
    app.description(subcommandUsage(*sub->spec) + "\n\n" + sub->spec->about +
                    "\nIt takes dlasim's trtexec flags (listed first) and its own (listed last).");
    addSubcommandFlags(app, *sub->spec, subStorage, subModel);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    *(sub ? sub->out : &std::cout) << app.help();
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    fail(msg.empty() ? "bad command line" : msg, " (see ", app.get_name(), " --help)");
  }
  if (sub) {
    sub->own = collectSubcommandValues(app, *sub->spec, subStorage);
    if (!subModel.empty() && !o.onnx.empty())
      fail("the model is given twice: ", subModel, " and --onnx=", o.onnx);
    if (!subModel.empty()) o.onnx = subModel;
    if (o.onnx.empty() && !(sub->spec->engineInPlace && !o.loadEngine.empty()))
      fail("no ", sub->spec->positional, " given (", subcommandUsage(*sub->spec), ")");
  }
  for (const auto& [flag, on] : deviceFlags)
    if (on) o.ignoredFlags.push_back(flag);
  for (const auto& [flag, value] : deviceOptions)
    if (app.count(flag)) o.ignoredFlags.push_back(flag);
  // The timing flags shape the modelled timing loop; TF32 is a GPU tactic choice.
  if (app.count("--noTF32")) o.ignoredFlags.push_back("--noTF32");
  auto clock = [](const char* flag, const std::string& v) {
    if (v.empty()) return 0.0;
    double mhz = parseNumber(flag + 2, v);
    if (mhz <= 0) fail(flag, ": ", v, " must be a positive clock in MHz");
    return mhz;
  };
  o.dlaClockMHz = clock("--dlaClockMHz", dlaClock);
  o.gpuClockMHz = clock("--gpuClockMHz", gpuClock);
  o.emcClockMHz = clock("--emcClockMHz", emcClock);

  if (o.onnx.empty() && o.loadEngine.empty())
    fail("no model given: use --onnx=model.onnx or --loadEngine=file");
  if (!o.onnx.empty() && !o.loadEngine.empty()) fail("--onnx and --loadEngine exclude each other");
  if (!shapes.empty()) o.shapes = parseShapeSpec("shapes", shapes);
  if (!minShapes.empty()) o.minShapes = parseShapeSpec("minShapes", minShapes);
  if (!optShapes.empty()) o.optShapes = parseShapeSpec("optShapes", optShapes);
  if (!maxShapes.empty()) o.maxShapes = parseShapeSpec("maxShapes", maxShapes);
  // trtexec: optShapes alone stands for all three; --shapes alone sets the build shapes too.
  if (!o.optShapes.empty() && o.minShapes.empty() && o.maxShapes.empty())
    o.minShapes = o.maxShapes = o.optShapes;
  if ((o.minShapes.empty() + o.optShapes.empty() + o.maxShapes.empty()) % 3 != 0)
    fail("--minShapes, --optShapes and --maxShapes must be given together (or --optShapes alone)");
  if (o.shapes.empty() && !o.optShapes.empty()) o.shapes = o.optShapes;
  // As trtexec: the inference shapes must lie inside the build profile.
  for (const auto& [name, s] : o.shapes) {
    auto mn = o.minShapes.find(name), mx = o.maxShapes.find(name);
    if (mn == o.minShapes.end() || mx == o.maxShapes.end()) continue;
    bool inside = s.size() == mn->second.size() && s.size() == mx->second.size();
    for (size_t d = 0; inside && d < s.size(); ++d)
      inside = s[d] >= mn->second[d] && s[d] <= mx->second[d];
    if (!inside)
      fail("--shapes: input '", name, "' shape ", shapeStr(s), " is outside the profile ",
           shapeStr(mn->second), " (--minShapes) .. ", shapeStr(mx->second), " (--maxShapes)");
  }
  if (!useDLACore.empty()) o.useDLACore = parseInt("useDLACore", useDLACore, -1, 15);
  if (!iterations.empty()) o.iterations = parseInt("iterations", iterations, 1, 1 << 30);
  if (!warmUp.empty()) o.warmUp = parseInt("warmUp", warmUp, 0, 1 << 30);
  if (!avgRuns.empty()) o.avgRuns = parseInt("avgRuns", avgRuns, 1, 1 << 30);
  if (!duration.empty()) {
    o.duration = parseNumber("duration", duration);
    if (o.duration < 0 && o.duration != -1) fail("--duration: ", duration, " must be >= 0 or -1");
  }
  if (!percentile.empty()) {
    o.percentiles.clear();
    for (const auto& p : splitList(percentile, ',')) {
      double v = parseNumber("percentile", p);
      if (v < 0 || v > 100) fail("--percentile: ", p, " is not in [0, 100]");
      o.percentiles.push_back(v);
    }
  }
  if (!inFmt.empty()) o.inputIOFormats = parseIOFormats("inputIOFormats", inFmt);
  if (!outFmt.empty()) o.outputIOFormats = parseIOFormats("outputIOFormats", outFmt);
  if (!memPool.empty()) o.memPoolSizeMiB = parseMemPools(memPool);
  if (!maxMemory.empty()) o.maxMemory = parseMemorySize("maxMemory", maxMemory);
  if (!layerPrec.empty())
    o.layerPrecisions =
        parseLayerSpec("layerPrecisions", layerPrec, {"fp32", "fp16", "int8", "int32", "bf16"});
  if (!layerDev.empty())
    o.layerDeviceTypes = parseLayerSpec("layerDeviceTypes", layerDev, {"GPU", "DLA"});
  if (!loadInputs.empty())
    for (const auto& item : splitList(loadInputs, ',')) {
      auto [name, file] = splitNameValue("loadInputs", item);
      if (file.empty()) fail("--loadInputs: no file for input '", name, "'");
      o.loadInputs[name] = file;
    }
  o.platform = platform;
  if (!jetpack.empty()) {
    std::string v = trtVersionForJetpack(jetpack);
    if (!o.trtVersion.empty() && o.trtVersion != v)
      fail("--jetpack=", jetpack, " ships TensorRT ", v, ", not --trtVersion=", o.trtVersion);
    o.trtVersion = v;
  }
  std::set<std::string> shadowed;  // a subcommand's own flags: not trtexec's of the same name
  if (sub)
    for (const auto& [flag, value] : sub->own) shadowed.insert(flag);
  applyCompatFlags(app, compat, o, shadowed);
  if (o.buildDLAStandalone && o.allowGPUFallback)
    fail("--buildDLAStandalone and --allowGPUFallback exclude each other");
  if (o.buildDLAStandalone && o.useDLACore < 0) fail("--buildDLAStandalone needs --useDLACore=N");
  if (o.buildDLAStandalone) o.skipInference = true;  // as trtexec: standalone loadables are not run
  return o;
}

BuildConfig buildConfig(const Options& o) {
  BuildConfig c;
  c.platform = o.platform;
  c.powerMode = o.powerMode;
  c.trtVersion = o.trtVersion;
  c.dlaCore = o.useDLACore;
  c.fp16 = o.fp16 || o.best;
  c.int8 = o.int8 || o.best;
  c.allowGpuFallback = o.allowGPUFallback;
  c.standalone = o.buildDLAStandalone;
  for (const auto& [name, p] : o.layerPrecisions) {
    Precision prec;
    if (!parsePrecision(p, &prec)) fail("--layerPrecisions: '", p, "' is not a precision");
    c.layerPrecisions.push_back({name, prec});
  }
  for (const auto& [name, p] : o.layerOutputTypes) {
    Precision prec;
    if (!parsePrecision(p, &prec)) fail("--layerOutputTypes: '", p, "' is not a type");
    c.layerOutputTypes.push_back({name, prec});
  }
  for (const auto& [name, d] : o.layerDeviceTypes)
    c.layerDevices.push_back({name, d == "DLA" ? Device::kDLA : Device::kGPU});
  c.precisionConstraints = o.precisionConstraints == "obey"     ? PrecisionConstraints::kObey
                           : o.precisionConstraints == "prefer" ? PrecisionConstraints::kPrefer
                                                                : PrecisionConstraints::kNone;
  c.stronglyTyped = o.stronglyTyped;
  c.inputFormats = o.inputIOFormats;
  c.outputFormats = o.outputIOFormats;
  c.memPoolMiB = o.memPoolSizeMiB;
  c.sparsity = o.sparsity == "force"    ? Sparsity::kForce
               : o.sparsity == "enable" ? Sparsity::kEnable
                                        : Sparsity::kDisable;
  c.minShapes = o.minShapes;
  c.maxShapes = o.maxShapes;
  c.maxMemoryBytes = o.maxMemory;
  if (!o.calib.empty()) c.calibration = CalibrationCache::read(o.calib);
  return c;
}

}  // namespace dlasim::cli
