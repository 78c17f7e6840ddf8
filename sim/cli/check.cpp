#include "sim/cli/check.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "sim/cli/build.h"
#include "sim/cli/subcommand.h"

namespace sim::cli {

namespace {

struct OpRow {
  int count = 0, dla = 0;
  std::map<std::string, std::pair<std::string, std::vector<std::string>>>
      reasons;  // rule -> (message, nodes)
};

std::string joinNames(const std::vector<std::string>& v, size_t max = 6) {
  std::string s;
  for (size_t i = 0; i < v.size() && i < max; ++i) s += (i ? ", " : "") + v[i];
  if (v.size() > max) s += cat(", ... (", v.size(), " in all)");
  return s;
}

void report(const onnx_import::ImportResult& model, const Options& o, const BuildResult& b,
            std::ostream& out) {
  const Graph& g = model.graph;
  const hw::Platform& p = *b.platform;
  std::string prec = o.best   ? "INT8+FP16"
                     : o.int8 ? (o.fp16 ? "INT8+FP16" : "INT8")
                     : o.fp16 ? "FP16"
                              : "FP32";
  out << "DLA compatibility of " << o.onnx << " on " << p.name << " (" << p.id << "), " << prec
      << ", DLA core " << o.useDLACore << "\n";
  int onDla = 0;
  int64_t macs = 0, dlaMacs = 0;
  std::map<std::string, OpRow> rows;
  std::vector<std::string> order;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    bool dla = b.partition.loadableOf[i] >= 0;
    int64_t m = hw::layerMacs(g, n);
    macs += m;
    if (dla) {
      ++onDla;
      dlaMacs += m;
    }
    // A fused layer counts once for each ONNX node in it.
    for (const auto& f : n.fused) {
      if (!rows.count(f.second)) order.push_back(f.second);
      ++rows[f.second].count;
      rows[f.second].dla += dla;
    }
    if (!rows.count(n.onnxOp)) order.push_back(n.onnxOp);
    OpRow& r = rows[n.onnxOp];
    ++r.count;
    r.dla += dla;
    if (dla) continue;
    auto add = [&](const std::string& rule, const std::string& msg) {
      auto& e = r.reasons[rule];
      if (e.first.empty()) e.first = msg;
      if (e.second.empty() || e.second.back() != n.name) e.second.push_back(n.name);
    };
    if (!b.forcedGpu[i].empty()) add("layerDeviceTypes", b.forcedGpu[i]);
    for (const auto& v : b.verdicts[i].violations) add(v.rule, v.message);
    for (const auto& e : b.partition.evicted)
      if (e.node == NodeId(i)) add(e.rule, e.message);
  }
  out << "Layers: " << g.nodes.size() << " (" << onDla << " on DLA, " << g.nodes.size() - onDla
      << " on GPU); loadables: " << b.partition.loadables.size() << " of "
      << p.limits.maxLoadablesPerCore << " allowed per DLA core\n";
  out << std::fixed << std::setprecision(1)
      << "MACs on DLA: " << (macs ? 100.0 * double(dlaMacs) / double(macs) : 0.0) << "% ("
      << double(dlaMacs) / 1e6 << " of " << double(macs) / 1e6 << " million)\n";
  for (const auto& l : b.partition.loadables)
    out << "  loadable " << foreignNodeName(g, l) << ": " << l.nodes.size() << " layers\n";
  out << "\n"
      << std::left << std::setw(22) << "Operator" << std::right << std::setw(6) << "Count"
      << std::setw(5) << "DLA" << std::setw(5) << "GPU"
      << "  Reasons (nodes)\n";
  for (const auto& op : order) {
    const OpRow& r = rows[op];
    out << std::left << std::setw(22) << op << std::right << std::setw(6) << r.count << std::setw(5)
        << r.dla << std::setw(5) << r.count - r.dla;
    bool first = true;
    for (const auto& [rule, e] : r.reasons) {
      out << (first ? "  " : std::string(40, ' ')) << rule << ": " << e.first << " ("
          << joinNames(e.second) << ")\n";
      first = false;
    }
    if (first) out << "\n";
  }
  // Each suggested change once, with the layers it would move to the DLA.
  std::vector<std::pair<std::string, std::vector<std::string>>> fixes;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (b.partition.loadableOf[i] >= 0) continue;
    for (const auto& v : b.verdicts[i].violations) {
      if (v.fix.empty()) continue;
      auto it =
          std::find_if(fixes.begin(), fixes.end(), [&](const auto& f) { return f.first == v.fix; });
      if (it == fixes.end())
        fixes.push_back({v.fix, {g.nodes[i].name}});
      else if (it->second.back() != g.nodes[i].name)
        it->second.push_back(g.nodes[i].name);
    }
  }
  if (!fixes.empty()) out << "\nChanges that would put layers on the DLA:\n";
  for (const auto& [fix, nodes] : fixes) out << "  " << fix << " (" << joinNames(nodes) << ")\n";
}

}  // namespace

int checkMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  SubcommandArgs a = splitSubcommandArgs(argc, argv, {"--strict"});
  if (a.model.empty()) {
    err << "dlasim: error: usage: dlasim check model.onnx [--platform=ID] [--int8|--fp16|--best] "
           "[--shapes=...] [--useDLACore=N] [--strict]\n";
    return 2;
  }
  bool strict = a.own.count("--strict") > 0;
  bool prec = false;
  for (const auto& t : a.trtexec) prec |= t == "--int8" || t == "--fp16" || t == "--best";
  return runGuarded(err, [&]() -> int {
    // INT8 is the DLA's main precision (the report header says which one was used).
    std::vector<std::string> defaults = {"--useDLACore=0", "--allowGPUFallback", "--skipInference"};
    if (!prec) defaults.push_back("--int8");
    auto o = subcommandOptions(a, defaults);
    if (!o) return 0;
    auto imported = importWithCalibration(*o, err);
    BuildResult b = buildPlan(imported, *o, nullptr);
    std::ostringstream text;
    report(imported, *o, b, text);
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) out << printable(line) << "\n";
    bool fallback = false;
    for (int l : b.partition.loadableOf) fallback |= l < 0;
    return strict && fallback ? 1 : 0;
  });
}

}  // namespace sim::cli
