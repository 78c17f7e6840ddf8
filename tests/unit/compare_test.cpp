// dlasim compare: the emulated build against the FP32 reference, Polygraphy-style, as a CI gate.
#include <gtest/gtest.h>

#include "test_support.h"

namespace {

using namespace testsupport;

const std::string kModelBN = std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx";

TEST(Compare, Fp16WithinDefaultToleranceExceedsATightOne) {
  Result ok = runCli({"compare", kModelBN, "--shapes=input:4x3x32x32", "--fp16", "--useDLACore=0"});
  ASSERT_EQ(ok.code, 0) << ok.err << ok.out;
  EXPECT_NE(ok.out.find("5 DLA layers in emulated FP16, 0 in emulated INT8"), std::string::npos)
      << ok.out;
  EXPECT_NE(ok.out.find("Absolute Difference | Stats: mean="), std::string::npos);
  EXPECT_NE(ok.out.find("PASSED | All outputs matched"), std::string::npos);
  Result tight = runCli({"compare", kModelBN, "--shapes=input:4x3x32x32", "--fp16",
                         "--useDLACore=0", "--rtol=1e-7", "--atol=1e-9"});
  EXPECT_EQ(tight.code, 1) << tight.out;
  EXPECT_NE(tight.out.find("FAILED | Mismatched outputs: ['output']"), std::string::npos)
      << tight.out;
  // The same tight tolerance passes when nothing is emulated (no DLA: both runs are FP32).
  Result gpu =
      runCli({"compare", kModelBN, "--shapes=input:4x3x32x32", "--rtol=1e-7", "--atol=1e-9"});
  EXPECT_EQ(gpu.code, 0) << gpu.out;
  // The median statistic is looser than elemwise.
  Result median = runCli({"compare", kModelBN, "--shapes=input:4x3x32x32", "--fp16",
                          "--useDLACore=0", "--check-error-stat=median", "--rtol=1", "--atol=0"});
  EXPECT_EQ(median.code, 0) << median.out;
}

TEST(Compare, BadUsageIsExitTwo) {
  EXPECT_EQ(runCli({"compare"}).code, 2);
  Result r = runCli({"compare", kModelBN, "--rtol=abc"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--rtol: 'abc'"), std::string::npos) << r.err;
  EXPECT_EQ(runCli({"compare", kModelBN, "--check-error-stat=quantile"}).code, 2);
  EXPECT_EQ(runCli({"compare", "/nonexistent.onnx"}).code, 2);
}

}  // namespace

namespace {

TEST(Calibrate, WritesACacheThatCalibMakesAllDlaLayersInt8) {
  TempDir dir("calibrate");
  std::string cache = (dir / "bn.cache").string();
  Result r = runCli(
      {"calibrate", kModelBN, "--shapes=input:4x3x32x32", "--out=" + cache, "--algo=minmax"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string text = readFile(cache);
  EXPECT_EQ(text.rfind("TRT-8502-MinMaxCalibration\n", 0), 0u) << text;
  EXPECT_NE(text.find("input: "), std::string::npos) << text;
  Result run = runCli({"--onnx=" + kModelBN, "--shapes=input:4x3x32x32", "--int8", "--useDLACore=0",
                       "--allowGPUFallback", "--calib=" + cache});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("INT8 scales applied"), std::string::npos);
  EXPECT_NE(run.out.find("Numerics: 0 DLA layers in emulated FP16, 5 in emulated INT8"),
            std::string::npos)
      << run.out;  // every DLA layer has its scales                                      // every
                   // DLA layer has scales
  EXPECT_EQ(runCli({"calibrate", kModelBN}).code, 2);                       // no --out
  EXPECT_EQ(runCli({"calibrate", kModelBN, "--out=" + kModelBN}).code, 2);  // never over the model
}

}  // namespace
