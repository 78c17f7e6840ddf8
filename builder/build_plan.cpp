#include "builder/build_plan.h"

#include <cmath>
#include <set>

#include "builder/calibration.h"

namespace builder {

using namespace sim;

namespace {

int64_t dlaBatchOf(const Graph& g, const Node& n) {
  const Shape& s = g.desc(n.outputs[0]).shape;
  int64_t b = 1;
  for (size_t i = 0; i + 3 < s.size(); ++i) b *= s[i];
  return b;
}

std::vector<bool> dynamicTensors(const Graph& g, const std::map<std::string, Shape>& dynamicInputs,
                                 const dlasim::BuildConfig& o) {
  std::vector<bool> dyn(g.tensors.size(), false);
  for (const auto& [name, declared] : dynamicInputs) {
    auto mn = o.minShapes.find(name), mx = o.maxShapes.find(name);
    if (mn != o.minShapes.end() && mx != o.maxShapes.end() && mn->second != mx->second &&
        g.find(name) != kNoTensor)
      dyn[g.find(name)] = true;
  }
  for (const auto& n : g.nodes) {
    bool any = false;
    for (TensorId t : n.inputs)
      if (t != kNoTensor && dyn[t]) any = true;
    for (TensorId t : n.outputs) dyn[t] = any;
  }
  return dyn;
}

bool isPowerOfTwo(double bytes) {
  double l = std::log2(bytes);
  return l == std::floor(l);
}

void checkMemPools(const dlasim::BuildConfig& o, const hw::Platform& p,
                   std::vector<std::string>& warnings) {
  for (const auto& [pool, mib] : o.memPoolMiB) {
    if (pool.rfind("dla", 0) != 0) continue;
    double bytes = mib * (1 << 20);
    if (bytes < 4096 || !isPowerOfTwo(bytes))
      fail("--memPoolSize: ", pool, " of ", int64_t(bytes),
           " bytes must be a power of two of at least 4 KiB");
    if (pool == "dlaSRAM" && bytes > double(p.sramBytesPerCore))
      warnings.push_back(cat("--memPoolSize: dlaSRAM ", bytes, " bytes exceeds the ",
                             p.sramBytesPerCore, " bytes per core of ", p.name,
                             "; it will be capped"));
  }
}

// I/O formats: the number must match the inputs/outputs (or be one, broadcast); for DLA
// standalone each must be a DLA format.
std::vector<std::string> ioFormatProblems(const Graph& g, const dlasim::BuildConfig& o) {
  using dlasim::IOFormat;
  std::vector<std::string> problems;
  auto check = [&](const std::vector<IOFormat>& fmts, const std::vector<TensorId>& ts, bool input) {
    const char* flag = input ? "--inputIOFormats" : "--outputIOFormats";
    if (!fmts.empty() && fmts.size() != 1 && fmts.size() != ts.size())
      fail(flag, ": ", fmts.size(), " formats for ", ts.size(), input ? " inputs" : " outputs");
    for (size_t i = 0; i < ts.size(); ++i) {
      IOFormat f = fmts.empty() ? IOFormat{"fp32", "chw"} : fmts[fmts.size() == 1 ? 0 : i];
      const std::string& name = g.tensor(ts[i]).name;
      const Shape& s = g.desc(ts[i]).shape;
      // A spec may allow several formats ("int8:dla_hwc4+chw32"); one DLA format is enough.
      bool ok = false, hwc4 = false;
      std::string rest = f.format;
      while (!rest.empty()) {
        size_t plus = rest.find('+');
        std::string fmt = rest.substr(0, plus);
        rest = plus == std::string::npos ? "" : rest.substr(plus + 1);
        bool thisOk = (fmt == "dla_linear" && (f.type == "fp16" || f.type == "int8")) ||
                      (fmt == "chw16" && f.type == "fp16") ||
                      (fmt == "chw32" && f.type == "int8") ||
                      (input && fmt == "dla_hwc4" && (f.type == "fp16" || f.type == "int8"));
        ok |= thisOk;
        hwc4 |= thisOk && fmt == "dla_hwc4";
      }
      if (!ok)
        problems.push_back(cat(input ? "input '" : "output '", name, "' format ", f.type, ":",
                               f.format, " is not a DLA ", input ? "input" : "output", " format (",
                               input ? "dla_linear, dla_hwc4, fp16:chw16, int8:chw32"
                                     : "dla_linear, fp16:chw16, int8:chw32",
                               ")"));
      else if (hwc4 && (s.size() < 3 ||
                        (s[s.size() - 3] != 1 && s[s.size() - 3] != 3 && s[s.size() - 3] != 4)))
        problems.push_back(
            cat("input '", name, "' uses dla_hwc4, which needs C in {1,3,4}; shape ", shapeStr(s)));
    }
  };
  check(o.inputFormats, g.inputs, true);
  check(o.outputFormats, g.outputs, false);
  return problems;
}

std::string reasons(const hw::LayerVerdict& v) {
  std::string s;
  for (const auto& x : v.violations) s += (s.empty() ? "" : "; ") + x.message + " [" + x.rule + "]";
  return s;
}

}  // namespace

std::string gpuLayerType(const Node& n) {
  // TensorRT's ONNX parser imports InstanceNormalization as a plugin.
  if (n.kind == OpKind::kNormalization && n.get<NormAttrs>().type == NormType::kInstance)
    return "PLUGIN_V2";
  return trtLayerType(n.kind);
}

BuildResult buildPlan(Graph& g, const std::map<std::string, Shape>& dynamicInputs,
                      const dlasim::BuildConfig& o) {
  BuildResult b;
  b.platform = &hw::platformById(o.platform);
  const hw::Platform& p = *b.platform;
  if (!o.powerMode.empty()) {
    bool found = false;
    std::string names;
    for (const auto& m : p.powerModes) {
      found |= m.name == o.powerMode;
      names += (names.empty() ? "" : ", ") + m.name;
    }
    if (!found)
      fail("--powerMode: ", p.name, " has no power mode '", o.powerMode, "' (", names, ")");
  }
  if (o.dlaCore >= p.dlaCores)
    fail("--useDLACore=", o.dlaCore, ": ", p.name, " has ", p.dlaCores, " DLA core",
         p.dlaCores > 1 ? "s" : "", " (0..", p.dlaCores - 1, ")");
  if (o.standalone && o.dlaCore < 0)
    fail("--buildDLAStandalone needs --useDLACore=N");
  checkMemPools(o, p, b.warnings);
  // Per-layer flags may name a layer or any ONNX node fused into one.
  std::map<std::string, std::string> layerOf;
  for (const auto& n : g.nodes) {
    layerOf[n.name] = n.name;
    layerOf[n.firstName()] = n.name;
    for (const auto& f : n.fused) layerOf[f.first] = n.name;
  }
  for (const auto& [name, v] : o.layerPrecisions)
    if (!layerOf.count(name)) fail("--layerPrecisions: no layer named '", name, "'");
  for (const auto& [name, v] : o.layerDevices)
    if (!layerOf.count(name)) fail("--layerDeviceTypes: no layer named '", name, "'");
  std::vector<std::string> ioProblems = ioFormatProblems(g, o);
  if (o.calibration) applyCalibration(g, *o.calibration);

  b.dla = o.dlaCore >= 0;
  b.forcedGpu.assign(g.nodes.size(), "");
  PartitionInput in;
  in.dlaCapable.assign(g.nodes.size(), false);
  in.maxLoadables = p.limits.maxLoadablesPerCore;
  in.maxWeightBytes = p.limits.maxWeightBytes;
  if (b.dla) {
    hw::RuleConfig cfg;
    cfg.fp16 = o.fp16;
    cfg.int8 = o.int8;
    for (const auto& [name, prec] : o.layerPrecisions) cfg.layerPrecisions[layerOf[name]] = prec;
    cfg.dynamicTensors = dynamicTensors(g, dynamicInputs, o);
    cfg.calibrated = o.calibration.has_value() && cfg.int8;
    std::map<std::string, dlasim::Device> device;
    for (const auto& [name, d] : o.layerDevices) device[layerOf[name]] = d;  // later ones override
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      b.verdicts.push_back(hw::checkLayer(g, n, p, cfg));
      auto it = device.find(n.name);
      if (it != device.end() && it->second == dlasim::Device::kGPU)
        b.forcedGpu[i] = "placed on the GPU by --layerDeviceTypes";
      in.dlaCapable[i] = b.verdicts.back().ok() && b.forcedGpu[i].empty();
    }
  }
  for (const auto& n : g.nodes) {
    in.dlaBatch.push_back(dlaBatchOf(g, n));
    int64_t w = 0;
    for (TensorId t : n.inputs)
      if (t != kNoTensor && g.tensor(t).isConstant()) w += int64_t(g.tensor(t).value.bytes());
    in.weightBytes.push_back(w);
  }
  b.partition = partition(g, in);
  assignPrecisions(g, b);
  if (o.calibration)  // degenerate scales are never silent
    for (auto& w : calibrationWarnings(g, *o.calibration, b.partition.loadableOf))
      b.warnings.push_back(std::move(w));

  if (!b.dla) return b;
  // Verdicts that make the build impossible (exit 1), each layer with its reasons.
  std::vector<std::string> fatal;
  if (!o.allowGpuFallback || o.standalone)
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (b.partition.loadableOf[i] < 0) {
        const Node& n = g.nodes[i];
        std::string why = !b.forcedGpu[i].empty() ? b.forcedGpu[i] : reasons(b.verdicts[i]);
        if (why.empty())
          for (const auto& e : b.partition.evicted)
            if (e.node == NodeId(i)) why = e.message + " [" + e.rule + "]";
        fatal.push_back(cat("Layer '", n.name, "' (", gpuLayerType(n), "): ", why));
      }
  if (o.standalone)
    for (const auto& pr : ioProblems) fatal.push_back(pr + " [io.format]");
  if (!fatal.empty())
    throw VerdictError(cat(fatal.size(), " problem(s) prevent ",
                           o.standalone
                               ? "a DLA standalone build"
                               : "running every layer on DLA core " + std::to_string(o.dlaCore),
                           o.standalone ? "" : " and --allowGPUFallback is not set",
                           "; first: ", fatal.front()),
                       fatal);
  for (const auto& pr : ioProblems) b.warnings.push_back(pr + ": a reformat layer runs on the GPU");
  return b;
}

void assignPrecisions(Graph& g, const BuildResult& b) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    g.nodes[i].precision = b.dla && b.partition.loadableOf[i] >= 0 ? b.verdicts[i].precision
                                                                   : Precision::kFP32;
}

std::vector<hw::Violation> fallbackReasons(const Graph& g, const BuildResult& b, size_t i) {
  std::vector<hw::Violation> v;
  if (!b.dla || b.partition.loadableOf[i] >= 0) return v;
  if (!b.forcedGpu[i].empty())
    v.push_back({"layerDeviceTypes", b.forcedGpu[i], "", "GPU", "DLA"});
  for (const auto& x : b.verdicts[i].violations) v.push_back(x);
  for (const auto& e : b.partition.evicted)
    if (e.node == NodeId(i)) v.push_back({e.rule, e.message, "", "", ""});
  return v;
}

}  // namespace builder
