// TensorRT's TopK layer (ONNX TopK, ArgMax, ArgMin): the kernel's order and ties, the import,
// the DLA verdict (GPU-only), the work record and cost, the layer info and the engine round trip.
#include "kernels/topk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;

TEST(TopKKernel, LargestSmallestTiesAndNaN) {
  const float x[] = {1, 3, 3, 2, NAN, 0};
  kern::TopKParams p;
  p.n = 6;
  p.k = 3;
  float v[3];
  int64_t i[3];
  kern::topK(p, x, v, i);  // NaN first, then 3 (the lower index of the tie), then 3
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_EQ(i[0], 4);
  EXPECT_EQ(i[1], 1);
  EXPECT_EQ(i[2], 2);
  p.largest = false;
  kern::topK(p, x, v, i);
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_EQ(v[1], 0);
  EXPECT_EQ(i[2], 0);
  p.k = 1;
  p.largest = true;
  const float tie[] = {5, 1, 5};
  p.n = 3;
  kern::topK(p, tie, v, i);
  EXPECT_EQ(i[0], 0);
  p.lastOnTies = true;
  kern::topK(p, tie, static_cast<float*>(nullptr), i);
  EXPECT_EQ(i[0], 2);
}

// Along the middle axis of [2, 3, 2]: each of the 2 x 2 lines separately.
TEST(TopKKernel, MiddleAxisKeepsLinesApart) {
  const int32_t x[] = {1, 9, 5, 2, 3, 7,  //
                       4, 4, 6, 0, 8, 1};
  kern::TopKParams p;
  p.outer = 2;
  p.n = 3;
  p.inner = 2;
  p.k = 2;
  int32_t v[8];
  int64_t i[8];
  kern::topK(p, x, v, i);
  const int32_t wantV[] = {5, 9, 3, 7, 8, 4, 6, 1};
  const int64_t wantI[] = {1, 0, 2, 2, 2, 0, 1, 2};
  for (int j = 0; j < 8; ++j) {
    EXPECT_EQ(v[j], wantV[j]) << j;
    EXPECT_EQ(i[j], wantI[j]) << j;
  }
}

// x[1, 4, 2, 2] -> TopK (k = 2 along the channels) -> values, indices; ArgMax over the
// channels without keeping them.
struct TopKModel {
  TempDir dir{"topk"};
  std::string path = (dir / "m.onnx").string();
  explicit TopKModel(int64_t k = 2) {
    onnx::ModelProto m = newModel(13);
    addInput(m, "x", {1, 4, 2, 2});
    addInitI64(m, "k", {k});
    auto* t = addNode(m, "TopK", "topk", {"x", "k"}, {"values", "indices"});
    attrInt(t, "axis", 1);
    auto* a = addNode(m, "ArgMax", "argmax", {"x"}, {"best"});
    attrInt(a, "axis", 1);
    attrInt(a, "keepdims", 0);
    addOutput(m, "values");
    addOutput(m, "indices");
    addOutput(m, "best");
    saveModel(m, path);
  }
  dlasim::Engine build(bool fallback = true) const {
    dlasim::BuildConfig c;
    c.fp16 = true;
    c.dlaCore = 0;
    c.allowGpuFallback = fallback;
    return dlasim::Model::load(path).build(c);
  }
};

dlasim::TensorMap input() {
  std::vector<float> v(16);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float((i * 7) % 16) - 4.f;
  return {{"x", dlasim::Tensor::fromVector(dlasim::DataType::kFloat, {1, 4, 2, 2}, v)}};
}

TEST(TopKLayer, GpuOnlyWithTheRulesReason) {
  dlasim::Engine p = TopKModel().build();
  int topk = 0;
  for (const auto& l : p.layers()) {
    if (l.type != "TOPK") continue;
    ++topk;
    EXPECT_EQ(l.device, dlasim::Device::kGPU) << l.name;
    auto own = std::find_if(l.reasons.begin(), l.reasons.end(), [](const dlasim::RuleBreak& b) {
      return b.rule == "topk.unsupported";
    });
    ASSERT_NE(own, l.reasons.end()) << l.name;
    EXPECT_NE(own->message.find("is not supported on the DLA"), std::string::npos) << l.name;
    EXPECT_GT(l.work.eltOps, 0) << l.name;
    EXPECT_EQ(l.work.unit, dlasim::EngineUnit::kNone) << l.name;
  }
  EXPECT_EQ(topk, 2);
  // Without GPU fallback the build stops on the first TopK, naming the rule's reason.
  Result r = runCli({"--onnx=" + TopKModel().path, "--fp16", "--useDLACore=0"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("TopK is not supported on the DLA"), std::string::npos) << r.err;
}

TEST(TopKLayer, RunsAsOnnxDefinesIt) {
  dlasim::Engine e = TopKModel().build();
  dlasim::TensorMap in = input(), out = e.createExecutionContext().run(in);
  const float* x = in.at("x").data<float>();
  ASSERT_EQ(out.at("values").shape(), (dlasim::Shape{1, 2, 2, 2}));
  ASSERT_EQ(out.at("indices").dtype(), dlasim::DataType::kInt64);
  ASSERT_EQ(out.at("best").shape(), (dlasim::Shape{1, 2, 2}));
  for (int s = 0; s < 4; ++s) {  // each spatial point: the channels in descending order
    int64_t first = out.at("indices").data<int64_t>()[s];
    int64_t second = out.at("indices").data<int64_t>()[4 + s];
    EXPECT_EQ(out.at("values").data<float>()[s], x[first * 4 + s]);
    EXPECT_GE(x[first * 4 + s], x[second * 4 + s]);
    for (int c = 0; c < 4; ++c)
      if (c != first && c != second) EXPECT_LE(x[c * 4 + s], x[second * 4 + s]);
    EXPECT_EQ(out.at("best").data<int64_t>()[s], first);
  }
}

TEST(TopKLayer, EngineRoundTripAndLayerInfo) {
  TopKModel m;
  dlasim::Engine built = m.build();
  std::string engine = (m.dir / "topk.engine").string();
  built.save(engine);
  dlasim::Engine loaded = dlasim::Engine::load(engine);
  dlasim::TensorMap a = built.createExecutionContext().run(input()),
                    b = loaded.createExecutionContext().run(input());
  for (const char* name : {"values", "indices", "best"})
    EXPECT_EQ(a.at(name).bytes() == b.at(name).bytes() &&
                  std::memcmp(a.at(name).raw(), b.at(name).raw(), a.at(name).bytes()) == 0,
              true)
        << name;
  std::string info = loaded.layerInfoJson(true);
  EXPECT_NE(info.find("\"ParameterType\": \"TopK\""), std::string::npos) << info;
  EXPECT_NE(info.find("\"K\": 2"), std::string::npos) << info;
  EXPECT_GT(loaded.performance().latencyMs, 0);
}

TEST(TopKLayer, BadKIsAOneLineError) {
  TopKModel m(9);  // only 4 channels
  Result r = runCli({"--onnx=" + m.path, "--fp16"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("node 'topk'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("k 9 must be in [1, 4]"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
