// Shape arithmetic on hostile models: every product or sum of dimensions is checked where it is
// computed, so a value that would wrap around int64 is refused with one line naming the node --
// in `check`, in a build that only saves an engine, and in a run (issue 12, defect 4).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "hostile_support.h"

namespace {

using namespace testsupport;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

class HostileShapes : public HostileTest {
 protected:
  // Every way of using the model must refuse it the same way.
  void expectRefusedEverywhere(const onnx::ModelProto& m, const std::string& name,
                               std::initializer_list<std::string> needles) {
    std::string file = save(m, name);
    SCOPED_TRACE(name);
    expectOneError(runCli({"check", file}), needles);
    expectOneError(runCli({"--onnx=" + file, "--skipInference", "--saveEngine=" + path("e")}),
                   needles);
    expectOneError(runCli({"--onnx=" + file}), needles);
    EXPECT_FALSE(fs::exists(path("e")));
  }
};

// The case: 8 elements reshaped to 2305843009213693953 x 8 (= 2^61 + 1) wrapped to 8.
TEST_F(HostileShapes, ReshapeWhoseElementCountWraps) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {8});
  addInitI64(m, "target", {2305843009213693953, 8});
  addNode(m, "Reshape", "wrap_reshape", {"x", "target"}, {"y"});
  addOutput(m, "y");
  expectRefusedEverywhere(m, "reshape.onnx",
                          {"reshape.onnx", "'wrap_reshape'", "2305843009213693953"});
}

TEST_F(HostileShapes, ReshapeWithInferredDimAndHugeKnownProduct) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {8});
  addInitI64(m, "target", {int64_t(1) << 62, 4, -1});
  addNode(m, "Reshape", "infer_reshape", {"x", "target"}, {"y"});
  addOutput(m, "y");
  expectRefusedEverywhere(m, "reshape2.onnx", {"'infer_reshape'"});
}

TEST_F(HostileShapes, TileWithHugeRepeats) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {2});
  addInitI64(m, "reps", {int64_t(1) << 62});
  addNode(m, "Tile", "big_tile", {"x", "reps"}, {"y"});
  addOutput(m, "y");
  expectRefusedEverywhere(m, "tile.onnx", {"'big_tile'"});
}

TEST_F(HostileShapes, ExpandToAnAbsurdShape) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, 1});
  addInitI64(m, "shape", {int64_t(1) << 40, int64_t(1) << 40});
  addNode(m, "Expand", "big_expand", {"x", "shape"}, {"y"});
  addOutput(m, "y");
  expectRefusedEverywhere(m, "expand.onnx", {"'big_expand'"});
}

// Audit finding: a zero dimension stopped the bound on the others, so an empty tensor of
// 0 x 2^40 x 2^40 passed and its strides overflowed (bindings, Transpose / MatMul kernels).
TEST_F(HostileShapes, EmptyTensorsWithAbsurdDimensions) {
  constexpr int64_t k40 = int64_t(1) << 40;
  {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 0, k40, k40});
    addNode(m, "Relu", "relu", {"x"}, {"y"});
    addOutput(m, "y");
    expectRefusedEverywhere(m, "empty_input.onnx", {"'x'", "1099511627776"});
  }
  {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1});
    addInitI64(m, "shape", {0, k40, k40});
    addNode(m, "ConstantOfShape", "empty_const", {"shape"}, {"c"});
    addNode(m, "Transpose", "t", {"c"}, {"ct"});
    addNode(m, "MatMul", "mm", {"c", "ct"}, {"y"});
    addOutput(m, "y");
    expectRefusedEverywhere(m, "empty_const.onnx", {"'empty_const'", "1099511627776"});
  }
}

TEST_F(HostileShapes, PadsThatOverflow) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {2, 2});
  addInitI64(m, "pads", {kMax, 0, kMax, 0});
  addNode(m, "Pad", "big_pad", {"x", "pads"}, {"y"});
  addOutput(m, "y");
  expectRefusedEverywhere(m, "pad.onnx", {"'big_pad'"});
}

TEST_F(HostileShapes, ConvolutionPadsAndDilationsThatOverflow) {
  for (const char* attr : {"pads", "dilations"}) {
    onnx::ModelProto m = newModel();
    addInput(m, "x", {1, 1, 4, 4});
    addInitF32(m, "w", {1, 1, 3, 3}, 9);
    auto* n = addNode(m, "Conv", "big_conv", {"x", "w"}, {"y"});
    if (std::string(attr) == "pads")
      attrInts(n, "pads", {kMax - 1, kMax - 1, kMax - 1, kMax - 1});
    else
      attrInts(n, "dilations", {kMax / 2, kMax / 2});
    addOutput(m, "y");
    expectRefusedEverywhere(m, std::string(attr) + ".onnx", {"'big_conv'"});
  }
}

TEST_F(HostileShapes, SliceWithExtremeSteps) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {4});
  addInitI64(m, "starts", {kMax});
  addInitI64(m, "ends", {kMin});
  addInitI64(m, "axes", {0});
  addInitI64(m, "steps", {kMin});
  addNode(m, "Slice", "wild_slice", {"x", "starts", "ends", "axes", "steps"}, {"y"});
  addOutput(m, "y");
  std::string file = save(m, "slice.onnx");
  // A valid slice (ONNX clamps) or a refusal naming the node; never undefined arithmetic.
  Result r = runCli({"--onnx=" + file});
  if (r.code != 0) expectOneError(r, {"'wild_slice'"});
}

TEST_F(HostileShapes, SplitIntoAbsurdlyManyParts) {
  onnx::ModelProto m = newModel(18);
  addInput(m, "x", {4});
  auto* n = addNode(m, "Split", "many_split", {"x"}, {"a", "b"});
  attrInt(n, "num_outputs", int64_t(1) << 62);
  addOutput(m, "a");
  expectRefusedEverywhere(m, "split.onnx", {"'many_split'"});
}

TEST_F(HostileShapes, DepthToSpaceWithHugeBlocksize) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, 4, 2, 2});
  auto* n = addNode(m, "DepthToSpace", "big_d2s", {"x"}, {"y"});
  attrInt(n, "blocksize", int64_t(1) << 32);  // b * b wraps to 0
  addOutput(m, "y");
  expectRefusedEverywhere(m, "d2s.onnx", {"'big_d2s'"});
}

}  // namespace
