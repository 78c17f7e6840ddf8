// Placement per TensorRT version (issue 19 item 2; hwmodels/trt_version.cpp, TrtDlaRules): a
// Div and a Reshape between convolutions. 8.4 runs both on the GPU; 8.5 runs the Reshape on
// Orin's DLA (TDV A6); 10.3 also runs the Div there (TDV A8). `rules --trtVersion` prints each
// version's table, `check --trtVersion=A,B` says which layers move.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.h"

namespace {

using namespace testsupport;

// x 1x4x8x8 -> Conv_0 -> Div_1 (by 0.25) -> Conv_2 -> Reshape_3 (1x16x4x8) -> Conv_4 -> y
onnx::ModelProto divReshapeModel() {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, 4, 8, 8});
  addInitF32(m, "w0", {8, 4, 3, 3}, 8 * 4 * 9);
  addInitF32(m, "w2", {8, 8, 3, 3}, 8 * 8 * 9);
  addInitF32(m, "w4", {4, 16, 1, 1}, 4 * 16);
  addInitF32(m, "quarter", {1}, 1);
  addInitI64(m, "shape", {1, 16, 4, 8});
  attrInts(addNode(m, "Conv", "Conv_0", {"x", "w0"}, {"c0"}), "pads", {1, 1, 1, 1});
  addNode(m, "Div", "Div_1", {"c0", "quarter"}, {"d1"});
  attrInts(addNode(m, "Conv", "Conv_2", {"d1", "w2"}, {"c2"}), "pads", {1, 1, 1, 1});
  addNode(m, "Reshape", "Reshape_3", {"c2", "shape"}, {"r3"});
  addNode(m, "Conv", "Conv_4", {"r3", "w4"}, {"y"});
  addOutput(m, "y");
  return m;
}

class TrtVersionRules : public ::testing::Test {
 protected:
  void SetUp() override { saveModel(divReshapeModel(), model); }
  // The build log's GPU layers under --trtVersion=v ("" = default).
  std::string gpuLayers(const std::string& v, const std::string& platform = "orin-agx") {
    std::vector<std::string> args = {"--onnx=" + model.string(), "--int8",
                                     "--useDLACore=0",           "--allowGPUFallback",
                                     "--skipInference",          "--platform=" + platform};
    if (!v.empty()) args.push_back("--trtVersion=" + v);
    Result r = runCli(args);
    EXPECT_EQ(r.code, 0) << r.err << r.out;
    std::string gpu;
    std::istringstream is(r.out);
    for (std::string line; std::getline(is, line);)
      if (line.find("[GpuLayer]") != std::string::npos) gpu += line + "\n";
    return gpu;
  }
  TempDir dir{"trtver"};
  fs::path model = dir / "div_reshape.onnx";
};

TEST_F(TrtVersionRules, Default84RunsDivAndReshapeOnTheGpu) {
  for (const std::string v : {"", "8.4"}) {
    std::string gpu = gpuLayers(v);
    EXPECT_NE(gpu.find("Div_1"), std::string::npos) << v << "\n" << gpu;
    EXPECT_NE(gpu.find("Reshape_3"), std::string::npos) << v << "\n" << gpu;
  }
}

TEST_F(TrtVersionRules, Trt85RunsTheReshapeOnOrinsDla) {
  std::string gpu = gpuLayers("8.5");
  EXPECT_NE(gpu.find("Div_1"), std::string::npos) << gpu;
  EXPECT_EQ(gpu.find("Reshape_3"), std::string::npos) << gpu;
  // Xavier's Shuffle support in 8.5 is unknown: kept on the GPU (assumption).
  EXPECT_NE(gpuLayers("8.5", "xavier-agx").find("Reshape_3"), std::string::npos);
}

TEST_F(TrtVersionRules, Trt103RunsTheDivOnTheDla) {
  std::string gpu = gpuLayers("10.3");
  EXPECT_EQ(gpu.find("Div_1"), std::string::npos) << gpu;
  EXPECT_EQ(gpu.find("Reshape_3"), std::string::npos) << gpu;
}

TEST_F(TrtVersionRules, XavierWith103IsExit2) {
  Result r = runCli({"--onnx=" + model.string(), "--platform=xavier-agx", "--trtVersion=10.3",
                     "--useDLACore=0", "--skipInference"});
  EXPECT_EQ(r.code, 2) << r.out;
  r = runCli({"check", model.string(), "--platform=xavier-agx", "--trtVersion=8.4,10.3"});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.err.find("never shipped"), std::string::npos) << r.err;
}

TEST_F(TrtVersionRules, CheckComparesTwoVersions) {
  Result r = runCli({"check", model.string(), "--trtVersion=8.4,10.3"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("TensorRT 8.4: 3 loadables"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TensorRT 10.3: 1 loadables"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Layers that move (8.4 -> 10.3): 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Div_1 (Div): GPU -> DLA; 8.4: eltwise.op"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Reshape_3 (Reshape): GPU -> DLA; 8.4: shuffle.unsupported"),
            std::string::npos)
      << r.out;
  r = runCli({"check", model.string(), "--trtVersion", "8.5,8.4"});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("Reshape_3 (Reshape): DLA -> GPU; 8.4: shuffle.unsupported"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(runCli({"check", model.string(), "--trtVersion=8.4,9.9"}).code, 2);
  EXPECT_EQ(runCli({"check", model.string(), "--trtVersion=8.4,8.5,10.3"}).code, 2);
}

TEST(TrtVersionRulesTable, RulesPrintsEachVersionsTable) {
  Result r84 = runCli({"rules"}), r103 = runCli({"rules", "--trtVersion=10.3"});
  ASSERT_EQ(r103.code, 0) << r103.err;
  EXPECT_EQ(runCli({"rules", "--trtVersion=8.4"}).out, r84.out);
  EXPECT_EQ(runCli({"rules", "--jetpack=6.2"}).out, r103.out);
  EXPECT_NE(r84.out.find("(Div, Pow: no)"), std::string::npos);
  EXPECT_NE(r103.out.find("(Div, Pow: yes)"), std::string::npos);
  EXPECT_NE(r103.out.find("## Rules of TensorRT 10.3"), std::string::npos);
  EXPECT_NE(r103.out.find("TDV A8"), std::string::npos);
  Result r85 = runCli({"rules", "--trtVersion", "8.5"});
  EXPECT_NE(r85.out.find("`shuffle.slice_concat`: "), std::string::npos) << r85.out;
  Result bad = runCli({"rules", "--trtVersion=9.9"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
}

}  // namespace
