// `dlasim check --format=json` (issue 19 item 8): the report's facts as one JSON document that
// agrees with the text report and the build log.
#include <nlohmann/json.hpp>
#include <regex>

#include "test_support.h"

namespace {

using namespace testsupport;

TEST(CheckJson, SameFactsAsTheTextReport) {
  std::string gn = DLASIM_BINARY_DIR "/examples/model_gn.onnx";
  Result j = runCli({"check", gn, "--shapes=input:32x3x32x32", "--format", "json"});
  ASSERT_EQ(j.code, 0) << j.err;
  nlohmann::json doc = nlohmann::json::parse(j.out);
  Result t = runCli({"check", gn, "--shapes=input:32x3x32x32"});
  ASSERT_EQ(t.code, 0) << t.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      t.out, m,
      std::regex(R"(Layers: ([0-9]+) \(([0-9]+) on DLA, ([0-9]+) on GPU\); loadables: ([0-9]+))")))
      << t.out;
  EXPECT_EQ(doc["layers"]["total"].get<int>(), std::stoi(m[1]));
  EXPECT_EQ(doc["layers"]["dla"].get<int>(), std::stoi(m[2]));
  EXPECT_EQ(doc["layers"]["gpu"].get<int>(), std::stoi(m[3]));
  EXPECT_EQ(doc["loadables"].size(), size_t(std::stoi(m[4])));
  EXPECT_EQ(doc["loadables"].size(), 5u);  // the seed's five ForeignNodes
  EXPECT_EQ(doc["trtVersion"], "8.4");
  EXPECT_EQ(doc["perLayer"].size(), doc["layers"]["total"].get<size_t>());
  int gpuWithReasons = 0;
  for (const auto& l : doc["perLayer"])
    if (l["device"] == "GPU") {
      ASSERT_FALSE(l["reasons"].empty()) << l["name"];
      EXPECT_FALSE(l["reasons"][0]["rule"].get<std::string>().empty());
      ++gpuWithReasons;
    }
  EXPECT_EQ(gpuWithReasons, doc["layers"]["gpu"].get<int>());
  EXPECT_FALSE(doc["advice"].empty());
  EXPECT_GT(doc["dlaMacShare"].get<double>(), 0.5);

  Result bad = runCli({"check", gn, "--format=xml"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--format: 'xml' is not one of text, json"), std::string::npos) << bad.err;
}

}  // namespace
