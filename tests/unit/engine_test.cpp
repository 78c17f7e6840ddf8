// Engine files: a saved plan reloads with the same placement and outputs; corrupt, truncated,
// foreign and internally inconsistent files are refused with exit code 2, never run.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hostile_support.h"

namespace {

using namespace testsupport;

// A "valid" container around contents that lie: hostile_support.h.
const auto& repack = repackEngine;

class EngineFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("dlasim_engine_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    model = std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx";
    engine = (dir / "gn.engine").string();
    Result r = runCli({"--onnx=" + model, "--shapes=input:4x3x32x32", "--int8", "--useDLACore=0",
                       "--allowGPUFallback", "--saveEngine=" + engine,
                       "--exportOutput=" + (dir / "a.json").string()});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
  std::string model, engine;
};

TEST_F(EngineFile, ReloadsWithSamePlacementAndOutputs) {
  Result r = runCli({"--loadEngine=" + engine, "--exportOutput=" + (dir / "b.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[DlaLayer] {ForeignNode[Relu_10...Conv_11]}"), std::string::npos);
  EXPECT_NE(r.out.find("[GpuLayer] PLUGIN_V2: InstanceNormalization_5"), std::string::npos);
  EXPECT_EQ(readFile(dir / "a.json"), readFile(dir / "b.json"));
}

TEST_F(EngineFile, RefusesTruncatedCorruptAndForeignFiles) {
  std::string bytes = readFile(engine);
  writeFile(dir / "trunc.engine", bytes.substr(0, bytes.size() / 2));
  std::string flipped = bytes;
  flipped[bytes.size() / 3] ^= 0x20;
  writeFile(dir / "flip.engine", flipped);
  writeFile(dir / "empty.engine", "");
  struct Case {
    std::string file, message;
  } cases[] = {{(dir / "trunc.engine").string(), "checksum mismatch"},
               {(dir / "flip.engine").string(), "checksum mismatch"},
               {(dir / "empty.engine").string(), "wrong magic"},
               {model, "wrong magic"},
               {(dir / "missing.engine").string(), "no such engine file"}};
  for (const auto& c : cases) {
    Result r = runCli({"--loadEngine=" + c.file});
    EXPECT_EQ(r.code, 2) << c.file;
    EXPECT_NE(r.err.find(c.file), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(EngineFile, RefusesOtherVersionAndInconsistentContents) {
  std::string bytes = readFile(engine);
  std::string v2 = bytes;
  v2[8] = 2;
  writeFile(dir / "v2.engine", v2);
  Result r = runCli({"--loadEngine=" + (dir / "v2.engine").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("version 2"), std::string::npos) << r.err;

  // A layer whose stored output shape disagrees with its inputs.
  writeFile(dir / "shape.engine", repack(bytes, [](nlohmann::json& j) {
              j["tensors"][j["nodes"][0]["outputs"][0].get<int>()]["shape"][1] = 65;
            }));
  r = runCli({"--loadEngine=" + (dir / "shape.engine").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("disagrees with its inputs"), std::string::npos) << r.err;

  // Tensor and layer-kind indices out of range.
  writeFile(dir / "index.engine",
            repack(bytes, [](nlohmann::json& j) { j["nodes"][0]["inputs"][0] = 99999; }));
  r = runCli({"--loadEngine=" + (dir / "index.engine").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("out of range"), std::string::npos) << r.err;
  writeFile(dir / "kind.engine",
            repack(bytes, [](nlohmann::json& j) { j["nodes"][0]["kind"] = 200; }));
  r = runCli({"--loadEngine=" + (dir / "kind.engine").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("layer kind 200"), std::string::npos) << r.err;
  writeFile(dir / "json.engine", repack(bytes, [](nlohmann::json& j) { j.erase("nodes"); }));
  r = runCli({"--loadEngine=" + (dir / "json.engine").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("malformed contents"), std::string::npos) << r.err;
}

TEST_F(EngineFile, SaveEngineNeverOverwritesTheModel) {
  std::string before = readFile(model);
  Result r = runCli({"--onnx=" + model, "--shapes=input:1x3x32x32", "--saveEngine=" + model});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(readFile(model), before);
}

TEST(RulesDoc, DocsMatchTheRuleCatalogue) {
  Result r = runCli({"rules"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(readFile(std::string(DLASIM_SOURCE_DIR) + "/docs/dla-rules.md"), r.out)
      << "docs/dla-rules.md is stale: regenerate with `build/dlasim rules > docs/dla-rules.md`";
}

TEST(CheckCommand, ReportsCountsReasonsAndFixes) {
  std::string model = std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx";
  Result r = runCli({"check", model, "--shapes=input:32x3x32x32"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("loadables: 5 of 16"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MACs on DLA: 100.0%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reduce.op"), std::string::npos);
  EXPECT_NE(r.out.find("use AveragePool with kernel 2x2 instead of GlobalAveragePool"),
            std::string::npos);
  EXPECT_EQ(runCli({"check", model, "--shapes=input:32x3x32x32", "--strict"}).code, 1);
  Result x = runCli({"check", model, "--platform=xavier-nx", "--fp16"});
  EXPECT_NE(x.out.find("Jetson Xavier NX"), std::string::npos);
  EXPECT_EQ(runCli({"check"}).code, 2);
  EXPECT_EQ(runCli({"check", model, "--platform=tegra"}).code, 2);
}

}  // namespace
