// dlasim report and the Chrome trace through the public API and the command line: the trace's
// structure and sums, the HTML's nodes and sections, check's advice, per-layer comparisons read
// back and checked against the plan, and bad input (one line, exit 2, nothing written).
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/progress.h"
#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;

const std::string kGN = DLASIM_BINARY_DIR "/examples/model_gn.onnx";
const std::string kBN = DLASIM_BINARY_DIR "/examples/model_bn.onnx";
const std::vector<std::string> kFlags = {"--shapes=input:32x3x32x32", "--int8", "--useDLACore=0",
                                         "--allowGPUFallback"};

dlasim::Plan build(const std::string& model) {
  dlasim::LoadOptions lo;
  lo.shapes["input"] = {32, 3, 32, 32};
  dlasim::BuildConfig c;
  c.int8 = true;
  c.dlaCore = 0;
  c.allowGpuFallback = true;
  return dlasim::Model::load(model, lo).build(c);
}

// The data the report's script reads: layers, rows, loadables and the Chart.js configurations.
nlohmann::json reportData(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"dlasim-data\">";
  size_t at = html.find(open);
  if (at == std::string::npos) return nullptr;
  at += open.size();
  return nlohmann::json::parse(html.substr(at, html.find("</script>", at) - at));
}

// The chart on canvas `id`'s dataset `label` (null when there is none).
nlohmann::json dataset(const nlohmann::json& data, const std::string& id,
                       const std::string& label) {
  for (const auto& d : data["charts"][id]["data"]["datasets"])
    if (d["label"] == label) return d;
  return nullptr;
}

Result report(const std::string& model, std::vector<std::string> extra) {
  std::vector<std::string> args = {"report", model};
  args.insert(args.end(), kFlags.begin(), kFlags.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return runCli(args);
}

TEST(Report, TraceHasAProcessPerDeviceAndAddsUpToTheLatency) {
  dlasim::Plan plan = build(kGN);
  dlasim::Performance p = plan.performance();
  auto j = nlohmann::json::parse(dlasim::chromeTraceJson(plan, p));
  std::map<int, std::string> processes;
  std::set<std::pair<int, int>> threads;
  for (const auto& e : j["traceEvents"]) {
    if (e["name"] == "process_name")
      processes[e["pid"].get<int>()] = e["args"]["name"].get<std::string>();
    if (e["name"] == "thread_name") threads.insert({e["pid"].get<int>(), e["tid"].get<int>()});
  }
  std::set<std::string> names;
  for (const auto& [pid, name] : processes) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"DLA core 0", "GPU", "Host copies"}));
  double layerUs = 0;
  int spans = 0;
  std::set<std::string> events;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] != "X") continue;
    EXPECT_TRUE(threads.count({e["pid"].get<int>(), e["tid"].get<int>()})) << e.dump();
    EXPECT_GT(e["dur"].get<double>(), 0) << e.dump();
    if (e["cat"] == "loadable") {
      ++spans;
      EXPECT_EQ(processes[e["pid"].get<int>()], "DLA core 0");
      continue;
    }
    layerUs += e["dur"].get<double>();
    events.insert(e["name"].get<std::string>());
  }
  EXPECT_EQ(spans, int(plan.loadables().size()));
  EXPECT_NEAR(layerUs / 1000, p.latencyMs, 1e-9 * p.latencyMs);
  // Every row with time is an event named as the profile names it.
  for (const auto& r : p.rows)
    if (r.ms > 0) EXPECT_TRUE(events.count(r.name)) << r.name;
  EXPECT_TRUE(events.count("Conv_0"));
}

TEST(Report, HtmlHasOneNodePerLayerAndNoOutsideReferences) {
  dlasim::Plan plan = build(kGN);
  std::string html = dlasim::reportHtml(plan);
  for (size_t i = 0; i < plan.layers().size(); ++i)
    EXPECT_EQ(occurrences(html, "id=\"layer_" + std::to_string(i) + "\""), 1u) << i;
  EXPECT_EQ(occurrences(html, "id=\"layer_" + std::to_string(plan.layers().size()) + "\""), 0u);
  // The seed's 23 GPU layers; each loadable a frame the viewer collapses, its inner edges marked.
  EXPECT_EQ(occurrences(html, "class=\"node layer gpu\""), 23u);
  EXPECT_EQ(occurrences(html, "class=\"cluster loadable\""), plan.loadables().size());
  size_t inner = 0;
  for (const auto& l : plan.loadables()) inner += l.layers.size() - 1;  // ModelGN's are chains
  EXPECT_EQ(occurrences(html, "class=\"edge inld"), inner);
  // Nothing from outside: no element loads a file (Chart.js is inlined).
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);
  EXPECT_NE(html.find("Chart.js v3"), std::string::npos);
  // The timeline chart: a span per loadable; the other bars add up to the latency.
  nlohmann::json data = reportData(html);
  ASSERT_TRUE(data.is_object());
  EXPECT_EQ(dataset(data, "timeline-chart", "loadables")["data"].size(), plan.loadables().size());
  double sum = 0;
  size_t bars = 0;
  for (const auto& d : data["charts"]["timeline-chart"]["data"]["datasets"]) {
    if (d["label"] == "loadables") continue;
    for (const auto& b : d["data"]) sum += b["x"][1].get<double>() - b["x"][0].get<double>();
    bars += d["data"].size();
  }
  dlasim::Performance p = plan.performance();
  EXPECT_NEAR(sum, p.latencyMs, 1e-9 * p.latencyMs);
  EXPECT_EQ(bars, size_t(std::count_if(p.rows.begin(), p.rows.end(),
                                       [](const auto& r) { return r.ms > 0; })));
  // Per-layer bars by bound: every timed row in exactly one unit chart.
  size_t rows = 0;
  for (const auto& [id, chart] : data["charts"].items())
    if (id.rfind("unit-rows-", 0) == 0) rows += chart["data"]["labels"].size();
  EXPECT_EQ(rows, bars);
  EXPECT_EQ(data["charts"]["top10-chart"]["data"]["labels"].size(), 10u);
  for (const char* id : {"summary-section", "graph-section", "timeline-section", "layers-section",
                         "top10", "advice"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_EQ(html.find("id=\"compare-section\""), std::string::npos);  // not asked for
  EXPECT_EQ(html.find("id=\"plan-section\""), std::string::npos);
}

// The summary states the TensorRT version modelled and the cost model's uncertainty: ±N% on the
// throughput and latency cards for a calibrated regime, "uncalibrated" otherwise.
TEST(Report, SummaryStatesTrtVersionAndUncertainty) {
  dlasim::Plan plan = build(kGN);
  dlasim::Performance p = plan.performance();
  std::string html = dlasim::reportHtml(plan);
  EXPECT_NE(html.find("<tr><th>TensorRT modelled</th><td>" + p.trtVersion + " ("),
            std::string::npos);
  EXPECT_NE(html.find("<tr><th>uncertainty</th><td>" + dlasim::uncertaintyText(p)),
            std::string::npos);
  ASSERT_GE(p.uncertainty, 0);  // the seed's regime is calibrated
  std::string pm = "&plusmn;" + std::to_string(std::lround(p.uncertainty * 100)) + "%</small>";
  EXPECT_EQ(occurrences(html, pm), 2u) << pm;
  TempDir dir("report_uncertainty");
  std::string out = (dir / "r.html").string();
  ASSERT_EQ(report(kGN, {"--trtVersion=8.6", "--out=" + out, "--quiet"}).code, 0);
  std::string other = readFile(out);
  EXPECT_NE(other.find("<tr><th>TensorRT modelled</th><td>8.6 ("), std::string::npos);
  EXPECT_EQ(occurrences(other, "(uncalibrated)</small>"), 2u);
  EXPECT_NE(other.find("modelled, uncalibrated regime"), std::string::npos);
}

TEST(Report, AdviceIsCheckAdvice) {
  auto gn = dlasim::placementAdvice(build(kGN));
  ASSERT_FALSE(gn.empty());
  EXPECT_NE(gn[0].fix.find("BatchNorm"), std::string::npos) << gn[0].fix;
  EXPECT_EQ(gn[0].layers.front(), "Reshape_2 + (Unnamed Layer* 7) [Shuffle]");
  Result check = runCli({"check", kGN, "--shapes=input:32x3x32x32"});
  ASSERT_EQ(check.code, 0) << check.err;
  for (const auto& a : gn) EXPECT_NE(check.out.find("  " + a.fix + " ("), std::string::npos);
  // A GPU-only build breaks no DLA rule: nothing to advise.
  dlasim::LoadOptions lo;
  lo.shapes["input"] = {32, 3, 32, 32};
  EXPECT_TRUE(dlasim::placementAdvice(dlasim::Model::load(kGN, lo).build({})).empty());
}

TEST(Report, CompareAndPlanSections) {
  TempDir dir("report_sections");
  std::string json = (dir / "gn.compare.json").string();
  Result c = runCli({"compare", kGN, "--shapes=input:2x3x32x32", "--int8", "--useDLACore=0",
                     "--per-layer", "--json=" + json, "--rtol=1", "--atol=1"});
  ASSERT_LE(c.code, 1) << c.err;
  std::string out = (dir / "r.html").string();
  Result r = runCli({"report", kGN, "--shapes=input:2x3x32x32", "--int8", "--useDLACore=0",
                     "--allowGPUFallback", "--compare=" + json, "--plan", "--batches=1,2",
                     "--powerModes=MAXN", "--out=" + out});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string html = readFile(out);
  EXPECT_NE(html.find("<canvas id=\"error-curve\""), std::string::npos);
  EXPECT_NE(html.find("<canvas id=\"capacity-chart\""), std::string::npos);
  EXPECT_NE(html.find("class=\"best\""), std::string::npos);
  nlohmann::json data = reportData(html);
  ASSERT_TRUE(data.is_object());
  // One error point per compared layer, split between the DLA's and the GPU's datasets.
  size_t compared = dataset(data, "error-curve", "relative error")["data"].size();
  EXPECT_GT(compared, 0u);
  size_t dla = dataset(data, "error-curve", "DLA layers")["data"].size();
  size_t gpu = dataset(data, "error-curve", "GPU layers")["data"].size();
  EXPECT_EQ(dla + gpu, compared);
  bool jump = false;
  for (const auto& d : data["charts"]["error-curve"]["data"]["datasets"])
    jump = jump || d["label"].get<std::string>().rfind("first jump: ", 0) == 0;
  EXPECT_EQ(jump, c.out.find("First jump: layer") != std::string::npos);
  // Images per second against batch (1 is skipped: the import's batch is 2), one line per
  // placement planned: one row each of the table at the one power mode.
  EXPECT_EQ(data["charts"]["capacity-chart"]["data"]["labels"], nlohmann::json({"2"}));
  EXPECT_EQ(data["charts"]["capacity-chart"]["data"]["datasets"].size(),
            occurrences(html, "</td><td>MAXN</td>"));
  EXPECT_GE(occurrences(html, "</td><td>MAXN</td>"), 3u);
  // The same comparison is another model's for ModelBN: one line, exit 2, nothing written.
  std::string bn = (dir / "bn.html").string();
  writeFile(bn, "keep");
  Result other = report(kBN, {"--compare=" + json, "--out=" + bn});
  EXPECT_EQ(other.code, 2);
  EXPECT_EQ(occurrences(other.err, "\n"), 1u) << other.err;
  EXPECT_NE(other.err.find("dlasim: error: " + json), std::string::npos) << other.err;
  EXPECT_NE(other.err.find("another model"), std::string::npos) << other.err;
  EXPECT_EQ(readFile(bn), "keep");
}

TEST(Report, BadOutputAndInputsExitTwoWithOneLine) {
  TempDir dir("report_bad");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--out=/nonexistent-dir/r.html"},
           {"--out=" + (dir / "r.html").string(), "--compare=" + (dir / "missing.json").string()},
           {"--out="},
           {"--out=" + (dir / "r.html").string(), "--plan=4"},
           {"--out=" + (dir / "r.html").string(), "--powerMode=9000W"},
           {"--out=" + kGN}}) {  // would overwrite the model
    Result r = report(kGN, args);
    EXPECT_EQ(r.code, 2) << args[0] << r.out;
    EXPECT_EQ(r.err.rfind("dlasim: error: ", 0), 0u) << r.err;
    EXPECT_EQ(occurrences(r.err, "\n"), 1u) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir / "r.html"));
  EXPECT_EQ(report(kGN, {}).code, 2);  // no --out
  writeFile(dir / "bad.json", "{\"perLayer\": {\"layers\": [{\"name\": 3}]}}");
  Result bad = report(
      kGN, {"--out=" + (dir / "r.html").string(), "--compare=" + (dir / "bad.json").string()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("bad.json"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "r.html"));
  // An impossible build is a verdict (exit 1), as for a run.
  Result verdict = runCli({"report", kGN, "--shapes=input:32x3x32x32", "--int8", "--useDLACore=0",
                           "--out=" + (dir / "r.html").string()});
  EXPECT_EQ(verdict.code, 1) << verdict.err;
  EXPECT_FALSE(fs::exists(dir / "r.html"));
}

TEST(Report, FromAnEngineAndTraceFromARun) {
  TempDir dir("report_engine");
  std::string engine = (dir / "gn.engine").string(), trace = (dir / "run.trace.json").string();
  std::vector<std::string> args = {"--onnx=" + kGN, "--saveEngine=" + engine,
                                   "--exportTrace=" + trace, "--skipInference"};
  args.insert(args.end(), kFlags.begin(), kFlags.end());
  Result run = runCli(args);
  ASSERT_EQ(run.code, 0) << run.err;
  auto j = nlohmann::json::parse(readFile(trace));
  EXPECT_GT(j["traceEvents"].size(), 30u);
  std::string out = (dir / "engine.html").string();
  Result r = runCli({"report", "--loadEngine=" + engine, "--out=" + out, "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // --quiet
  EXPECT_EQ(occurrences(readFile(out), "<g id=\"layer_"), build(kGN).layers().size());
  EXPECT_EQ(runCli({"report", kGN, "--loadEngine=" + engine, "--out=" + out}).code, 2);
}

}  // namespace

namespace {

TEST(Progress, OneLineWithCountRateAndTimeLeftOnlyOnATerminal) {
  std::ostringstream err;
  auto line = dlasim::cli::progressLine(err, "Calibrating", "samples");
  line(0, 4);
  line(4, 4);
  const std::string s = err.str();
  EXPECT_NE(s.find("\rCalibrating: 0/4 samples, "), std::string::npos) << s;
  EXPECT_NE(s.find("\rCalibrating: 4/4 samples, "), std::string::npos) << s;
  EXPECT_NE(s.find("/s, "), std::string::npos) << s;
  EXPECT_EQ(s.back(), '\n');
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1);
  // Not a terminal (a string, or ctest's pipes), or --quiet: nothing.
  EXPECT_FALSE(dlasim::cli::progressWanted(err, false));
  EXPECT_FALSE(dlasim::cli::progressWanted(std::cerr, true));
  EXPECT_FALSE(dlasim::cli::progressIfWanted(err, false, "Comparing", "layers"));
}

}  // namespace

namespace {

// A profile measured on a device beside the modelled one; another model's is refused.
TEST(Report, MeasuredProfileOfTheSameModelOnly) {
  TempDir dir("report_profile");
  std::string profile = (dir / "gn.profile.json").string();
  std::vector<std::string> args = {"--onnx=" + kGN, "--exportProfile=" + profile, "--iterations=1",
                                   "--duration=0", "--warmUp=0"};
  args.insert(args.end(), kFlags.begin(), kFlags.end());
  ASSERT_EQ(runCli(args).code, 0);
  std::string out = (dir / "r.html").string();
  Result r = report(kGN, {"--profile=" + profile, "--out=" + out});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string html = readFile(out);
  EXPECT_NE(html.find("id=\"measured\""), std::string::npos);
  nlohmann::json data = reportData(html);
  ASSERT_TRUE(data.is_object());
  EXPECT_EQ(dataset(data, "measured-chart", "measured")["data"].size(),
            std::min<size_t>(20, nlohmann::json::parse(readFile(profile)).size() - 1));
  // The profile's rows, as trtexec's: a loadable is one row (its layers folded under it).
  EXPECT_NE(html.find("<td class=\"name\">{ForeignNode[Conv_0]}</td>"), std::string::npos);
  dlasim::MeasuredProfile m = dlasim::readProfileJson(profile, build(kGN));
  EXPECT_EQ(m.rows.size(), nlohmann::json::parse(readFile(profile)).size() - 1);  // less "count"
  auto loadable = std::find_if(m.rows.begin(), m.rows.end(),
                               [](const auto& r) { return r.name == "{ForeignNode[Conv_0]}"; });
  ASSERT_NE(loadable, m.rows.end());
  EXPECT_GT(loadable->averageMs, 0);
  Result other = report(kBN, {"--profile=" + profile, "--out=" + (dir / "bn.html").string()});
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("a profile of another model or build"), std::string::npos) << other.err;
  EXPECT_EQ(occurrences(other.err, "\n"), 1u);
  EXPECT_FALSE(fs::exists(dir / "bn.html"));
  writeFile(dir / "bad.json", "[{\"count\": 3}, {\"name\": \"Conv_0\"}]");
  Result bad = report(kGN, {"--profile=" + (dir / "bad.json").string(), "--out=" + out});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("averageMs"), std::string::npos) << bad.err;
}

}  // namespace
