// checkLayer: the rules every layer shares (types, DLA batch, dimensions, dynamic shapes,
// precision), then the layer kind's own rules; plus the rule catalogue docs are built from.
#include <cctype>
#include <sstream>

#include "hwmodels/rule_context.h"

namespace hw {

using namespace rules;

namespace {

using RuleFn = void (*)(Ctx&);
const RuleFn kRules[] = {
#define OP(Name, TrtType) &rule##Name,
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
  bool int8Capable = true;
  switch (c.n.kind) {
    case sim::OpKind::kSlice:
    case sim::OpKind::kSoftMax:
    case sim::OpKind::kLRN:
      int8Capable = false;
      break;  // FP16 only / auto-upgraded (seed §3.2)
    case sim::OpKind::kActivation: {
      auto t = c.n.get<sim::ActivationAttrs>().type;
      int8Capable = t != sim::ActType::kSigmoid && t != sim::ActType::kTanh;  // seed §3.2.4
      break;
    }
    default:
      break;
  }
  auto it = c.cfg.layerPrecisions.find(c.n.name);
  if (it != c.cfg.layerPrecisions.end()) {
    if (it->second == Precision::kINT8)
      c.v.precision = int8Capable ? Precision::kINT8 : Precision::kFP16;
    else if (it->second == Precision::kFP16)
      c.v.precision = Precision::kFP16;
    else
      c.fail("general.precision", lowerName(it->second), "fp16 or int8",
             sim::cat("--layerPrecisions asks for ", lowerName(it->second),
                      "; DLA only supports FP16 and INT8"));
    return;
  }
  if (!c.cfg.int8 && !c.cfg.fp16) {
    c.fail("general.precision", "FP32", "FP16 or INT8",
           "DLA only supports FP16 and INT8 precision; the build allows FP32 only",
           "build with --fp16 or --int8");
    return;
  }
  c.v.precision = c.cfg.int8 && int8Capable ? Precision::kINT8 : Precision::kFP16;
  if (c.v.precision == Precision::kINT8 && c.cfg.calibrated) {
    auto scaled = [&](sim::TensorId t) {
      return t == sim::kNoTensor || c.g.tensor(t).isConstant() || c.g.tensor(t).quant.scale > 0;
    };
    for (sim::TensorId t : c.n.inputs) c.v.precision = scaled(t) ? c.v.precision : Precision::kFP16;
    for (sim::TensorId t : c.n.outputs)
      c.v.precision = scaled(t) ? c.v.precision : Precision::kFP16;
  }
}

}  // namespace

LayerVerdict checkLayer(const Graph& g, const Node& n, const Platform& p, const RuleConfig& cfg) {
  Ctx c{g, n, p, p.limits, cfg, {}};
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
  static const std::vector<RuleInfo> rules = {
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
      {"conv.spatial", "Convolution", "two spatial dimensions only", "seed §3.2.1"},
      {"conv.weights", "Convolution", "weights are build-time constants", "TensorRT DLA docs"},
      {"conv.kernel", "Convolution", "kernel size per dim in {convKernel}", "seed §3.2.1"},
      {"conv.padding", "Convolution", "padding in {convPadding}", "seed §3.2.1"},
      {"conv.padding_lt_kernel", "Convolution", "padding smaller than the kernel dim",
       "seed §3.2.1"},
      {"conv.stride", "Convolution", "stride in {convStride}", "seed §3.2.1"},
      {"conv.dilation", "Convolution", "dilation in {convDilation}", "seed §3.2.1; NvInfer.h"},
      {"conv.groups", "Convolution",
       "groups in {convGroups} (linear/CHW16/CHW32; {convGroupsHwc4} for DLA_HWC4)", "seed §3.2.1"},
      {"conv.output_maps", "Convolution", "output maps in {convOutputMaps}", "seed §3.2.1"},
      {"deconv.spatial", "Deconvolution", "two spatial dimensions only", "seed §3.2.2"},
      {"deconv.weights", "Deconvolution", "weights are build-time constants", "TensorRT DLA docs"},
      {"deconv.kernel", "Deconvolution",
       "kernel in {deconvKernel}, except 1xK / Kx1 with K in {64,96,128}", "seed §3.2.2"},
      {"deconv.square", "Deconvolution",
       "square kernels and strides in {deconvDisabledSquare} are disabled", "seed §3.2.2"},
      {"deconv.padding", "Deconvolution", "padding must be 0", "seed §3.2.2"},
      {"deconv.groups", "Deconvolution", "groups must be 1", "seed §3.2.2"},
      {"deconv.dilation", "Deconvolution", "dilation must be 1", "seed §3.2.2"},
      {"deconv.channels", "Deconvolution", "input and output channels in {deconvChannels}",
       "seed §3.2.2"},
      {"pool.spatial", "Pooling", "two spatial dimensions only", "seed §3.2.3"},
      {"pool.window", "Pooling", "window in {poolWindow}", "seed §3.2.3; NvInfer.h"},
      {"pool.padding", "Pooling", "padding in {poolPadding}", "seed §3.2.3"},
      {"pool.stride", "Pooling", "stride in {poolStride}", "seed §3.2.3"},
      {"pool.dilation", "Pooling", "no dilation", "TensorRT DLA docs"},
      {"pool.avg_inclusive", "Pooling",
       "padded average pooling must include the padding: {avgPoolNeedsInclusivePadding}",
       "design §3 (NvInfer.h, Xavier)"},
      {"pool.int8_scales", "Pooling",
       "INT8: equal input and output scales (checked with a calibration cache)", "seed §3.2.3"},
      {"act.rank", "Activation", "4-D NCHW input (two spatial dimensions)", "seed §3.2.4"},
      {"act.type", "Activation", "ReLU, Sigmoid, TanH, clipped ReLU, leaky ReLU only",
       "seed §3.2.4"},
      {"act.leaky_slope", "Activation", "no negative slope", "seed §3.2.4"},
      {"act.clip", "Activation", "clipped ReLU: Clip(0, x) with x in {clipUpper}", "seed §3.2.4"},
      {"prelu.slope", "ParametricReLU", "slopes are a build-time constant", "seed §3.2.5"},
      {"prelu.rank", "ParametricReLU", "slopes have the input's rank", "seed §3.2.5"},
      {"eltwise.op", "ElementWise",
       "Sum, Sub, Prod, Max, Min (Div, Pow: {eltwiseDivPow}); comparisons in INT8",
       "seed §3.2.6; design §3"},
      {"eltwise.comparison_int8", "ElementWise", "Equal, Greater, Less run in INT8 only",
       "design §3"},
      {"eltwise.rank", "ElementWise", "4-D NCHW inputs", "seed §3.2.6"},
      {"unary.op", "Unary", "ABS only", "seed §3.2.11"},
      {"unary.rank", "Unary", "4-D NCHW input", "seed §3.2.11"},
      {"scale.rank", "Scale",
       "4-D NCHW input; uniform, per-channel or element-wise scale and shift", "seed §3.2.7"},
      {"scale.groupnorm", "Scale",
       "the Mul/Add of the GroupNorm pattern stay on the GPU with its plugin",
       "seed log (jetson_dla_tutorial)"},
      {"norm.unsupported", "Normalization",
       "Instance/Layer/Group normalisation do not run on the DLA", "seed log (PLUGIN_V2 on GPU)"},
      {"lrn.window", "LRN", "window in {lrnWindows}, across channels", "seed §3.2.8"},
      {"concat.axis", "Concatenation", "channel axis only", "seed §3.2.9"},
      {"concat.inputs", "Concatenation", "at least two inputs", "seed §3.2.9"},
      {"concat.int8_scales", "Concatenation",
       "INT8: every input and the output have the same scale (checked with a calibration cache)",
       "seed §3.2.9"},
      {"resize.rank", "Resize", "exactly 4 scales", "seed §3.2.10"},
      {"resize.batch_channel", "Resize", "scales of N and C are 1", "seed §3.2.10"},
      {"resize.mode", "Resize", "nearest or bilinear", "seed §3.2.10"},
      {"resize.nearest_scale", "Resize", "nearest: H/W scales integers in {resizeNearestScale}",
       "seed §3.2.10"},
      {"resize.linear_scale", "Resize", "bilinear: H/W scales integers in {resizeLinearScale}",
       "seed §3.2.10"},
      {"slice.rank", "Slice", "4-D input, static parameters, FP16 only", "seed §3.2.12"},
      {"slice.stride", "Slice", "stride 1", "design §3"},
      {"slice.mode", "Slice", "no wrap mode (Tile)", "seed §3.2.12"},
      {"slice.batch", "Slice", "slices C, H, W only", "seed §3.2.12"},
      {"softmax.platform", "SoftMax", "Orin only: {softmax}; FP16 only", "seed §3.2.13"},
      {"softmax.log", "SoftMax", "no LogSoftmax", "TensorRT DLA docs"},
      {"shuffle.unsupported", "Shuffle", "Reshape/Transpose/Flatten run on the GPU",
       "seed log (SHUFFLE on GPU)"},
      {"identity.cast", "Identity", "no type casts", "TensorRT DLA docs"},
      {"padding.unsupported", "Padding", "no Pad layer", "TensorRT DLA docs"},
      {"matmul.unsupported", "MatrixMultiply", "no MatrixMultiply (fully connected only)",
       "TensorRT DLA docs; seed log"},
      {"reduce.op", "Reduce", "MAX only (AVG is rejected: GlobalAveragePool falls back)",
       "design §3; public TensorRT logs"},
      {"reduce.axes", "Reduce", "over C, H or W of a 4-D tensor", "design §3"},
      {"gather.unsupported", "Gather", "no Gather", "design §3"},
      {"select.unsupported", "Select", "no Where", "DLA-SW op_reconstruction"},
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
  };
  return rules;
}

std::string rulesMarkdown() {
  auto value = [](const Platform& p, const std::string& key) -> std::string {
    const DlaLimits& l = p.limits;
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
    if (key == "eltwiseDivPow") return l.eltwiseDivPow ? "yes" : "no";
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
  os << "# DLA rules\n\nGenerated by `dlasim rules` from the rule catalogue "
        "(hwmodels/dla_check.cpp) and the "
        "platform data (hwmodels/platforms.cpp); do not edit by hand. `seed` is "
        "shared/dla-tutorial.md, "
        "`design` is shared/design.md.\n\n"
     << "| rule | layer | Orin | Xavier | source |\n|---|---|---|---|---|\n";
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
