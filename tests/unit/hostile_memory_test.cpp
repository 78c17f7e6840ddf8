// The memory budget (issue 12, defect 6): folded constants, weights and activations stay within
// --maxMemory (default: a fraction of this machine's memory); anything beyond it is refused up
// front, before allocating, with one line naming the tensor, the node and the size.
#include <gtest/gtest.h>
#include <unistd.h>

#include "dlasim/dlasim.h"
#include "hostile_support.h"

namespace {

using namespace testsupport;

using HostileMemory = HostileTest;

// The model in small: ConstantOfShape makes a 4096 x 4096 float tensor (64 MiB) from a
// few bytes, added to a 1-element input.
onnx::ModelProto constantOfShapeModel(int64_t side) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1});
  addInitI64(m, "shape", {side, side});
  addNode(m, "ConstantOfShape", "make_big", {"shape"}, {"big"});
  addNode(m, "Add", "add", {"x", "big"}, {"y"});
  addOutput(m, "y");
  return m;
}

TEST_F(HostileMemory, FoldingBeyondTheBudgetIsRefusedBeforeAllocating) {
  std::string file = save(constantOfShapeModel(4096), "cos.onnx");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--onnx=" + file, "--maxMemory=16M"},
        std::vector<std::string>{"check", file, "--maxMemory=16M"},
        std::vector<std::string>{"calibrate", file, "--out=" + path("c.cache"),
                                 "--maxMemory=16M"}}) {
    SCOPED_TRACE(args[0]);
    expectOneError(runCli(args), {"cos.onnx", "'make_big'", "'big'", "4096x4096", "64.0 MiB",
                                  "16.0 MiB", "--maxMemory"});
  }
}

TEST_F(HostileMemory, ActivationsBeyondTheBudgetAreRefusedBeforeRunning) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, 1024, 1024});  // 4 MiB
  addNode(m, "Relu", "relu", {"x"}, {"r"});
  addNode(m, "Sigmoid", "sigmoid", {"r"}, {"y"});
  addOutput(m, "y");
  std::string file = save(m, "act.onnx");
  // 12 MiB is enough for the input and two activations, 6 MiB is not.
  EXPECT_EQ(runCli({"--onnx=" + file, "--maxMemory=12M"}).code, 0);
  expectOneError(runCli({"--onnx=" + file, "--maxMemory=6M", "--exportOutput=" + path("o.json")}),
                 {"act.onnx", "'relu'", "'r'", "1x1024x1024", "4.0 MiB", "6.0 MiB"});
  EXPECT_FALSE(fs::exists(path("o.json")));
  // A saved engine carries no budget: the one given when it is loaded applies.
  ASSERT_EQ(runCli({"--onnx=" + file, "--skipInference", "--saveEngine=" + path("e")}).code, 0);
  expectOneError(runCli({"--loadEngine=" + path("e"), "--maxMemory=6M"}), {"'relu'", "6.0 MiB"});
  expectOneError(runCli({"--loadEngine=" + path("e"), "--maxMemory=1K"}), {path("e"), "1.0 KiB"});
}

TEST_F(HostileMemory, WeightsBeyondTheBudgetAreRefused) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {256, 1024});
  addInitF32(m, "w", {256, 1024}, 256 * 1024);  // 1 MiB
  addNode(m, "Add", "add_w", {"x", "w"}, {"y"});
  addOutput(m, "y");
  std::string file = save(m, "w.onnx");
  expectOneError(runCli({"--onnx=" + file, "--maxMemory=512K"}), {"w.onnx", "'w'", "1.0 MiB"});
}

TEST_F(HostileMemory, BadBudgetValues) {
  std::string file = save(constantOfShapeModel(2), "small.onnx");
  for (const char* v : {"0", "-5", "abc", "12Q", "1e400"}) {
    SCOPED_TRACE(v);
    expectOneError(runCli({"--onnx=" + file, std::string("--maxMemory=") + v}), {"--maxMemory"});
  }
  EXPECT_EQ(runCli({"--onnx=" + file, "--maxMemory=1G"}).code, 0);
  EXPECT_EQ(runCli({"--onnx=" + file, "--maxMemory=2048"}).code, 0);  // MiB, as --memPoolSize
}

TEST(MemoryBudget, DefaultIsAFractionOfThisMachine) {
  int64_t total = int64_t(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  int64_t def = dlasim::defaultMaxMemoryBytes();
  EXPECT_GT(def, int64_t(256) << 20);
  EXPECT_LT(def, total);
}

TEST(MemoryBudget, TheApiTakesItInLoadOptionsAndBuildConfig) {
  onnx::ModelProto m = constantOfShapeModel(1024);  // 4 MiB folded
  std::string bytes;
  ASSERT_TRUE(m.SerializeToString(&bytes));
  dlasim::LoadOptions lo;
  lo.maxMemoryBytes = 1 << 20;
  EXPECT_THROW(dlasim::Model::fromBytes(bytes, lo), dlasim::InputError);
  lo.maxMemoryBytes = 64 << 20;
  dlasim::Model model = dlasim::Model::fromBytes(bytes, lo);
  dlasim::BuildConfig cfg;
  cfg.maxMemoryBytes = 6 << 20;  // the 4 MiB constant and a 4 MiB output do not fit
  EXPECT_THROW(model.build(cfg), dlasim::InputError);  // refused up front, not when run
  dlasim::TensorMap in = {{"x", dlasim::Tensor(dlasim::DataType::kFloat, {1})}};
  cfg.maxMemoryBytes = 16 << 20;
  EXPECT_EQ(model.build(cfg).createExecutionContext().run(in).at("y").size(), 1024 * 1024);
}

}  // namespace
