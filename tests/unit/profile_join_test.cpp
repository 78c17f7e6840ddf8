// Issue 19 item 7: --exportProfile rows and --exportLayerInfo layers carry the same names, so a
// TREx-style join (layer info LEFT JOIN profile ON name) gives every layer its time and every
// timed row a layer; a loadable's row carries the loadable's whole time.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "test_support.h"

namespace {

using namespace testsupport;
using nlohmann::json;

void expectJoin(const std::string& model, const std::string& shapes) {
  SCOPED_TRACE(model);
  TempDir dir("profile_join");
  std::string profile = (dir / "p.json").string(), info = (dir / "l.json").string(),
              detailed = (dir / "d.json").string();
  Result r = runCli({"--onnx=" + model, "--shapes=" + shapes, "--int8", "--useDLACore=0",
                     "--allowGPUFallback", "--exportProfile=" + profile,
                     "--exportLayerInfo=" + info, "--iterations=1", "--duration=0", "--warmUp=0"});
  ASSERT_EQ(r.code, 0) << r.err;
  json rows = json::parse(readFile(profile)), layers = json::parse(readFile(info))["Layers"];
  std::set<std::string> layerNames;
  for (const auto& l : layers) layerNames.insert(l.get<std::string>());
  std::map<std::string, json> byName;
  double total = 0, mean = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const json& row = rows[i];
    std::string name = row["name"], kind = row["kind"];
    total += row["averageMs"].get<double>();
    if (kind == "h2d" || kind == "d2h") continue;  // host copies: no engine layer (as trtexec)
    EXPECT_TRUE(layerNames.count(name)) << "profile row without a layer: " << name;
    EXPECT_TRUE(byName.insert({name, row}).second) << "two rows named " << name;
  }
  for (const auto& name : layerNames)
    EXPECT_TRUE(byName.count(name)) << "layer without a row: " << name;
  // A loadable's row holds its layers' times, not only its submission.
  int loadables = 0;
  for (const auto& [name, row] : byName) {
    if (row["kind"] != "loadable") continue;
    ++loadables;
    EXPECT_EQ(name.rfind("{ForeignNode[", 0), 0u) << name;
    double sum = 0;
    int layerParts = 0;
    for (const auto& part : row["layers"]) {
      sum += part["averageMs"].get<double>();
      layerParts += part["kind"] == "layer";
    }
    EXPECT_NEAR(row["averageMs"].get<double>(), sum, 1e-5 * sum) << name;  // 6 digits each
    EXPECT_GE(layerParts, 1) << name;
  }
  EXPECT_GE(loadables, 1);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.out, m,
      std::regex(R"(Latency: min = [0-9.e-]+ ms, max = [0-9.e-]+ ms, mean = ([0-9.e-]+) ms)")));
  mean = std::stod(m[1]);
  EXPECT_NEAR(total, mean, 1e-4 * mean);  // the rows still add up to the latency
  // The detailed layer info has the same names, in the same order.
  Result d = runCli({"--onnx=" + model, "--shapes=" + shapes, "--int8", "--useDLACore=0",
                     "--allowGPUFallback", "--skipInference", "--profilingVerbosity=detailed",
                     "--exportLayerInfo=" + detailed});
  ASSERT_EQ(d.code, 0) << d.err;
  json full = json::parse(readFile(detailed))["Layers"];
  ASSERT_EQ(full.size(), layers.size());
  for (size_t i = 0; i < full.size(); ++i) EXPECT_EQ(full[i]["Name"], layers[i]);
}

TEST(ProfileJoin, ModelGNWithHandOffsAndGpuLayers) {
  expectJoin(DLASIM_BINARY_DIR "/examples/model_gn.onnx", "input:32x3x32x32");
}

TEST(ProfileJoin, ResNet50) {
  expectJoin(DLASIM_BINARY_DIR "/zoo/resnet50.onnx", "input:1x3x224x224");
}

}  // namespace
