// The cost model against its calibration set (design §5): the seed's ModelGN command, the
// ResNet-34 per-layer DLA figures, YOLOv5s's batch scaling. Models come from the build
// (examples/, cost_models/ by tests/cost/make_cost_models.py).
#include <nlohmann/json.hpp>
#include <regex>

#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;

std::string costModel(const std::string& name) {
  return std::string(DLASIM_BINARY_DIR) + "/cost_models/" + name + ".onnx";
}

double number(const std::string& text, const std::string& pattern) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(text, m, std::regex(pattern))) << pattern << "\n" << text;
  return m.size() > 1 ? std::stod(m[1]) : -1;
}

// DLA time of a plan's loadables (submission + layers + conversions), as cuDLA measures a task.
double dlaMs(const std::string& path, const dlasim::Shape& shape, double clockMHz,
             const std::vector<dlasim::IOFormat>& in = {},
             const std::vector<dlasim::IOFormat>& out = {}) {
  dlasim::LoadOptions lo;
  if (!shape.empty()) lo.shapes["images"] = shape;
  dlasim::Model m = dlasim::Model::load(path, lo);
  dlasim::BuildConfig c;
  c.int8 = true;
  c.dlaCore = 0;
  c.allowGpuFallback = true;
  c.inputFormats = in;
  c.outputFormats = out;
  dlasim::PerformanceOptions po;
  po.dlaClockMHz = clockMHz;
  dlasim::Performance p = m.build(c).performance(po);
  double ms = 0;
  for (const auto& l : p.loadables) ms += l.ms;
  return ms;
}

TEST(CostCalibration, SeedModelGNThroughputAndProfileSum) {
  TempDir dir("cost_seed");
  std::string profile = (dir / "model_gn.json").string();
  Result r = runCli({"--onnx=" DLASIM_BINARY_DIR "/examples/model_gn.onnx",
                     "--shapes=input:32x3x32x32", "--int8", "--useDLACore=0", "--allowGPUFallback",
                     "--useSpinWait", "--separateProfileRun", "--exportProfile=" + profile});
  ASSERT_EQ(r.code, 0) << r.err;
  // design §5 item 1: 305.926 qps with 5 DLA loadables.
  double qps = number(r.out, R"(\[I\] Throughput: ([0-9.]+) qps)");
  EXPECT_NEAR(qps, 305.926, 0.15 * 305.926);
  size_t loadables = 0;
  for (size_t at = 0; (at = r.out.find("[DlaLayer] {ForeignNode[", at)) != std::string::npos; ++at)
    ++loadables;
  EXPECT_EQ(loadables, 5u);
  double mean = number(
      r.out, R"(\[I\] Latency: min = [0-9.e-]+ ms, max = [0-9.e-]+ ms, mean = ([0-9.e-]+) ms)");
  nlohmann::json j = nlohmann::json::parse(readFile(profile));
  ASSERT_TRUE(j.is_array());
  ASSERT_GT(j.size(), 10u);
  EXPECT_GT(j[0].at("count").get<int>(), 0);
  double sum = 0;
  int dla = 0;
  for (size_t i = 1; i < j.size(); ++i) {
    sum += j[i].at("averageMs").get<double>();
    if (j[i].contains("layers"))  // a loadable's row: its layers' breakdown
      for (const auto& part : j[i].at("layers")) dla += part.at("kind") == "layer";
    EXPECT_TRUE(j[i].contains("engineUnit") && j[i].contains("bound") && j[i].contains("loadable"));
  }
  EXPECT_NEAR(sum, mean, 1e-4 * mean);
  EXPECT_GE(dla, 8);  // the convolutions and ReLUs of the five loadables
}

// design §5 item 2: cuDLA's per-layer figures of a ResNet-34 backbone at 1280x768, INT8,
// DLA at 1152 MHz, each layer as its own loadable.
TEST(CostCalibration, ResNet34LayersWithin20Percent) {
  struct Point {
    const char* model;
    double publishedMs;
  } points[] = {{"r34_conv1", 0.745},
                {"r34_maxpool", 0.581},
                {"r34_conv3x3", 0.4025},  // 0.400-0.405
                {"r34_conv3x3_add", 0.415},
                {"r34_conv3x3s2", 0.272}};
  for (const auto& p : points) {
    double ms = dlaMs(costModel(p.model), {}, 1152);
    EXPECT_NEAR(ms, p.publishedMs, 0.2 * p.publishedMs) << p.model;
  }
}

// design §5 item 3: YOLOv5s 1x3x672x672 INT8 at 1331 MHz: 3.82 ms with FP16 output (2.4 ms with
// INT8 output), 7.68 ms at batch 2, 15.17 ms at batch 4.
TEST(CostCalibration, YoloV5sBatchScaling) {
  std::vector<dlasim::IOFormat> in = {{"int8", "dla_hwc4"}};
  std::vector<dlasim::IOFormat> fp16 = {{"fp16", "chw16"}}, int8 = {{"int8", "chw32"}};
  double t1 = dlaMs(costModel("yolov5s"), {1, 3, 672, 672}, 1331, in, fp16);
  double t2 = dlaMs(costModel("yolov5s"), {2, 3, 672, 672}, 1331, in, fp16);
  double t4 = dlaMs(costModel("yolov5s"), {4, 3, 672, 672}, 1331, in, fp16);
  double i8 = dlaMs(costModel("yolov5s"), {1, 3, 672, 672}, 1331, in, int8);
  EXPECT_NEAR(t1, 3.82, 0.2 * 3.82);
  EXPECT_NEAR(t2, 7.68, 0.2 * 7.68);
  EXPECT_NEAR(t4, 15.17, 0.2 * 15.17);
  EXPECT_NEAR(i8, 2.4, 0.2 * 2.4);
  // Linear in the batch, as published (7.68 / 3.82 = 2.01, 15.17 / 3.82 = 3.97).
  EXPECT_NEAR(t2 / t1, 2.01, 0.1 * 2.01);
  EXPECT_NEAR(t4 / t1, 3.97, 0.1 * 3.97);
  EXPECT_LT(i8, t1);  // INT8 output skips the conversion
}

}  // namespace
