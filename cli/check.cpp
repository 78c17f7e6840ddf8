#include "cli/check.h"

#include <algorithm>
#include <iomanip>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/dlasim.h"

namespace dlasim::cli {

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

// Each layer's work record: where it runs, in which precision, on which unit, and what it
// computes and moves.
void printWork(const Engine& plan, std::ostream& out) {
  out << "\nWork per layer (bytes in the layer's precision):\n"
      << std::left << std::setw(40) << "Layer" << std::setw(5) << "Dev" << std::setw(6) << "Prec"
      << std::setw(7) << "Unit" << std::right << std::setw(14) << "MACs" << std::setw(12)
      << "ElemOps" << std::setw(12) << "In bytes" << std::setw(12) << "Out bytes" << std::setw(12)
      << "Wt bytes"
      << "\n";
  for (const LayerInfo& l : plan.layers()) {
    std::string name = l.name.size() > 38 ? l.name.substr(0, 35) + "..." : l.name;
    out << std::left << std::setw(40) << name << std::setw(5) << deviceName(l.device)
        << std::setw(6) << precisionName(l.precision) << std::setw(7) << engineUnitName(l.work.unit)
        << std::right << std::setw(14) << l.work.macs << std::setw(12) << l.work.eltOps
        << std::setw(12) << l.work.inputBytes << std::setw(12) << l.work.outputBytes
        << std::setw(12) << l.work.weightBytes << "\n";
  }
}

void report(const Options& o, const Engine& plan, std::ostream& out) {
  const PlanSettings& st = plan.settings();
  PlatformInfo p = platform(st.platform);
  std::string prec = o.best   ? "INT8+FP16"
                     : o.int8 ? (o.fp16 ? "INT8+FP16" : "INT8")
                     : o.fp16 ? "FP16"
                              : "FP32";
  out << "DLA compatibility of " << o.onnx << " on " << p.name << " (" << p.id << "), " << prec
      << ", DLA core " << o.useDLACore << "\n";
  const auto& layers = plan.layers();
  int onDla = 0;
  std::map<std::string, OpRow> rows;
  std::vector<std::string> order;
  // Each ONNX node counts once, on the DLA when any layer made of it is (a Gemm whose multiply
  // runs on the DLA and whose squeeze runs on the GPU counts on the DLA).
  std::map<std::string, std::pair<std::string, bool>> nodes;  // name -> (op, on DLA)
  std::vector<std::string> nodeOrder;
  for (const LayerInfo& l : layers) {
    bool dla = l.device == Device::kDLA;
    onDla += dla;
    for (const auto& node : l.onnxNodes) {
      auto [it, added] = nodes.insert({node.name, {node.op, false}});
      if (added) nodeOrder.push_back(node.name);
      it->second.second |= dla;
    }
    if (dla) continue;
    OpRow& r = rows[l.onnxOp];
    for (const auto& v : l.reasons) {
      auto& e = r.reasons[v.rule];
      if (e.first.empty()) e.first = v.message;
      if (e.second.empty() || e.second.back() != l.name) e.second.push_back(l.name);
    }
  }
  for (const auto& name : nodeOrder) {
    const auto& [op, dla] = nodes[name];
    if (std::find(order.begin(), order.end(), op) == order.end()) order.push_back(op);
    ++rows[op].count;
    rows[op].dla += dla;
  }
  for (const auto& [op, row] : rows)
    if (std::find(order.begin(), order.end(), op) == order.end()) order.push_back(op);
  int64_t macs = plan.totalMacs(), dlaMacs = plan.dlaMacs();
  out << "Layers: " << layers.size() << " (" << onDla << " on DLA, " << layers.size() - onDla
      << " on GPU); loadables: " << plan.loadables().size() << " of " << p.maxLoadablesPerCore
      << " allowed per DLA core\n";
  out << std::fixed << std::setprecision(1)
      << "MACs on DLA: " << (macs ? 100.0 * double(dlaMacs) / double(macs) : 0.0) << "% ("
      << double(dlaMacs) / 1e6 << " of " << double(macs) / 1e6 << " million)\n";
  // Sizes as the cost model stores them (docs/cost-model.md, "Engine size").
  EngineMemory mem = plan.memory();
  auto kib = [](int64_t b) { return double(b) / 1024.0; };
  for (size_t i = 0; i < plan.loadables().size(); ++i) {
    const auto& l = plan.loadables()[i];
    out << "  loadable " << l.name << ": " << l.layers.size() << " layers";
    if (i < mem.loadables.size()) {
      const LoadableMemory& m = mem.loadables[i];
      out << ", " << kib(m.totalBytes) << " KiB (convolution weights " << kib(m.convWeightBytes)
          << ", other constants " << kib(m.constantBytes) << ", metadata " << kib(m.metadataBytes)
          << "), local DRAM " << kib(m.activationBytes) << " KiB, managed SRAM " << kib(m.sramBytes)
          << " KiB";
    }
    out << "\n";
  }
  out << "Engine size (modelled): " << kib(mem.engineBytes) / 1024.0 << " MiB; DLA weights "
      << kib(mem.dlaWeightBytes) / 1024.0 << " MiB of the " << kib(mem.weightLimitBytes) / 1024.0
      << " MiB limit\n";
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
  auto fixes = placementAdvice(plan);
  if (!fixes.empty()) out << "\nChanges that would put layers on the DLA:\n";
  for (const auto& f : fixes) out << "  " << f.fix << " (" << joinNames(f.layers) << ")\n";
  printWork(plan, out);
}

const SubcommandSpec kCheck = {
    "check",
    "model.onnx",
    "Imports the model, applies the DLA rules of --platform and prints a compatibility report:\n"
    "layers on the DLA and the GPU, loadables, the share of MACs on the DLA, each failed rule\n"
    "per ONNX operator with its layers, the changes that would move layers to the DLA, and\n"
    "each layer's work. Adds --useDLACore=0 and --int8 when not given. --trtVersion=A,B\n"
    "compares two TensorRT versions instead: the layers that move and the rule that differs.\n"
    "Exit 0; 1 with --strict when a layer runs on the GPU; 2 for bad input.",
    {{"--strict", "", "Exit 1 when any layer falls back to the GPU (a CI gate)"},
     {"--format", "FORMAT", "text (default) or json: the report as one JSON document"}},
    true,
    {"--useDLACore=0", "--allowGPUFallback", "--skipInference"},
    true};

const SubcommandSpec kRules = {
    "rules",
    "",
    "Prints the DLA rule table (every rule with each platform's limits) as Markdown: the text\n"
    "of docs/dla-rules.md for TensorRT 8.4, another version's with --trtVersion.",
    {{"--trtVersion", "V", "The TensorRT version's rules: 8.4 (default), 8.5, 8.6, 10.3"},
     {"--jetpack", "J", "The rules of the TensorRT a JetPack release ships (5.0 ... 6.2)"}},
    false,
    {},
    false};

}  // namespace

int rulesMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return runSubcommand(kRules, argc, argv, out, err, [&](ParsedSubcommand& a) {
    std::string version = a.own.count("--trtVersion") ? a.own["--trtVersion"] : "";
    if (a.own.count("--jetpack")) {
      std::string v = trtVersionForJetpack(a.own["--jetpack"]);
      if (!version.empty() && version != v)
        throw InputError("--jetpack=" + a.own["--jetpack"] + " ships TensorRT " + v +
                         ", not --trtVersion=" + version);
      version = v;
    }
    out << rulesMarkdown(version);
    return 0;
  });
}

int checkMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return runSubcommand(kCheck, argc, argv, out, err, [&](ParsedSubcommand& a) -> int {
    const Options& o = *a.options;
    bool strict = a.own.count("--strict") > 0;
    std::string format = a.own.count("--format") ? a.own["--format"] : "text";
    if (format != "text" && format != "json")
      fail("--format: '", format, "' is not one of text, json");
    // Model-derived text (layer names) is printed with control characters escaped.
    auto emit = [&](const std::string& text) {
      std::istringstream lines(text);
      for (std::string line; std::getline(lines, line);) out << printable(line) << "\n";
    };
    std::vector<std::string> versions = versionPair(o.trtVersion);
    if (!versions.empty() && format == "json")
      fail("--format=json: not available with --trtVersion=A,B (the comparison is text only)");
    if (!versions.empty()) {  // --trtVersion=A,B: which layers move between the two
      Model model = importModel(o, err);
      std::vector<Engine> plans;
      for (const auto& v : versions) {
        BuildConfig c = buildConfig(o);
        c.trtVersion = v;
        plans.push_back(model.build(c));
      }
      std::ostringstream text;
      compareVersions(versions, plans, text);
      emit(text.str());
      return 0;
    }
    Engine plan = importModel(o, err).build(buildConfig(o));
    if (format == "json") {
      out << checkJson(o.onnx, plan);  // the JSON library escapes what the model names hold
    } else {
      std::ostringstream text;
      report(o, plan, text);
      emit(text.str());
    }
    bool fallback = false;
    for (const auto& l : plan.layers()) fallback |= l.device == Device::kGPU;
    return strict && fallback ? 1 : 0;
  });
}

}  // namespace dlasim::cli
