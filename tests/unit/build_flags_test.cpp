// Build flags that steer placement: --layerDeviceTypes, --layerPrecisions, --memPoolSize and the
// I/O format rules, through the CLI on small models built here.
#include <gtest/gtest.h>

#include "test_support.h"

namespace {

using namespace testsupport;

class BuildFlags : public ::testing::Test {
 protected:
  void SetUp() override {
    // conv0 -> relu0 -> conv1 -> relu1: one DLA loadable unless something splits it.
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 4, 8, 8});
    for (int i = 0; i < 2; ++i) {
      std::string w = "w" + std::to_string(i), in = i ? "r0" : "x";
      addInitF32(m, w, {4, 4, 3, 3}, 4 * 4 * 9);
      auto* c = addNode(m, "Conv", "conv" + std::to_string(i), {in, w}, {"c" + std::to_string(i)});
      attrInts(c, "pads", {1, 1, 1, 1});
      addNode(m, "Relu", "relu" + std::to_string(i), {"c" + std::to_string(i)},
              {"r" + std::to_string(i)});
    }
    addOutput(m, "r1");
    model = (dir / "chain.onnx").string();
    saveModel(m, model);
  }
  Result build(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--onnx=" + model, "--int8", "--useDLACore=0",
                                     "--allowGPUFallback", "--skipInference"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCli(args);
  }
  TempDir dir{"flags"};
  std::string model;
};

TEST_F(BuildFlags, AllOnDlaByDefault) {
  Result r = build({});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[DlaLayer] {ForeignNode[conv0...relu1]}"), std::string::npos) << r.out;
}

TEST_F(BuildFlags, LayerDeviceTypesSplitsTheLoadable) {
  // relu0 is fused into conv0 ("conv0 + relu0"), as TensorRT fuses it: naming either node
  // moves the fused layer.
  Result r = build({"--layerDeviceTypes=relu1:GPU"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[DlaLayer] {ForeignNode[conv0...relu0]}"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[GpuLayer] CONVOLUTION: conv1 + relu1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("placed on the GPU by --layerDeviceTypes"), std::string::npos) << r.out;
  Result first = build({"--layerDeviceTypes=conv0:GPU"});
  EXPECT_NE(first.out.find("[GpuLayer] CONVOLUTION: conv0 + relu0"), std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("[DlaLayer] {ForeignNode[conv1...relu1]}"), std::string::npos)
      << first.out;
  // Later entries override earlier ones, as in trtexec.
  Result back = build({"--layerDeviceTypes=relu1:GPU,relu1:DLA"});
  EXPECT_NE(back.out.find("{ForeignNode[conv0...relu1]}"), std::string::npos) << back.out;
}

TEST_F(BuildFlags, ConvolutionsAbsorbScaleAndReluAsTensorRTDoes) {
  Result r =
      runCli({"--onnx=" + model, "--skipInference",
              "--exportLayerInfo=" + (dir / "li.json").string(), "--profilingVerbosity=detailed",
              "--useDLACore=0", "--int8", "--layerDeviceTypes=conv1:GPU", "--allowGPUFallback"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string li = readFile(dir / "li.json");
  EXPECT_NE(li.find("\"Name\": \"conv1 + relu1\""), std::string::npos) << li;
  EXPECT_NE(li.find("\"Name\": \"{ForeignNode[conv0...relu0]}\""), std::string::npos) << li;
}

// trtexec's semantics: per-layer precisions count only with --precisionConstraints; an obeyed
// FP32 request takes the layer off the DLA; a name matching no layer is skipped with a warning.
TEST_F(BuildFlags, LayerPrecisionFp32SendsTheLayerToTheGpu) {
  Result r = build({"--layerPrecisions=conv1:fp32", "--precisionConstraints=obey"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[GpuLayer] CONVOLUTION: conv1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("general.precision"), std::string::npos) << r.out;
  Result ignored = build({"--layerPrecisions=conv1:fp32"});
  ASSERT_EQ(ignored.code, 0) << ignored.err;
  EXPECT_NE(ignored.out.find("[DlaLayer] {ForeignNode[conv0...relu1]}"), std::string::npos)
      << ignored.out;
  EXPECT_NE(ignored.out.find("--layerPrecisions is ignored: set --precisionConstraints"),
            std::string::npos)
      << ignored.out;
  Result unknown = build({"--layerPrecisions=conv9:fp16", "--precisionConstraints=prefer",
                          "--layerDeviceTypes=nothere:GPU"});
  EXPECT_EQ(unknown.code, 0) << unknown.err;
  EXPECT_NE(unknown.out.find("--layerPrecisions: no layer named 'conv9'"), std::string::npos);
  EXPECT_NE(unknown.out.find("--layerDeviceTypes: no layer named 'nothere'"), std::string::npos);
}

TEST_F(BuildFlags, Fp32OnlyBuildPutsEverythingOnTheGpu) {
  Result r = runCli({"--onnx=" + model, "--useDLACore=0", "--allowGPUFallback", "--skipInference"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("[DlaLayer]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DLA only supports FP16 and INT8"), std::string::npos) << r.out;
}

TEST_F(BuildFlags, MemoryPoolsArePowersOfTwoOfAtLeast4KiB) {
  EXPECT_EQ(build({"--memPoolSize=dlaSRAM:0.5"}).code, 0);        // 512 KiB
  EXPECT_EQ(build({"--memPoolSize=dlaLocalDRAM:1024"}).code, 0);  // 1 GiB
  EXPECT_EQ(build({"--memPoolSize=dlaSRAM:4K"}).code, 0);
  Result three = build({"--memPoolSize=dlaSRAM:3"});
  EXPECT_EQ(three.code, 2);
  EXPECT_NE(three.err.find("3145728 bytes must be a power of two"), std::string::npos) << three.err;
  EXPECT_EQ(build({"--memPoolSize=dlaGlobalDRAM:2K"}).code, 2);  // below 4 KiB
  EXPECT_EQ(build({"--memPoolSize=workspace:3"}).code, 0);       // GPU pool: any size
  Result big = build({"--memPoolSize=dlaSRAM:4"});
  EXPECT_EQ(big.code, 0);
  EXPECT_NE(big.out.find("exceeds the 1048576 bytes per core"), std::string::npos) << big.out;
}

TEST_F(BuildFlags, IoFormatsAreCheckedAgainstTheDlaRules) {
  EXPECT_EQ(build({"--inputIOFormats=fp16:chw16,fp16:chw16"}).code, 2);  // two formats, one input
  Result hwc4 = runCli({"--onnx=" + model, "--int8", "--useDLACore=0", "--buildDLAStandalone",
                        "--inputIOFormats=int8:dla_hwc4", "--outputIOFormats=int8:dla_linear"});
  EXPECT_EQ(hwc4.code, 0) << hwc4.err;  // dla_hwc4 takes C in {1,3,4}; x has C = 4
  Result ok = runCli({"--onnx=" + model, "--int8", "--useDLACore=0", "--buildDLAStandalone",
                      "--inputIOFormats=int8:dla_linear", "--outputIOFormats=int8:dla_hwc4+chw32"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  Result out4 = runCli({"--onnx=" + model, "--int8", "--useDLACore=0", "--buildDLAStandalone",
                        "--inputIOFormats=int8:dla_linear", "--outputIOFormats=int8:dla_hwc4"});
  EXPECT_EQ(out4.code, 1);
  EXPECT_NE(out4.err.find("io.format"), std::string::npos) << out4.err;
}

}  // namespace

namespace {

TEST(DumpFlags, DumpOutputAndLayerInfoPrintToTheLog) {
  Result r = runCli({"--onnx=" + std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx",
                     "--shapes=input:1x3x32x32", "--dumpOutput", "--dumpLayerInfo",
                     "--useDLACore=0", "--int8", "--allowGPUFallback"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Output Tensors:"), std::string::npos);
  EXPECT_NE(r.out.find("output: (1x10)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Layer Information:"), std::string::npos);
  EXPECT_NE(r.out.find("\"{ForeignNode[Conv_0...Relu_7]}\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("=== Device Information ==="), std::string::npos);
  EXPECT_EQ(r.out.find("--dumpOutput only matters on a device"), std::string::npos);
}

}  // namespace

namespace {

class Calibration : public BuildFlags {};

TEST_F(Calibration, LayersWithoutScalesRunInFp16) {
  // 1.0/127 = 0x3c010204; short hex "3c010204" and "3c01020" both parse.
  writeFile(dir / "calib.cache",
            "TRT-8502-EntropyCalibration2\nx: 3c010204\nr0: 3c010204\nunused: 1\n");
  Result r = runCli({"--onnx=" + model, "--int8", "--useDLACore=0", "--allowGPUFallback",
                     "--calib=" + (dir / "calib.cache").string(), "--profilingVerbosity=detailed",
                     "--exportLayerInfo=" + (dir / "li.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("2 INT8 scales applied"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 calibration entries name no tensor"), std::string::npos) << r.out;
  std::string li = readFile(dir / "li.json");
  size_t conv0 = li.find("\"conv0 + relu0\""), conv1 = li.find("\"conv1 + relu1\"");
  ASSERT_NE(conv0, std::string::npos) << li;
  ASSERT_NE(conv1, std::string::npos) << li;
  EXPECT_NE(li.find("\"Precision\": \"INT8\"", conv0), std::string::npos);
  EXPECT_NE(li.find("\"Precision\": \"FP16\"", conv1), std::string::npos) << li;
  EXPECT_NE(r.out.find("Numerics: 1 DLA layers in emulated FP16, 1 in emulated INT8"),
            std::string::npos)
      << r.out;
}

TEST_F(Calibration, BadCachesAreRefused) {
  struct Case {
    std::string text, needle;
  } cases[] = {{"", "empty calibration cache"},
               {"hello\nx: 3c010204\n", "not a TensorRT calibration cache"},
               {"TRT-8502-EntropyCalibration2\nx 3c010204\n", ":2:"},
               {"TRT-8502-EntropyCalibration2\nx: zz\n", "is not 1-8 hex digits"},
               {"TRT-8502-EntropyCalibration2\nx: 7fc00000\n", "not a finite non-negative"},
               {"TRT-8502-EntropyCalibration2\nx: bf800000\n", "not a finite non-negative"},
               {"TRT-8502-EntropyCalibration2\nx: 1\nx: 2\n", "listed twice"}};
  for (const auto& c : cases) {
    writeFile(dir / "bad.cache", c.text);
    Result r = runCli({"--onnx=" + model, "--int8", "--useDLACore=0", "--allowGPUFallback",
                       "--calib=" + (dir / "bad.cache").string()});
    EXPECT_EQ(r.code, 2) << c.text;
    EXPECT_NE(r.err.find("bad.cache"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
  }
  Result missing =
      runCli({"--onnx=" + model, "--int8", "--calib=" + (dir / "none.cache").string()});
  EXPECT_EQ(missing.code, 2);
}

}  // namespace
