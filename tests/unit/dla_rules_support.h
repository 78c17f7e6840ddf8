// Shared by the DLA rule tests: one-layer IR graphs and verdict expectations. Everything is
// in an anonymous namespace: each test file gets its own copy.
#pragma once
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

#include "hwmodels/dla_rules.h"
#include "hwmodels/platform.h"
#include "cli/run.h"
#include "sim/ir/graph.h"
#include "sim/partition/partitioner.h"
#include "sim/ops/op_def.h"
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

inline LayerGraph conv(const ConvSpec& s) {
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

inline LayerGraph deconv(const ConvSpec& s, sim::Ints outputPadding = {}) {
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

inline LayerGraph pool(sim::PoolType type, int64_t k, int64_t stride, int64_t pad,
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

inline LayerGraph act(sim::ActType t, const std::string& onnxOp, float alpha = 0, float beta = 0,
                      const Shape& in = {1, 4, 4, 4}) {
  LayerGraph lg(in);
  sim::ActivationAttrs a;
  a.type = t;
  a.alpha = alpha;
  a.beta = beta;
  lg.layer(OpKind::kActivation, a, onnxOp);
  return lg;
}

inline LayerGraph relu(const Shape& in) {
  return act(sim::ActType::kRelu, "Relu", 0, 0, in);
}

inline LayerGraph resize(sim::ResizeMode mode, std::vector<float> scales) {
  Shape in = {1, 2, 2, 2};
  LayerGraph lg(in);
  sim::ResizeAttrs a;
  a.mode = mode;
  a.scales = scales;
  for (size_t d = 0; d < in.size(); ++d) a.outShape.push_back(int64_t(in[d] * scales[d]));
  lg.layer(OpKind::kResize, a, "Resize");
  return lg;
}

inline LayerGraph slice(sim::Ints size, sim::Ints stride, sim::SliceMode mode,
                        const std::string& onnxOp) {
  LayerGraph lg({1, 4, 4, 4});
  sim::SliceAttrs a;
  a.start = {0, 0, 0, 0};
  a.size = std::move(size);
  a.stride = std::move(stride);
  a.mode = mode;
  lg.layer(OpKind::kSlice, a, onnxOp);
  return lg;
}

inline LayerGraph reduce(sim::ReduceOp op, sim::Ints axes, const Shape& in,
                         const std::string& onnxOp) {
  LayerGraph lg(in);
  sim::ReduceAttrs a;
  a.op = op;
  a.axes = std::move(axes);
  lg.layer(OpKind::kReduce, a, onnxOp);
  return lg;
}

inline LayerGraph eltwise(sim::EltOp op, const std::string& onnxOp) {
  LayerGraph lg({1, 4, 4, 4});
  TensorId b = lg.input("x2", {1, 4, 4, 4});
  lg.layer(OpKind::kElementWise, sim::EltAttrs{op}, onnxOp, {b});
  return lg;
}

inline LayerGraph lrn(int64_t size, const Shape& in = {1, 8, 4, 4}) {
  LayerGraph lg(in);
  sim::LrnAttrs a;
  a.size = size;
  lg.layer(OpKind::kLRN, a, "LRN");
  return lg;
}

inline LayerGraph cast(sim::DType to) {
  LayerGraph lg({1, 4, 4, 4});
  sim::IdentityAttrs a;
  a.to = to;
  a.cast = true;
  lg.layer(OpKind::kIdentity, a, "Cast");
  return lg;
}

// ---- expectations --------------------------------------------------------------------------

enum class Cfg { kInt8, kFp16, kFp32, kInt8Dynamic };

inline hw::RuleConfig buildConfig(Cfg c, const sim::Graph& g) {
  hw::RuleConfig cfg;
  cfg.int8 = c == Cfg::kInt8 || c == Cfg::kInt8Dynamic;
  cfg.fp16 = c == Cfg::kFp16;
  if (c == Cfg::kInt8Dynamic) {
    cfg.dynamicTensors.assign(g.tensors.size(), false);
    cfg.dynamicTensors[g.find("x")] = true;
  }
  return cfg;
}

/// rule empty: the layer runs on the DLA. Otherwise a violation with that rule whose message
/// contains every `msg` substring (and whose fix contains every `fix` substring) and, when
/// given with `is`, whose structured value and limit are exactly these strings. Every
/// violation of every case must carry a non-empty value and limit.
struct Expect {
  std::string rule;
  std::vector<std::string> msg, fix;
  std::optional<hw::Precision> precision;
  std::optional<std::string> value, limit;
  Expect(std::string r = "", std::vector<std::string> m = {}, std::vector<std::string> f = {})
      : rule(std::move(r)), msg(std::move(m)), fix(std::move(f)) {}
  /// The same expectation, also requiring Violation::value == v and Violation::limit == l.
  Expect is(std::string v, std::string l) const {
    Expect e = *this;
    e.value = std::move(v);
    e.limit = std::move(l);
    return e;
  }
};
const Expect kOk;
inline Expect ok(hw::Precision p) {
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

inline std::string describe(const hw::LayerVerdict& v) {
  std::string s;
  for (const auto& x : v.violations)
    s += "\n  " + x.rule + ": " + x.message + " [value \"" + x.value + "\", limit \"" + x.limit +
         "\"]" + (x.fix.empty() ? "" : " (fix: " + x.fix + ")");
  return s.empty() ? " (none)" : s;
}

inline bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

inline void expectVerdict(const hw::LayerVerdict& v, const Expect& e) {
  for (const auto& x : v.violations) {
    EXPECT_FALSE(x.value.empty()) << x.rule << " has no value; violations:" << describe(v);
    EXPECT_FALSE(x.limit.empty()) << x.rule << " has no limit; violations:" << describe(v);
  }
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
    if (e.value) all &= x.value == *e.value;
    if (e.limit) all &= x.limit == *e.limit;
    found |= all;
  }
  std::string want;
  for (const auto& m : e.msg) want += " \"" + m + "\"";
  for (const auto& f : e.fix) want += " fix:\"" + f + "\"";
  if (e.value) want += " value:\"" + *e.value + "\"";
  if (e.limit) want += " limit:\"" + *e.limit + "\"";
  EXPECT_TRUE(found) << "expected " << e.rule << " with" << want << "; violations:" << describe(v);
}

using CaseParam = std::tuple<Case, std::string>;  // a case and a platform id

/// Checks one case on one platform (Xavier uses the case's Xavier expectation when it has one).
inline void checkCase(const CaseParam& param) {
  const auto& [c, platformId] = param;
  const hw::Platform& p = hw::platformById(platformId);
  LayerGraph lg = c.build();
  hw::RuleConfig cfg = buildConfig(c.cfg, lg.g);
  hw::LayerVerdict v = hw::checkLayer(lg.g, lg.node(), p, cfg);
  bool xavier = p.dlaGeneration == 1;
  expectVerdict(v, xavier && c.xavier ? *c.xavier : c.orin);
}

/// Test names "<Case>_<platform>" with the platform's dashes as underscores.
inline std::string caseName(const ::testing::TestParamInfo<CaseParam>& info) {
  std::string p = std::get<1>(info.param);
  std::replace(p.begin(), p.end(), '-', '_');
  return std::get<0>(info.param).name + "_" + p;
}

}  // namespace
