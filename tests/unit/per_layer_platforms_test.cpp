// compare --per-layer computes in the platform's arithmetic: on every platform and in both
// reduced precisions, its last layer (the graph output) is what plain compare measures, down to
// the bit. Before the platform numerics had one description, per-layer built its executor
// without them and reported Orin's FP19 results for Xavier.
#include <gtest/gtest.h>

#include <map>

#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;

const std::string kDir = std::string(DLASIM_BINARY_DIR) + "/quant";

struct PlatformRun {
  dlasim::TensorMap emulated;  // Plan::run's outputs
  bool int8 = false;
};

class PerLayerPlatforms : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dlasim::LoadOptions o;
    o.shapes["input"] = {8, 3, 32, 32};
    model_ = new dlasim::Model(dlasim::Model::load(kDir + "/classifier.onnx", o));
    calibration_ = new dlasim::CalibrationCache(
        model_->calibrate(dlasim::Dataset::load(kDir + "/calib.npy", model_->info().inputs[0])));
    inputs_ = new dlasim::TensorMap;
    (*inputs_)["input"] =
        dlasim::Dataset::load(kDir + "/test_x.npy", model_->info().inputs[0]).samples(0, 8);
  }
  static void TearDownTestSuite() {
    delete model_;
    delete calibration_;
    delete inputs_;
  }
  static dlasim::Plan build(const std::string& platform, bool int8) {
    dlasim::BuildConfig cfg;
    cfg.platform = platform;
    cfg.dlaCore = 0;
    cfg.allowGpuFallback = true;
    cfg.fp16 = true;
    cfg.int8 = int8;
    if (int8) cfg.calibration = *calibration_;
    return model_->build(cfg);
  }
  static dlasim::Model* model_;
  static dlasim::CalibrationCache* calibration_;
  static dlasim::TensorMap* inputs_;
};
dlasim::Model* PerLayerPlatforms::model_ = nullptr;
dlasim::CalibrationCache* PerLayerPlatforms::calibration_ = nullptr;
dlasim::TensorMap* PerLayerPlatforms::inputs_ = nullptr;

void expectBitEqual(const dlasim::Tensor& a, const dlasim::Tensor& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  int64_t differ = 0;
  for (int64_t i = 0; i < a.size(); ++i) differ += a.data<float>()[i] != b.data<float>()[i];
  EXPECT_EQ(differ, 0) << what << ": " << differ << " of " << a.size() << " values differ";
}

TEST_F(PerLayerPlatforms, LastLayerEqualsPlainCompareOnEveryPlatform) {
  std::map<std::string, PlatformRun> runs;
  for (const dlasim::PlatformInfo& info : dlasim::platforms()) {
    for (bool int8 : {false, true}) {
      const std::string what = info.id + (int8 ? " INT8" : " FP16");
      SCOPED_TRACE(what);
      dlasim::Plan plan = build(info.id, int8);
      ASSERT_GT(plan.dlaLayers(int8 ? dlasim::Precision::kINT8 : dlasim::Precision::kFP16), 0);
      dlasim::PerLayerReport perLayer = dlasim::comparePerLayer(plan, *inputs_);
      dlasim::TensorMap emulated = plan.run(*inputs_);
      dlasim::CompareResult plain = dlasim::compare(plan.runReference(*inputs_), emulated);
      // The last layer's output is the graph output.
      ASSERT_FALSE(perLayer.layers.empty());
      const dlasim::LayerComparison& last = perLayer.layers.back();
      ASSERT_TRUE(last.compared);
      expectBitEqual(perLayer.emulated.at("output"), emulated.at("output"), what);
      ASSERT_EQ(perLayer.outputs.outputs.size(), plain.outputs.size());
      // The reference sides differ only by FP32 rounding (per-layer's reference runs unfused):
      // the metrics agree to far below what separates two platforms' arithmetics.
      const dlasim::OutputComparison &p = perLayer.outputs.outputs[0], &q = plain.outputs[0];
      EXPECT_NEAR(p.cosine, q.cosine, 1e-6);
      EXPECT_NEAR(p.absolute.max, q.absolute.max, 1e-4 * (1 + q.absolute.max));
      EXPECT_EQ(p.top1, q.top1);
      EXPECT_EQ(p.top5, q.top5);
      runs[info.id + (int8 ? "/int8" : "/fp16")] = {emulated, int8};
    }
  }
  // The test can tell the arithmetics apart: Xavier's fixed-point INT8 differs from Orin's FP19
  // on this model, so per-layer running Orin's numerics on Xavier would fail above.
  ASSERT_TRUE(runs.count("orin-agx/int8") && runs.count("xavier-agx/int8"));
  const dlasim::Tensor &orin = runs["orin-agx/int8"].emulated.at("output"),
                       &xavier = runs["xavier-agx/int8"].emulated.at("output");
  int64_t differ = 0;
  for (int64_t i = 0; i < orin.size(); ++i)
    differ += orin.data<float>()[i] != xavier.data<float>()[i];
  EXPECT_GT(differ, 0);
}

}  // namespace
