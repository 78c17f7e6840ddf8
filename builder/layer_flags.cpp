#include "builder/layer_flags.h"

namespace builder {

using namespace sim;

namespace {

// One '*' matches any run of characters (trtexec 10's wildcard); without one, equality.
bool matches(const std::string& pattern, const std::string& text) {
  size_t star = pattern.find('*');
  if (star == std::string::npos) return pattern == text;
  std::string pre = pattern.substr(0, star), post = pattern.substr(star + 1);
  return text.size() >= pre.size() + post.size() && text.compare(0, pre.size(), pre) == 0 &&
         text.compare(text.size() - post.size(), post.size(), post) == 0;
}

template <class V>
void resolve(const Graph& g, const char* flag, const std::vector<std::pair<std::string, V>>& spec,
             std::vector<std::optional<V>>& out, std::vector<std::string>& warnings) {
  out.assign(g.nodes.size(), std::nullopt);
  // "*" alone is the default of the layers no entry names: applied first, then overridden.
  for (const auto& [name, v] : spec)
    if (name == "*")
      for (auto& o : out) o = v;
  for (const auto& [name, v] : spec) {
    if (name == "*") continue;
    std::vector<size_t> hit;
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (namesLayer(name, g.nodes[i], false)) hit.push_back(i);
    // A name that is no layer's may be the ONNX node several layers came from (a Gemm's fully
    // connected layer and its Shuffles).
    if (hit.empty())
      for (size_t i = 0; i < g.nodes.size(); ++i)
        if (namesLayer(name, g.nodes[i], true)) hit.push_back(i);
    if (hit.empty())
      warnings.push_back(cat(flag, ": no layer named '", name, "' in the network; entry skipped"));
    for (size_t i : hit) out[i] = v;
  }
}

}  // namespace

bool namesLayer(const std::string& name, const Node& n, bool byOnnxNode) {
  if (byOnnxNode) return matches(name, n.onnxName);
  if (matches(name, n.name) || matches(name, n.firstName())) return true;
  for (const auto& f : n.fused)
    if (matches(name, f.first)) return true;
  return false;
}

LayerRequests resolveLayerFlags(const Graph& g, const dlasim::BuildConfig& cfg) {
  LayerRequests r;
  resolve(g, "--layerDeviceTypes", cfg.layerDevices, r.device, r.warnings);
  if (cfg.precisionConstraints == dlasim::PrecisionConstraints::kNone) {
    // trtexec ignores them then, and says so.
    for (const char* flag : {"--layerPrecisions", "--layerOutputTypes"}) {
      bool given = std::string(flag) == "--layerPrecisions" ? !cfg.layerPrecisions.empty()
                                                            : !cfg.layerOutputTypes.empty();
      if (given)
        r.warnings.push_back(cat(flag,
                                 " is ignored: set --precisionConstraints=prefer or obey for it "
                                 "to take effect"));
    }
    r.precision.assign(g.nodes.size(), std::nullopt);
    r.outputType.assign(g.nodes.size(), std::nullopt);
    return r;
  }
  resolve(g, "--layerPrecisions", cfg.layerPrecisions, r.precision, r.warnings);
  resolve(g, "--layerOutputTypes", cfg.layerOutputTypes, r.outputType, r.warnings);
  return r;
}

}  // namespace builder
