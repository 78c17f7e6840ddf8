#include "builder/build_plan.h"

#include <cmath>
#include <set>

#include "builder/bindings.h"
#include "builder/calibration.h"
#include "builder/gpu_precision.h"
#include "builder/layer_flags.h"
#include "builder/sparsity.h"
#include "hwmodels/cost/perf_model.h"
#include "sim/ir/trt_names.h"
#include "sim/ops/op_def.h"

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

// Bindings whose format is not a DLA format: a reformat layer runs on the GPU (a standalone
// build fails). `spec` keeps the formats as given for the message.
std::vector<std::string> ioFormatProblems(const Graph& g, const dlasim::BuildConfig& o,
                                          const std::vector<dlasim::IOFormat>& chosen) {
  std::vector<std::string> problems;
  for (size_t k = 0; k < chosen.size(); ++k) {
    bool input = k < g.inputs.size();
    const auto& fmts = input ? o.inputFormats : o.outputFormats;
    size_t i = input ? k : k - g.inputs.size();
    TensorId t = input ? g.inputs[i] : g.outputs[i];
    dlasim::IOFormat spec =
        fmts.empty() ? defaultBindingFormat(g.desc(t).dtype) : fmts[fmts.size() == 1 ? 0 : i];
    const Shape& s = g.desc(t).shape;
    if (!sim::isDlaFormat(chosen[k], input))
      problems.push_back(cat(input ? "input '" : "output '", g.tensor(t).name, "' format ",
                             spec.type, ":", spec.format, " is not a DLA ",
                             input ? "input" : "output", " format (",
                             input ? "dla_linear, dla_hwc4, fp16:chw16, int8:chw32"
                                   : "dla_linear, fp16:chw16, int8:chw32",
                             ")"));
    else if (sim::ioLayoutsOf(chosen[k]).front() == sim::IOLayout::kDLAHWC4 &&
             (s.size() < 3 ||
              (s[s.size() - 3] != 1 && s[s.size() - 3] != 3 && s[s.size() - 3] != 4)))
      problems.push_back(cat("input '", g.tensor(t).name,
                             "' uses dla_hwc4, which needs C in {1,3,4}; shape ", shapeStr(s)));
  }
  return problems;
}

// The precision of each GPU layer (TensorRT's pick, BuildResult::gpuPrecision), and what
// --precisionConstraints makes of the requests: an obeyed request no kernel meets is a problem
// that fails the build (returned, one line per layer); a preferred one falls back with a
// warning.
std::vector<std::string> choosePrecisions(const Graph& g, const dlasim::BuildConfig& o,
                                          const LayerRequests& req, BuildResult& b) {
  std::vector<std::string> problems;
  const bool obey = o.precisionConstraints == dlasim::PrecisionConstraints::kObey;
  b.gpuPrecision.assign(g.nodes.size(), Precision::kFP32);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    bool dla = b.dla && b.partition.loadableOf[i] >= 0;
    bool scaled = !o.calibration;  // "Calibration: Dynamic" gives every tensor a range
    if (!scaled) {
      scaled = true;
      for (TensorId t : n.inputs)
        if (t != kNoTensor && !g.tensor(t).isConstant() && !g.tensor(t).quant.has()) scaled = false;
      for (TensorId t : n.outputs)
        if (t != kNoTensor && !g.tensor(t).quant.has()) scaled = false;
    }
    std::optional<Precision> asked = req.precision[i] ? req.precision[i] : req.outputType[i];
    Precision got = dla ? n.precision : gpuPrecision(g, n, o.fp16, o.int8, scaled, asked);
    if (!dla) b.gpuPrecision[i] = got;
    if (!asked || got == *asked) continue;
    std::string what = cat("Layer '", n.name, "' (", gpuLayerType(n),
                           "): ", req.precision[i] ? "--layerPrecisions" : "--layerOutputTypes",
                           " asks for ", dlasim::precisionName(*asked), ", ",
                           dla ? "the DLA runs it in " : "TensorRT's GPU kernels run it in ",
                           dlasim::precisionName(got));
    if (obey && !dla)
      problems.push_back(what + "; --precisionConstraints=obey cannot be met [general.precision]");
    else if (!obey)
      b.warnings.push_back(what + " (--precisionConstraints=prefer falls back)");
  }
  return problems;
}

// TensorRT's builder names a matrix multiply it runs on the DLA, and the squeeze after it, by
// whether the multiply starts its loadable (its input comes from the GPU) or follows other DLA
// layers there (sim/ir/trt_names.h); on the GPU they keep their import names.
void nameConvertedMatMuls(Graph& g, const Partition& part) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const MatMulLayers names = MatMulLayers::of(g, g.nodes[i]);
    const int l = part.loadableOf[i];
    if (names.gemm.empty() || l < 0) continue;
    const NodeId p = g.tensor(g.nodes[i].inputs[0]).producer;
    const bool starts = p < 0 || part.loadableOf[size_t(p)] != l;
    g.nodes[i].name = names.dlaName(starts);
    const TensorId out = g.nodes[i].outputs[0];
    for (size_t j = i + 1; j < g.nodes.size(); ++j)
      if (g.nodes[j].kind == OpKind::kShuffle && g.nodes[j].inputs[0] == out &&
          g.nodes[j].onnxName == names.gemm)
        g.nodes[j].name = names.squeezeName(starts);
  }
}

std::string reasons(const hw::LayerVerdict& v) {
  std::string s;
  for (const auto& x : v.violations) s += (s.empty() ? "" : "; ") + x.message + " [" + x.rule + "]";
  return s;
}

}  // namespace

std::string gpuLayerType(const Node& n) {
  if (importedAsPlugin(n)) return "PLUGIN_V2";
  // A Gemm / MatMul is a MatrixMultiply in TensorRT's network (held as the 1x1 convolution its
  // builder makes of it for the DLA; sim/ir/trt_names.h).
  if (n.kind == OpKind::kConvolution && (n.onnxOp == "Gemm" || n.onnxOp == "MatMul"))
    return trtLayerType(OpKind::kMatrixMultiply);
  return trtLayerType(n.kind);
}

BuildResult buildPlan(Graph& g, const std::map<std::string, Shape>& dynamicInputs,
                      const dlasim::BuildConfig& o) {
  BuildResult b;
  b.platform = &hw::platformById(o.platform);
  const hw::Platform& p = *b.platform;
  b.trtVersion = &hw::trtVersionById(o.trtVersion);
  hw::checkTrtVersionFor(*b.trtVersion, p);
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
  if (o.standalone && o.dlaCore < 0) fail("--buildDLAStandalone needs --useDLACore=N");
  checkMemPools(o, p, b.warnings);
  if (o.stronglyTyped && (o.fp16 || o.int8))
    fail(
        "--stronglyTyped: precisions come from the network's types; --fp16, --int8 and --best "
        "are not allowed with it");
  if (o.sparsity == dlasim::Sparsity::kForce) {
    int pruned = forceSparsity(g);
    b.warnings.push_back(cat("--sparsity=force: the weights of ", pruned,
                             " convolution / fully connected layer(s) were overwritten to be 2:4 "
                             "sparse along C (as trtexec does, to time sparse kernels): outputs "
                             "lose accuracy"));
  }
  // Per-layer flags, resolved with trtexec's semantics (wildcards, warnings, constraints).
  LayerRequests req = resolveLayerFlags(g, o);
  for (auto& w : req.warnings) b.warnings.push_back(std::move(w));
  const bool obey = o.precisionConstraints == dlasim::PrecisionConstraints::kObey;
  b.bindingFormats = chooseBindingFormats(g, o, o.dlaCore >= 0);
  std::vector<std::string> ioProblems = ioFormatProblems(g, o, b.bindingFormats);
  // A Q/DQ model brings its own scales (explicit quantisation): it counts as calibrated, and a
  // cache only fills the tensors it leaves without one.
  const bool explicitScales = hasExplicitScales(g);
  if (o.calibration) applyCalibration(g, *o.calibration, /*onlyMissing=*/explicitScales);
  if (o.calibration && explicitScales)
    b.warnings.push_back(
        "the model is quantised explicitly (QuantizeLinear/DequantizeLinear): its own scales "
        "are kept and the calibration cache only fills tensors without one");
  // An INT8 input binding needs its scale before any run: without a cache, trtexec's dynamic
  // range for network inputs ([-2, 2], its "Calibration: Dynamic" default).
  for (size_t k = 0; k < g.inputs.size(); ++k)
    if (sim::ioTypeOf(b.bindingFormats[k]) == sim::IOType::kINT8 &&
        !g.tensor(g.inputs[k]).quant.has()) {
      g.tensors[g.inputs[k]].quant.scale = 2.f / 127.f;
      b.warnings.push_back(cat("input '", g.tensor(g.inputs[k]).name,
                               "' is an INT8 binding without a calibration scale: dynamic range "
                               "[-2, 2] as trtexec's default (scale 2/127)"));
    }

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
    cfg.obey = obey;
    cfg.trt = b.trtVersion;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (req.precision[i]) cfg.layerPrecisions[g.nodes[i].name] = *req.precision[i];
      if (req.outputType[i]) cfg.layerOutputTypes[g.nodes[i].name] = *req.outputType[i];
    }
    cfg.dynamicTensors = dynamicTensors(g, dynamicInputs, o);
    cfg.calibrated = (o.calibration.has_value() || explicitScales) && cfg.int8;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      b.verdicts.push_back(hw::checkLayer(g, n, p, cfg));
      if (req.device[i] == dlasim::Device::kGPU)
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
  if (b.dla) nameConvertedMatMuls(g, b.partition);
  assignPrecisions(g, b);
  std::vector<std::string> fatal = choosePrecisions(g, o, req, b);
  if (o.calibration)  // degenerate scales are never silent
    for (auto& w : calibrationWarnings(g, *o.calibration, b.partition.loadableOf))
      b.warnings.push_back(std::move(w));

  if (!b.dla && fatal.empty()) return b;
  // Verdicts that make the build impossible (exit 1), each layer with its reasons.
  if (b.dla && (!o.allowGpuFallback || o.standalone))
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
  if (!fatal.empty() && !b.dla)
    throw VerdictError(cat(fatal.size(),
                           " problem(s) prevent the build with "
                           "--precisionConstraints=obey; first: ",
                           fatal.front()),
                       fatal);
  if (!fatal.empty())
    throw VerdictError(
        cat(fatal.size(), " problem(s) prevent ",
            o.standalone ? "a DLA standalone build"
                         : "running every layer on DLA core " + std::to_string(o.dlaCore),
            o.standalone ? "" : " and --allowGPUFallback is not set", "; first: ", fatal.front()),
        fatal);
  for (const auto& pr : ioProblems) b.warnings.push_back(pr + ": a reformat layer runs on the GPU");
  // Each loadable's memory pools (--memPoolSize): too small fails the build, as in TensorRT.
  std::vector<std::string> pools = hw::loadablePoolProblems(g, b.partition, p, o);
  if (!pools.empty())
    throw VerdictError(cat(pools.size(), " memory pool problem(s); first: ", pools.front()), pools);
  return b;
}

Precision reportedPrecision(const Graph& g, const BuildResult& b, size_t i) {
  bool gpu = !(b.dla && b.partition.loadableOf[i] >= 0);
  return gpu && i < b.gpuPrecision.size() ? b.gpuPrecision[i] : g.nodes[i].precision;
}

dlasim::LayerWork reportedWork(const Graph& g, const BuildResult& b, size_t i) {
  Precision p = reportedPrecision(g, b, i);
  if (p == g.nodes[i].precision) return layerWork(g, g.nodes[i]);
  Node n = g.nodes[i];  // the work of the GPU kernel TensorRT picks
  n.precision = p;
  return layerWork(g, n);
}

void assignPrecisions(Graph& g, const BuildResult& b) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    g.nodes[i].precision =
        b.dla && b.partition.loadableOf[i] >= 0 ? b.verdicts[i].precision : Precision::kFP32;
}

std::vector<hw::Violation> fallbackReasons(const Graph& g, const BuildResult& b, size_t i) {
  std::vector<hw::Violation> v;
  if (!b.dla || b.partition.loadableOf[i] >= 0) return v;
  if (!b.forcedGpu[i].empty()) v.push_back({"layerDeviceTypes", b.forcedGpu[i], "", "GPU", "DLA"});
  for (const auto& x : b.verdicts[i].violations) v.push_back(x);
  for (const auto& e : b.partition.evicted)
    if (e.node == NodeId(i)) v.push_back({e.rule, e.message, "", "", ""});
  return v;
}

}  // namespace builder
