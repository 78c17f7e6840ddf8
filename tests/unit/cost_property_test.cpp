// Properties the cost model must keep over the zoo (build/zoo) and synthetic layers: more work
// never costs less, INT8 never slower than FP16 on the convolution core, Orin's FP16 convolution
// slower than Xavier's at equal clocks, lower clocks never faster, memory-bound layers follow the
// slower of port and DRAM and compute-bound ones the clock, FP19 padding grows loadables as seed §3.3 says,
// two DLA cores at most double one core's throughput.
#include <fstream>
#include <map>
#include <set>

#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;
using dlasim::Bound;
using dlasim::Device;
using dlasim::EngineUnit;
using dlasim::Performance;
using dlasim::RowKind;

std::vector<std::string> zooModels() {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(DLASIM_BINARY_DIR "/zoo"))
    if (e.path().extension() == ".onnx" && e.path().stem() != "resnet50")
      v.push_back(e.path().string());
  std::sort(v.begin(), v.end());
  return v;
}

dlasim::Plan build(const std::string& path, const std::string& platform, bool int8, int core = 0) {
  dlasim::Model m = dlasim::Model::load(path);
  dlasim::BuildConfig c;
  c.platform = platform;
  c.int8 = int8;
  c.fp16 = !int8;
  c.dlaCore = core;
  c.allowGpuFallback = true;
  return m.build(c);
}

Performance perf(const dlasim::Plan& p, double dla = 0, double gpu = 0, double emc = 0,
                 int64_t scale = 1) {
  dlasim::PerformanceOptions o;
  o.dlaClockMHz = dla;
  o.gpuClockMHz = gpu;
  o.emcClockMHz = emc;
  o.batchScale = scale;
  return p.performance(o);
}

std::map<std::string, dlasim::TimingRow> dlaLayers(const Performance& p) {
  std::map<std::string, dlasim::TimingRow> m;
  for (const auto& r : p.rows)
    if (r.device == Device::kDLA && r.kind == RowKind::kLayer) m[r.name] = r;
  return m;
}

bool convCore(const dlasim::TimingRow& r) {
  return r.macs > 0 && (r.unit == EngineUnit::kConvolution || r.unit == EngineUnit::kRubik);
}

// A single convolution K x C x k x k on 1 x C x H x W.
std::string convModel(const TempDir& dir, int64_t c, int64_t k, int64_t h, int64_t kernel) {
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, c, h, h});
  addInitF32(m, "w", {k, c, kernel, kernel}, size_t(k * c * kernel * kernel));
  auto* n = addNode(m, "Conv", "conv", {"x", "w"}, {"y"});
  attrInts(n, "kernel_shape", {kernel, kernel});
  attrInts(n, "pads", {kernel / 2, kernel / 2, kernel / 2, kernel / 2});
  addOutput(m, "y");
  std::string path = (dir / ("conv_" + std::to_string(c) + "_" + std::to_string(k) + "_" +
                             std::to_string(h) + "_" + std::to_string(kernel) + ".onnx"))
                         .string();
  saveModel(m, path);
  return path;
}

double convRowMs(const std::string& path, const std::string& platform = "orin-agx",
                 bool int8 = true) {
  for (const auto& [name, r] : dlaLayers(perf(build(path, platform, int8))))
    if (convCore(r)) return r.ms;
  ADD_FAILURE() << "no DLA convolution in " << path;
  return 0;
}

TEST(CostProperties, MoreMacsNeverCostLess) {
  TempDir dir("cost_macs");
  // Growing output channels, input channels, spatial size and kernel, one at a time.
  double prev = 0;
  for (int64_t k : {8, 16, 32, 48, 64, 96, 128, 256, 512}) {
    double ms = convRowMs(convModel(dir, 64, k, 56, 3));
    EXPECT_GE(ms, prev) << "K=" << k;
    prev = ms;
  }
  prev = 0;
  for (int64_t c : {8, 16, 32, 64, 96, 128, 256, 512}) {
    double ms = convRowMs(convModel(dir, c, 64, 56, 3));
    EXPECT_GE(ms, prev) << "C=" << c;
    prev = ms;
  }
  prev = 0;
  for (int64_t h : {2, 4, 7, 14, 28, 56, 112}) {
    double ms = convRowMs(convModel(dir, 64, 64, h, 3));
    EXPECT_GE(ms, prev) << "H=W=" << h;
    prev = ms;
  }
  prev = 0;
  for (int64_t kernel : {1, 3, 5, 7}) {
    double ms = convRowMs(convModel(dir, 64, 64, 56, kernel));
    EXPECT_GE(ms, prev) << "kernel " << kernel;
    prev = ms;
  }
  // Every zoo model at 1, 2 and 4 times its batch: no row, and no total, gets cheaper.
  for (const auto& path : zooModels()) {
    dlasim::Plan p = build(path, "orin-agx", true);
    Performance a = perf(p, 0, 0, 0, 1), b = perf(p, 0, 0, 0, 2), c = perf(p, 0, 0, 0, 4);
    ASSERT_EQ(a.rows.size(), b.rows.size());
    for (size_t i = 0; i < a.rows.size(); ++i) {
      EXPECT_GE(b.rows[i].ms, a.rows[i].ms) << path << " " << a.rows[i].name;
      EXPECT_GE(c.rows[i].ms, b.rows[i].ms) << path << " " << a.rows[i].name;
    }
    EXPECT_GT(b.latencyMs, a.latencyMs) << path;
    EXPECT_GT(c.latencyMs, b.latencyMs) << path;
  }
}

TEST(CostProperties, Int8NeverSlowerThanFp16OnTheConvolutionCore) {
  int compared = 0;
  for (const std::string platform : {"orin-agx", "xavier-agx"})
    for (const auto& path : zooModels()) {
      auto i8 = dlaLayers(perf(build(path, platform, true)));
      auto f16 = dlaLayers(perf(build(path, platform, false)));
      for (const auto& [name, r] : i8) {
        auto it = f16.find(name);
        if (!convCore(r) || it == f16.end() || !convCore(it->second)) continue;
        if (r.precision != dlasim::Precision::kINT8) continue;
        EXPECT_LE(r.convMs, it->second.convMs) << platform << " " << path << " " << name;
        ++compared;
      }
    }
  EXPECT_GT(compared, 50);
}

// The ONNX nodes of a model that are grouped convolutions (group > 1).
std::set<std::string> groupedConvolutions(const std::string& path) {
  onnx::ModelProto m;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(m.ParseFromIstream(&in)) << path;
  std::set<std::string> grouped;
  for (const auto& n : m.graph().node())
    for (const auto& a : n.attribute())
      if (n.op_type() == "Conv" && a.name() == "group" && a.i() > 1) grouped.insert(n.name());
  return grouped;
}

// Dense convolutions (NVIDIA's DLA FAQ: Orin has "lower FP16 convolution compute" than Xavier).
// Depthwise and grouped ones stream through Rubik on Orin, which C1 (YOLO11 FP16) shows beats
// running them group by group, as Xavier's core does: they are not compared.
TEST(CostProperties, OrinFp16ConvolutionSlowerThanXaviersAtEqualClocks) {
  int compared = 0;
  for (const auto& path : zooModels()) {
    auto orin = dlaLayers(perf(build(path, "orin-agx", false), 1000));
    auto xavier = dlaLayers(perf(build(path, "xavier-agx", false), 1000));
    std::set<std::string> grouped = groupedConvolutions(path);
    for (const auto& [name, r] : orin) {
      auto it = xavier.find(name);
      if (!convCore(r) || it == xavier.end() || !convCore(it->second)) continue;
      EXPECT_EQ(r.unit, EngineUnit::kRubik) << name;  // Orin runs FP16 convolutions on Rubik
      if (grouped.count(name.substr(0, name.find(" + ")))) continue;
      EXPECT_GT(r.convMs, it->second.convMs) << path << " " << name;
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);
}

TEST(CostProperties, LowerClocksNeverFaster) {
  for (const auto& path : zooModels())
    for (int core : {-1, 0}) {
      dlasim::Plan p = build(path, "orin-agx", true, core);
      double dla = perf(p, 1600, 1300, 3200).latencyMs;
      EXPECT_LE(dla, perf(p, 800, 1300, 3200).latencyMs) << path;
      EXPECT_LE(perf(p, 800, 1300, 3200).latencyMs, perf(p, 400, 1300, 3200).latencyMs) << path;
      EXPECT_LE(dla, perf(p, 1600, 650, 3200).latencyMs) << path;
      EXPECT_LE(dla, perf(p, 1600, 1300, 1600).latencyMs) << path;
      EXPECT_LE(perf(p, 1600, 1300, 1600).latencyMs, perf(p, 1600, 1300, 800).latencyMs) << path;
      // The named power modes in order of their clocks.
      double maxn = perf(p).latencyMs;
      dlasim::PerformanceOptions o;
      o.powerMode = "15W";
      EXPECT_LT(maxn, p.performance(o).latencyMs) << path;
    }
}

TEST(CostProperties, MemoryBoundFollowBandwidthComputeBoundFollowClock) {
  int memory = 0, compute = 0;
  for (const auto& path : zooModels()) {
    dlasim::Plan p = build(path, "orin-agx", true);
    auto base = dlaLayers(perf(p, 1600, 1300, 3200));
    auto halfEmc = dlaLayers(perf(p, 1600, 1300, 1600));
    auto halfBoth = dlaLayers(perf(p, 800, 1300, 1600));
    auto quarterEmc = dlaLayers(perf(p, 1600, 1300, 800));
    auto halfDla = dlaLayers(perf(p, 800, 1300, 3200));
    for (const auto& [name, r] : base) {
      if (r.bound == Bound::kMemory) {
        // The DLA's DRAM rate is the slower of its port (per DLA cycle) and its share of the
        // DRAM (per EMC cycle): both clocks halved halve it; the EMC alone slows it until the
        // share binds, then in proportion.
        EXPECT_NEAR(halfBoth[name].memoryMs, 2 * r.memoryMs, 1e-9) << path << " " << name;
        EXPECT_GT(halfEmc[name].memoryMs, r.memoryMs) << path << " " << name;
        EXPECT_NEAR(quarterEmc[name].memoryMs, 2 * halfEmc[name].memoryMs, 1e-9) << name;
        EXPECT_GT(halfEmc[name].ms, r.ms) << path << " " << name;
        ++memory;
      } else if (r.bound == Bound::kCompute) {
        EXPECT_NEAR(halfDla[name].computeMs, 2 * r.computeMs, 1e-9) << path << " " << name;
        EXPECT_GT(halfDla[name].ms, r.ms) << path << " " << name;
        EXPECT_DOUBLE_EQ(halfEmc[name].computeMs, r.computeMs) << path << " " << name;
        ++compute;
      }
    }
  }
  EXPECT_GT(memory, 20);
  EXPECT_GT(compute, 20);
}

// seed §3.3: Orin stores non-convolution weights as FP19 in 4-byte containers, channels padded
// to 16 (FP16) or 32 (INT8): a large per-element Mul inflates the loadable.
TEST(CostProperties, Fp19PaddingGrowsTheLoadable) {
  TempDir dir("cost_fp19");
  const int64_t c = 3, h = 64;
  onnx::ModelProto m = newModel();
  addInput(m, "x", {1, c, h, h});
  addInitF32(m, "k", {1, c, h, h}, size_t(c * h * h));
  addNode(m, "Mul", "mul", {"x", "k"}, {"y"});
  addOutput(m, "y");
  std::string path = (dir / "mul.onnx").string();
  saveModel(m, path);
  auto constants = [&](const std::string& platform, bool int8) {
    dlasim::EngineMemory mem = build(path, platform, int8).memory();
    EXPECT_EQ(mem.loadables.size(), 1u) << platform;
    return mem.loadables.empty() ? int64_t(0) : mem.loadables[0].constantBytes;
  };
  int64_t raw = c * h * h * 4;                              // the FP32 constant in the ONNX file
  EXPECT_EQ(constants("orin-agx", true), 4 * 32 * h * h);   // 3 channels padded to 32, 4 bytes
  EXPECT_EQ(constants("orin-agx", false), 4 * 16 * h * h);  // padded to 16 in FP16
  EXPECT_GT(constants("orin-agx", true), 10 * raw);
  EXPECT_LT(constants("xavier-agx", true), constants("orin-agx", true));
  // A per-channel scale grows only by its padding.
  dlasim::EngineMemory conv =
      build(DLASIM_BINARY_DIR "/zoo/resnet18.onnx", "orin-agx", true).memory();
  ASSERT_FALSE(conv.loadables.empty());
  EXPECT_LT(conv.loadables[0].constantBytes, conv.loadables[0].convWeightBytes / 20);
}

// --sparsity on Orin INT8 convolutions with C > 64: half the atomic ops and 5/8 of the weights;
// Xavier has no sparse datapath.
TEST(CostProperties, SparsityHalvesOrinInt8Convolutions) {
  TempDir dir("cost_sparse");
  std::string path = convModel(dir, 256, 256, 28, 3);
  auto conv = [&](const std::string& platform, dlasim::Sparsity s) {
    dlasim::BuildConfig c;
    c.platform = platform;
    c.int8 = true;
    c.dlaCore = 0;
    c.sparsity = s;
    dlasim::Plan p = dlasim::Model::load(path).build(c);
    for (const auto& [name, r] : dlaLayers(p.performance()))
      if (convCore(r)) return std::make_pair(r.convMs, p.memory().loadables.at(0).convWeightBytes);
    return std::make_pair(0.0, int64_t(0));
  };
  auto dense = conv("orin-agx", dlasim::Sparsity::kDisable);
  auto sparse = conv("orin-agx", dlasim::Sparsity::kForce);
  EXPECT_NEAR(sparse.first, dense.first / 2, 1e-12);
  EXPECT_EQ(sparse.second, dense.second * 5 / 8);
  // "enable" keeps dense weights that are not 2:4 (the test weights are all 0.25).
  EXPECT_EQ(conv("orin-agx", dlasim::Sparsity::kEnable).first, dense.first);
  EXPECT_EQ(conv("xavier-agx", dlasim::Sparsity::kForce).first,
            conv("xavier-agx", dlasim::Sparsity::kDisable).first);
}

// The managed SRAM pool (--memPoolSize=dlaSRAM) holds re-read operands: a smaller pool sends
// the re-reads to DRAM.
TEST(CostProperties, SmallerSramPoolMovesRereadsToDram) {
  dlasim::LoadOptions lo;
  lo.shapes["input"] = {32, 3, 32, 32};
  dlasim::Model m = dlasim::Model::load(DLASIM_BINARY_DIR "/examples/model_gn.onnx", lo);
  auto run = [&](double mib) {
    dlasim::BuildConfig c;
    c.int8 = true;
    c.dlaCore = 0;
    c.allowGpuFallback = true;
    c.memPoolMiB["dlaSRAM"] = mib;
    return m.build(c).performance();
  };
  Performance big = run(1), small = run(0.0625);
  EXPECT_GT(small.dramBytes, big.dramBytes);
  EXPECT_GT(small.latencyMs, big.latencyMs);
  EXPECT_EQ(big.memory.sramPoolBytes, 1 << 20);
  EXPECT_EQ(small.memory.sramPoolBytes, 1 << 16);
  int64_t staged = 0;
  for (const auto& l : big.memory.loadables) staged = std::max(staged, l.sramBytes);
  EXPECT_GT(staged, 0);
  EXPECT_LE(staged, big.memory.sramPoolBytes);
}

// A plan that freed its weights after a run (as the CLI's) models the same as before.
TEST(CostProperties, SameFiguresAfterTheWeightsAreReleased) {
  dlasim::LoadOptions lo;
  lo.shapes["input"] = {1, 3, 64, 64};
  dlasim::BuildConfig c;
  c.int8 = true;
  c.dlaCore = 0;
  c.allowGpuFallback = true;
  c.sparsity = dlasim::Sparsity::kForce;
  dlasim::Plan p = dlasim::Model::load(DLASIM_BINARY_DIR "/zoo/resnet18.onnx", lo).build(c);
  Performance before = p.performance();
  dlasim::SparsityReport sparseBefore = p.sparsity();
  EXPECT_GT(sparseBefore.convolutions, 0);
  p.releaseHostWeights();
  dlasim::TensorMap in;
  in["input"] = dlasim::randomTensor({"input", dlasim::DataType::kFloat, {1, 3, 64, 64}}, 1);
  p.run(in);
  Performance after = p.performance();
  EXPECT_EQ(after.latencyMs, before.latencyMs);
  EXPECT_EQ(after.dramBytes, before.dramBytes);
  EXPECT_EQ(after.memory.engineBytes, before.memory.engineBytes);
  // The sparsity report reads the weights too (it read freed ones before).
  dlasim::SparsityReport sparseAfter = p.sparsity();
  EXPECT_EQ(sparseAfter.convolutions, sparseBefore.convolutions);
  EXPECT_EQ(sparseAfter.eligible, sparseBefore.eligible);
  EXPECT_EQ(sparseAfter.notEligible, sparseBefore.notEligible);
}

TEST(CostProperties, TwoDlaCoresAtMostDoubleOneCore) {
  for (const char* name : {"resnet18", "mobilenetv2", "googlenet", "unet"}) {
    dlasim::CapacityPlanOptions o;
    o.batches = {1, 4};
    o.build.int8 = true;
    o.placements = {dlasim::Placement::kDla0, dlasim::Placement::kDla0Dla1};
    dlasim::CapacityPlan plan =
        dlasim::capacityPlan(std::string(DLASIM_BINARY_DIR "/zoo/") + name + ".onnx", o);
    std::map<std::pair<int64_t, std::string>, double> one, two;
    for (const auto& r : plan.rows)
      (r.placement == dlasim::Placement::kDla0 ? one : two)[{r.batch, r.powerMode}] =
          r.imagesPerSecond;
    ASSERT_FALSE(one.empty()) << name;
    for (const auto& [key, ips] : one) {
      EXPECT_LE(two[key], 2 * ips * (1 + 1e-12)) << name;
      EXPECT_GE(two[key], ips) << name;
    }
  }
}

}  // namespace
