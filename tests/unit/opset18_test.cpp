// Operators and forms ONNX's 1.12 node tests do not cover (opset 18, GroupNormalization),
// checked against values computed here by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "onnx_import/importer.h"
#include "sim/runtime/executor.h"
#include "test_support.h"

namespace {

using namespace testsupport;

class Opset18 : public ::testing::Test {
 protected:
  std::vector<sim::Tensor> run(const onnx::ModelProto& m, const sim::Tensor& x) {
    std::string path = (dir / "m.onnx").string();
    saveModel(m, path);
    auto model = onnx_import::importModelFile(path, {});
    sim::Executor exec(model.graph);
    return exec.run({{"x", x}});
  }
  TempDir dir{"op18"};
};

sim::Tensor iota(const sim::Shape& s) {
  sim::Tensor t(sim::DType::kFloat, s);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = float(i % 7) - 2.5f + 0.1f * float(i);
  return t;
}

void addInitValues(onnx::ModelProto& m, const std::string& name, const std::vector<int64_t>& dims,
                   const std::vector<float>& v) {
  auto* t = addInitF32(m, name, dims, v.size());
  t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
}

TEST_F(Opset18, GroupNormalizationPerGroupScale) {
  // x [2, 4, 3]: 2 groups of 2 channels; opset 18 scale/bias are per group.
  onnx::ModelProto m = newModel(18);
  addInput(m, "x", {2, 4, 3});
  addInitValues(m, "scale", {2}, {2.0f, 0.5f});
  addInitValues(m, "bias", {2}, {1.0f, -1.0f});
  auto* n = addNode(m, "GroupNormalization", "gn", {"x", "scale", "bias"}, {"y"});
  attrInt(n, "num_groups", 2);
  addOutput(m, "y");
  sim::Tensor x = iota({2, 4, 3});
  auto y = run(m, x)[0];
  ASSERT_EQ(y.shape(), (sim::Shape{2, 4, 3}));
  const float* xp = x.data<float>();
  for (int b = 0; b < 2; ++b)
    for (int gi = 0; gi < 2; ++gi) {
      const float* g = xp + (b * 4 + gi * 2) * 3;
      double mean = 0, var = 0;
      for (int i = 0; i < 6; ++i) mean += g[i];
      mean /= 6;
      for (int i = 0; i < 6; ++i) var += (g[i] - mean) * (g[i] - mean);
      var /= 6;
      for (int i = 0; i < 6; ++i) {
        double want = (g[i] - mean) / std::sqrt(var + 1e-5) * (gi ? 0.5 : 2.0) + (gi ? -1.0 : 1.0);
        EXPECT_NEAR(y.data<float>()[(b * 4 + gi * 2) * 3 + i], want, 1e-5);
      }
    }
}

TEST_F(Opset18, ReduceMeanAxesAsInputAndSplitNumOutputs) {
  onnx::ModelProto m = newModel(18);
  addInput(m, "x", {2, 5, 3});
  addInitI64(m, "axes", {-1});
  auto* r = addNode(m, "ReduceMean", "mean", {"x", "axes"}, {"r"});
  attrInt(r, "keepdims", 0);
  auto* s = addNode(m, "Split", "split", {"x"}, {"a", "b"});
  attrInt(s, "axis", 1);
  attrInt(s, "num_outputs", 2);  // 5 = 3 + 2: the last part is smaller
  addOutput(m, "r");
  addOutput(m, "a");
  addOutput(m, "b");
  sim::Tensor x = iota({2, 5, 3});
  auto out = run(m, x);
  ASSERT_EQ(out.size(), 3u);
  ASSERT_EQ(out[0].shape(), (sim::Shape{2, 5}));
  for (int i = 0; i < 10; ++i) {
    const float* p = x.data<float>() + i * 3;
    EXPECT_NEAR(out[0].data<float>()[i], (p[0] + p[1] + p[2]) / 3, 1e-6);
  }
  EXPECT_EQ(out[1].shape(), (sim::Shape{2, 3, 3}));
  EXPECT_EQ(out[2].shape(), (sim::Shape{2, 2, 3}));
  EXPECT_EQ(out[2].data<float>()[0], x.data<float>()[9]);  // b[0,0,0] = x[0,3,0]
}

TEST_F(Opset18, PadWithAxesInput) {
  onnx::ModelProto m = newModel(18);
  addInput(m, "x", {1, 2, 2});
  addInitI64(m, "pads", {1, 2});  // begin 1, end 2 along axis -1 only
  addInitI64(m, "axes", {-1});
  addNode(m, "Pad", "pad", {"x", "pads", "", "axes"}, {"y"});
  addOutput(m, "y");
  auto y = run(m, iota({1, 2, 2}))[0];
  ASSERT_EQ(y.shape(), (sim::Shape{1, 2, 5}));
  EXPECT_EQ(y.data<float>()[0], 0.f);
  EXPECT_EQ(y.data<float>()[1], iota({1, 2, 2}).data<float>()[0]);
  EXPECT_EQ(y.data<float>()[4], 0.f);
}

}  // namespace
