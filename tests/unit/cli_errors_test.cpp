// Hostile inputs for the CLI: every bad model, file or flag must end in exactly one
// "dlasim: error: ..." line on stderr that names the file / node / offending value, and exit
// code 2 -- never a crash, a hang or a silent wrong answer. The models are built here with the
// ONNX protobuf API, into a per-test temporary folder.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dlasim/io.h"
#include "cli/run.h"
#include "sim/ir/tensor.h"
#include "hostile_support.h"
#include "test_support.h"

namespace {

using namespace testsupport;

const std::string kModelGN = std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx";

// x[1,4] + bias: the carrier for hostile initializers.
onnx::ModelProto addBiasModel() {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, 4});
  addNode(m, "Add", "add_bias", {"x", "bias"}, {"y"});
  addOutput(m, "y");
  return m;
}

using CliErrors = HostileTest;  // a per-test folder: path(name), save(model, name)

// ---- 1. model files that are not ONNX models --------------------------------------------------

TEST_F(CliErrors, ModelFileProblems) {
  ASSERT_TRUE(fs::exists(kModelGN)) << kModelGN;
  const std::string gn = readFile(kModelGN);
  writeFile(dir_ / "empty.onnx", "");
  std::string garbage(4096, '\0');
  std::mt19937 rng(12345);
  for (auto& c : garbage) c = char(rng() & 0xff);
  garbage[0] = char(0xff);  // wire type 7 in the first tag: never a valid protobuf
  writeFile(dir_ / "garbage.onnx", garbage);
  writeFile(dir_ / "half.onnx", gn.substr(0, gn.size() / 2));
  fs::create_directories(dir_ / "folder.onnx");

  struct Case {
    std::string file;
    std::vector<std::string> needles;
  } cases[] = {
      {path("missing.onnx"), {"missing.onnx", "no such file"}},
      {path("folder.onnx"), {"folder.onnx", "is a directory"}},
      {path("empty.onnx"), {"empty.onnx", "is empty"}},
      {path("garbage.onnx"), {"garbage.onnx", "not a valid ONNX model"}},
      {path("half.onnx"), {"half.onnx", "not a valid ONNX model"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    Result r = runCli({"--onnx=" + c.file});
    expectOneError(r, {});
    for (const auto& n : c.needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << n << " in " << r.err;
  }
}

// ---- 2. cycle ---------------------------------------------------------------------------------

TEST_F(CliErrors, CyclicGraph) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, 4});
  addNode(m, "Relu", "relu_a", {"b"}, {"a"});
  addNode(m, "Relu", "relu_b", {"a"}, {"b"});
  addOutput(m, "a");
  std::string file = save(m, "cycle.onnx");
  Result r = runCli({"--onnx=" + file});
  expectOneError(r, {"cycle.onnx", "cycle", "Relu"});
  EXPECT_TRUE(r.err.find("'relu_a'") != std::string::npos ||
              r.err.find("'relu_b'") != std::string::npos)
      << r.err;
}

// ---- 3. undefined node input ------------------------------------------------------------------

TEST_F(CliErrors, MissingInitializer) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, 3, 8, 8});
  auto* n = addNode(m, "Conv", "conv1", {"x", "conv1.weight"}, {"y"});
  attrInts(n, "kernel_shape", {3, 3});
  addOutput(m, "y");
  std::string file = save(m, "noinit.onnx");
  expectOneError(runCli({"--onnx=" + file}), {"noinit.onnx", "'conv1'", "Conv", "'conv1.weight'"});
}

// ---- 4. unsupported operator ------------------------------------------------------------------

TEST_F(CliErrors, UnsupportedOp) {
  onnx::ModelProto m = newModel(11);
  addInput(m, "boxes", {1, 10, 4});
  addInput(m, "scores", {1, 1, 10});
  addNode(m, "NonMaxSuppression", "nms0", {"boxes", "scores"}, {"selected"});
  addOutput(m, "selected");
  std::string file = save(m, "nms.onnx");
  expectOneError(runCli({"--onnx=" + file}),
              {"nms.onnx", "'nms0'", "NonMaxSuppression", "opset 11", "not supported"});
}

// ---- 5. hostile initializers ------------------------------------------------------------------

TEST_F(CliErrors, BadInitializers) {
  struct Case {
    std::string name;
    std::vector<int64_t> dims;
    size_t values;
    std::vector<std::string> needles;
  } cases[] = {
      {"negdim", {-3}, 4, {"'bias'", "negative dimension -3"}},
      {"rawsize", {4}, 3, {"'bias'", "12 bytes", "needs 16"}},
      {"absurd", {int64_t(1) << 40}, 4, {"'bias'", "1099511627776", "absurdly large"}},
      {"absurd2d", {int64_t(1) << 20, int64_t(1) << 20}, 4, {"'bias'", "absurdly large"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    onnx::ModelProto m = addBiasModel();
    addInitF32(m, "bias", c.dims, c.values);
    std::string file = save(m, c.name + ".onnx");
    Result r = runCli({"--onnx=" + file});
    expectOneError(r, {c.name + ".onnx"});
    for (const auto& n : c.needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << n << " in " << r.err;
  }
}

// ---- 6. input shapes: declared and --shapes ---------------------------------------------------

TEST_F(CliErrors, BadDeclaredInputShapes) {
  struct Case {
    std::string name;
    std::vector<int64_t> dims;
    std::vector<std::string> needles;
  } cases[] = {
      {"negin", {1, -5}, {"'x'", "negative dimension -5"}},
      {"absurdin", {int64_t(1) << 40, 4}, {"'x'", "1099511627776x4", "absurdly large"}},
      {"absurdprod", {int64_t(1) << 30, int64_t(1) << 30}, {"'x'", "absurdly large"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    onnx::ModelProto m = newModel();
    addInput(m, "x", c.dims);
    addNode(m, "Relu", "relu", {"x"}, {"y"});
    addOutput(m, "y");
    std::string file = save(m, c.name + ".onnx");
    Result r = runCli({"--onnx=" + file});
    expectOneError(r, {c.name + ".onnx"});
    for (const auto& n : c.needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << n << " in " << r.err;
  }
}

TEST_F(CliErrors, BadShapesFlag) {
  struct Case {
    std::string shapes;
    std::vector<std::string> needles;
  } cases[] = {
      {"input:99999999999x3x32x32", {"--shapes", "99999999999", "'input'", "absurdly large"}},
      {"input:1000000x3x32x32", {"model_gn.onnx", "'input'", "1000000x3x32x32", "absurdly large"}},
      {"input:3xAx3", {"--shapes", "'A'", "not a valid dimension"}},
      {"input:3x-1x3", {"--shapes", "'-1'", "not a valid dimension"}},
      {"nosuch:1x3x32x32", {"model_gn.onnx", "'nosuch'", "not an input"}},
      {"input:2x3x32", {"model_gn.onnx", "'input'", "rank 3", "rank 4"}},
      {"input:2x4x32x32", {"model_gn.onnx", "'input'", "dimension 1 = 4", "fixes it to 3"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.shapes);
    Result r = runCli({"--onnx=" + kModelGN, "--shapes=" + c.shapes});
    expectOneError(r, {});
    for (const auto& n : c.needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << n << " in " << r.err;
  }
}

// ---- 7. --loadInputs --------------------------------------------------------------------------

TEST_F(CliErrors, BadLoadInputs) {
  writeFile(dir_ / "short.bin", std::string(100, '\0'));
  dlasim::saveNpy(path("shape.npy"), sim::Tensor(sim::DType::kFloat, {1, 3, 16, 16}));
  dlasim::saveNpy(path("dtype.npy"), sim::Tensor(sim::DType::kInt32, {1, 3, 32, 32}));
  writeFile(dir_ / "ok.bin", std::string(1 * 3 * 32 * 32 * 4, '\0'));
  struct Case {
    std::string spec;
    std::vector<std::string> needles;
  } cases[] = {
      {"input:" + path("short.bin"), {"short.bin", "100 bytes", "'input'", "12288"}},
      {"input:" + path("shape.npy"), {"shape.npy", "1x3x16x16", "'input'", "1x3x32x32"}},
      {"input:" + path("dtype.npy"), {"dtype.npy", "'<i4'", "'input'", "float"}},
      {"input:" + path("absent.bin"), {"absent.bin", "no such file"}},
      {"input:" + dir_.string(), {dir_.string(), "is a directory"}},
      {"bogus:" + path("ok.bin"), {"'bogus'", "not an input", "model_gn.onnx"}},
      {"cnn.0.weight:" + path("ok.bin"), {"'cnn.0.weight'", "not an input"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.spec);
    Result r = runCli({"--onnx=" + kModelGN, "--shapes=input:1x3x32x32", "--loadInputs=" + c.spec});
    expectOneError(r, {});
    for (const auto& n : c.needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << n << " in " << r.err;
  }
}

// ---- 8. bad flag values -----------------------------------------------------------------------

TEST_F(CliErrors, BadFlagValues) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> needles;
  } cases[] = {
      {{"--useDLACore=abc"}, {"--useDLACore", "'abc'"}},
      {{"--useDLACore=99"}, {"--useDLACore", "99"}},
      {{"--iterations=-3"}, {"--iterations", "-3"}},
      {{"--percentile=150"}, {"--percentile", "150", "[0, 100]"}},
      {{"--percentile=90,nan"}, {"--percentile", "'nan'"}},
      {{"--memPoolSize=dlaSRAM:foo"}, {"--memPoolSize", "'foo'", "not a number"}},
      {{"--memPoolSize=dlaSRAM:12X"}, {"--memPoolSize", "unit 'X'", "dlaSRAM:12X"}},
      {{"--memPoolSize=dlaSRAM:-1"}, {"--memPoolSize", "dlaSRAM:-1"}},
      {{"--memPoolSize=bogus:1"}, {"--memPoolSize", "'bogus'"}},
      {{"--inputIOFormats=fp32:nonsense"}, {"--inputIOFormats", "'nonsense'"}},
      {{"--inputIOFormats=fp99:chw"}, {"--inputIOFormats", "'fp99'"}},
      {{"--layerDeviceTypes=conv:TPU"}, {"--layerDeviceTypes", "'TPU'", "'conv'"}},
      {{"--layerPrecisions=conv"}, {"--layerPrecisions", "'conv'"}},
      {{"--frobnicate"}, {"--frobnicate"}},
      {{"--sparsity=maybe"}, {"--sparsity", "maybe"}},
      {{"--duration=-5"}, {"--duration", "-5"}},
      {{"--minShapes=input:1x3x32x32"}, {"--minShapes", "--maxShapes"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args[0]);
    std::vector<std::string> args = {"--onnx=" + kModelGN};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Result r = runCli(args);
    expectOneError(r, {});
    for (const auto& n : c.needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << n << " in " << r.err;
  }
  expectOneError(runCli({}), {"no model given", "--onnx"});
  expectOneError(runCli({"--iterations=5"}), {"no model given"});
}

// ---- 9. external data -------------------------------------------------------------------------

TEST_F(CliErrors, HostileExternalData) {
  // The model lives in dir_/model/, a real file sits just outside it.
  fs::create_directories(dir_ / "model");
  writeFile(dir_ / "secret.bin", std::string(16, 'S'));
  writeFile(dir_ / "model" / "weights.bin", std::string(16, '\0'));
  struct Case {
    std::string name, location, offset;
    std::vector<std::string> needles;
  } cases[] = {
      {"escape", "../secret.bin", "", {"'bias'", "'../secret.bin'", "leaves the model's folder"}},
      {"absolute", "/etc/passwd", "", {"'bias'", "'/etc/passwd'", "absolute"}},
      {"offset", "weights.bin", "1000", {"'bias'", "1000", "weights.bin", "16 bytes", "outside"}},
      {"negoffset", "weights.bin", "-8", {"'bias'", "-8", "weights.bin"}},
      {"badoffset", "weights.bin", "12abc", {"'bias'", "offset", "'12abc'"}},
      {"nofile", "absent.bin", "", {"'bias'", "absent.bin"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    onnx::ModelProto m = addBiasModel();
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name("bias");
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(4);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* kv = t->add_external_data();
    kv->set_key("location");
    kv->set_value(c.location);
    if (!c.offset.empty()) {
      kv = t->add_external_data();
      kv->set_key("offset");
      kv->set_value(c.offset);
    }
    saveModel(m, dir_ / "model" / (c.name + ".onnx"));
    Result r = runCli({"--onnx=" + (dir_ / "model" / (c.name + ".onnx")).string()});
    expectOneError(r, {c.name + ".onnx"});
    for (const auto& n : c.needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << n << " in " << r.err;
  }
}

// ---- 10. shape inference errors ---------------------------------------------------------------

TEST_F(CliErrors, ShapeInferenceErrors) {
  {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 3, 8, 8});
    addInitF32(m, "w", {4, 5, 3, 3}, 4 * 5 * 9);
    auto* n = addNode(m, "Conv", "conv_bad", {"x", "w"}, {"y"});
    attrInts(n, "kernel_shape", {3, 3});
    addOutput(m, "y");
    expectOneError(runCli({"--onnx=" + save(m, "conv.onnx")}),
                {"conv.onnx", "'conv_bad'", "Conv", "channels 3", "channels 5"});
  }
  {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 3, 8, 8});
    addInitI64(m, "target", {5, 7});
    addNode(m, "Reshape", "reshape_bad", {"x", "target"}, {"y"});
    addOutput(m, "y");
    expectOneError(runCli({"--onnx=" + save(m, "reshape.onnx")}),
                {"reshape.onnx", "'reshape_bad'", "Reshape", "1x3x8x8", "5x7"});
  }
  {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 3, 8, 8});
    addInitI64(m, "target", {-1, -1});
    addNode(m, "Reshape", "reshape_two", {"x", "target"}, {"y"});
    addOutput(m, "y");
    expectOneError(runCli({"--onnx=" + save(m, "reshape2.onnx")}),
                {"reshape2.onnx", "'reshape_two'", "-1"});
  }
  {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 3, 8, 8});
    addInput(m, "z", {1, 3, 4, 4});
    auto* n = addNode(m, "Concat", "concat_bad", {"x", "z"}, {"y"});
    attrInt(n, "axis", 1);
    addOutput(m, "y");
    expectOneError(runCli({"--onnx=" + save(m, "concat.onnx")}),
                {"concat.onnx", "'concat_bad'", "Concat", "1x3x4x4", "1x3x8x8"});
  }
  {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 3, 8, 8});
    addInput(m, "z", {1, 3, 8, 8});
    auto* n = addNode(m, "Concat", "concat_axis", {"x", "z"}, {"y"});
    attrInt(n, "axis", 7);
    addOutput(m, "y");
    expectOneError(runCli({"--onnx=" + save(m, "concat2.onnx")}),
                {"concat2.onnx", "'concat_axis'", "axis 7"});
  }
}

// ---- 11. --exportOutput must not overwrite the model ------------------------------------------

TEST_F(CliErrors, ExportOutputOverModelRefused) {
  const std::string model = path("model_gn.onnx");
  fs::copy_file(kModelGN, model);
  const std::string before = readFile(model);
  Result r = runCli({"--onnx=" + model, "--shapes=input:1x3x32x32", "--exportOutput=" + model});
  expectOneError(r, {"model_gn.onnx", "refusing to overwrite"});
  EXPECT_EQ(readFile(model), before) << "the model file was modified";
  EXPECT_FALSE(fs::exists(model + ".dlasim-tmp"));
  // The same file reached through another spelling of the path.
  const std::string other = (dir_ / "." / "model_gn.onnx").string();
  r = runCli({"--onnx=" + model, "--shapes=input:1x3x32x32", "--exportOutput=" + other});
  expectOneError(r, {"model_gn.onnx", "refusing to overwrite"});
  EXPECT_EQ(readFile(model), before) << "the model file was modified";
}

// ---- positive control ---------------------------------------------------------------------------

TEST_F(CliErrors, ModelGNExportsOutputJson) {
  const std::string json = path("out.json");
  Result r = runCli({"--onnx=" + kModelGN, "--shapes=input:2x3x32x32", "--exportOutput=" + json});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
  nlohmann::json j = nlohmann::json::parse(readFile(json));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["name"], "output");
  EXPECT_EQ(j[0]["dimensions"], "2x10");
  ASSERT_TRUE(j[0]["values"].is_array());
  ASSERT_EQ(j[0]["values"].size(), 20u);
  for (const auto& v : j[0]["values"]) {
    ASSERT_TRUE(v.is_number()) << v;
    EXPECT_TRUE(std::isfinite(v.get<double>())) << v;
  }
  EXPECT_FALSE(fs::exists(json + ".dlasim-tmp"));
}

}  // namespace
