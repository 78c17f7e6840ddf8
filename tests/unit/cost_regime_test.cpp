// The cost model beyond its fit (issue 17): TensorRT versions as data, Xavier's power modes, the
// uncertainty each regime states, capacity plans that never reward a slower power mode, and the
// per-core loss of two busy DLA cores.
#include <map>
#include <set>
#include <sstream>

#include "dlasim/dlasim.h"
#include "dlasim/format.h"
#include "test_support.h"

namespace {

using namespace testsupport;
using dlasim::Placement;

std::string zoo(const std::string& name) {
  return std::string(DLASIM_BINARY_DIR) + "/zoo/" + name + ".onnx";
}

dlasim::Plan build(const std::string& model, const std::string& platform, bool int8,
                   const std::string& version, bool fallback = true) {
  dlasim::LoadOptions lo;
  dlasim::BuildConfig c;
  c.platform = platform;
  (int8 ? c.int8 : c.fp16) = true;
  c.dlaCore = 0;
  c.allowGpuFallback = fallback;
  c.trtVersion = version;
  return dlasim::Model::load(model, lo).build(c);
}

TEST(CostVersions, VersionNamedInPlanPerformanceAndEngine) {
  dlasim::Plan p = build(DLASIM_BINARY_DIR "/examples/model_gn.onnx", "orin-agx", true, "10.3");
  EXPECT_EQ(p.settings().trtVersion, "10.3");
  EXPECT_EQ(p.performance().trtVersion, "10.3");
  TempDir dir("cost_versions");
  std::string engine = (dir / "gn.engine").string();
  p.save(engine);
  EXPECT_EQ(dlasim::Plan::load(engine).settings().trtVersion, "10.3");
  // The default is the seed's 8.4.
  dlasim::Plan d = build(DLASIM_BINARY_DIR "/examples/model_gn.onnx", "orin-agx", true, "");
  EXPECT_EQ(d.settings().trtVersion, "8.4");
}

// The versions' overheads differ (trt_version.cpp): ModelGN's ten hand-offs cost more under
// 10.3's fitted synchronisation than under 8.4's; its layers cost the same.
TEST(CostVersions, OverheadsComeFromTheVersionData) {
  std::string gn = DLASIM_BINARY_DIR "/examples/model_gn.onnx";
  dlasim::Performance v84 = build(gn, "orin-agx", true, "8.4").performance();
  dlasim::Performance v103 = build(gn, "orin-agx", true, "10.3").performance();
  EXPECT_GT(v103.computeMs, v84.computeMs);
  double layers84 = 0, layers103 = 0;
  for (const auto& r : v84.rows) layers84 += r.kind == dlasim::RowKind::kLayer ? r.ms : 0;
  for (const auto& r : v103.rows) layers103 += r.kind == dlasim::RowKind::kLayer ? r.ms : 0;
  EXPECT_DOUBLE_EQ(layers84, layers103);
}

TEST(CostVersions, BadVersionsAreOneLineErrors) {
  std::string gn = "--onnx=" DLASIM_BINARY_DIR "/examples/model_gn.onnx";
  struct Case {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{gn, "--trtVersion=9.9"},
       "--trtVersion: unknown TensorRT version '9.9' (8.4, 8.5, 8.6, 10.3)"},
      {{gn, "--jetpack=4.6"}, "--jetpack: unknown JetPack '4.6'"},
      {{gn, "--platform=xavier-agx", "--trtVersion=10.3"},
       "TensorRT 10.3 never shipped for Jetson AGX Xavier (8.4, 8.5)"},
      {{gn, "--platform=xavier-nx", "--jetpack=6.0"},
       "TensorRT 8.6 never shipped for Jetson Xavier NX"},
      {{gn, "--jetpack=6.2", "--trtVersion=8.4"},
       "--jetpack=6.2 ships TensorRT 10.3, not --trtVersion=8.4"},
  };
  for (const auto& c : cases) {
    Result r = runCli(c.args);
    EXPECT_EQ(r.code, 2) << c.says;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // JetPack names are aliases of their versions.
  Result ok = runCli({gn, "--jetpack=5.1", "--int8", "--useDLACore=0", "--allowGPUFallback"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("with TensorRT 8.5"), std::string::npos);
}

// The uncertainty comes from the regime's points: Orin INT8 whole-DLA under 8.4 has nine
// (design §5 items 2 and 3); Xavier INT8 and GPU-only builds have none.
TEST(CostUncertainty, CalibratedAndUncalibratedRegimes) {
  std::string conv = std::string(DLASIM_BINARY_DIR) + "/cost_models/r34_conv3x3.onnx";
  dlasim::Performance orin = build(conv, "orin-agx", true, "8.4", false).performance();
  EXPECT_EQ(orin.calibrationPoints, 9);
  EXPECT_GT(orin.uncertainty, 0.05);
  EXPECT_LT(orin.uncertainty, 0.25);
  EXPECT_NE(dlasim::uncertaintyText(orin).find("9 calibration points of this regime"),
            std::string::npos);
  dlasim::Performance xavier = build(conv, "xavier-agx", true, "8.4", false).performance();
  EXPECT_LT(xavier.uncertainty, 0);
  EXPECT_EQ(xavier.calibrationPoints, 0);
  EXPECT_EQ(dlasim::uncertaintyText(xavier), "modelled, uncalibrated regime");
  dlasim::BuildConfig gpu;
  gpu.int8 = true;
  dlasim::Performance g = dlasim::Model::load(zoo("resnet18")).build(gpu).performance();
  EXPECT_LT(g.uncertainty, 0);
  // A regime with one point: the prior spread.
  dlasim::Performance fp16 = build(conv, "orin-agx", false, "10.3", false).performance();
  EXPECT_EQ(fp16.calibrationPoints, 1);
  EXPECT_NEAR(fp16.uncertainty, 0.25, 1e-9);
  Result r = runCli({"--onnx=" + conv, "--int8", "--useDLACore=0", "--platform=xavier-agx"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("qps (modelled, uncalibrated regime)"), std::string::npos) << r.out;
}

// Orin's FP16 convolutions stream through Rubik (C1): on a compute-bound network FP16 is far
// slower than INT8, several times what the 2x of the bytes alone would give.
TEST(CostOrinFp16, FarSlowerThanInt8) {
  double i8 = build(zoo("resnet50"), "orin-agx", true, "8.4").performance().computeMs;
  double f16 = build(zoo("resnet50"), "orin-agx", false, "8.4").performance().computeMs;
  EXPECT_GT(f16 / i8, 4.0);
  // Xavier keeps its own FP16 convolution core: FP16 within a few times INT8.
  double x8 = build(zoo("resnet50"), "xavier-agx", true, "8.4").performance().computeMs;
  double x16 = build(zoo("resnet50"), "xavier-agx", false, "8.4").performance().computeMs;
  EXPECT_LT(x16 / x8, 3.0);
  EXPECT_GT(x16 / x8, 1.0);
}

// Xavier NX's power modes (10 W, 15 W, 20 W) and AGX Xavier's are in the platform data.
TEST(CostPowerModes, XavierTablesComplete) {
  std::vector<std::string> nx, agx;
  for (const auto& m : dlasim::platform("xavier-nx").powerModes) nx.push_back(m.name);
  for (const auto& m : dlasim::platform("xavier-agx").powerModes) agx.push_back(m.name);
  EXPECT_EQ(nx, (std::vector<std::string>{"20W", "15W", "10W"}));
  EXPECT_EQ(agx, (std::vector<std::string>{"MAXN", "30W", "15W", "10W"}));
  // The clocks the Python PowerMode gives are those the performance block prints.
  for (const auto& m : dlasim::platform("orin-agx").powerModes) {
    dlasim::PerformanceOptions o;
    o.powerMode = m.name;
    dlasim::Performance p =
        build(DLASIM_BINARY_DIR "/examples/model_gn.onnx", "orin-agx", true, "").performance(o);
    EXPECT_EQ(p.emcClockMHz, m.emcClockMHz) << m.name;
    EXPECT_EQ(p.gpuClockMHz, m.gpuClockMHz) << m.name;
    EXPECT_EQ(p.dlaClockMHz, m.dlaClockMHz) << m.name;
  }
}

bool clocksAtLeast(const dlasim::CapacityPlanRow& a, const dlasim::CapacityPlanRow& b) {
  return a.dlaClockMHz >= b.dlaClockMHz && a.gpuClockMHz >= b.gpuClockMHz &&
         a.emcClockMHz >= b.emcClockMHz;
}

// Over the zoo, every placement and batch: a power mode whose clocks are all at least another's
// never delivers fewer images per second; two busy cores lose throughput but never more than
// double one core.
TEST(CostCapacity, FasterModesNeverLoseAndTwoCoresAtMostDouble) {
  for (const char* platform : {"orin-agx", "xavier-nx"})
    for (const char* name : {"resnet50", "mobilenetv2", "googlenet", "unet", "yolo", "densenet"}) {
      dlasim::CapacityPlanOptions o;
      o.batches = {1, 8};
      o.build.platform = platform;
      o.build.int8 = true;
      dlasim::CapacityPlan plan = dlasim::capacityPlan(zoo(name), o);
      ASSERT_FALSE(plan.rows.empty()) << name;
      std::map<std::tuple<int64_t, std::string, Placement>, double> ips;
      for (const auto& r : plan.rows) ips[{r.batch, r.powerMode, r.placement}] = r.imagesPerSecond;
      for (const auto& a : plan.rows) {
        for (const auto& b : plan.rows)
          if (a.batch == b.batch && a.placement == b.placement && clocksAtLeast(a, b)) {
            EXPECT_GE(a.imagesPerSecond, b.imagesPerSecond * (1 - 1e-9))
                << platform << " " << name << " batch " << a.batch << " "
                << dlasim::placementName(a.placement) << ": " << a.powerMode << " vs "
                << b.powerMode;
          }
        if (a.placement != Placement::kDla0Dla1) continue;
        double one = ips[{a.batch, a.powerMode, Placement::kDla0}];
        EXPECT_LE(a.imagesPerSecond, 2 * one * (1 + 1e-12)) << name;
        EXPECT_GE(a.imagesPerSecond, one) << name;
      }
    }
}

// A memory-bound network on both cores: each core loses throughput (the published Xavier NX
// behaviour), by the pair's shared DRAM path.
TEST(CostCapacity, TwoBusyCoresLoseWhenMemoryBound) {
  dlasim::CapacityPlanOptions o;
  o.batches = {8};
  o.build.platform = "xavier-nx";
  o.build.int8 = true;
  o.placements = {Placement::kDla0, Placement::kDla0Dla1};
  dlasim::CapacityPlan plan = dlasim::capacityPlan(zoo("resnet50"), o);
  std::map<std::string, double> one, two;
  std::map<std::string, std::string> limit;
  for (const auto& r : plan.rows) {
    (r.placement == Placement::kDla0 ? one : two)[r.powerMode] = r.imagesPerSecond;
    if (r.placement == Placement::kDla0Dla1) limit[r.powerMode] = r.limit;
  }
  ASSERT_FALSE(one.empty());
  for (const auto& [mode, ips] : one) {
    EXPECT_LT(two[mode], 2 * ips * (1 - 1e-6)) << mode;
    EXPECT_EQ(limit[mode], "DLA memory") << mode;
  }
}

}  // namespace

namespace {

// issue 19 item 8: one table across platforms and precisions; a named placement the platform
// cannot model is exit 2; plan counts GPU layers as the build log lists them.
TEST(CostCapacity, SweepsPlatformsAndPrecisionsInOneTable) {
  dlasim::CapacityPlanOptions o;
  o.batches = {1};
  o.powerModes = {"15W"};
  o.placements = {Placement::kDla0};
  o.platforms = {"orin-agx", "xavier-nx"};
  o.precisions = {"int8", "fp16"};
  dlasim::CapacityPlan plan = dlasim::capacityPlan(zoo("resnet18"), o);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : plan.rows) seen.insert({r.platform, r.precision});
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(plan.rows.size(), 4u);
  std::string table = dlasim::formatCapacityPlan(plan, "table");
  EXPECT_NE(table.find("Platform       Precision"), std::string::npos) << table;
  EXPECT_NE(table.find("Power mode 15W of xavier-nx: DLA 1100.8 MHz"), std::string::npos);

  Result bad =
      runCli({"plan", zoo("resnet18"), "--platform=orin-nx-8gb", "--placements=DLA0+DLA1"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("DLA0+DLA1 cannot be modelled: Jetson Orin NX 8GB has 1 DLA core"),
            std::string::npos)
      << bad.err;

  std::string gn = DLASIM_BINARY_DIR "/examples/model_gn.onnx";
  Result log = runCli({"--onnx=" + gn, "--shapes=input:32x3x32x32", "--int8", "--useDLACore=0",
                       "--allowGPUFallback", "--skipInference"});
  ASSERT_EQ(log.code, 0) << log.err;
  size_t listed = occurrences(log.out, "[GpuLayer] ");
  dlasim::CapacityPlanOptions g;
  g.batches = {32};
  g.build.int8 = true;
  g.shapes["input"] = {32, 3, 32, 32};
  g.powerModes = {"MAXN"};
  g.placements = {Placement::kDla0};
  dlasim::CapacityPlan gp = dlasim::capacityPlan(gn, g);
  ASSERT_EQ(gp.rows.size(), 1u);
  EXPECT_EQ(size_t(gp.rows[0].gpuLayers), listed);
}

}  // namespace

namespace {

// issue 19 item 9: a clock override shows in every line that names that clock.
TEST(CostPowerModes, ClockOverridesShowWhereverAClockIsNamed) {
  Result r = runCli({"--onnx=" DLASIM_BINARY_DIR "/examples/model_gn.onnx",
                     "--shapes=input:32x3x32x32", "--int8", "--useDLACore=0", "--allowGPUFallback",
                     "--dlaClockMHz=1000", "--emcClockMHz=1600"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  int named = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("DLA clock") == std::string::npos && line.find("(DLA ") == std::string::npos)
      continue;
    ++named;
    EXPECT_EQ(line.find("DLA clock 1600"), std::string::npos) << line;  // MAXN's DLA clock
    EXPECT_EQ(line.find("DLA 1600"), std::string::npos) << line;
    EXPECT_NE(line.find("1000 MHz"), std::string::npos) << line;
    EXPECT_NE(line.find("EMC"), std::string::npos) << line;
    EXPECT_EQ(line.find("EMC 3200"), std::string::npos) << line;
  }
  EXPECT_EQ(named, 2);  // the device information and the performance block
}

}  // namespace
