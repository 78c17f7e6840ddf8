// `dlasim rules --trtVersion=V` and `dlasim check --trtVersion=A,B`: the DLA rules of one
// TensorRT version, and the layers that move between DLA and GPU from one version to another.
#include <map>
#include <sstream>

#include "cli/check.h"
#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/dlasim.h"

namespace dlasim::cli {

namespace {

// Per ONNX node (in model order): on the DLA when any layer made of it is, else the first rule
// its GPU layer breaks.
struct NodePlace {
  std::string op;
  bool dla = false;
  std::string rule, message;
};

std::map<std::string, NodePlace> nodePlaces(const Plan& plan, std::vector<std::string>* order) {
  std::map<std::string, NodePlace> m;
  for (const LayerInfo& l : plan.layers())
    for (const auto& node : l.onnxNodes) {
      auto [it, added] = m.insert({node.name, {node.op}});
      if (added && order) order->push_back(node.name);
      NodePlace& p = it->second;
      p.dla |= l.device == Device::kDLA;
      if (!p.dla && p.rule.empty() && !l.reasons.empty()) {
        p.rule = l.reasons.front().rule;
        p.message = l.reasons.front().message;
      }
    }
  return m;
}

// The value of --flag=V or --flag V in `args`, removed from it ("" when absent).
std::string takeFlag(std::vector<std::string>& args, const std::string& flag) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind(flag + "=", 0) == 0) {
      std::string v = args[i].substr(flag.size() + 1);
      args.erase(args.begin() + long(i));
      return v;
    }
    if (args[i] == flag && i + 1 < args.size()) {
      std::string v = args[i + 1];
      args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
      return v;
    }
  }
  return "";
}

}  // namespace

std::vector<std::string> takeVersionPair(std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    bool eq = args[i].rfind("--trtVersion=", 0) == 0;
    std::string v = eq                                                 ? args[i].substr(13)
                    : args[i] == "--trtVersion" && i + 1 < args.size() ? args[i + 1]
                                                                       : "";
    size_t comma = v.find(',');
    if (comma == std::string::npos) continue;
    args.erase(args.begin() + long(i), args.begin() + long(i) + (eq ? 1 : 2));
    std::string a = v.substr(0, comma), b = v.substr(comma + 1);
    if (a.empty() || b.empty() || b.find(',') != std::string::npos)
      throw InputError("--trtVersion=" + v + ": compare exactly two versions, e.g. 8.4,10.3");
    return {a, b};
  }
  return {};
}

void compareVersions(const std::vector<std::string>& versions, const std::vector<Plan>& plans,
                     std::ostream& out) {
  const std::string &va = versions[0], &vb = versions[1];
  const PlanSettings& st = plans[0].settings();
  out << "DLA placement of TensorRT " << va << " vs " << vb << " on " << st.platformName << " ("
      << st.platform << ")\n";
  for (size_t i = 0; i < 2; ++i) {
    int dla = 0;
    for (const LayerInfo& l : plans[i].layers()) dla += l.device == Device::kDLA;
    out << "TensorRT " << versions[i] << ": " << plans[i].loadables().size() << " loadables, "
        << dla << " of " << plans[i].layers().size() << " layers on DLA\n";
  }
  std::vector<std::string> order;
  auto a = nodePlaces(plans[0], &order), b = nodePlaces(plans[1], nullptr);
  int moved = 0;
  std::ostringstream lines;
  for (const auto& name : order) {
    auto it = b.find(name);
    if (it == b.end() || it->second.dla == a[name].dla) continue;
    const NodePlace &pa = a[name], &pb = it->second;
    const NodePlace& gpu = pa.dla ? pb : pa;
    ++moved;
    lines << "  " << name << " (" << pa.op << "): " << (pa.dla ? "DLA" : "GPU") << " -> "
          << (pb.dla ? "DLA" : "GPU") << "; " << (pa.dla ? vb : va) << ": "
          << (gpu.rule.empty() ? "on the GPU" : gpu.rule + ": " + gpu.message) << "\n";
  }
  out << "Layers that move (" << va << " -> " << vb << "): " << moved << "\n" << lines.str();
}

int rulesMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return runGuarded(err, [&]() -> int {
    std::vector<std::string> args(argv + 2, argv + argc);
    std::string version = takeFlag(args, "--trtVersion");
    std::string jetpack = takeFlag(args, "--jetpack");
    if (!args.empty())
      throw InputError("rules: unknown argument '" + args.front() +
                       "' (usage: dlasim rules [--trtVersion=V | --jetpack=J])");
    if (!jetpack.empty()) {
      std::string v = trtVersionForJetpack(jetpack);
      if (!version.empty() && version != v)
        throw InputError("--jetpack=" + jetpack + " ships TensorRT " + v +
                         ", not --trtVersion=" + version);
      version = v;
    }
    out << rulesMarkdown(version);
    return 0;
  });
}

}  // namespace dlasim::cli
