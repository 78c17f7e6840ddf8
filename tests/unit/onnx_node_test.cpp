// Runs ONNX's own backend node tests (generated at build time from Debian's python3-onnx)
// through import -> executor in FP32 and compares with ONNX's expected outputs.
// The cases come from tests/onnx_node/cases.txt; tests/onnx_node/skipped.txt lists each case
// dlasim does not run, with the reason. A skipped case must still fail cleanly (sim::Error,
// never a crash), and one that starts passing must be taken off the list.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "onnx_import/context.h"
#include "onnx_import/importer.h"
#include "sim/runtime/executor.h"

namespace fs = std::filesystem;

namespace {

std::string dataDir() {
  const char* env = std::getenv("DLASIM_NODE_DATA");
  return env ? env : std::string(DLASIM_BINARY_DIR) + "/onnx_node_data/node";
}

std::vector<std::string> readColumn(const std::string& file) {
  std::vector<std::string> out;
  std::ifstream f(file);
  std::string line;
  while (std::getline(f, line))
    if (!line.empty() && line[0] != '#') out.push_back(line.substr(0, line.find('\t')));
  return out;
}

std::map<std::string, std::string> skipped() {
  std::map<std::string, std::string> out;
  std::ifstream f(std::string(DLASIM_SOURCE_DIR) + "/tests/onnx_node/skipped.txt");
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    out[line.substr(0, tab)] = tab == std::string::npos ? "" : line.substr(tab + 1);
  }
  return out;
}

sim::Tensor readPb(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  onnx::TensorProto t;
  if (!t.ParseFromIstream(&f)) sim::fail(p.string(), ": cannot parse TensorProto");
  return onnx_import::tensorFromProto(t, "");
}

std::vector<std::string> graphInputNames(const fs::path& model) {
  std::ifstream f(model, std::ios::binary);
  onnx::ModelProto m;
  m.ParseFromIstream(&f);
  std::vector<std::string> names;
  for (const auto& vi : m.graph().input()) names.push_back(vi.name());
  return names;
}

// Imports and runs one case; returns "" on match, else a description of the first mismatch.
std::string runCase(const std::string& name) {
  fs::path dir = fs::path(dataDir()) / name;
  fs::path set = dir / "test_data_set_0";
  std::vector<std::string> inNames = graphInputNames(dir / "model.onnx");
  std::map<std::string, sim::Tensor> inputs;
  for (size_t i = 0; i < inNames.size(); ++i)
    inputs[inNames[i]] = readPb(set / ("input_" + std::to_string(i) + ".pb"));
  onnx_import::ImportOptions opt;
  for (const auto& [n, t] : inputs) opt.shapes[n] = t.shape();
  onnx_import::ImportResult res;
  try {
    res = onnx_import::importModelFile((dir / "model.onnx").string(), opt);
  } catch (const sim::Error& e) {
    // Parameters given as graph inputs (Reshape's shape, Slice's starts, ...) must be constants
    // for dlasim: feed every input but the first as a constant, as a user's model would have it.
    if (std::string(e.what()).find("must be a constant") == std::string::npos) throw;
    // If even that is not enough (ConstantOfShape's only input), every input is constant.
    for (size_t firstConst : {size_t(1), size_t(0)}) {
      opt = {};
      for (size_t i = 0; i < inNames.size(); ++i) {
        if (i < firstConst)
          opt.shapes[inNames[i]] = inputs[inNames[i]].shape();
        else
          opt.constantInputs[inNames[i]] = inputs[inNames[i]];
      }
      try {
        res = onnx_import::importModelFile((dir / "model.onnx").string(), opt);
        break;
      } catch (const sim::Error& e2) {
        if (firstConst == 0 ||
            std::string(e2.what()).find("must be a constant") == std::string::npos)
          throw;
      }
    }
  }
  sim::Executor exec(res.graph);
  std::map<std::string, sim::Tensor> feed;
  for (sim::TensorId id : res.graph.inputs)
    feed[res.graph.tensor(id).name] = inputs[res.graph.tensor(id).name];
  std::vector<sim::Tensor> outs = exec.run(feed);
  for (size_t k = 0; k < outs.size(); ++k) {
    sim::Tensor want = readPb(set / ("output_" + std::to_string(k) + ".pb"));
    const sim::Tensor& got = outs[k];
    if (got.shape() != want.shape() || got.dtype() != want.dtype())
      return sim::cat("output ", k, ": got ", sim::dtypeName(got.dtype()), " ",
                      sim::shapeStr(got.shape()), ", want ", sim::dtypeName(want.dtype()), " ",
                      sim::shapeStr(want.shape()));
    auto g = got.asDouble(), w = want.asDouble();
    bool exact = !sim::isFloating(want.dtype());
    for (size_t i = 0; i < g.size(); ++i) {
      if (std::isnan(w[i]) && std::isnan(g[i])) continue;
      if (std::isinf(w[i]) && g[i] == w[i]) continue;
      double tol = exact ? 0 : 1e-7 + 1e-3 * std::fabs(w[i]);  // ONNX backend test defaults
      if (!(std::fabs(g[i] - w[i]) <= tol))
        return sim::cat("output ", k, " element ", i, ": got ", g[i], ", want ", w[i]);
    }
  }
  return "";
}

class OnnxNode : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxNode, MatchesReference) {
  const std::string& name = GetParam();
  if (!fs::exists(fs::path(dataDir()) / name / "model.onnx"))
    FAIL() << "node test data missing: " << dataDir() << "/" << name << " (the build generates it)";
  static const auto skip = skipped();
  auto it = skip.find(name);
  std::string mismatch;
  try {
    mismatch = runCase(name);
  } catch (const sim::Error& e) {
    if (it != skip.end()) return;  // expected clean refusal
    FAIL() << e.what();
  }
  if (it != skip.end()) {
    EXPECT_FALSE(mismatch.empty())
        << name << " now passes: remove it from tests/onnx_node/skipped.txt";
    return;
  }
  EXPECT_TRUE(mismatch.empty()) << mismatch;
}

INSTANTIATE_TEST_SUITE_P(Backend, OnnxNode,
                         ::testing::ValuesIn(readColumn(std::string(DLASIM_SOURCE_DIR) +
                                                        "/tests/onnx_node/cases.txt")),
                         [](const auto& info) { return info.param; });

TEST(OnnxNodeSkipList, EverySkipHasAReasonAndIsACase) {
  auto cases = readColumn(std::string(DLASIM_SOURCE_DIR) + "/tests/onnx_node/cases.txt");
  for (const auto& [name, reason] : skipped()) {
    EXPECT_FALSE(reason.empty()) << name << " has no reason";
    EXPECT_NE(std::find(cases.begin(), cases.end(), name), cases.end())
        << name << " is not in cases.txt";
  }
}

}  // namespace
