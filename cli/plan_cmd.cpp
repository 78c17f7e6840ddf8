#include "cli/plan_cmd.h"

#include <cmath>

#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/capacity.h"
#include "dlasim/dlasim.h"
#include "dlasim/format.h"

namespace dlasim::cli {

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',') {
      if (!cur.empty()) v.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return v;
}

const SubcommandSpec kPlan = {
    "plan",
    "model.onnx",
    "Capacity planning with the cost model (modelled, not measured): sweeps batch sizes,\n"
    "power modes and placements and prints per configuration the throughput, latency, engine\n"
    "size, DRAM traffic and uncertainty, the best one marked '*', and a recommendation. Adds\n"
    "--int8 when no precision is given.",
    [] {
      std::vector<SubcommandFlag> f = capacityFlags();
      f.push_back({"--format", "FORMAT", "table (default), csv or json"});
      return f;
    }(),
    true,
    {"--skipInference"},
    true};

}  // namespace

std::vector<SubcommandFlag> capacityFlags() {
  return {
      {"--batches", "LIST", "Batch sizes, e.g. 1,8,32 (default 1,2,4,8,16,32)"},
      {"--powerModes", "LIST", "Power modes of the platform, e.g. MAXN,30W (default: all)"},
      {"--placements", "LIST",
       "GPU, DLA0, DLA0+GPU, DLA0+DLA1, DLA0+DLA1+GPU (default: all the platform has cores for; "
       "one it cannot model is an error)"},
      {"--platforms", "LIST", "Several platforms in one table, e.g. orin-agx,xavier-nx"},
      {"--precisions", "LIST", "Several precisions in one table: int8, fp16, best, fp32"},
      {"--target", "throughput", "Pick the configuration with the most throughput (default)"},
      {"--latency-budget", "MS", "Pick the most throughput within this latency (milliseconds)"}};
}

CapacityPlanOptions capacityOptions(const SubcommandValues& own, const Options& o) {
  auto value = [&](const char* flag) -> const std::string& { return own.at(flag); };
  CapacityPlanOptions po;
  po.build = buildConfig(o);
  po.shapes = o.shapes;
  if (own.count("--batches"))
    for (const auto& b : split(value("--batches"))) {
      if (b.find_first_not_of("0123456789") != std::string::npos || b.size() > 6)
        fail("--batches: '", b, "' is not a batch size");
      po.batches.push_back(std::stoll(b));
    }
  if (own.count("--powerModes")) po.powerModes = split(value("--powerModes"));
  if (own.count("--platforms")) po.platforms = split(value("--platforms"));
  if (own.count("--precisions")) po.precisions = split(value("--precisions"));
  PlatformInfo pi = platform(po.build.platform);
  // (With --platforms each platform's modes are checked by the plan itself.)
  for (const auto& m : po.platforms.empty() ? po.powerModes : std::vector<std::string>{}) {
    bool known = false;
    std::string names;
    for (const auto& pm : pi.powerModes) {
      known |= pm.name == m;
      names += (names.empty() ? "" : ", ") + pm.name;
    }
    if (!known) fail("--powerModes: ", pi.name, " has no power mode '", m, "' (", names, ")");
  }
  if (own.count("--placements"))
    for (const auto& s : split(value("--placements"))) {
      Placement p;
      if (!parsePlacement(s, &p))
        fail("--placements: '", s, "' is not one of GPU, DLA0, DLA0+GPU, DLA0+DLA1, DLA0+DLA1+GPU");
      po.placements.push_back(p);
    }
  if (own.count("--target") && value("--target") != "throughput")
    fail("--target: '", value("--target"),
         "' is not 'throughput' (use --latency-budget=MS for a latency target)");
  if (own.count("--latency-budget")) {
    const std::string& v = value("--latency-budget");
    char* end = nullptr;
    double ms = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || !std::isfinite(ms) || ms <= 0)
      fail("--latency-budget: '", v, "' is not a positive number of milliseconds");
    po.latencyBudgetMs = ms;
  }
  return po;
}

int planMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return runSubcommand(kPlan, argc, argv, out, err, [&](ParsedSubcommand& a) -> int {
    const std::optional<Options>& o = a.options;
    std::string format = a.own.count("--format") ? a.own["--format"] : "table";
    if (format != "table" && format != "csv" && format != "json")
      fail("--format: '", format, "' is not one of table, csv, json");
    CapacityPlan plan = capacityPlan(o->onnx, capacityOptions(a.own, *o));
    out << formatCapacityPlan(plan, format);
    return 0;
  });
}

}  // namespace dlasim::cli
