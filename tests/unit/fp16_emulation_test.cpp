// Emulated FP16 execution of DLA layers (design §4): FP16 inputs and weights, FP32 sums,
// outputs rounded to FP16 and saturated at 65504; FP32 layers untouched.
#include <gtest/gtest.h>

#include "int8_reference.h"
#include "kernels/numeric/fp16.h"
#include "kernels/numeric/fp19.h"
#include "onnx_import/importer.h"
#include "platform_numerics.h"
#include "sim/ops/op_def.h"
#include "sim/passes/passes.h"
#include "sim/runtime/executor.h"
#include "test_support.h"

namespace {

using namespace testsupport;
using kern::numeric::roundToFp16;

// x[1,2,1,3] -> 1x1 Conv (2 -> 1 channel, weights w, bias b) -> Relu.
struct TinyConv {
  TempDir dir{"fp16emu"};
  onnx_import::ImportResult model;
  std::vector<float> w = {0.1f, 1000.3f}, b = {0.37f};
  TinyConv() {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 2, 1, 3});
    auto* wt = addInitF32(m, "w", {1, 2, 1, 1}, 2);
    wt->set_raw_data(std::string(reinterpret_cast<const char*>(w.data()), 8));
    auto* bt = addInitF32(m, "b", {1}, 1);
    bt->set_raw_data(std::string(reinterpret_cast<const char*>(b.data()), 4));
    addNode(m, "Conv", "conv", {"x", "w", "b"}, {"c"});
    addNode(m, "Relu", "relu", {"c"}, {"y"});
    addOutput(m, "y");
    saveModel(m, dir / "m.onnx");
    model = onnx_import::importModelFile((dir / "m.onnx").string(), {});
    sim::passes::fuseLikeTensorRT(model.graph);
  }
  std::vector<float> run(const std::vector<float>& x, bool fp16) {
    return run(x, fp16 ? sim::Precision::kFP16 : sim::Precision::kFP32);
  }
  std::vector<float> run(const std::vector<float>& x, sim::Precision mode,
                         const kern::DlaNumerics& numerics = testnum::orin()) {
    for (auto& n : model.graph.nodes) n.precision = mode;
    sim::Executor exec(model.graph);
    exec.setNumerics(numerics);
    auto in = sim::Tensor::fromVector(sim::DType::kFloat, {1, 2, 1, 3}, x);
    auto y = exec.run({{"x", in}})[0];
    return std::vector<float>(y.data<float>(), y.data<float>() + y.size());
  }
};

TEST(Fp16Emulation, InputsWeightsAndOutputsAreRounded) {
  TinyConv t;
  ASSERT_EQ(t.model.graph.nodes.size(), 1u);  // Conv + Relu fused as TensorRT does
  std::vector<float> x = {0.3f, -2.7182817f, 5.0001f, 1.0009765f, 0.0007f, -3.3333f};
  std::vector<float> y16 = t.run(x, true), y32 = t.run(x, false);
  for (int i = 0; i < 3; ++i) {
    float a = roundToFp16(x[i]), c = roundToFp16(x[3 + i]);
    float sum = a * roundToFp16(t.w[0]) + c * roundToFp16(t.w[1]) + t.b[0];  // FP32 sum
    float want16 = roundToFp16(std::max(sum, 0.f));
    float want32 = std::max(x[i] * t.w[0] + x[3 + i] * t.w[1] + t.b[0], 0.f);
    EXPECT_EQ(y16[i], want16) << i;
    EXPECT_NEAR(y32[i], want32, 1e-5f * std::abs(want32) + 1e-6f) << i;
  }
  EXPECT_NE(y16, y32);  // the emulation changes the numbers
}

TEST(Fp16Emulation, OverflowSaturatesAt65504) {
  TinyConv t;
  std::vector<float> y = t.run({0, 0, 0, 100.f, 70.f, -5.f}, true);  // 100 * 1000.25 > 65504
  EXPECT_EQ(y[0], 65504.f);
  EXPECT_EQ(y[1], 65504.f);  // 70 * 1000.25 = 70017.5 also saturates
  EXPECT_EQ(y[2], 0.f);
  std::vector<float> y32 = t.run({0, 0, 0, 100.f, 70.f, -5.f}, false);
  EXPECT_GT(y32[0], 100000.f);
}

// FP16 layers read non-convolution constants as the platform stores them: FP19 on Orin (seed
// §3.3), FP16 on Xavier. 1e5 is beyond FP16 (saturates to 65504) but an FP19 value (99968);
// 1e-6 is an FP16 subnormal (steps of 2^-24) but a normal FP19 value.
TEST(Fp16Emulation, ConstantsAreFp19OnOrinAndFp16OnXavier) {
  for (float c : {1e5f, 1e-6f}) {
    sim::Graph g;
    sim::TensorId x = g.addTensor("x", {sim::DType::kFloat, {1, 1, 1, 2}});
    g.inputs.push_back(x);
    sim::TensorId k =
        g.addConstant("c", sim::Tensor::fromVector(sim::DType::kFloat, {1}, std::vector<float>{c}));
    sim::Node n;
    n.kind = sim::OpKind::kElementWise;
    n.name = "mul";
    n.attrs = sim::EltAttrs{sim::EltOp::kProd};
    n.inputs = {x, k};
    n.precision = sim::Precision::kFP16;
    sim::TensorId y = g.addTensor("y", sim::inferNode(g, n)[0]);
    n.outputs = {y};
    g.nodes.push_back(n);
    g.tensors[y].producer = 0;
    g.outputs = {y};
    std::vector<float> in = {0.01f, 3.f};
    auto run = [&](bool fp19) {
      sim::Executor exec(g);
      exec.setNumerics(fp19 ? testnum::orin() : testnum::xavier());
      auto out =
          exec.run({{"x", sim::Tensor::fromVector(sim::DType::kFloat, {1, 1, 1, 2}, in)}})[0];
      return std::vector<float>(out.data<float>(), out.data<float>() + 2);
    };
    std::vector<float> orin = run(true), xavier = run(false);
    for (int i = 0; i < 2; ++i) {
      float xi = roundToFp16(in[size_t(i)]);
      EXPECT_EQ(orin[size_t(i)], roundToFp16(xi * kern::numeric::roundToFp19(c))) << c;
      EXPECT_EQ(xavier[size_t(i)], roundToFp16(xi * roundToFp16(c))) << c;
    }
    EXPECT_NE(orin, xavier) << c;
  }
}

TEST(Fp16Emulation, CliEmulatesFp16DlaLayersOnly) {
  std::string model = std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx";
  TempDir dir("fp16cli");
  Result f16 = runCli({"--onnx=" + model, "--shapes=input:2x3x32x32", "--fp16", "--useDLACore=0",
                       "--allowGPUFallback", "--exportOutput=" + (dir / "a.json").string()});
  ASSERT_EQ(f16.code, 0) << f16.err;
  EXPECT_NE(f16.out.find("Numerics: 5 DLA layers in emulated FP16, 0 in emulated INT8"),
            std::string::npos)
      << f16.out;
  Result f32 = runCli({"--onnx=" + model, "--shapes=input:2x3x32x32",
                       "--exportOutput=" + (dir / "b.json").string()});
  ASSERT_EQ(f32.code, 0) << f32.err;
  EXPECT_NE(readFile(dir / "a.json"), readFile(dir / "b.json"));
}

// The integer INT8 pipeline (docs/numerics.md; it replaced fake quantisation in FP32): codes
// of the input and of the per-channel weights, an exact integer sum, then the platform's
// requantisation of (acc + bias) * factor with the fused ReLU.
TEST(Int8Emulation, IntegerConvolutionWithEachPlatformsRequantisation) {
  TinyConv t;
  float sx = 0.05f, sy = 2.0f;  // input and output scales (dynamic range / 127)
  t.model.graph.tensors[t.model.graph.find("x")].quant.scale = sx;
  t.model.graph.tensors[t.model.graph.find("y")].quant.scale = sy;
  std::vector<float> x = {0.3f, -2.7182817f, 5.0001f, 1.0009765f, 0.0007f, 7.3f};
  float sw = std::max(std::abs(t.w[0]), std::abs(t.w[1])) / 127.f;  // one output channel
  int64_t w0 = int8ref::quantize(t.w[0], sw), w1 = int8ref::quantize(t.w[1], sw);
  EXPECT_EQ(w0, 0);  // 0.1 is below half a weight step: lost, as on the DLA
  EXPECT_EQ(w1, 127);
  std::vector<int64_t> acc;
  for (int i = 0; i < 3; ++i)
    acc.push_back(int8ref::quantize(x[i], sx) * w0 + int8ref::quantize(x[3 + i], sx) * w1);
  int8ref::Affine a;
  a.factor.assign(1, double(sx) * sw / sy);
  a.preBias.assign(1, double(t.b[0]) / (double(sx) * sw));
  a.act = int8ref::Act::kRelu;
  for (const kern::DlaNumerics& p : {testnum::orin(), testnum::xavier()}) {
    std::vector<float> y = t.run(x, sim::Precision::kINT8, p);
    std::vector<int8_t> want = int8ref::runAffine(a, acc, {0, 0, 0}, p.xavierFixedPoint());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(y[i], float(want[i]) * sy) << i;
    EXPECT_EQ(y[2], 127 * sy);  // 7.3 saturates to code 127, * 1000.3: the output saturates too
    EXPECT_EQ(y[1], 0.f);       // both codes times 0 / 0: the bias alone, 0.185 steps, rounds to 0
  }
}

}  // namespace
