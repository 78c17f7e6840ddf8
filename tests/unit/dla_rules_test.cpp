// TensorRT's DLA rules (hwmodels/dla_*.cpp) on both sides of every limit, for Orin and Xavier.
// (The partitioner and the printed placement are in partition_placement_test.cpp.)
//
// Layers are built directly as IR: one float input, constant weights, one node whose output
// shapes come from sim::inferNode, checked with hw::checkLayer.
#include "hwmodels/dla_rules.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "hwmodels/platform.h"
#include "sim/cli/run.h"
#include "sim/ir/graph.h"
#include "sim/partition/partitioner.h"
#include "sim/runtime/executor.h"
#include "test_support.h"

namespace {

using testsupport::Result;
using testsupport::runCli;
namespace fs = std::filesystem;
using sim::Attrs;
using sim::OpKind;
using sim::Shape;
using sim::TensorId;

// ---- one-layer graphs ----------------------------------------------------------------------

/// A graph with input "x" and one layer; `input()` / `constant()` add more layer inputs.
struct LayerGraph {
  sim::Graph g;
  TensorId x = sim::kNoTensor;

  explicit LayerGraph(const Shape& inShape) {
    x = g.addTensor("x", {sim::DType::kFloat, inShape});
    g.inputs.push_back(x);
  }
  TensorId input(const std::string& name, const Shape& s) {
    TensorId t = g.addTensor(name, {sim::DType::kFloat, s});
    g.inputs.push_back(t);
    return t;
  }
  TensorId constant(const std::string& name, const Shape& s) {
    return g.addConstant(name, sim::Tensor(sim::DType::kFloat, s));
  }
  /// Adds the layer (inputs: x, then `more`) with outputs from shape inference.
  void layer(OpKind kind, Attrs attrs, const std::string& onnxOp, std::vector<TensorId> more = {}) {
    sim::Node n;
    n.kind = kind;
    n.name = onnxOp + "_0";
    n.onnxOp = onnxOp;
    n.inputs = {x};
    n.inputs.insert(n.inputs.end(), more.begin(), more.end());
    n.attrs = std::move(attrs);
    std::vector<sim::TensorDesc> outs = sim::inferNode(g, n);
    for (size_t i = 0; i < outs.size(); ++i) {
      TensorId t = g.addTensor("y" + std::to_string(i), outs[i]);
      g.tensors[t].producer = 0;
      n.outputs.push_back(t);
      g.outputs.push_back(t);
    }
    g.nodes.push_back(std::move(n));
  }
  const sim::Node& node() const { return g.nodes.at(0); }
  const Shape& outShape() const { return g.desc(node().outputs[0]).shape; }
};

// Convolution: kernel/stride/pads/dilation per spatial dim; the input is just big enough.
struct ConvSpec {
  sim::Ints kernel{3, 3}, strides{1, 1}, padsBegin{0, 0}, padsEnd{0, 0}, dilations{1, 1};
  int64_t group = 1, inC = 1, outC = 1;
  bool constWeights = true;
};

LayerGraph conv(const ConvSpec& s) {
  Shape in = {1, s.inC};
  for (size_t i = 0; i < 2; ++i)
    in.push_back(std::max<int64_t>(1, (s.kernel[i] - 1) * s.dilations[i] + 1));
  LayerGraph lg(in);
  sim::ConvAttrs a;
  a.kernel = s.kernel;
  a.strides = s.strides;
  a.padsBegin = s.padsBegin;
  a.padsEnd = s.padsEnd;
  a.dilations = s.dilations;
  a.group = s.group;
  Shape wShape = {s.outC, s.inC / s.group, s.kernel[0], s.kernel[1]};
  TensorId w = s.constWeights ? lg.constant("w", wShape) : lg.input("w", wShape);
  TensorId b = lg.constant("b", {s.outC});
  lg.layer(OpKind::kConvolution, a, "Conv", {w, b});
  return lg;
}

LayerGraph deconv(const ConvSpec& s, sim::Ints outputPadding = {}) {
  LayerGraph lg({1, s.inC, 2, 2});
  sim::ConvAttrs a;
  a.kernel = s.kernel;
  a.strides = s.strides;
  a.padsBegin = s.padsBegin;
  a.padsEnd = s.padsEnd;
  a.dilations = s.dilations;
  a.group = s.group;
  a.outputPadding = std::move(outputPadding);
  TensorId w = lg.constant("w", {s.inC, s.outC / s.group, s.kernel[0], s.kernel[1]});
  lg.layer(OpKind::kDeconvolution, a, "ConvTranspose", {w});
  return lg;
}

LayerGraph pool(sim::PoolType type, int64_t k, int64_t stride, int64_t pad,
                bool includePad = false) {
  int64_t in = std::max<int64_t>(k, stride + 1);
  LayerGraph lg({1, 2, in, in});
  sim::PoolAttrs a;
  a.type = type;
  a.kernel = {k, k};
  a.strides = {stride, stride};
  a.padsBegin = a.padsEnd = {pad, pad};
  a.dilations = {1, 1};
  a.countIncludePad = includePad;
  lg.layer(OpKind::kPooling, a, type == sim::PoolType::kMax ? "MaxPool" : "AveragePool");
  return lg;
}

LayerGraph act(sim::ActType t, const std::string& onnxOp, float alpha = 0, float beta = 0,
               const Shape& in = {1, 4, 4, 4}) {
  LayerGraph lg(in);
  sim::ActivationAttrs a;
  a.type = t;
  a.alpha = alpha;
  a.beta = beta;
  lg.layer(OpKind::kActivation, a, onnxOp);
  return lg;
}

LayerGraph relu(const Shape& in) {
  return act(sim::ActType::kRelu, "Relu", 0, 0, in);
}

LayerGraph resize(sim::ResizeMode mode, std::vector<float> scales) {
  Shape in = {1, 2, 2, 2};
  LayerGraph lg(in);
  sim::ResizeAttrs a;
  a.mode = mode;
  a.scales = scales;
  for (size_t d = 0; d < in.size(); ++d) a.outShape.push_back(int64_t(in[d] * scales[d]));
  lg.layer(OpKind::kResize, a, "Resize");
  return lg;
}

LayerGraph slice(sim::Ints size, sim::Ints stride, sim::SliceMode mode, const std::string& onnxOp) {
  LayerGraph lg({1, 4, 4, 4});
  sim::SliceAttrs a;
  a.start = {0, 0, 0, 0};
  a.size = std::move(size);
  a.stride = std::move(stride);
  a.mode = mode;
  lg.layer(OpKind::kSlice, a, onnxOp);
  return lg;
}

LayerGraph reduce(sim::ReduceOp op, sim::Ints axes, const Shape& in, const std::string& onnxOp) {
  LayerGraph lg(in);
  sim::ReduceAttrs a;
  a.op = op;
  a.axes = std::move(axes);
  lg.layer(OpKind::kReduce, a, onnxOp);
  return lg;
}

LayerGraph eltwise(sim::EltOp op, const std::string& onnxOp) {
  LayerGraph lg({1, 4, 4, 4});
  TensorId b = lg.input("x2", {1, 4, 4, 4});
  lg.layer(OpKind::kElementWise, sim::EltAttrs{op}, onnxOp, {b});
  return lg;
}

LayerGraph lrn(int64_t size, const Shape& in = {1, 8, 4, 4}) {
  LayerGraph lg(in);
  sim::LrnAttrs a;
  a.size = size;
  lg.layer(OpKind::kLRN, a, "LRN");
  return lg;
}

// ---- expectations --------------------------------------------------------------------------

enum class Cfg { kInt8, kFp16, kFp32, kInt8Dynamic };

hw::BuildConfig buildConfig(Cfg c, const sim::Graph& g) {
  hw::BuildConfig cfg;
  cfg.int8 = c == Cfg::kInt8 || c == Cfg::kInt8Dynamic;
  cfg.fp16 = c == Cfg::kFp16;
  if (c == Cfg::kInt8Dynamic) {
    cfg.dynamicTensors.assign(g.tensors.size(), false);
    cfg.dynamicTensors[g.find("x")] = true;
  }
  return cfg;
}

/// rule empty: the layer runs on the DLA. Otherwise a violation with that rule whose message
/// contains every `msg` substring (and whose fix contains every `fix` substring).
struct Expect {
  std::string rule;
  std::vector<std::string> msg, fix;
  std::optional<hw::Precision> precision;
  Expect(std::string r = "", std::vector<std::string> m = {}, std::vector<std::string> f = {})
      : rule(std::move(r)), msg(std::move(m)), fix(std::move(f)) {}
};
const Expect kOk;
Expect ok(hw::Precision p) {
  Expect e;
  e.precision = p;
  return e;
}

struct Case {
  std::string name;
  std::function<LayerGraph()> build;
  Expect orin;
  std::optional<Expect> xavier;  // when it differs from Orin
  Cfg cfg;
  Case(std::string n, std::function<LayerGraph()> b, Expect o,
       std::optional<Expect> x = std::nullopt, Cfg c = Cfg::kInt8)
      : name(std::move(n)), build(std::move(b)), orin(std::move(o)), xavier(std::move(x)), cfg(c) {}
};

std::string describe(const hw::LayerVerdict& v) {
  std::string s;
  for (const auto& x : v.violations)
    s += "\n  " + x.rule + ": " + x.message + (x.fix.empty() ? "" : " (fix: " + x.fix + ")");
  return s.empty() ? " (none)" : s;
}

bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

void expectVerdict(const hw::LayerVerdict& v, const Expect& e) {
  if (e.rule.empty()) {
    EXPECT_TRUE(v.ok()) << "expected the layer on the DLA; violations:" << describe(v);
    if (e.precision) {
      EXPECT_EQ(hw::precisionName(v.precision), std::string(hw::precisionName(*e.precision)));
    }
    return;
  }
  bool found = false;
  for (const auto& x : v.violations) {
    if (x.rule != e.rule) continue;
    bool all = true;
    for (const auto& m : e.msg) all &= contains(x.message, m);
    for (const auto& f : e.fix) all &= contains(x.fix, f);
    found |= all;
  }
  std::string want;
  for (const auto& m : e.msg) want += " \"" + m + "\"";
  for (const auto& f : e.fix) want += " fix:\"" + f + "\"";
  EXPECT_TRUE(found) << "expected " << e.rule << " with" << want << "; violations:" << describe(v);
}

std::vector<Case> cases() {
  using hw::Precision;
  using sim::ActType;
  using sim::PoolType;
  using sim::ResizeMode;
  auto convWith = [](auto edit) {
    return [edit] {
      ConvSpec s;
      edit(s);
      return conv(s);
    };
  };
  return {
      // -- convolution (seed §3.2.1)
      {"ConvKernel32", convWith([](ConvSpec& s) {
         s.kernel = {32, 32};
       }),
       ok(Precision::kINT8)},
      {"ConvKernel33",
       convWith([](ConvSpec& s) {
         s.kernel = {33, 33};
       }),
       {"conv.kernel", {"33x33", "[1,32]"}, {"split the kernel"}}},
      {"ConvKernel1x33",
       convWith([](ConvSpec& s) {
         s.kernel = {1, 33};
       }),
       {"conv.kernel", {"1x33", "[1,32]"}}},
      {"ConvPadding31", convWith([](ConvSpec& s) {
         s.kernel = {32, 32};
         s.padsBegin = s.padsEnd = {31, 31};
       }),
       kOk},
      {"ConvPadding32",
       convWith([](ConvSpec& s) {
         s.kernel = {33, 33};
         s.padsBegin = s.padsEnd = {32, 32};
       }),
       {"conv.padding", {"padding 32x32", "[0,31]"}}},
      {"ConvPaddingEnd32",
       convWith([](ConvSpec& s) {
         s.kernel = {33, 33};
         s.padsEnd = {0, 32};
       }),
       {"conv.padding", {"padding 0x32", "[0,31]"}}},
      {"ConvPaddingBelowKernel", convWith([](ConvSpec& s) {
         s.padsBegin = s.padsEnd = {2, 2};
       }),
       kOk},
      {"ConvPaddingEqualsKernel",
       convWith([](ConvSpec& s) {
         s.padsBegin = {3, 0};
         s.padsEnd = {0, 0};
       }),
       {"conv.padding_lt_kernel", {"padding 3", "kernel 3"}, {"Pad"}}},
      {"ConvStride8", convWith([](ConvSpec& s) {
         s.strides = {8, 8};
       }),
       kOk},
      {"ConvStride9",
       convWith([](ConvSpec& s) {
         s.strides = {1, 9};
       }),
       {"conv.stride", {"stride 1x9", "[1,8]"}}},
      {"ConvDilation32", convWith([](ConvSpec& s) {
         s.dilations = {32, 32};
       }),
       kOk},
      {"ConvDilation33",
       convWith([](ConvSpec& s) {
         s.dilations = {33, 33};
       }),
       {"conv.dilation", {"dilation 33x33", "[1,32]"}}},
      {"ConvGroups8192", convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.group = s.inC = s.outC = 8192;
       }),
       kOk},
      {"ConvGroups8193",
       convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.group = s.inC = s.outC = 8193;
       }),
       {"conv.groups", {"groups 8193", "[1,8192]"}}},
      {"ConvOutputMaps8192", convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.outC = 8192;
       }),
       kOk},
      {"ConvOutputMaps8193",
       convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.outC = 8193;
       }),
       {"conv.output_maps", {"output maps 8193", "[1,8192]"}, {"split the output channels"}}},
      {"ConvOutputMaps8193Dims",
       convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.outC = 8193;
       }),
       {"general.dims", {"dimension 8193", "8192"}}},
      {"ConvNonConstantWeights",
       convWith([](ConvSpec& s) { s.constWeights = false; }),
       {"conv.weights", {"build-time constants"}}},
      // -- deconvolution (seed §3.2.2)
      {"DeconvKernel1x32",
       [] {
         ConvSpec s;
         s.kernel = {1, 32};
         s.strides = {1, 1};
         return deconv(s);
       },
       kOk},
      {"DeconvKernel1x33",
       [] {
         ConvSpec s;
         s.kernel = {1, 33};
         return deconv(s);
       },
       {"deconv.kernel", {"kernel 1x33", "[1,32]"}}},
      {"DeconvKernel33x1",
       [] {
         ConvSpec s;
         s.kernel = {33, 1};
         return deconv(s);
       },
       {"deconv.kernel", {"kernel 33x1", "[1,32]"}}},
      {"DeconvKernel1x64",
       [] {
         ConvSpec s;
         s.kernel = {1, 64};
         return deconv(s);
       },
       kOk},
      {"DeconvKernel128x1",
       [] {
         ConvSpec s;
         s.kernel = {128, 1};
         return deconv(s);
       },
       kOk},
      {"DeconvKernel1x65",
       [] {
         ConvSpec s;
         s.kernel = {1, 65};
         return deconv(s);
       },
       {"deconv.kernel", {"kernel 1x65", "[1,32]"}}},
      {"DeconvSquare22",
       [] {
         ConvSpec s;
         s.kernel = {22, 22};
         return deconv(s);
       },
       kOk},
      {"DeconvSquare23",
       [] {
         ConvSpec s;
         s.kernel = {23, 23};
         return deconv(s);
       },
       {"deconv.square", {"square kernel 23x23", "[23,32]"}}},
      {"DeconvSquare32",
       [] {
         ConvSpec s;
         s.kernel = {32, 32};
         return deconv(s);
       },
       {"deconv.square", {"square kernel 32x32", "[23,32]"}}},
      {"DeconvSquareStride23",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.strides = {23, 23};
         return deconv(s);
       },
       {"deconv.square", {"square stride 23x23", "[23,32]"}}},
      {"DeconvStride2",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.strides = {2, 2};
         return deconv(s);
       },
       kOk},
      {"DeconvPadding1",
       [] {
         ConvSpec s;
         s.kernel = {4, 4};
         s.padsBegin = s.padsEnd = {1, 1};
         return deconv(s);
       },
       {"deconv.padding", {"padding 1x1/1x1", "must be 0"}, {"Slice"}}},
      {"DeconvOutputPadding",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.strides = {2, 2};
         return deconv(s, {1, 1});
       },
       {"deconv.padding", {"output padding 1x1", "must be 0"}}},
      {"DeconvGroups2",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.group = s.inC = s.outC = 2;
         return deconv(s);
       },
       {"deconv.groups", {"groups 2", "must be 1"}}},
      {"DeconvDilation2",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.dilations = {2, 2};
         return deconv(s);
       },
       {"deconv.dilation", {"dilation 2x2", "must be 1"}}},
      // -- pooling (seed §3.2.3, design §3)
      {"PoolWindow8", [] { return pool(PoolType::kMax, 8, 1, 0); }, ok(Precision::kINT8)},
      {"PoolWindow9",
       [] { return pool(PoolType::kMax, 9, 1, 0); },
       {"pool.window", {"window 9x9", "[1,8]"}, {"split into two pools, kernel 5x5 then kernel 5x5"}}},
      {"AvgPoolWindow16Tiled",
       [] { return pool(PoolType::kAverage, 16, 16, 0); },
       {"pool.window",
        {"window 16x16", "[1,8]"},
        {"AveragePool kernel 16x16 > 8: split into two pools, kernel 8x8 stride 8x8 then kernel 2x2"}}},
      {"PoolPadding7", [] { return pool(PoolType::kMax, 8, 1, 7); }, kOk},
      {"PoolPadding8",
       [] { return pool(PoolType::kMax, 8, 1, 8); },
       {"pool.padding", {"padding 8x8", "[0,7]"}}},
      {"PoolStride16", [] { return pool(PoolType::kMax, 2, 16, 0); }, kOk},
      {"PoolStride17",
       [] { return pool(PoolType::kMax, 2, 17, 0); },
       {"pool.stride", {"stride 17x17", "[1,16]"}}},
      {"AvgPoolExclusivePadding", [] { return pool(PoolType::kAverage, 3, 1, 1, false); }, kOk,
       Expect{"pool.avg_inclusive", {"count_include_pad=1"}, {"count_include_pad=1"}}},
      {"AvgPoolInclusivePadding", [] { return pool(PoolType::kAverage, 3, 1, 1, true); }, kOk},
      {"AvgPoolExclusiveNoPadding", [] { return pool(PoolType::kAverage, 3, 1, 0, false); }, kOk},
      // -- activations (seed §3.2.4)
      {"Relu", [] { return act(ActType::kRelu, "Relu"); }, ok(Precision::kINT8)},
      {"SigmoidRunsFp16", [] { return act(ActType::kSigmoid, "Sigmoid"); }, ok(Precision::kFP16)},
      {"Elu",
       [] { return act(ActType::kElu, "Elu", 1.f); },
       {"act.type", {"only ReLU, Sigmoid, TanH"}}},
      {"LeakyReluPositive", [] { return act(ActType::kLeakyRelu, "LeakyRelu", 0.1f); }, kOk},
      {"LeakyReluNegative",
       [] { return act(ActType::kLeakyRelu, "LeakyRelu", -0.5f); },
       {"act.leaky_slope", {"negative slope -0.5"}}},
      {"Clip0to6", [] { return act(ActType::kClip, "Clip", 0.f, 6.f); }, kOk},
      {"Clip0to127", [] { return act(ActType::kClip, "Clip", 0.f, 127.f); }, kOk},
      {"ClipMinus1to6",
       [] { return act(ActType::kClip, "Clip", -1.f, 6.f); },
       {"act.clip", {"Clip [-1, 6]", "[1,127]"}}},
      {"Clip0to128",
       [] { return act(ActType::kClip, "Clip", 0.f, 128.f); },
       {"act.clip", {"Clip [0, 128]", "[1,127]"}}},
      // -- softmax (seed §3.2.13): Orin only, FP16 only
      {"SoftMax",
       [] {
         LayerGraph lg({1, 10, 1, 1});
         lg.layer(OpKind::kSoftMax, sim::SoftMaxAttrs{1}, "Softmax");
         return lg;
       },
       ok(Precision::kFP16), Expect{"softmax.platform", {"Orin only", "Jetson AGX Xavier"}}},
      // -- concatenation (seed §3.2.9)
      {"ConcatChannel",
       [] {
         LayerGraph lg({1, 2, 4, 4});
         TensorId b = lg.input("x2", {1, 3, 4, 4});
         lg.layer(OpKind::kConcatenation, sim::ConcatAttrs{1}, "Concat", {b});
         return lg;
       },
       kOk},
      {"ConcatAxis2",
       [] {
         LayerGraph lg({1, 2, 4, 4});
         TensorId b = lg.input("x2", {1, 2, 3, 4});
         lg.layer(OpKind::kConcatenation, sim::ConcatAttrs{2}, "Concat", {b});
         return lg;
       },
       {"concat.axis", {"axis 2", "channel axis"}}},
      // -- resize (seed §3.2.10)
      {"ResizeNearest32",
       [] {
         return resize(ResizeMode::kNearest, {1, 1, 32, 32});
       },
       kOk},
      {"ResizeNearest33",
       [] {
         return resize(ResizeMode::kNearest, {1, 1, 33, 33});
       },
       {"resize.nearest_scale", {"scale 33", "[1,32]", "nearest"}, {"chain two resizes"}}},
      {"ResizeBilinear4",
       [] {
         return resize(ResizeMode::kLinear, {1, 1, 4, 4});
       },
       kOk},
      {"ResizeBilinear5",
       [] {
         return resize(ResizeMode::kLinear, {1, 1, 2, 5});
       },
       {"resize.linear_scale", {"scale 5 along dim 3", "[1,4]", "bilinear"}}},
      {"ResizeScale1_5",
       [] {
         return resize(ResizeMode::kNearest, {1, 1, 1.5f, 1.5f});
       },
       {"resize.nearest_scale", {"scale 1.5", "not an integer"}}},
      {"ResizeChannelScale",
       [] {
         return resize(ResizeMode::kNearest, {1, 2, 2, 2});
       },
       {"resize.batch_channel", {"got 1 and 2"}}},
      {"ResizeBatchScale",
       [] {
         return resize(ResizeMode::kNearest, {2, 1, 2, 2});
       },
       {"resize.batch_channel", {"got 2 and 1"}}},
      {"ResizeCubic",
       [] {
         return resize(ResizeMode::kCubic, {1, 1, 2, 2});
       },
       {"resize.mode", {"cubic"}}},
      // -- slice (seed §3.2.12, design §3)
      {"SliceStride1",
       [] {
         return slice({1, 2, 2, 2}, {1, 1, 1, 1}, sim::SliceMode::kDefault, "Slice");
       },
       ok(Precision::kFP16)},
      {"SliceStride2",
       [] {
         return slice({1, 2, 2, 2}, {1, 1, 2, 1}, sim::SliceMode::kDefault, "Slice");
       },
       {"slice.stride", {"stride 2 along dim 2"}}},
      {"Tile",
       [] {
         return slice({1, 4, 8, 8}, {1, 1, 1, 1}, sim::SliceMode::kWrap, "Tile");
       },
       {"slice.mode", {"Tile", "wrap-around"}}},
      // -- unary (seed §3.2.11)
      {"UnaryAbs",
       [] {
         LayerGraph lg({1, 4, 4, 4});
         lg.layer(OpKind::kUnary, sim::UnaryAttrs{sim::UnaryOp::kAbs}, "Abs");
         return lg;
       },
       kOk},
      {"UnaryExp",
       [] {
         LayerGraph lg({1, 4, 4, 4});
         lg.layer(OpKind::kUnary, sim::UnaryAttrs{sim::UnaryOp::kExp}, "Exp");
         return lg;
       },
       {"unary.op", {"only the ABS", "got Exp"}}},
      // -- reduce (design §3: MAX only over C/H/W)
      {"ReduceMaxChannel",
       [] {
         return reduce(sim::ReduceOp::kMax, {1}, {1, 8, 4, 4}, "ReduceMax");
       },
       kOk},
      {"ReduceMean2x2",
       [] {
         return reduce(sim::ReduceOp::kMean, {2, 3}, {1, 8, 2, 2}, "GlobalAveragePool");
       },
       {"reduce.op", {"AVG", "MAX only"}, {"AveragePool with kernel 2x2", "GlobalAveragePool"}}},
      {"ReduceMean16x16",
       [] {
         return reduce(sim::ReduceOp::kMean, {2, 3}, {1, 8, 16, 16}, "GlobalAveragePool");
       },
       {"reduce.op", {"AVG"}, {"kernel 8 stride 8", "kernel 2x2"}}},
      {"ReduceMaxBatch",
       [] {
         return reduce(sim::ReduceOp::kMax, {0}, {2, 8, 4, 4}, "ReduceMax");
       },
       {"reduce.axes", {"C, H or W"}}},
      // -- element-wise (seed §3.2.6, design §3)
      {"EltwiseSum", [] { return eltwise(sim::EltOp::kSum, "Add"); }, ok(Precision::kINT8)},
      {"ComparisonInt8", [] { return eltwise(sim::EltOp::kGreater, "Greater"); }, kOk},
      {"ComparisonFp16",
       [] { return eltwise(sim::EltOp::kGreater, "Greater"); },
       {"eltwise.comparison_int8", {"INT8 only"}},
       std::nullopt,
       Cfg::kFp16},
      {"EltwiseFp16", [] { return eltwise(sim::EltOp::kSum, "Add"); }, ok(Precision::kFP16),
       std::nullopt, Cfg::kFp16},
      // -- LRN (seed §3.2.8)
      {"LrnWindow5", [] { return lrn(5); }, ok(Precision::kFP16)},
      {"LrnWindow4", [] { return lrn(4); }, {"lrn.window", {"window 4", "3, 5, 7, 9"}}},
      // -- every layer (seed §3.1, design §3)
      {"Fp32Only",
       [] {
         return relu({1, 4, 4, 4});
       },
       {"general.precision", {"FP32 only"}, {"--fp16 or --int8"}},
       std::nullopt,
       Cfg::kFp32},
      {"Batch4096",
       [] {
         return relu({4096, 1, 1, 1});
       },
       kOk},
      {"Batch4097",
       [] {
         return relu({4097, 1, 1, 1});
       },
       {"general.batch", {"4097 of 4097x1x1x1", "exceeds 4096"}}},
      // NTCHW: the DLA batch is N*T (LRN takes a 5-D input without a rank rule).
      {"Batch5D4096",
       [] {
         return lrn(5, {2, 2048, 1, 1, 1});
       },
       kOk},
      {"Batch5D4098",
       [] {
         return lrn(5, {2, 2049, 1, 1, 1});
       },
       {"general.batch", {"4098 of 2x2049x1x1x1", "exceeds 4096"}}},
      {"DimW8192",
       [] {
         return relu({1, 1, 1, 8192});
       },
       kOk},
      {"DimW8193",
       [] {
         return relu({1, 1, 1, 8193});
       },
       {"general.dims", {"dimension 8193 of 1x1x1x8193", "exceeds 8192"}}},
      {"DimC8193",
       [] {
         return relu({1, 8193, 1, 1});
       },
       {"general.dims", {"dimension 8193 of 1x8193x1x1", "exceeds 8192"}}},
      {"Dynamic",
       [] {
         return relu({1, 4, 4, 4});
       },
       {"general.dynamic", {"'x'", "dynamic dimensions"}},
       std::nullopt,
       Cfg::kInt8Dynamic},
  };
}

class DlaRulesLayer : public ::testing::TestWithParam<std::tuple<Case, std::string>> {};

TEST_P(DlaRulesLayer, Verdict) {
  const auto& [c, platformId] = GetParam();
  const hw::Platform& p = hw::platformById(platformId);
  LayerGraph lg = c.build();
  hw::BuildConfig cfg = buildConfig(c.cfg, lg.g);
  hw::LayerVerdict v = hw::checkLayer(lg.g, lg.node(), p, cfg);
  bool xavier = p.dlaGeneration == 1;
  expectVerdict(v, xavier && c.xavier ? *c.xavier : c.orin);
}

INSTANTIATE_TEST_SUITE_P(DlaRules, DlaRulesLayer,
                         ::testing::Combine(::testing::ValuesIn(cases()),
                                            ::testing::Values("orin-agx", "xavier-agx")),
                         [](const ::testing::TestParamInfo<DlaRulesLayer::ParamType>& info) {
                           std::string p = std::get<1>(info.param);
                           std::replace(p.begin(), p.end(), '-', '_');
                           return std::get<0>(info.param).name + "_" + p;
                         });

const char* const kPlatforms[] = {"orin-agx", "xavier-agx"};

TEST(DlaRulesMulti, ListsEveryBrokenRule) {
  for (const char* id : kPlatforms) {
    SCOPED_TRACE(id);
    ConvSpec s;
    s.kernel = {33, 33};
    s.strides = {9, 9};
    s.dilations = {33, 33};
    LayerGraph lg = conv(s);
    hw::BuildConfig cfg;
    cfg.int8 = true;
    hw::LayerVerdict v = hw::checkLayer(lg.g, lg.node(), hw::platformById(id), cfg);
    std::vector<std::string> rules;
    for (const auto& x : v.violations) rules.push_back(x.rule);
    EXPECT_EQ(rules, (std::vector<std::string>{"conv.kernel", "conv.stride", "conv.dilation"}))
        << describe(v);
  }
}

TEST(DlaRulesMulti, SymmetricPaddingReportedOnce) {
  for (const char* id : kPlatforms) {
    SCOPED_TRACE(id);
    ConvSpec s;
    s.kernel = {33, 33};
    s.padsBegin = s.padsEnd = {32, 32};
    LayerGraph lg = conv(s);
    hw::BuildConfig cfg;
    cfg.int8 = true;
    hw::LayerVerdict v = hw::checkLayer(lg.g, lg.node(), hw::platformById(id), cfg);
    std::vector<std::string> rules;
    for (const auto& x : v.violations) rules.push_back(x.rule);
    EXPECT_EQ(rules, (std::vector<std::string>{"conv.kernel", "conv.padding"})) << describe(v);
    LayerGraph pl = pool(sim::PoolType::kMax, 8, 1, 8);
    hw::LayerVerdict pv = hw::checkLayer(pl.g, pl.node(), hw::platformById(id), cfg);
    ASSERT_EQ(pv.violations.size(), 1u) << describe(pv);
    EXPECT_EQ(pv.violations[0].rule, "pool.padding");
  }
}

TEST(DlaRulesMulti, DeconvBreakingSeveralRules) {
  for (const char* id : kPlatforms) {
    SCOPED_TRACE(id);
    ConvSpec s;
    s.kernel = {24, 24};
    s.padsBegin = s.padsEnd = {1, 1};
    s.dilations = {2, 2};
    s.group = s.inC = s.outC = 2;
    LayerGraph lg = deconv(s);
    hw::BuildConfig cfg;
    cfg.int8 = true;
    hw::LayerVerdict v = hw::checkLayer(lg.g, lg.node(), hw::platformById(id), cfg);
    std::vector<std::string> rules;
    for (const auto& x : v.violations) rules.push_back(x.rule);
    EXPECT_EQ(rules, (std::vector<std::string>{"deconv.square", "deconv.padding", "deconv.groups",
                                               "deconv.dilation"}))
        << describe(v);
  }
}

TEST(DlaRulesMulti, PlatformsDifferOnlyWhereDocumented) {
  const auto& o = hw::platformById("orin-agx").limits;
  const auto& x = hw::platformById("xavier-agx").limits;
  EXPECT_TRUE(o.softmax);
  EXPECT_FALSE(x.softmax);
  EXPECT_FALSE(o.avgPoolNeedsInclusivePadding);
  EXPECT_TRUE(x.avgPoolNeedsInclusivePadding);
  EXPECT_EQ(o.maxLoadablesPerCore, 16);
  EXPECT_EQ(x.maxLoadablesPerCore, 16);
  EXPECT_EQ(o.maxBatch, 4096);
  EXPECT_EQ(x.maxBatch, 4096);
}

TEST(DlaRulesEltwise, ComputedOperandsMustBe4DConstantsBroadcast) {
  const hw::Platform& orin = hw::platformById("orin-agx");
  hw::BuildConfig cfg;
  cfg.int8 = true;
  LayerGraph scalarDiv({1, 4, 4, 4});
  scalarDiv.layer(OpKind::kElementWise, sim::EltAttrs{sim::EltOp::kDiv}, "Div",
                  {scalarDiv.constant("six", {})});
  EXPECT_TRUE(hw::checkLayer(scalarDiv.g, scalarDiv.node(), orin, cfg).ok());
  LayerGraph flat({4, 16});
  flat.layer(OpKind::kElementWise, sim::EltAttrs{sim::EltOp::kSum}, "Add", {flat.input("x2", {4, 16})});
  auto v = hw::checkLayer(flat.g, flat.node(), orin, cfg);
  ASSERT_EQ(v.violations.size(), 1u) << describe(v);
  EXPECT_EQ(v.violations[0].rule, "eltwise.rank");
  EXPECT_NE(v.violations[0].message.find("got 4x16 and 4x16"), std::string::npos);
}

}  // namespace
