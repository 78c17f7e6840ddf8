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

std::map<std::string, NodePlace> nodePlaces(const Engine& plan, std::vector<std::string>* order) {
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

}  // namespace

std::vector<std::string> versionPair(const std::string& v) {
  size_t comma = v.find(',');
  if (comma == std::string::npos) return {};
  std::string a = v.substr(0, comma), b = v.substr(comma + 1);
  if (a.empty() || b.empty() || b.find(',') != std::string::npos)
    throw InputError("--trtVersion=" + v + ": compare exactly two versions, e.g. 8.4,10.3");
  return {a, b};
}

void compareVersions(const std::vector<std::string>& versions, const std::vector<Engine>& plans,
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

}  // namespace dlasim::cli
