// checkLayer: the rules every layer shares (types, DLA batch, dimensions, dynamic shapes,
// precision), then the layer kind's own rules; plus the rule catalogue docs are built from.
#include <algorithm>
#include <cctype>
#include <sstream>

#include "hwmodels/rule_context.h"
#include "sim/ops/op_def.h"

namespace hw {

using namespace rules;

namespace {

using RuleFn = void (*)(Ctx&);
const RuleFn kRules[] = {
#define OP(Name, TrtType, AttrsT) &rule##Name,
#include "sim/ir/ops.def"
#undef OP
};

// trtexec's spelling of a precision ("fp16"), as the user typed it.
std::string lowerName(Precision p) {
  std::string s = sim::precisionName(p);
  for (char& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// DLA "batch" = product of all dims but the last three (C, H, W).
int64_t dlaBatch(const Shape& s) {
  int64_t b = 1;
  for (size_t i = 0; i + 3 < s.size(); ++i) b *= s[i];
  return b;
}

void commonRules(Ctx& c) {
  std::vector<sim::TensorId> ts;
  for (sim::TensorId t : c.n.inputs)
    if (t != sim::kNoTensor && !c.g.tensor(t).isConstant()) ts.push_back(t);
  for (sim::TensorId t : c.n.outputs) ts.push_back(t);
  bool typeBad = false, batchBad = false, dimBad = false, dynBad = false;
  for (sim::TensorId t : ts) {
    const auto& d = c.g.desc(t);
    if (d.dtype != sim::DType::kFloat &&
        !(c.n.kind == sim::OpKind::kElementWise && d.dtype == sim::DType::kBool) && !typeBad) {
      c.fail("general.type", sim::dtypeName(d.dtype),
             c.n.kind == sim::OpKind::kElementWise ? "float or bool" : "float",
             sim::cat("tensor '", c.g.tensor(t).name, "' is ", sim::dtypeName(d.dtype),
                      "; DLA layers take FP16/INT8 activations"));
      typeBad = true;
    }
    int64_t b = dlaBatch(d.shape);
    if (b > c.l.maxBatch && !batchBad) {
      c.fail("general.batch", std::to_string(b), sim::cat("<= ", c.l.maxBatch),
             sim::cat("DLA batch (product of dims but CHW) ", b, " of ", sim::shapeStr(d.shape),
                      " exceeds ", c.l.maxBatch));
      batchBad = true;
    }
    for (size_t i = d.shape.size() >= 3 ? d.shape.size() - 3 : 0; i < d.shape.size() && !dimBad;
         ++i)
      if (d.shape[i] > c.l.maxNonBatchDim) {
        c.fail("general.dims", std::to_string(d.shape[i]), sim::cat("<= ", c.l.maxNonBatchDim),
               sim::cat("dimension ", d.shape[i], " of ", sim::shapeStr(d.shape), " exceeds ",
                        c.l.maxNonBatchDim));
        dimBad = true;
      }
    if (size_t(t) < c.cfg.dynamicTensors.size() && c.cfg.dynamicTensors[t] && !dynBad) {
      c.fail("general.dynamic", "dynamic", "static (min = max shape)",
             sim::cat("tensor '", c.g.tensor(t).name,
                      "' has dynamic dimensions (min and max shapes differ)"),
             "build with equal --minShapes, --optShapes and --maxShapes");
      dynBad = true;
    }
  }
}

// Which precision the layer runs in on the DLA, or a violation when none of the allowed ones can.
void precisionRules(Ctx& c) {
  const bool int8Capable = sim::opTraits(c.n).dlaInt8;  // the kind's fact (seed §3.2)
  // A per-layer request (--layerPrecisions / --layerOutputTypes with --precisionConstraints):
  // the DLA computes and writes FP16 or INT8 only, INT8 only where the layer kind has it.
  auto asked = [&](const std::map<std::string, Precision>& m) -> const Precision* {
    auto it = m.find(c.n.name);
    return it == m.end() ? nullptr : &it->second;
  };
  const Precision* prec = asked(c.cfg.layerPrecisions);
  const Precision* out = asked(c.cfg.layerOutputTypes);
  const Precision* want = prec ? prec : out;
  if (want && c.cfg.obey) {
    for (const Precision* p : {prec, out}) {
      if (!p) continue;
      const char* f = p == prec ? "--layerPrecisions" : "--layerOutputTypes";
      if (*p != Precision::kFP16 && *p != Precision::kINT8) {
        c.fail("general.precision", lowerName(*p), "fp16 or int8",
               sim::cat(f, " asks for ", lowerName(*p), "; DLA only supports FP16 and INT8"));
        return;
      }
      if (*p == Precision::kINT8 && !int8Capable) {
        c.fail("general.precision", "int8", "fp16",
               sim::cat(f, " asks for int8; the DLA runs ", c.n.onnxOp, " in FP16 only"));
        return;
      }
    }
  }
  if (want && (*want == Precision::kINT8 || *want == Precision::kFP16)) {
    // Obeyed (checked above) or preferred: INT8 where the layer has it, else FP16; a
    // preference the DLA cannot meet keeps the layer in its usual precision (the builder warns).
    c.v.precision = *want == Precision::kINT8 && int8Capable ? Precision::kINT8 : Precision::kFP16;
  } else {
    if (!c.cfg.int8 && !c.cfg.fp16) {
      c.fail("general.precision", "FP32", "FP16 or INT8",
             "DLA only supports FP16 and INT8 precision; the build allows FP32 only",
             "build with --fp16 or --int8");
      return;
    }
    c.v.precision = c.cfg.int8 && int8Capable ? Precision::kINT8 : Precision::kFP16;
  }
  // With a calibration cache (or Q/DQ scales), a tensor without a scale keeps its layers out of
  // INT8, requested or not (TensorRT's "missing scale ... fall back to non-int8").
  if (c.v.precision == Precision::kINT8 && c.cfg.calibrated &&
      unscaledActivation(c.g, c.n) != sim::kNoTensor)
    c.v.precision = Precision::kFP16;
}

}  // namespace

sim::TensorId unscaledActivation(const sim::Graph& g, const sim::Node& n) {
  for (const auto* list : {&n.inputs, &n.outputs})
    for (sim::TensorId t : *list)
      if (t != sim::kNoTensor && !(list == &n.inputs && g.tensor(t).isConstant()) &&
          !(g.tensor(t).quant.scale > 0))
        return t;
  return sim::kNoTensor;
}

LayerVerdict checkLayer(const Graph& g, const Node& n, const Platform& p, const RuleConfig& cfg) {
  Ctx c{g, n, p, p.limits, cfg, cfg.trt ? *cfg.trt : trtVersionById(""), {}};
  commonRules(c);
  precisionRules(c);
  kRules[static_cast<size_t>(n.kind)](c);
  return c.v;
}

bool sparseEligible(const Graph& g, const Node& n, const Platform& p, Precision precision,
                    std::string* why) {
  auto no = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (n.kind != sim::OpKind::kConvolution) return no("not a convolution");
  if (!p.limits.sparsity) return no(sim::cat("structured sparsity is not supported on ", p.name));
  if (precision != Precision::kINT8) return no("sparsity needs INT8");
  const sim::TensorInfo& w = g.tensor(n.inputs[1]);
  int64_t c = w.desc.shape[1];
  if (c <= p.limits.sparsityMinChannels)
    return no(sim::cat("input channels ", c, " <= ", p.limits.sparsityMinChannels));
  if (!w.isConstant() || w.desc.dtype != sim::DType::kFloat) return no("weights are not constant");
  const Shape& s = w.desc.shape;
  int64_t k = s[0], spatial = sim::volume(s, 2, s.size());
  const float* wp = w.value.data<float>();
  for (int64_t o = 0; o < k; ++o)
    for (int64_t x = 0; x < spatial; ++x)
      for (int64_t c0 = 0; c0 < c; c0 += 4) {
        int nonzero = 0;
        for (int64_t ci = c0; ci < std::min(c, c0 + 4); ++ci)
          nonzero += wp[(o * c + ci) * spatial + x] != 0.f;
        if (nonzero > 2)
          return no(sim::cat("weights are not 2:4 sparse along C (output channel ", o,
                             ", channels ", c0, "..", std::min(c, c0 + 4) - 1, ")"));
      }
  return true;
}

const std::vector<RuleInfo>& ruleCatalogue() {
  // Rules every layer shares and network-level rules; each layer kind's own entries live next
  // to its rule function (catalogue<Name>, one per ops.def line).
  static const std::vector<RuleInfo> head = {
      {"general.type", "all", "activations are FP16 / INT8 tensors (no int64, bool, ...)",
       "TensorRT DLA docs"},
      {"general.batch", "all", "DLA batch = product of all dims but C,H,W; at most {maxBatch}",
       "seed §3.1"},
      {"general.dims", "all", "each of C, H, W at most {maxNonBatchDim}", "design §3"},
      {"general.dynamic", "all", "no dynamic dimensions: min, opt and max shapes equal",
       "seed §3.1; TensorRT DLA docs"},
      {"general.precision", "all",
       "FP16 or INT8 only (INT8 Sigmoid/TanH/LRN and FP16-only layers run FP16)",
       "design §3; DLA-SW FAQ"},
      {"network.loadables", "network",
       "at most {maxLoadablesPerCore} loadables per DLA core; later ones run on the GPU",
       "seed §3.1"},
      {"network.weights", "network", "DLA weights below {maxWeightBytes} bytes per network",
       "design §3"},
      {"network.batch", "network", "one batch size per loadable", "seed §3.1"},
  };
  static const std::vector<RuleInfo> all = [] {
    std::vector<RuleInfo> v = head;
#define OP(Name, TrtType, AttrsT) catalogue##Name(v);
#include "sim/ir/ops.def"
#undef OP
    v.insert(
        v.end(),
        {
            {"sparsity.eligible", "Convolution",
             "structured sparsity (--sparsity): platform support {sparsity}; INT8, C > "
             "{sparsityMinChannels}, 2:4 "
             "weights along C",
             "design §3"},
            {"io.format", "network",
             "inputs: dla_linear, dla_hwc4 (C in 1,3,4), chw16 (fp16), chw32 (int8); outputs: no "
             "dla_hwc4",
             "design §3"},
            {"pool.memory", "network", "memory pools: powers of two, at least 4 KiB",
             "NvInfer.h MemoryPoolType"},
        });
    return v;
  }();
  return all;
}

std::string rulesMarkdown(const std::string& trtVersion) {
  const TrtVersion& t = trtVersionById(trtVersion);
  auto value = [&t](const Platform& p, const std::string& key) -> std::string {
    const DlaLimits& l = p.limits;
    const auto& gens = t.rules.shuffleGenerations;
    auto r = [](const Range& x) { return rangeStr(x); };
    if (key == "maxBatch") return std::to_string(l.maxBatch);
    if (key == "maxNonBatchDim") return std::to_string(l.maxNonBatchDim);
    if (key == "maxLoadablesPerCore") return std::to_string(l.maxLoadablesPerCore);
    if (key == "maxWeightBytes") return std::to_string(l.maxWeightBytes);
    if (key == "convKernel") return r(l.convKernel);
    if (key == "convPadding") return r(l.convPadding);
    if (key == "convStride") return r(l.convStride);
    if (key == "convDilation") return r(l.convDilation);
    if (key == "convGroups") return r(l.convGroups);
    if (key == "convGroupsHwc4") return r(l.convGroupsHwc4);
    if (key == "convOutputMaps") return r(l.convOutputMaps);
    if (key == "deconvKernel") return r(l.deconvKernel);
    if (key == "deconvDisabledSquare") return r(l.deconvDisabledSquare);
    if (key == "deconvChannels") return r(l.deconvChannels);
    if (key == "poolWindow") return r(l.poolWindow);
    if (key == "poolPadding") return r(l.poolPadding);
    if (key == "poolStride") return r(l.poolStride);
    if (key == "avgPoolNeedsInclusivePadding") return l.avgPoolNeedsInclusivePadding ? "yes" : "no";
    if (key == "clipUpper") return r(l.clipUpper);
    if (key == "lrnWindows") return listStr(l.lrnWindows);
    if (key == "resizeNearestScale") return r(l.resizeNearestScale);
    if (key == "resizeLinearScale") return r(l.resizeLinearScale);
    if (key == "softmax") return l.softmax ? "yes" : "no";
    if (key == "eltwiseDivPow") return t.rules.eltwiseDivPow ? "yes" : "no";
    if (key == "shuffle")
      return std::find(gens.begin(), gens.end(), p.dlaGeneration) != gens.end() ? "yes" : "no";
    if (key == "concatAxis") return t.rules.concatThirdToLast ? "third-to-last" : "axis 1 of 4-D";
    if (key == "sparsity") return l.sparsity ? "yes" : "no";
    if (key == "sparsityMinChannels") return std::to_string(l.sparsityMinChannels);
    return "{" + key + "}";
  };
  auto render = [&](const Platform& p, const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
      std::string key = close != std::string::npos ? text.substr(i + 1, close - i - 1) : "";
      if (!key.empty() && key.find_first_of(",0123456789") == std::string::npos) {
        out += value(p, key);
        i = close;
      } else {
        out += text[i];
      }
    }
    return out;
  };
  const Platform& orin = platformById("orin-agx");
  const Platform& xavier = platformById("xavier-agx");
  std::ostringstream os;
  os << "# DLA rules\n\nGenerated by `dlasim rules` (TensorRT 8.4, the default; `dlasim rules "
        "--trtVersion=V` prints another version's) from the rule catalogue "
        "(hwmodels/dla_check.cpp), the platform data (hwmodels/platforms.cpp) and the version "
        "data (hwmodels/trt_version.cpp); do not edit by hand. `seed` is "
        "shared/dla-tutorial.md, `design` is shared/design.md.\n\n"
     << "## TensorRT version modelled\n\n"
        "TensorRT 8.4 / 8.5 (JetPack 5.0 / 5.1; the seed's log is from TensorRT 8.4), its ONNX "
        "parser (onnx-tensorrt release/8.4-8.5) and its builder's fusions:\n\n"
        "- Gemm and MatMul: the parser (8.4 EA on) always builds a MatrixMultiply, plus "
        "ElementWise layers for alpha, beta and the bias (`../shared/reference/"
        "trt-dla-versions.md` C1). The builder runs a multiply of a 2-D input by 2-D constant "
        "weights, with a 1-D constant bias of one value per output or none and alpha = beta = "
        "1, on the DLA as a 1x1 convolution over N x K x 1 x 1 (`conv.fully_connected`; C4, the "
        "jetson_dla_tutorial ModelBN logs): the input is unsqueezed to N x K x 1 x 1, which "
        "cancels a reshape from N x K x 1 x 1 before it (a Flatten, or PyTorch's "
        "`x.view(x.shape[0], -1)`, whose -1 TensorRT resolves from the static C x H x W), and "
        "a Shuffle squeezes the output back to N x M on the GPU (`shuffle.unsupported`). Names "
        "as TensorRT 8.4 prints them: when the multiply starts its loadable, `{ForeignNode[Gemm_15 "
        "+ linear.bias + (Unnamed Layer* 19) [Shuffle] + unsqueeze_node_after_linear.bias + "
        "(Unnamed Layer* 19) [Shuffle]_(Unnamed Layer* 19) [Shuffle]_output + (Unnamed Layer* "
        "20) [ElementWise]]}` and `copied_squeeze_after_(Unnamed Layer* 20) [ElementWise]`; "
        "after other DLA layers, `Gemm_15` and `reshape_after_Gemm_15`. On the GPU it is a "
        "MATRIX_MULTIPLY `Gemm_15 + linear.bias + (Unnamed Layer* 19) [Shuffle] + (Unnamed "
        "Layer* 20) [ElementWise]`.\n"
        "- Assumption, fitted to two published logs: the seed's ModelGN (5 loadables) keeps its "
        "Gemm_52 on the GPU while the tutorial's ModelBN, with the same classifier, runs Gemm_15 "
        "on the DLA; the visible difference is ModelGN's plugin layers "
        "(InstanceNormalization), so in a network with plugin layers the multiply stays a "
        "MatrixMultiply on the GPU (`matmul.unsupported`). Unverified on a device.\n"
        "- Not modelled: when the converted multiply runs on the GPU (e.g. `--layerDeviceTypes`), "
        "dlasim keeps the 1x1 convolution with its squeeze where TensorRT runs the "
        "MatrixMultiply after the reshape: the GPU list then shows `reshape_after_Gemm_15` "
        "instead of the reshape's own name.\n"
        "- Layer names: layers the parser adds are `(Unnamed Layer* N) [Type]`, N counting every "
        "layer of its network including shape computations; the builder merges consecutive "
        "Shuffles (`Reshape_2 + (Unnamed Layer* 7) [Shuffle]`) and folds a constant and its "
        "broadcast Shuffle into the layer using it (`71 + (Unnamed Layer* 16) [Shuffle] + "
        "Mul_8`). The numbering reproduces the seed log; for other ops it follows the importers' "
        "structure and is not checked against a device.\n"
        "- Other TensorRT versions: `dlasim rules --trtVersion=V` prints their table.\n\n"
     << "## Rules of TensorRT " << t.release << "\n\n"
     << "`TDV` is `../shared/reference/trt-dla-versions.md` (its item ids).\n\n";
  for (const auto& [rule, src] : t.ruleSources) os << "- `" << rule << "`: " << src << "\n";
  os << "\n| rule | layer | Orin | Xavier | source |\n|---|---|---|---|---|\n";
  for (const auto& r : ruleCatalogue()) {
    std::string o = render(orin, r.text), x = render(xavier, r.text);
    os << "| `" << r.id << "` | " << r.layer << " | " << o << " | " << (o == x ? "same" : x)
       << " | " << r.source << " |\n";
  }
  os << "\n## Platforms\n\n| id | name | DLA cores | SRAM/core | DRAM GB/s | INT8 MACs/cycle/core "
        "| power modes (DLA MHz) |\n"
        "|---|---|---|---|---|---|---|\n";
  for (const auto& p : platforms()) {
    os << "| " << p.id << " | " << p.name << " | " << p.dlaCores << " | "
       << p.sramBytesPerCore / 1024 << " KiB | " << p.dramBandwidthGBs << " | "
       << p.int8MacsPerCycle << " | ";
    for (size_t i = 0; i < p.powerModes.size(); ++i)
      os << (i ? ", " : "") << p.powerModes[i].name << " " << p.powerModes[i].dlaClockMHz;
    os << " |\n";
  }
  os << "\nSources of the platform figures:\n\n";
  for (const auto& p : platforms())
    for (const auto& [what, src] : p.sources)
      os << "- " << p.id << " " << what << ": " << src << "\n";
  return os.str();
}

}  // namespace hw
