// The modelled performance as the command line prints and writes it: trtexec's line shapes, the
// timing flags, --dumpProfile, --exportTimes, TREx metadata, power modes and clocks, pools, the
// engine size, `dlasim plan`, and one-line errors for bad values.
#include <nlohmann/json.hpp>
#include <regex>

#include "test_support.h"

namespace {

using namespace testsupport;

const std::string kModel = "--onnx=" DLASIM_BINARY_DIR "/examples/model_gn.onnx";
const std::vector<std::string> kSeed = {kModel, "--shapes=input:32x3x32x32", "--int8",
                                        "--useDLACore=0", "--allowGPUFallback"};

Result seed(std::vector<std::string> extra) {
  std::vector<std::string> args = kSeed;
  args.insert(args.end(), extra.begin(), extra.end());
  return runCli(args);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++n;
  return n;
}

double qps(const std::string& out) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(out, m, std::regex(R"(Throughput: ([0-9.e+]+) qps)"))) << out;
  return m.size() > 1 ? std::stod(m[1]) : 0;
}

TEST(CostCli, TrtexecPerformanceSummaryShapes) {
  Result r = seed({});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string num = R"([0-9.e+-]+)";
  const std::string stats = "min = " + num + " ms, max = " + num + " ms, mean = " + num +
                            " ms, median = " + num + " ms, percentile\\(90%\\) = " + num +
                            " ms, percentile\\(95%\\) = " + num +
                            " ms, percentile\\(99%\\) = " + num + " ms\n";
  for (const std::string& line : std::vector<std::string>{
           "\\[I\\] === Performance summary ===\n",
           "\\[I\\] Throughput: " + num + " qps \\(modelled, [^\n]+\\)\n",
           "\\[I\\] Latency: " + stats, "\\[I\\] Enqueue Time: " + stats,
           "\\[I\\] H2D Latency: " + stats, "\\[I\\] GPU Compute Time: " + stats,
           "\\[I\\] D2H Latency: " + stats, "\\[I\\] Total Host Walltime: " + num + " s\n",
           "\\[I\\] Total GPU Compute Time: " + num + " s\n",
           "\\[I\\] Warmup completed [0-9]+ queries over 200 ms\n",
           "\\[I\\] Timing trace has [0-9]+ queries over " + num + " s\n",
           "\\[I\\] Average on 10 runs - GPU latency: " + num + " ms - Host latency: " + num +
               " ms \\(enqueue " + num + " ms\\)\n",
           "Figures modelled by dlasim for Jetson AGX Orin 64GB at power mode MAXN"})
    EXPECT_TRUE(std::regex_search(r.out, std::regex(line))) << line;
  EXPECT_EQ(r.out.find("Not implemented yet"), std::string::npos);
  EXPECT_EQ(r.out.find("latency model is not built"), std::string::npos);
  EXPECT_NE(r.out.find("Created engine with size: "), std::string::npos);
  // The trace has one line per --avgRuns queries.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Timing trace has ([0-9]+) queries")));
  EXPECT_EQ(count(r.out, "Average on 10 runs"), size_t(std::stoi(m[1]) / 10));
}

TEST(CostCli, TimingFlagsShapeTheOutput) {
  Result r = seed(
      {"--iterations=50", "--duration=0", "--warmUp=0", "--avgRuns=5", "--percentile=50,99.9"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Timing trace has 50 queries"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Warmup completed 0 queries over 0 ms"), std::string::npos);
  EXPECT_EQ(count(r.out, "Average on 5 runs"), 10u);
  EXPECT_NE(r.out.find("percentile(50%) = "), std::string::npos);
  EXPECT_NE(r.out.find("percentile(99.9%) = "), std::string::npos);
  EXPECT_EQ(r.out.find("percentile(90%)"), std::string::npos);
  EXPECT_EQ(r.out.find("ignored in simulation: --iterations"), std::string::npos);
  for (const char* f : {"--iterations", "--duration", "--warmUp", "--avgRuns", "--percentile"})
    EXPECT_EQ(r.out.find(std::string(f) + " only matters on a device"), std::string::npos) << f;
  // A longer duration means more queries, the same throughput.
  Result longer = seed({"--duration=6"});
  EXPECT_NEAR(qps(longer.out), qps(seed({}).out), 1e-3 * qps(longer.out));
}

TEST(CostCli, DumpProfileExportTimesAndTrexMetadata) {
  TempDir dir("cost_cli_files");
  std::string profile = (dir / "gn.profile.json").string(),
              times = (dir / "gn.timing.json").string();
  Result r = seed({"--iterations=20", "--duration=0", "--dumpProfile", "--separateProfileRun",
                   "--exportProfile=" + profile, "--exportTimes=" + times});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("=== Profile (20 iterations ) ==="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("   Time(ms)     Avg.(ms)   Median(ms)   Time(%)   Layer"),
            std::string::npos);
  EXPECT_TRUE(
      std::regex_search(r.out, std::regex(R"( +[0-9.]+ +[0-9.]+ +[0-9.]+ +100\.0   Total)")));
  EXPECT_EQ(r.out.find("--separateProfileRun only matters"), std::string::npos);
  EXPECT_EQ(r.out.find("--dumpProfile only matters"), std::string::npos);
  nlohmann::json t = nlohmann::json::parse(readFile(times));
  ASSERT_EQ(t.size(), 20u);
  for (const char* k :
       {"startEnqMs", "endEnqMs", "startH2dMs", "endH2dMs", "startComputeMs", "endComputeMs",
        "startD2hMs", "endD2hMs", "h2dMs", "computeMs", "d2hMs", "latencyMs"})
    EXPECT_TRUE(t[0].contains(k)) << k;
  EXPECT_GT(t[1]["startComputeMs"].get<double>(), t[0]["startComputeMs"].get<double>());
  nlohmann::json p = nlohmann::json::parse(readFile(profile));
  EXPECT_EQ(p[0]["count"], 20);
  nlohmann::json meta = nlohmann::json::parse(readFile(dir / "gn.profile.metadata.json"));
  EXPECT_GT(meta["performance_summary"]["Throughput"].get<double>(), 100);
  EXPECT_EQ(meta["performance_summary"]["Latency"].size(), 7u);  // min max mean median 90 95 99
  nlohmann::json build = nlohmann::json::parse(readFile(dir / "gn.build.metadata.json"));
  EXPECT_TRUE(build.contains("model_options") && build.contains("build_options"));
}

TEST(CostCli, VerboseTableAndNoDataTransfers) {
  Result r = seed({"--verbose", "--noDataTransfers"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(\[V\] Layer +Dev +Unit +Prec +MACs +DRAM bytes  Bound +Time \(ms\))")));
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(\[V\] Conv_11 +DLA +CONV +INT8 +[0-9]+ +[0-9]+  (compute|memory))")));
  EXPECT_NE(r.out.find("H2D Latency: min = 0 ms"), std::string::npos);
}

TEST(CostCli, PowerModesAndClocks) {
  double maxn = qps(seed({}).out);
  Result slow = seed({"--powerMode=15W"});
  ASSERT_EQ(slow.code, 0) << slow.err;
  EXPECT_NE(slow.out.find("at power mode 15W (DLA 614.4 MHz"), std::string::npos);
  EXPECT_LT(qps(slow.out), maxn);
  Result clocked = seed({"--dlaClockMHz=800", "--gpuClockMHz=600", "--emcClockMHz=2133"});
  ASSERT_EQ(clocked.code, 0) << clocked.err;
  EXPECT_NE(clocked.out.find("(DLA 800 MHz, GPU 600 MHz, EMC 2133 MHz)"), std::string::npos);
  EXPECT_LT(qps(clocked.out), maxn);
  Result xavier = runCli({kModel, "--shapes=input:32x3x32x32", "--int8", "--useDLACore=1",
                          "--allowGPUFallback", "--platform=xavier-nx", "--powerMode=10W"});
  ASSERT_EQ(xavier.code, 0) << xavier.err;
  EXPECT_NE(xavier.out.find("for Jetson Xavier NX at power mode 10W"), std::string::npos);
}

TEST(CostCli, BadPowerModesClocksAndPoolsAreOneLine) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> mentions;
  } cases[] = {
      {{"--powerMode=99W"}, {"--powerMode", "99W", "MAXN"}},
      {{"--dlaClockMHz=5000"}, {"--dlaClockMHz", "5000", "[100, 1600]"}},
      {{"--gpuClockMHz=-3"}, {"--gpuClockMHz", "-3"}},
      {{"--emcClockMHz=fast"}, {"--emcClockMHz", "'fast'"}},
      {{"--emcClockMHz=9000"}, {"--emcClockMHz", "9000"}},
      {{"--memPoolSize=dlaSRAM:3"}, {"dlaSRAM", "power of two"}},
      {{"--platform=orin-nano"}, {"--platform", "orin-nano"}},
  };
  for (const auto& c : cases) {
    Result r = seed(c.args);
    EXPECT_EQ(r.code, 2) << c.args[0] << "\n" << r.out;
    EXPECT_EQ(count(r.err, "\n"), 1u) << r.err;
    for (const auto& m : c.mentions) EXPECT_NE(r.err.find(m), std::string::npos) << r.err;
  }
}

TEST(CostCli, PoolsTooSmallFailTheBuild) {
  Result local = seed({"--memPoolSize=dlaLocalDRAM:4K"});
  EXPECT_EQ(local.code, 1) << local.out;
  EXPECT_NE(local.err.find("dlaLocalDRAM"), std::string::npos) << local.err;
  Result global = seed({"--memPoolSize=dlaGlobalDRAM:64K"});
  EXPECT_EQ(global.code, 1) << global.out;
  EXPECT_NE(global.err.find("dlaGlobalDRAM"), std::string::npos) << global.err;
  EXPECT_EQ(seed({"--memPoolSize=dlaLocalDRAM:8,dlaGlobalDRAM:8,dlaSRAM:0.5"}).code, 0);
}

TEST(CostCli, EngineRoundTripKeepsTheModel) {
  TempDir dir("cost_engine");
  std::string engine = (dir / "gn.engine").string();
  Result built = seed(
      {"--saveEngine=" + engine, "--outputIOFormats=fp16:chw16", "--memPoolSize=dlaSRAM:0.25"});
  ASSERT_EQ(built.code, 0) << built.err;
  Result loaded = runCli({"--loadEngine=" + engine});
  ASSERT_EQ(loaded.code, 0) << loaded.err;
  EXPECT_DOUBLE_EQ(qps(loaded.out), qps(built.out));
}

TEST(CostCli, CheckPrintsSizesPerLoadable) {
  Result r =
      runCli({"check", DLASIM_BINARY_DIR "/examples/model_gn.onnx", "--shapes=input:32x3x32x32"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(
      r.out,
      std::regex(
          R"(  loadable \{ForeignNode\[Relu_32\.\.\.Conv_33\]\}: 2 layers, [0-9.]+ KiB \(convolution weights [0-9.]+, other constants [0-9.]+, metadata [0-9.]+\), local DRAM [0-9.]+ KiB)")))
      << r.out;
  EXPECT_NE(r.out.find("Engine size (modelled): "), std::string::npos);
}

TEST(CostCli, PlanOnResNet50PrintsTableAndRecommendation) {
  const std::string model = DLASIM_BINARY_DIR "/zoo/resnet50.onnx";
  Result r = runCli({"plan", model, "--batches=1,4,16"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Capacity plan for"), std::string::npos) << r.out;
  for (const char* p : {" GPU ", " DLA0 ", " DLA0+GPU ", " DLA0+DLA1 ", " DLA0+DLA1+GPU "})
    EXPECT_NE(r.out.find(p), std::string::npos) << p;
  for (const char* m : {" MAXN ", " 50W ", " 30W ", " 15W "})
    EXPECT_NE(r.out.find(m), std::string::npos) << m;
  EXPECT_EQ(count(r.out, "\n* "), 1u) << r.out;  // one best row
  EXPECT_TRUE(std::regex_search(
      r.out,
      std::regex(
          R"(Recommendation: Ship batch [0-9]+ at power mode \S+ on \S+: [0-9.]+ images/s)")))
      << r.out;
  // 3 batches x 4 power modes x 5 placements.
  Result csv = runCli({"plan", model, "--batches=1,4,16", "--format=csv"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(count(csv.out, "\n"), 61u);
  EXPECT_EQ(csv.out.rfind("batch,power_mode,dla_mhz,gpu_mhz,emc_mhz,placement,qps,images_per_s", 0),
            0u);
  Result json = runCli(
      {"plan", model, "--batches=1,2", "--powerModes=MAXN", "--format=json", "--latency-budget=5"});
  ASSERT_EQ(json.code, 0) << json.err;
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["rows"].size(), 10u);
  EXPECT_EQ(j["trtVersion"], "8.4");
  int best = j["best"].get<int>();
  if (best >= 0) {
    EXPECT_LE(j["rows"][best]["latencyMs"].get<double>(), 5.0);
    for (const auto& row : j["rows"]) {
      if (row["latencyMs"].get<double>() <= 5.0) {
        EXPECT_LE(row["imagesPerSecond"].get<double>(),
                  j["rows"][best]["imagesPerSecond"].get<double>());
      }
    }
  }
  Result none = runCli({"plan", model, "--batches=1", "--latency-budget=0.001"});
  EXPECT_NE(none.out.find("No configuration meets the 0.001 ms budget"), std::string::npos)
      << none.out;
}

TEST(CostCli, PlanBadValuesAreOneLine) {
  const std::string model = DLASIM_BINARY_DIR "/examples/model_gn.onnx";
  for (const auto& args : std::vector<std::vector<std::string>>{{"--format=xml"},
                                                                {"--placements=DLA2"},
                                                                {"--batches=0"},
                                                                {"--batches=x"},
                                                                {"--powerModes=99W"},
                                                                {"--latency-budget=-1"},
                                                                {"--target=cost"},
                                                                {"--platform=orin-nano"}}) {
    std::vector<std::string> a = {"plan", model};
    a.insert(a.end(), args.begin(), args.end());
    Result r = runCli(a);
    EXPECT_EQ(r.code, 2) << args[0] << "\n" << r.out;
    EXPECT_EQ(count(r.err, "\n"), 1u) << r.err;
  }
}

}  // namespace
