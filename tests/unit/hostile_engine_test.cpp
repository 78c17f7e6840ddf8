// Engine files are untrusted input: a file whose checksum was recomputed after editing its
// contents must be refused with one line naming the file and what is inconsistent -- never run,
// never crash (issue 12, defects 1-3, and the whole structure of the file).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostile_support.h"

namespace {

using namespace testsupport;
using nlohmann::json;

const std::string kModelGN = std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx";

// ModelGN's layers in order (batch 2): 0 Conv_0, 1 Reshape_2, 2 InstanceNormalization_5,
// 3 Reshape_7, 4 Mul_8, 5 Add_9, 6 Relu_10, 7 Conv_11, ... On DLA core 0 with INT8 and GPU
// fallback, loadable 0 is {Conv_0} and loadable 1 is {Relu_10, Conv_11}.
class HostileEngine : public HostileTest {
 protected:
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("dlasim_hostile_engine_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    Result r = runCli({"--onnx=" + kModelGN, "--shapes=input:2x3x32x32", "--int8", "--useDLACore=0",
                       "--allowGPUFallback", "--skipInference",
                       "--saveEngine=" + (dir / "dla.engine").string()});
    ASSERT_EQ(r.code, 0) << r.err;
    r = runCli({"--onnx=" + kModelGN, "--shapes=input:2x3x32x32", "--skipInference",
                "--saveEngine=" + (dir / "gpu.engine").string()});
    ASSERT_EQ(r.code, 0) << r.err;
    dla = readFile(dir / "dla.engine");
    gpu = readFile(dir / "gpu.engine");
  }
  static void TearDownTestSuite() { fs::remove_all(dir); }

  // Writes the edited engine and runs it the way that crashed before (run + detailed layer info).
  Result runEdited(const std::string& base, const std::string& name,
                   const std::function<void(json&)>& edit) {
    writeFile(dir_ / name, repackEngine(base, edit));
    return runCli({"--loadEngine=" + path(name), "--exportLayerInfo=" + path("layers.json"),
                   "--profilingVerbosity=detailed"});
  }
  static int outputOf(const json& j, int node) { return j["nodes"][node]["outputs"][0].get<int>(); }

  static inline fs::path dir;
  static inline std::string dla, gpu;
};

TEST_F(HostileEngine, UnchangedEnginesStillRun) {
  for (const std::string* e : {&dla, &gpu}) {
    writeFile(dir_ / "same.engine", repackEngine(*e, [](json&) {}));
    Result r =
        runCli({"--loadEngine=" + path("same.engine"), "--exportLayerInfo=" + path("layers.json"),
                "--profilingVerbosity=detailed"});
    EXPECT_EQ(r.code, 0) << r.err;
  }
}

// Defect 1: a layer reading the output of a later layer reached the executor as a null tensor.
TEST_F(HostileEngine, LayerReadsALaterLayersOutput) {
  Result r = runEdited(dla, "later.engine", [](json& j) {
    j["nodes"][4]["inputs"][0] = outputOf(j, 5);  // Mul_8 reads Add_9's output (same shape)
  });
  // TensorRT's names: "71 + (Unnamed Layer* 16) [Shuffle] + Mul_8", "... + Add_9".
  expectOneError(r, {"later.engine", "Mul_8'", "Add_9'", "out of order"});
}

TEST_F(HostileEngine, LayerReadsATensorNobodyComputes) {
  Result r = runEdited(dla, "orphan.engine", [](json& j) {
    json t = j["tensors"][outputOf(j, 5)];
    t["name"] = "orphan";
    t["producer"] = -1;
    j["tensors"].push_back(t);
    j["nodes"][6]["inputs"][0] = j["tensors"].size() - 1;  // Relu_10 reads it
  });
  expectOneError(r, {"orphan.engine", "'Relu_10'", "'orphan'"});
}

// Defect 2: producer indices were used unchecked (heap reads past the node list).
TEST_F(HostileEngine, ProducerIndexOutOfRangeOrWrong) {
  Result r = runEdited(dla, "producer.engine",
                       [](json& j) { j["tensors"][outputOf(j, 6)]["producer"] = 99999; });
  expectOneError(r, {"producer.engine", "producer", "99999"});
  r = runEdited(dla, "producer2.engine", [](json& j) {
    j["tensors"][outputOf(j, 6)]["producer"] = 3;  // in range, but Relu_10 (6) computes it
  });
  expectOneError(r, {"producer2.engine", "producer", "Relu_10"});
}

// Defect 3: layers in a loadable of an engine built without --useDLACore (no verdicts).
TEST_F(HostileEngine, LoadableInAGpuOnlyEngine) {
  Result r = runEdited(gpu, "gpuloadable.engine", [](json& j) {
    for (int i = 1; i <= 4; ++i) j["nodes"][i]["loadable"] = 0;
    j["loadables"] = json::array({json::array({1, 2, 3, 4})});
  });
  expectOneError(r, {"gpuloadable.engine", "loadable", "without a DLA core"});
}

TEST_F(HostileEngine, PlacementDisagreesWithLoadableLists) {
  Result r = runEdited(dla, "lists.engine", [](json& j) { j["nodes"][7]["loadable"] = 0; });
  expectOneError(r, {"lists.engine", "'Conv_11'", "loadable"});
  r = runEdited(dla, "dup.engine", [](json& j) { j["loadables"][1].push_back(6); });
  expectOneError(r, {"dup.engine", "loadable"});
}

TEST_F(HostileEngine, DlaLayerWithRuleViolations) {
  Result r = runEdited(dla, "verdict.engine", [](json& j) {
    j["nodes"][0]["reasons"].push_back({{"rule", "conv.kernel"},
                                        {"message", "kernel too big"},
                                        {"fix", ""},
                                        {"value", "99"},
                                        {"limit", "32"}});
  });
  expectOneError(r, {"verdict.engine", "'Conv_0'", "conv.kernel"});
}

TEST_F(HostileEngine, SettingsOutOfRange) {
  expectOneError(runEdited(dla, "core.engine", [](json& j) { j["useDLACore"] = 7; }),
                 {"core.engine", "DLA core 7"});
  expectOneError(runEdited(dla, "plat.engine", [](json& j) { j["platform"] = "tegra"; }),
                 {"plat.engine", "tegra"});
  expectOneError(runEdited(dla, "mode.engine", [](json& j) { j["powerMode"] = "9000W"; }),
                 {"mode.engine", "9000W"});
  expectOneError(
      runEdited(dla, "evict.engine",
                [](json& j) {
                  j["evicted"].push_back({{"node", 4096}, {"rule", "x"}, {"message", "y"}});
                }),
      {"evict.engine", "4096"});
}

TEST_F(HostileEngine, AttributesOfTheWrongKindOrRange) {
  expectOneError(runEdited(dla, "attrkind.engine",
                           [](json& j) {
                             j["nodes"][0]["attrsIndex"] = 0;  // Convolution without ConvAttrs
                             j["nodes"][0]["attrs"] = json::object();
                           }),
                 {"attrkind.engine", "'Conv_0'", "attributes"});
  expectOneError(
      runEdited(dla, "enum.engine", [](json& j) { j["nodes"][6]["attrs"]["type"] = 99; }),
      {"enum.engine", "'Relu_10'", "99"});
  expectOneError(runEdited(dla, "strides.engine",
                           [](json& j) { j["nodes"][0]["attrs"]["strides"] = json::array({1}); }),
                 {"strides.engine", "'Conv_0'", "strides"});
  expectOneError(
      runEdited(dla, "pads.engine",
                [](json& j) {
                  j["nodes"][0]["attrs"]["padsBegin"] = json::array({INT64_MAX, INT64_MAX});
                }),
      {"pads.engine", "'Conv_0'"});
}

TEST_F(HostileEngine, OutputsProducedTwiceOrMissing) {
  expectOneError(
      runEdited(dla, "twice.engine", [](json& j) { j["nodes"][6]["outputs"][0] = outputOf(j, 5); }),
      {"twice.engine", "'Relu_10'"});
  expectOneError(
      runEdited(dla, "none.engine", [](json& j) { j["nodes"][6]["outputs"] = json::array(); }),
      {"none.engine", "'Relu_10'", "output"});
  expectOneError(
      runEdited(dla, "input.engine", [](json& j) { j["nodes"][6]["outputs"][0] = j["inputs"][0]; }),
      {"input.engine", "'Relu_10'"});
  expectOneError(runEdited(dla, "dupname.engine",
                           [](json& j) {
                             j["tensors"][outputOf(j, 6)]["name"] =
                                 j["tensors"][outputOf(j, 5)]["name"];
                           }),
                 {"dupname.engine", "twice"});
}

TEST_F(HostileEngine, TensorsWithBadScalesShapesOrBytes) {
  expectOneError(runEdited(dla, "scale.engine",
                           [](json& j) { j["tensors"][outputOf(j, 6)]["quantScale"] = -1.0; }),
                 {"scale.engine", "scale"});
  expectOneError(
      runEdited(dla, "negdim.engine",
                [](json& j) { j["tensors"][j["inputs"][0].get<int>()]["shape"][0] = -2; }),
      {"negdim.engine", "-2"});
  // Float weights reinterpreted as bools: bytes other than 0 and 1 are not bools.
  expectOneError(runEdited(dla, "bool.engine",
                           [](json& j) {
                             j["tensors"][0]["dtype"] = 6;
                             j["tensors"][0]["shape"] = json::array({6912});
                           }),
                 {"bool.engine", "cnn.0.weight", "bool"});
  // Weights that no longer tile the blob exactly.
  expectOneError(runEdited(dla, "blob.engine",
                           [](json& j) {
                             j["tensors"][0]["bytes"] = 6908;
                             j["tensors"][0]["shape"] = json::array({1727});
                           }),
                 {"blob.engine", "cnn.0.weight"});
}

// Audit finding: a DLA layer in INT8 in an engine "built with a calibration cache" whose
// activations have no scale (the builder would have run it in FP16) loaded and ran.
TEST_F(HostileEngine, CalibratedInt8LayersNeedScales) {
  expectOneError(runEdited(dla, "calibrated.engine", [](json& j) { j["calibrated"] = true; }),
                 {"calibrated.engine", "runs in INT8 on the DLA", "has no INT8 scale"});
}

// The reproducers ctest replays (tests/fuzz/repro/engine) must keep reaching the check they
// were written for, not fail earlier on a stale layout (the defect 3 file once did).
TEST_F(HostileEngine, DefectReproducersAreRefusedForTheirDefect) {
  const std::string repro = std::string(DLASIM_SOURCE_DIR) + "/tests/fuzz/repro/engine/";
  const std::pair<const char*, const char*> kCases[] = {
      {"defect1_reads_later_output.engine", "(out of order)"},
      {"defect2_producer_out_of_range.engine", "names producer 99999"},
      {"defect3_loadable_without_dla.engine", "built without a DLA core"},
      {"attrs_of_another_kind.engine", "do not belong to a Pooling layer"},
      {"strides_too_short.engine", "strides has 1 entries for 2 dimensions"},
      // Fuzz finding: a wrapping (Tile) slice's start + i * stride overflowed in the kernel.
      {"finding_wrap_slice_overflow_3e050b90.engine", "dimension arithmetic overflows"},
      {"finding_wrap_slice_overflow_5a88999a.engine", "dimension arithmetic overflows"},
      {"finding_wrap_slice_overflow_724e0e08.engine", "dimension arithmetic overflows"},
  };
  for (const auto& [file, phrase] : kCases) {
    SCOPED_TRACE(file);
    expectOneError(runCli({"--loadEngine=" + repro + file}), {file, phrase});
  }
}

TEST_F(HostileEngine, GraphInputsAndOutputsMustBeSane) {
  expectOneError(runEdited(dla, "noout.engine", [](json& j) { j["outputs"] = json::array(); }),
                 {"noout.engine", "output"});
  expectOneError(runEdited(dla, "inconst.engine", [](json& j) { j["inputs"][0] = 0; }),
                 {"inconst.engine", "cnn.0.weight"});
}

}  // namespace
