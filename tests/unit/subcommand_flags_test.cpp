// Issue 19 item 4: every subcommand reads `--flag value` as `--flag=value` (docs/cli.md), and
// `--help` lists its own flags with their descriptions and exits 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "test_support.h"

namespace {

using namespace testsupport;

const std::string kModelBN = std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx";
const std::string kTrace = std::string(NVDLA_TEST_DATA_DIR) + "/nv_small/pdp_8x8x64_2x2_int8";

// The log without its time stamps, so that two runs compare equal.
std::string untimed(const std::string& s) {
  return std::regex_replace(s, std::regex(R"(\[\d\d/\d\d/\d{4}-\d\d:\d\d:\d\d\] )"), "");
}

TEST(SubcommandFlags, SpaceSeparatedValuesReadAsWithEquals) {
  // plan: own flags and a trtexec flag before the model.
  Result eq = runCli({"plan", kModelBN, "--shapes=input:1x3x32x32", "--batches=1,8",
                      "--powerModes=MAXN", "--format=csv"});
  ASSERT_EQ(eq.code, 0) << eq.err;
  Result sp = runCli({"plan", "--shapes", "input:1x3x32x32", kModelBN, "--batches", "1,8",
                      "--powerModes", "MAXN", "--format", "csv"});
  ASSERT_EQ(sp.code, 0) << sp.err;
  EXPECT_EQ(sp.out, eq.out);
  EXPECT_NE(eq.out.find("\n8,"), std::string::npos) << eq.out;  // the batch-8 rows are there

  // compare: the tolerances given with a space are the ones used.
  Result c = runCli({"compare", kModelBN, "--shapes", "input:2x3x32x32", "--fp16", "--useDLACore",
                     "0", "--rtol", "0.25", "--atol", "0.125", "--check-error-stat", "max"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_NE(c.out.find("Tolerance: [abs=0.125, rel=0.25] | Checking max error"), std::string::npos)
      << c.out;
  Result ce = runCli({"compare", kModelBN, "--shapes=input:2x3x32x32", "--fp16", "--useDLACore=0",
                      "--rtol=0.25", "--atol=0.125", "--check-error-stat=max"});
  EXPECT_EQ(untimed(c.out), untimed(ce.out));

  // report: --out X and plan's sweep flags spaced; --compare=FILE keeps its '='.
  TempDir rdir("subcommand_flags_report");
  Result rp = runCli({"report", kModelBN, "--shapes", "input:2x3x32x32", "--int8", "--useDLACore",
                      "0", "--allowGPUFallback", "--out", (rdir / "bn.html").string(), "--plan",
                      "--batches", "1,2", "--powerModes", "MAXN", "--quiet"});
  ASSERT_EQ(rp.code, 0) << rp.err;
  EXPECT_EQ(rp.out, "");
  EXPECT_NE(readFile(rdir / "bn.html").find("id=\"capacity-chart\""), std::string::npos);
  Result rc = runCli({"report", kModelBN, "--shapes", "input:2x3x32x32", "--out",
                      (rdir / "c.html").string(), "--compare=" + (rdir / "missing.json").string()});
  EXPECT_EQ(rc.code, 2);
  EXPECT_NE(rc.err.find("missing.json"), std::string::npos) << rc.err;

  // calibrate: --data X --out Y.
  TempDir dir("subcommand_flags");
  Result cal = runCli({"calibrate", kModelBN, "--shapes", "input:4x3x32x32", "--out",
                       (dir / "bn.cache").string(), "--algo", "minmax"});
  ASSERT_EQ(cal.code, 0) << cal.err;
  EXPECT_EQ(readFile(dir / "bn.cache").rfind("TRT-8502-MinMaxCalibration\n", 0), 0u);

  // check: the model after a trtexec flag with a spaced value, and --platform spaced.
  Result ck = runCli({"check", "--shapes", "input:8x3x32x32", kModelBN, "--platform", "xavier-nx"});
  ASSERT_EQ(ck.code, 0) << ck.err;
  EXPECT_NE(ck.out.find("on Jetson Xavier NX (xavier-nx)"), std::string::npos) << ck.out;

  // nvdla-trace: --config nv_full reads this nv_small trace differently (exit 1), as with '='.
  EXPECT_EQ(runCli({"nvdla-trace", kTrace, "--config", "nv_small"}).code, 0);
  EXPECT_EQ(runCli({"nvdla-trace", kTrace, "--config", "nv_full"}).code, 1);
}

TEST(SubcommandFlags, HelpListsOwnFlagsWithDescriptionsAndExitsZero) {
  struct Case {
    std::string sub;
    std::vector<std::pair<std::string, std::string>> flags;  // flag, words of its description
  } cases[] = {
      {"check", {{"--strict", "falls back to the GPU"}}},
      {"compare",
       {{"--rtol", "Relative tolerance"},
        {"--atol", "Absolute tolerance"},
        {"--check-error-stat", "elemwise"},
        {"--per-layer", "every layer"},
        {"--jump-threshold", "jump"},
        {"--ref", "Reference outputs"},
        {"--against", "emulated"},
        {"--json", "JSON"}}},
      {"calibrate",
       {{"--out", "calibration cache"},
        {"--data", "samples"},
        {"--algo", "entropy"},
        {"--percentile", "percentile"},
        {"--batch", "Samples per batch"},
        {"--force", "Overwrite"}}},
      {"plan",
       {{"--batches", "Batch sizes"},
        {"--powerModes", "Power modes"},
        {"--placements", "DLA0+DLA1"},
        {"--target", "throughput"},
        {"--latency-budget", "latency"},
        {"--format", "csv"}}},
      {"report",
       {{"--out", "HTML report"},
        {"--compare", "error curve"},
        {"--plan", "Capacity plan"},
        {"--batches", "Batch sizes"},
        {"--latency-budget", "latency"},
        {"--profile", "measured"},
        {"--quiet", "progress"}}},
      {"rules", {}},
      {"nvdla-trace",
       {{"--config", "nv_small"},
        {"--atom-bytes", "atom"},
        {"--atomic-c", "channels"},
        {"--atomic-k", "kernels"}}},
  };
  for (const auto& c : cases) {
    for (const char* help : {"--help", "-h"}) {
      SCOPED_TRACE(c.sub + " " + help);
      Result r = runCli({c.sub, help});
      EXPECT_EQ(r.code, 0) << r.err;
      EXPECT_EQ(r.err, "");
      EXPECT_EQ(r.out.rfind("usage: dlasim " + c.sub, 0), 0u) << r.out;
      for (const auto& [flag, words] : c.flags) {
        // The flag's own line carries its description.
        auto escaped = [](const std::string& t) {
          return std::regex_replace(t, std::regex(R"([.+*?()|\[\]{}^$\\])"), R"(\$&)");
        };
        std::regex line("\n +" + escaped(flag) + "[^\n]*" + escaped(words));
        EXPECT_TRUE(std::regex_search(r.out, line)) << flag << " / " << words << " in\n" << r.out;
      }
    }
  }
  // rules --help describes the command instead of printing the rule table.
  Result rules = runCli({"rules", "--help"});
  EXPECT_EQ(rules.out.find("| Rule"), std::string::npos);
  EXPECT_NE(runCli({"rules"}).out.find("conv."), std::string::npos);
  // Subcommands that take trtexec's flags list them too.
  EXPECT_NE(runCli({"compare", "--help"}).out.find("--loadInputs"), std::string::npos);
}

TEST(SubcommandFlags, BadCommandLinesAreOneErrorLine) {
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  } cases[] = {
      {{"plan", kModelBN, "--batches"}, "--batches"},
      {{"compare", kModelBN, "--rtol"}, "--rtol"},
      {{"calibrate", kModelBN}, "--out"},
      {{"compare"}, "usage: dlasim compare model.onnx"},
      {{"check", kModelBN, "--no-such-flag"}, "--no-such-flag"},
      {{"rules", "--no-such-flag"}, "--no-such-flag"},
      {{"plan", kModelBN, "--format", "xml"}, "--format: 'xml'"},
      {{"nvdla-trace", kTrace, "--atomic-c", "abc"}, "--atomic-c: expected 1..256, got 'abc'"},
      {{"check", kModelBN, "--strict=maybe"}, "--strict"},
      {{"report", kModelBN}, "--out"},
      {{"report", kModelBN, "--out", "r.html", "--compare="}, "--compare"},
      {{"report", kModelBN, "--out", "r.html", "--plan=4"}, "--plan takes no value"},
      {{"report"}, "usage: dlasim report model.onnx"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args[0] + " ... " + c.needle);
    Result r = runCli(c.args);
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_EQ(r.err.rfind("dlasim: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
  }
}

}  // namespace
