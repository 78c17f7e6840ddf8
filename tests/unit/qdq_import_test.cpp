// Explicit quantisation: QuantizeLinear / DequantizeLinear pairs import as TensorRT does (scales
// on tensors, no Q/DQ layers, per-channel weight scales kept), the model counts as calibrated,
// and every invalid Q/DQ is one error naming the node.
#include <gtest/gtest.h>

#include <cmath>

#include "api/impl.h"
#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;

onnx::TensorProto* initTensor(onnx::ModelProto& m, const std::string& name, int type,
                              const std::vector<int64_t>& dims, const std::string& raw) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (int64_t d : dims) t->add_dims(d);
  t->set_raw_data(raw);
  return t;
}

template <class T>
std::string bytesOf(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

void initF32(onnx::ModelProto& m, const std::string& name, const std::vector<int64_t>& dims,
             const std::vector<float>& v) {
  initTensor(m, name, onnx::TensorProto::FLOAT, dims, bytesOf(v));
}

void initI8(onnx::ModelProto& m, const std::string& name, const std::vector<int64_t>& dims,
            const std::vector<int8_t>& v) {
  initTensor(m, name, onnx::TensorProto::INT8, dims, bytesOf(v));
}

// What a test changes in the model below.
struct Variant {
  float inScale = 0.02f;                               // the input's Q/DQ scale
  std::vector<float> wScales = {0.01f, 0.02f, 0.04f};  // conv weights, per output channel
  int8_t inZeroPoint = 0;
  bool uint8ZeroPoint = false;
  int64_t wAxis = 0;
  float dqScale = 0.02f;  // the input's DequantizeLinear scale (must match inScale)
  bool perChannelActivation = false;
  bool qFeedsConv = false;     // the input's Q output read by the Conv directly
  bool floatWeightsQ = false;  // float weights -> Q -> DQ instead of int8 -> DQ
};

// x [1,2,2,2] -> Q/DQ -> Conv 1x1 (int8 weights [3,2,1,1] with per-channel DQ, float bias)
// -> Relu -> Q/DQ -> y.
onnx::ModelProto qdqConvModel(const Variant& v = {}) {
  onnx::ModelProto m = newModel(13);
  addInput(m, "x", {1, 2, 2, 2});
  addOutput(m, "y");
  initF32(m, "x_scale", {}, {v.inScale});
  initF32(m, "x_dq_scale", {}, {v.dqScale});
  if (v.uint8ZeroPoint)
    initTensor(m, "x_zp", onnx::TensorProto::UINT8, {}, std::string(1, '\0'));
  else
    initI8(m, "x_zp", {}, {v.inZeroPoint});
  if (v.perChannelActivation) {
    initF32(m, "x_scale_pc", {2}, {0.02f, 0.03f});
    initI8(m, "x_zp_pc", {2}, {0, 0});
  }
  std::string xs = v.perChannelActivation ? "x_scale_pc" : "x_scale",
              xz = v.perChannelActivation ? "x_zp_pc" : "x_zp";
  auto* q = addNode(m, "QuantizeLinear", "x_q", {"x", xs, xz}, {"xq"});
  if (v.perChannelActivation) attrInt(q, "axis", 1);
  auto* dq = addNode(m, "DequantizeLinear", "x_dq",
                     {"xq", v.perChannelActivation ? xs : "x_dq_scale", xz}, {"xdq"});
  if (v.perChannelActivation) attrInt(dq, "axis", 1);
  // Weights: channel k holds (k+1) * {1, -2} on the grid of scale wScales[k].
  std::vector<int8_t> q8 = {1, -2, 2, -4, 3, -6};
  initF32(m, "w_scale", {int64_t(v.wScales.size())}, v.wScales);
  initI8(m, "w_zp", {int64_t(v.wScales.size())}, std::vector<int8_t>(v.wScales.size(), 0));
  if (v.floatWeightsQ) {
    std::vector<float> wf;
    for (size_t i = 0; i < q8.size(); ++i) wf.push_back(float(q8[i]) * v.wScales[i / 2]);
    initF32(m, "w_float", {3, 2, 1, 1}, wf);
    attrInt(addNode(m, "QuantizeLinear", "w_q", {"w_float", "w_scale", "w_zp"}, {"w_int8"}), "axis",
            v.wAxis);
  } else {
    initI8(m, "w_int8", {3, 2, 1, 1}, q8);
  }
  attrInt(addNode(m, "DequantizeLinear", "w_dq", {"w_int8", "w_scale", "w_zp"}, {"w"}), "axis",
          v.wAxis);
  initF32(m, "b", {3}, {0.1f, 0.f, -0.1f});
  attrInts(addNode(m, "Conv", "conv", {v.qFeedsConv ? "xq" : "xdq", "w", "b"}, {"c"}),
           "kernel_shape", {1, 1});
  addNode(m, "Relu", "relu", {"c"}, {"r"});
  initF32(m, "r_scale", {}, {0.05f});
  addNode(m, "QuantizeLinear", "r_q", {"r", "r_scale", "x_zp"}, {"rq"});
  addNode(m, "DequantizeLinear", "r_dq", {"rq", "r_scale", "x_zp"}, {"y"});
  return m;
}

dlasim::Model load(const onnx::ModelProto& m) {
  std::string bytes;
  m.SerializeToString(&bytes);
  return dlasim::Model::fromBytes(bytes);
}

std::string importError(const onnx::ModelProto& m) {
  try {
    load(m);
  } catch (const dlasim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(QdqImport, PairsBecomeScalesAndNoLayers) {
  dlasim::Model model = load(qdqConvModel());
  // Conv + Relu fused as TensorRT does; no Q/DQ layer is left.
  ASSERT_EQ(model.info().layers, 1u);
  EXPECT_EQ(model.info().outputs[0].name, "y");
  dlasim::BuildConfig cfg;
  cfg.int8 = true;
  cfg.dlaCore = 0;
  dlasim::Plan plan = model.build(cfg);
  ASSERT_EQ(plan.layers().size(), 1u);
  EXPECT_EQ(plan.layers()[0].name, "conv + relu");
  EXPECT_EQ(plan.layers()[0].precision, dlasim::Precision::kINT8);
  EXPECT_TRUE(plan.settings().calibrated);  // the model brings its scales
  EXPECT_FALSE(plan.usesDynamicScales());   // no MinMax from the run's inputs
  const sim::Graph& g = dlasim::EngineAccess::of(plan).graph;
  EXPECT_FLOAT_EQ(g.tensor(g.find("x")).quant.scale, 0.02f);
  EXPECT_FLOAT_EQ(g.tensor(g.find("y")).quant.scale, 0.05f);
  const sim::Quantization& wq = g.tensor(g.nodes[0].inputs[1]).quant;
  EXPECT_EQ(wq.channelScales, (std::vector<float>{0.01f, 0.02f, 0.04f}));
  EXPECT_EQ(wq.axis, 0);
}

// The emulated INT8 result by hand: x quantised with 0.02, weights exactly on their grid,
// output quantised with 0.05.
TEST(QdqImport, EmulatedInt8UsesTheModelsScales) {
  for (bool floatWeights : {false, true}) {
    Variant v;
    v.floatWeightsQ = floatWeights;
    dlasim::Model model = load(qdqConvModel(v));
    dlasim::BuildConfig cfg;
    cfg.int8 = true;
    cfg.dlaCore = 0;
    dlasim::Plan plan = model.build(cfg);
    std::vector<float> xv = {0.111f, -0.2f, 0.3f, 0.05f, 0.07f, -0.013f, 0.5f, 1.0f};
    dlasim::TensorMap in;
    in["x"] = dlasim::Tensor::fromVector(dlasim::DataType::kFloat, {1, 2, 2, 2}, xv);
    dlasim::Tensor y = plan.run(in).at("y");
    auto q = [](float x, float s) { return s * std::round(x / s); };
    for (int k = 0; k < 3; ++k)
      for (int p = 0; p < 4; ++p) {
        float w0 = float(k + 1) * v.wScales[size_t(k)], w1 = -2.f * w0;
        float acc = q(xv[size_t(p)], 0.02f) * w0 + q(xv[size_t(4 + p)], 0.02f) * w1 +
                    (k == 0   ? 0.1f
                     : k == 2 ? -0.1f
                              : 0.f);
        float want = q(std::max(acc, 0.f), 0.05f);
        EXPECT_NEAR(y.data<float>()[k * 4 + p], want, 1e-6) << "channel " << k << " pixel " << p;
      }
  }
}

TEST(QdqImport, RunsWithoutCacheOnTheCommandLine) {
  TempDir dir("qdq_cli");
  saveModel(qdqConvModel(), dir / "qdq.onnx");
  Result r = runCli({"--onnx=" + (dir / "qdq.onnx").string(), "--int8", "--useDLACore=0"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(r.out.find("no --calib, so MinMax"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 DLA layers in emulated FP16, 1 in emulated INT8"), std::string::npos)
      << r.out;
}

TEST(QdqImport, BadQdqIsOneErrorNamingTheNode) {
  struct Case {
    const char* what;
    Variant v;
    std::vector<std::string> expect;
  };
  std::vector<Case> cases;
  auto add = [&](const char* what, std::vector<std::string> expect, auto change) {
    Variant v;
    change(v);
    cases.push_back({what, v, std::move(expect)});
  };
  add("zero scale", {"node 'x_q' (QuantizeLinear)", "scale = 0 is not a positive finite"},
      [](Variant& v) { v.inScale = v.dqScale = 0.f; });
  add("negative scale", {"node 'x_q'", "scale = -0.5"},
      [](Variant& v) { v.inScale = v.dqScale = -0.5f; });
  add("NaN scale", {"node 'x_q'", "scale = nan"},
      [](Variant& v) { v.inScale = v.dqScale = std::nanf(""); });
  add("inf weight scale", {"node 'w_dq' (DequantizeLinear)", "scale[1] = inf"},
      [](Variant& v) { v.wScales[1] = INFINITY; });
  add("non-zero zero point", {"node 'x_q'", "zero point = 3 is not 0"},
      [](Variant& v) { v.inZeroPoint = 3; });
  add("uint8 zero point", {"node 'x_q'", "uint8"}, [](Variant& v) { v.uint8ZeroPoint = true; });
  add("per-channel scale of the wrong size",
      {"node 'w_dq'", "per-channel scale has 2 values, but axis 0", "has 3"}, [](Variant& v) {
        v.wScales = {0.01f, 0.02f};
      });
  add("weights quantised along the input channels",
      {"node 'conv' (Conv)", "along axis 1; a convolution needs axis 0"}, [](Variant& v) {
        v.wScales = {0.01f, 0.02f};
        v.wAxis = 1;
      });
  add("per-channel activation", {"node 'x_q'", "per-channel scales on activation 'x'"},
      [](Variant& v) { v.perChannelActivation = true; });
  add("Q feeding a Conv", {"node 'x_q' (QuantizeLinear)", "feeds node 'conv' (Conv)"},
      [](Variant& v) { v.qFeedsConv = true; });
  add("pair with different scales", {"node 'x_dq' (DequantizeLinear)", "differs from scale 0.02"},
      [](Variant& v) { v.dqScale = 0.04f; });
  for (const auto& c : cases) {
    std::string e = importError(qdqConvModel(c.v));
    for (const auto& part : c.expect)
      EXPECT_NE(e.find(part), std::string::npos) << c.what << ": " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << c.what;
  }
  // On the command line: one line, exit 2.
  TempDir dir("qdq_bad");
  Variant v;
  v.inZeroPoint = 3;
  saveModel(qdqConvModel(v), dir / "bad.onnx");
  Result r = runCli({"--onnx=" + (dir / "bad.onnx").string(), "--int8", "--useDLACore=0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.onnx: node 'x_q' (QuantizeLinear): zero point = 3"), std::string::npos)
      << r.err;
}

TEST(QdqImport, QuantizeOutputAsGraphOutputIsRefused) {
  onnx::ModelProto m = newModel(13);
  addInput(m, "x", {1, 2});
  addOutput(m, "xq");
  initF32(m, "s", {}, {0.1f});
  addNode(m, "QuantizeLinear", "q", {"x", "s"}, {"xq"});
  std::string e = importError(m);
  EXPECT_NE(e.find("node 'q' (QuantizeLinear): its output 'xq' is a graph output"),
            std::string::npos)
      << e;
}

// Scales cross max pooling, reshapes and ReLU (TensorRT's Q/DQ propagation), so the
// convolution before a pooled Q/DQ pair runs in INT8 too.
TEST(QdqImport, ScalesPropagateThroughMaxPool) {
  onnx::ModelProto m = newModel(13);
  addInput(m, "x", {1, 1, 4, 4});
  addOutput(m, "y");
  initF32(m, "s", {}, {0.02f});
  initF32(m, "w", {1, 1, 1, 1}, {0.5f});
  addNode(m, "QuantizeLinear", "x_q", {"x", "s"}, {"xq"});
  addNode(m, "DequantizeLinear", "x_dq", {"xq", "s"}, {"xdq"});
  attrInts(addNode(m, "Conv", "conv", {"xdq", "w"}, {"c"}), "kernel_shape", {1, 1});
  auto* pool = addNode(m, "MaxPool", "pool", {"c"}, {"p"});
  attrInts(pool, "kernel_shape", {2, 2});
  attrInts(pool, "strides", {2, 2});
  initF32(m, "s2", {}, {0.01f});
  addNode(m, "QuantizeLinear", "p_q", {"p", "s2"}, {"pq"});
  addNode(m, "DequantizeLinear", "p_dq", {"pq", "s2"}, {"y"});
  dlasim::Model model = load(m);
  dlasim::BuildConfig cfg;
  cfg.int8 = true;
  cfg.dlaCore = 0;
  dlasim::Plan plan = model.build(cfg);
  const sim::Graph& g = dlasim::EngineAccess::of(plan).graph;
  EXPECT_FLOAT_EQ(g.tensor(g.find("c")).quant.scale, 0.01f);  // from after the pooling
  for (const auto& l : plan.layers()) EXPECT_EQ(l.precision, dlasim::Precision::kINT8) << l.name;
}

// An explicitly quantised model given a cache keeps its own scales (a warning says so).
TEST(QdqImport, CacheOnlyFillsMissingScales) {
  dlasim::Model model = load(qdqConvModel());
  dlasim::BuildConfig cfg;
  cfg.int8 = true;
  cfg.dlaCore = 0;
  dlasim::CalibrationCache c;
  c.scales["x"] = 1.f;
  cfg.calibration = c;
  dlasim::Plan plan = model.build(cfg);
  const sim::Graph& g = dlasim::EngineAccess::of(plan).graph;
  EXPECT_FLOAT_EQ(g.tensor(g.find("x")).quant.scale, 0.02f);
  bool said = false;
  for (const auto& w : plan.warnings()) said |= w.find("quantised explicitly") != std::string::npos;
  EXPECT_TRUE(said);
}

// Per-channel scales survive the engine file.
TEST(QdqImport, EngineKeepsPerChannelScales) {
  TempDir dir("qdq_engine");
  dlasim::BuildConfig cfg;
  cfg.int8 = true;
  cfg.dlaCore = 0;
  load(qdqConvModel()).build(cfg).save((dir / "e.engine").string());
  dlasim::Plan back = dlasim::Plan::load((dir / "e.engine").string());
  const sim::Graph& g = dlasim::EngineAccess::of(back).graph;
  EXPECT_EQ(g.tensor(g.nodes[0].inputs[1]).quant.channelScales,
            (std::vector<float>{0.01f, 0.02f, 0.04f}));
  EXPECT_TRUE(back.settings().calibrated);
}

}  // namespace
