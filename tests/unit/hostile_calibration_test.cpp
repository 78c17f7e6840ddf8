// Calibration caches with degenerate scales (issue 12, defect 7). A scale of 0 or -0, a denormal
// one, or one whose dynamic range (scale x 127) is not a finite float gives no usable INT8 range:
// as TensorRT does for a tensor without a range, every layer reading or writing it runs in a
// higher precision (FP16 on the DLA) -- and the log says so, naming each tensor and each layer.
// A huge but finite range is used, with a warning. None of it is silent.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "hostile_support.h"

namespace {

using namespace testsupport;

const std::string kModelGN = std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx";

using HostileCalibration = HostileTest;

// ModelGN at batch 2 on DLA core 0: Conv_0 reads 'input'; Relu_10 reads '28', Relu_21 '39',
// Relu_32 '50', Relu_43 '61'.
TEST_F(HostileCalibration, DegenerateScalesAreNamedWithTheirFallback) {
  Result c =
      runCli({"calibrate", kModelGN, "--shapes=input:2x3x32x32", "--out=" + path("gn.cache")});
  ASSERT_EQ(c.code, 0) << c.err;
  std::string cache = readFile(dir_ / "gn.cache");
  auto setScale = [&](const std::string& tensor, const std::string& hex) {
    cache = std::regex_replace(cache, std::regex("\n" + tensor + ": [0-9a-f]+\n"),
                               "\n" + tensor + ": " + hex + "\n");
  };
  setScale("input", "00000000");  // zero
  setScale("28", "80000000");     // negative zero
  setScale("39", "00000001");     // denormal
  setScale("50", "7f7fffff");     // FLT_MAX: range = scale x 127 is infinite
  setScale("61", "5f000000");     // 9.2e18: a finite but absurd range
  writeFile(dir_ / "bad.cache", cache);

  Result r = runCli({"--onnx=" + kModelGN, "--shapes=input:2x3x32x32", "--int8", "--useDLACore=0",
                     "--allowGPUFallback", "--calib=" + path("bad.cache")});
  ASSERT_EQ(r.code, 0) << r.err;
  auto warned = [&](const std::string& tensor, const std::string& layer) {
    std::regex line("\\[W\\][^\n]*'" + tensor + "'[^\n]*" + layer + "[^\n]*FP16");
    return std::regex_search(r.out, line);
  };
  EXPECT_TRUE(warned("input", "Conv_0")) << r.out;
  EXPECT_TRUE(warned("28", "Relu_10")) << r.out;
  EXPECT_TRUE(warned("39", "Relu_21")) << r.out;
  EXPECT_TRUE(warned("50", "Relu_32")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\\[W\\][^\n]*'61'[^\n]*range")))
      << "the absurd range of '61' is used without a word:\n"
      << r.out;
  // The four unusable scales are not counted as applied.
  const long entries = std::count(cache.begin(), cache.end(), '\n') - 1;  // after the header
  ASSERT_GT(entries, 8);
  EXPECT_NE(r.out.find(std::to_string(entries - 4) + " INT8 scales applied, 4 unusable"),
            std::string::npos)
      << r.out;
  // And the layers do run in FP16: 4 of the 8 DLA layers.
  EXPECT_NE(r.out.find("Numerics: 4 DLA layers in emulated FP16, 4 in emulated INT8"),
            std::string::npos)
      << r.out;
}

TEST_F(HostileCalibration, UnreadableScalesAreStillRefused) {
  for (const char* hex : {"7f800000", "7fc00000", "bf800000"}) {  // inf, NaN, -1
    writeFile(dir_ / "c.cache", std::string("TRT-8502-MinMaxCalibration\ninput: ") + hex + "\n");
    expectOneError(runCli({"--onnx=" + kModelGN, "--int8", "--calib=" + path("c.cache")}),
                   {"c.cache", ":2", "'input'"});
  }
}

}  // namespace
