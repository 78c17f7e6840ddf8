// Per-layer work records (sim/ops work<Name>, exposed as LayerInfo::work): MACs, element
// operations and bytes in the layer's placed precision, and the DLA unit that does the work.
#include <gtest/gtest.h>

#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;

// x[1,3,16,16] -> Conv 3->8 3x3 pad 1 (+bias) -> MaxPool 2x2/2 -> Sigmoid -> Reshape [1,512].
struct WorkModel {
  TempDir dir{"work"};
  std::string path = (dir / "m.onnx").string();
  WorkModel() {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 3, 16, 16});
    addInitF32(m, "w", {8, 3, 3, 3}, 216);
    addInitF32(m, "b", {8}, 8);
    auto* c = addNode(m, "Conv", "conv", {"x", "w", "b"}, {"c"});
    attrInts(c, "kernel_shape", {3, 3});
    attrInts(c, "pads", {1, 1, 1, 1});
    auto* p = addNode(m, "MaxPool", "pool", {"c"}, {"p"});
    attrInts(p, "kernel_shape", {2, 2});
    attrInts(p, "strides", {2, 2});
    addNode(m, "Sigmoid", "sig", {"p"}, {"s"});
    addInitI64(m, "shape", {1, 512});
    addNode(m, "Reshape", "flat", {"s", "shape"}, {"y"});
    addOutput(m, "y");
    saveModel(m, path);
  }
  dlasim::Plan build(bool int8) {
    dlasim::BuildConfig cfg;
    cfg.int8 = int8;
    cfg.fp16 = !int8;
    cfg.dlaCore = 0;
    cfg.allowGpuFallback = true;
    return dlasim::Model::load(path).build(cfg);
  }
};

const dlasim::LayerInfo& layer(const dlasim::Plan& p, const std::string& name) {
  for (const auto& l : p.layers())
    if (l.name == name) return l;
  throw std::runtime_error("no layer " + name);
}

TEST(Work, ConvolutionInItsPrecision) {
  WorkModel m;
  for (bool int8 : {true, false}) {
    dlasim::Plan plan = m.build(int8);
    const auto& conv = layer(plan, "conv");
    int64_t bytes = int8 ? 1 : 2;
    EXPECT_EQ(conv.device, dlasim::Device::kDLA);
    EXPECT_EQ(conv.work.unit, dlasim::EngineUnit::kConvolution);
    EXPECT_EQ(conv.work.macs, 8 * 16 * 16 * 3 * 3 * 3);  // every output: C x kH x kW products
    EXPECT_EQ(conv.work.eltOps, 8 * 16 * 16);            // bias on the SDP
    EXPECT_EQ(conv.work.inputBytes, 3 * 16 * 16 * bytes);
    EXPECT_EQ(conv.work.outputBytes, 8 * 16 * 16 * bytes);
    EXPECT_EQ(conv.work.weightBytes, 216 * bytes + 8 * 4);  // weights, then an FP32 bias
  }
}

TEST(Work, PoolingActivationAndViews) {
  WorkModel m;
  dlasim::Plan plan = m.build(true);
  const auto& pool = layer(plan, "pool");
  EXPECT_EQ(pool.work.unit, dlasim::EngineUnit::kPDP);
  EXPECT_EQ(pool.work.eltOps, 8 * 8 * 8 * 4);  // each output reads its 2x2 window
  EXPECT_EQ(pool.work.macs, 0);
  EXPECT_EQ(pool.work.outputBytes, 8 * 8 * 8);  // INT8
  const auto& sig = layer(plan, "sig");
  EXPECT_EQ(sig.work.unit, dlasim::EngineUnit::kSDP);
  EXPECT_EQ(sig.precision, dlasim::Precision::kFP16);  // INT8 Sigmoid runs in FP16 on the DLA
  EXPECT_EQ(sig.work.inputBytes, 8 * 8 * 8 * 2);
  // The reshape runs on the GPU and moves no data (a view). In an INT8 build TensorRT picks
  // its INT8 kernel (builder/gpu_precision.h); the emulated numerics stay FP32.
  const auto& flat = layer(plan, "flat");
  EXPECT_EQ(flat.device, dlasim::Device::kGPU);
  EXPECT_EQ(flat.precision, dlasim::Precision::kINT8);
  EXPECT_EQ(flat.work.unit, dlasim::EngineUnit::kNone);
  EXPECT_EQ(plan.totalMacs(), 8 * 16 * 16 * 27);
  EXPECT_EQ(plan.dlaMacs(), plan.totalMacs());
}

TEST(Work, CheckAndLayerInfoShowTheWork) {
  WorkModel m;
  Result r = runCli({"check", m.path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Work per layer"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("55296"), std::string::npos) << r.out;  // the convolution's MACs
  std::string info = (m.dir / "info.json").string();
  r = runCli({"--onnx=" + m.path, "--int8", "--useDLACore=0", "--allowGPUFallback",
              "--skipInference", "--profilingVerbosity=detailed", "--exportLayerInfo=" + info});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string json = readFile(info);
  EXPECT_NE(json.find("\"MACs\": 55296"), std::string::npos) << json;
  EXPECT_NE(json.find("\"EngineUnit\": \"PDP\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"WeightBytes\": 248"), std::string::npos) << json;
}

}  // namespace
