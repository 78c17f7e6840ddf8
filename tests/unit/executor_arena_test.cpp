// The executor's activation arena (sim/runtime/arena.h, executor_memory.cpp): the offset
// planner keeps buffers alive at a common step apart, and the executor's results with the
// arena equal, bit for bit, those with a fresh allocation for every buffer, across runs, for
// FP32, FP16 and INT8 placements (with precision boundaries, blocked layouts, in-place
// residuals and INT8 layers without an integer model).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "builder/build_plan.h"
#include "builder/calibration.h"
#include "dlasim/dlasim.h"
#include "onnx_import/importer.h"
#include "sim/passes/passes.h"
#include "sim/runtime/arena.h"
#include "sim/runtime/executor.h"

namespace {

bool overlaps(const sim::ArenaRequest& a, size_t ao, const sim::ArenaRequest& b, size_t bo) {
  bool together = a.first <= b.last && b.first <= a.last;
  bool shareBytes = ao < bo + b.bytes && bo < ao + a.bytes;
  return together && shareBytes && a.bytes > 0 && b.bytes > 0;
}

TEST(ArenaPlan, BuffersAliveTogetherNeverShareBytesAndOthersReuseThem) {
  // a and b are alive at step 1 together; c starts after a ends and takes a's place.
  std::vector<sim::ArenaRequest> r = {{1000, 0, 1}, {500, 1, 2}, {1000, 2, 3}};
  sim::ArenaLayout l = sim::planArena(r);
  EXPECT_FALSE(overlaps(r[0], l.offsets[0], r[1], l.offsets[1]));
  EXPECT_FALSE(overlaps(r[1], l.offsets[1], r[2], l.offsets[2]));
  EXPECT_EQ(l.offsets[0], l.offsets[2]);
  EXPECT_EQ(l.bytes, 1024u + 512u);  // 64-byte aligned offsets and total
  for (size_t o : l.offsets) EXPECT_EQ(o % 64, 0u);
}

TEST(ArenaPlan, RandomLifetimesNeverOverlapAndStayWithinTheSumOfAllBuffers) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<sim::ArenaRequest> r(1 + rng() % 80);
    size_t sum = 0;
    for (auto& q : r) {
      q.bytes = rng() % 5000;
      q.first = int(rng() % 40);
      q.last = q.first + int(rng() % 10);
      sum += (q.bytes + 63) / 64 * 64;
    }
    sim::ArenaLayout l = sim::planArena(r);
    size_t peak = 0;  // no layout beats the largest set of buffers alive at one step
    for (int step = 0; step < 50; ++step) {
      size_t live = 0;
      for (const auto& q : r) live += q.first <= step && step <= q.last ? q.bytes : 0;
      peak = std::max(peak, live);
    }
    EXPECT_GE(l.bytes, peak);
    EXPECT_LE(l.bytes, sum);
    for (size_t i = 0; i < r.size(); ++i) {
      EXPECT_LE(l.offsets[i] + r[i].bytes, l.bytes);
      for (size_t j = i + 1; j < r.size(); ++j)
        ASSERT_FALSE(overlaps(r[i], l.offsets[i], r[j], l.offsets[j]))
            << "trial " << trial << ": buffers " << i << " and " << j;
    }
  }
}

struct Case {
  const char* model;
  dlasim::Shape shape;
  const char* precision;  // fp32, fp16, int8 (DLA with GPU fallback)
  bool everyBufferPlanned;
};

std::string caseName(const ::testing::TestParamInfo<Case>& i) {
  return std::string(i.param.model) + "_" + i.param.precision;
}

class ExecutorArena : public ::testing::TestWithParam<Case> {};

// Bit-exact equality of two runs' outputs.
void expectSame(const std::vector<sim::Tensor>& a, const std::vector<sim::Tensor>& b,
                const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    ASSERT_EQ(a[k].bytes(), b[k].bytes()) << what;
    EXPECT_EQ(std::memcmp(a[k].raw(), b[k].raw(), a[k].bytes()), 0) << what << ", output " << k;
  }
}

TEST_P(ExecutorArena, RunsBitExactAsWithAFreshBufferForEachTensor) {
  const Case& c = GetParam();
  std::string path = std::string(DLASIM_BINARY_DIR) + "/zoo/" + c.model + ".onnx";
  onnx_import::ImportOptions io;
  io.shapes["input"] = c.shape;
  onnx_import::ImportResult imp = onnx_import::importModelFile(path, io);
  sim::Graph& g = imp.graph;
  sim::passes::fuseShuffles(g);
  sim::passes::markPatterns(g);
  sim::passes::fuseLikeTensorRT(g);
  std::map<std::string, sim::Tensor> in;
  in["input"] = dlasim::randomTensor({"input", dlasim::DataType::kFloat, c.shape}, 3);
  std::map<std::string, sim::Tensor> in2;
  in2["input"] = dlasim::randomTensor({"input", dlasim::DataType::kFloat, c.shape}, 4);
  dlasim::BuildConfig cfg;
  if (std::string(c.precision) != "fp32") {
    cfg.dlaCore = 0;
    cfg.allowGpuFallback = true;
    cfg.fp16 = std::string(c.precision) == "fp16";
    cfg.int8 = !cfg.fp16;
    if (cfg.int8) cfg.calibration = builder::minMaxCalibration(g, in);
  }
  builder::assignPrecisions(g, builder::buildPlan(g, imp.dynamicInputs, cfg));

  sim::Executor arena(g), fresh(g);
  fresh.useArena(false);
  std::vector<sim::Tensor> first = arena.run(in);
  std::vector<sim::Tensor> kept;
  for (const auto& t : first) kept.push_back(t.clone());
  EXPECT_GT(arena.arenaBytes(), 0u);
  EXPECT_EQ(fresh.arenaBytes(), 0u);
  if (c.everyBufferPlanned) {
    EXPECT_EQ(arena.unplannedBuffers(), 0u);
  }
  expectSame(first, fresh.run(in), "first input, arena vs fresh buffers");
  // A second input through the same arena, then the first again: nothing stale is read, and
  // the outputs handed out before are not overwritten.
  expectSame(arena.run(in2), fresh.run(in2), "second input, arena vs fresh buffers");
  expectSame(arena.run(in), kept, "first input again");
  expectSame(first, kept, "outputs of the first run after two more runs");

  size_t activations = 0;  // every activation with a buffer of its own
  for (const auto& t : g.tensors)
    if (!t.isConstant()) activations += size_t(sim::volume(t.desc.shape)) * 4;
  EXPECT_LT(arena.arenaBytes(), activations) << "buffers share memory";
}

INSTANTIATE_TEST_SUITE_P(Zoo, ExecutorArena,
                         ::testing::Values(Case{"resnet18", {1, 3, 64, 64}, "fp32", true},
                                           Case{"resnet18", {1, 3, 64, 64}, "fp16", true},
                                           Case{"resnet18", {1, 3, 64, 64}, "int8", true},
                                           Case{"mobilenetv2", {1, 3, 96, 96}, "int8", true},
                                           Case{"googlenet", {1, 3, 96, 96}, "int8", false},
                                           Case{"googlenet", {1, 3, 96, 96}, "fp16", true},
                                           Case{"densenet", {1, 3, 64, 64}, "fp32", true},
                                           Case{"shufflenetv2", {1, 3, 96, 96}, "int8", false}),
                         caseName);

}  // namespace
