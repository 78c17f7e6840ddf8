#include "cli/plan_cmd.h"

#include <cmath>

#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/capacity.h"
#include "dlasim/dlasim.h"

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

const char* kUsage =
    "usage: dlasim plan model.onnx [--platform=ID] [--int8|--fp16|--best] [--shapes=...] "
    "[--batches=1,2,4,...] [--powerModes=MAXN,...] [--placements=GPU,DLA0,DLA0+DLA1,"
    "DLA0+DLA1+GPU] [--target=throughput | --latency-budget=MS] [--format=table|csv|json]";

}  // namespace

std::set<std::string> capacityFlags() {
  return {"--batches", "--powerModes", "--placements", "--target", "--latency-budget"};
}

CapacityPlanOptions capacityOptions(SubcommandArgs& a, const Options& o) {
  CapacityPlanOptions po;
  po.build = buildConfig(o);
  po.shapes = o.shapes;
  if (a.own.count("--batches"))
    for (const auto& b : split(a.own["--batches"])) {
      if (b.find_first_not_of("0123456789") != std::string::npos || b.size() > 6)
        fail("--batches: '", b, "' is not a batch size");
      po.batches.push_back(std::stoll(b));
    }
  if (a.own.count("--powerModes")) po.powerModes = split(a.own["--powerModes"]);
  PlatformInfo pi = platform(po.build.platform);
  for (const auto& m : po.powerModes) {
    bool known = false;
    std::string names;
    for (const auto& pm : pi.powerModes) {
      known |= pm.name == m;
      names += (names.empty() ? "" : ", ") + pm.name;
    }
    if (!known) fail("--powerModes: ", pi.name, " has no power mode '", m, "' (", names, ")");
  }
  if (a.own.count("--placements"))
    for (const auto& s : split(a.own["--placements"])) {
      Placement p;
      if (!parsePlacement(s, &p))
        fail("--placements: '", s, "' is not one of GPU, DLA0, DLA0+DLA1, DLA0+DLA1+GPU");
      po.placements.push_back(p);
    }
  if (a.own.count("--target") && a.own["--target"] != "throughput")
    fail("--target: '", a.own["--target"],
         "' is not 'throughput' (use --latency-budget=MS for a latency target)");
  if (a.own.count("--latency-budget")) {
    const std::string& v = a.own["--latency-budget"];
    char* end = nullptr;
    double ms = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || !std::isfinite(ms) || ms <= 0)
      fail("--latency-budget: '", v, "' is not a positive number of milliseconds");
    po.latencyBudgetMs = ms;
  }
  return po;
}

int planMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  std::set<std::string> own = capacityFlags();
  own.insert("--format");
  SubcommandArgs a = splitSubcommandArgs(argc, argv, own);
  if (a.model.empty()) {
    err << "dlasim: error: " << kUsage << "\n";
    return 2;
  }
  bool prec = false;
  for (const auto& t : a.trtexec) prec |= t == "--int8" || t == "--fp16" || t == "--best";
  return runGuarded(err, [&]() -> int {
    // INT8 is the DLA's main precision; the GPU-only copies get the same precision flags.
    std::vector<std::string> defaults = {"--skipInference"};
    if (!prec) defaults.push_back("--int8");
    auto o = subcommandOptions(a, defaults);
    if (!o) return 0;
    std::string format = a.own.count("--format") ? a.own["--format"] : "table";
    if (format != "table" && format != "csv" && format != "json")
      fail("--format: '", format, "' is not one of table, csv, json");
    CapacityPlan plan = capacityPlan(o->onnx, capacityOptions(a, *o));
    out << formatCapacityPlan(plan, format);
    return 0;
  });
}

}  // namespace dlasim::cli
