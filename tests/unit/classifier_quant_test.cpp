// The acceptance test: a classifier trained by the tests (tests/quant/make_classifier.py,
// generated into build/quant at build time) keeps its FP32 top-1 accuracy within 1 point under
// emulated INT8 with entropy calibration on Orin and Xavier, and its Q/DQ version runs without
// a calibration cache on both, as accurately.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;

const std::string kDir = std::string(DLASIM_BINARY_DIR) + "/quant";
constexpr int64_t kBatch = 100, kTest = 1000;

dlasim::Model loadAt(const std::string& file, int64_t batch) {
  dlasim::LoadOptions o;
  o.shapes["input"] = {batch, 3, 32, 32};
  return dlasim::Model::load(kDir + "/" + file, o);
}

// Top-1 accuracy of a plan over the 1000 labelled test images.
double accuracy(const dlasim::Plan& plan) {
  dlasim::Dataset test = dlasim::Dataset::load(
      kDir + "/test_x.npy", {"input", dlasim::DataType::kFloat, {kBatch, 3, 32, 32}});
  dlasim::Tensor labels =
      dlasim::loadTensorFile(kDir + "/test_y.npy", {"labels", dlasim::DataType::kInt64, {kTest}});
  EXPECT_EQ(test.size(), kTest);
  int64_t right = 0;
  for (int64_t first = 0; first < kTest; first += kBatch) {
    dlasim::TensorMap in;
    in["input"] = test.samples(first, kBatch);
    dlasim::Tensor out = plan.run(in).at("output");
    for (int64_t r = 0; r < kBatch; ++r) {
      const float* row = out.data<float>() + r * 10;
      int64_t best = std::max_element(row, row + 10) - row;
      right += best == labels.data<int64_t>()[first + r];
    }
  }
  return double(right) / double(kTest);
}

dlasim::BuildConfig int8On(const std::string& platform) {
  dlasim::BuildConfig c;
  c.platform = platform;
  c.int8 = true;
  c.fp16 = true;
  c.dlaCore = 0;
  c.allowGpuFallback = true;
  return c;
}

double fp32Accuracy() {
  static double acc = accuracy(loadAt("classifier.onnx", kBatch).build());
  return acc;
}

TEST(ClassifierQuant, TrainedClassifierIsAccurate) {
  // Ridge regression on pooled Gabor features: well above chance (10%), below perfect.
  EXPECT_GT(fp32Accuracy(), 0.85);
  EXPECT_LT(fp32Accuracy(), 0.995);
}

TEST(ClassifierQuant, EntropyCalibratedInt8KeepsTop1WithinOnePoint) {
  TempDir dir("classifier_int8");
  std::string cache = (dir / "classifier.cache").string();
  // As a user would: the command line, default algorithm (entropy) and batch (32).
  Result r = runCli(
      {"calibrate", kDir + "/classifier.onnx", "--data=" + kDir + "/calib.npy", "--out=" + cache});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("entropy over 500 samples in 16 batches of 32"), std::string::npos) << r.out;
  dlasim::Model model = loadAt("classifier.onnx", kBatch);
  for (const std::string platform : {"orin-agx", "xavier-agx"}) {
    dlasim::BuildConfig cfg = int8On(platform);
    cfg.calibration = dlasim::CalibrationCache::read(cache);
    EXPECT_EQ(cfg.calibration->header, "TRT-8502-EntropyCalibration2");
    dlasim::Plan plan = model.build(cfg);
    EXPECT_GE(plan.dlaLayers(dlasim::Precision::kINT8), 5) << platform;
    EXPECT_FALSE(plan.usesDynamicScales());
    double acc = accuracy(plan);
    std::cout << "[ accuracy ] " << platform << " entropy INT8 " << acc << ", FP32 "
              << fp32Accuracy() << "\n";
    EXPECT_NEAR(acc, fp32Accuracy(), 0.01) << platform;
  }
}

TEST(ClassifierQuant, QdqVersionRunsWithoutCacheAndKeepsTop1) {
  dlasim::Model model = loadAt("classifier_qdq.onnx", kBatch);
  // Q/DQ nodes leave no layer behind: the same layers as the float model.
  EXPECT_EQ(model.info().layers, loadAt("classifier.onnx", kBatch).info().layers);
  for (const std::string platform : {"orin-agx", "xavier-agx"}) {
    dlasim::Plan plan = model.build(int8On(platform));
    EXPECT_TRUE(plan.settings().calibrated) << platform;
    EXPECT_FALSE(plan.usesDynamicScales()) << platform;
    EXPECT_GE(plan.dlaLayers(dlasim::Precision::kINT8), 5) << platform;
    double acc = accuracy(plan);
    std::cout << "[ accuracy ] " << platform << " Q/DQ INT8 " << acc << ", FP32 " << fp32Accuracy()
              << "\n";
    EXPECT_NEAR(acc, fp32Accuracy(), 0.01) << platform;
  }
  // And on the command line, no --calib, no "Dynamic" MinMax.
  Result r = runCli({"--onnx=" + kDir + "/classifier_qdq.onnx", "--shapes=input:8x3x32x32",
                     "--int8", "--useDLACore=0", "--allowGPUFallback", "--platform=xavier-agx"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("MinMax over this run"), std::string::npos) << r.out;
}

}  // namespace
