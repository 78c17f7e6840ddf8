#include "report/graph_svg.h"

#include <graphviz/gvc.h>

#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace dlasim::report {

namespace {

// Distinct hues for loadables (ColorBrewer's Set2 and Dark2 qualitative palettes).
const char* const kPalette[] = {"#66c2a5", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f",
                                "#e5c494", "#1b9e77", "#7570b3", "#e7298a", "#66a61e",
                                "#e6ab02", "#a6761d", "#fc8d62"};
const char* const kGpuGrey = "#c8c8c8";

std::string dotText(const std::string& s) {
  std::string out;
  for (char c : printable(s)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string quoted(const std::string& s) {
  return "\"" + dotText(s) + "\"";
}

// A two-line node label (DOT's "\n" centres each line).
std::string label(const std::string& first, const std::string& second) {
  return "\"" + dotText(first) + "\\n" + dotText(second) + "\"";
}

std::string shortName(const std::string& name, size_t max = 30) {
  return name.size() <= max ? name : name.substr(0, max - 3) + "...";
}

// Graphviz keeps global state (its error handler, the layout's globals): one layout at a time.
std::string layout(const std::string& dot) {
  static std::mutex graphviz;
  std::lock_guard<std::mutex> lock(graphviz);
  agseterr(AGMAX);  // no warnings on stderr; the input is ours
  GVC_t* gvc = gvContext();
  Agraph_t* g = agmemread(dot.c_str());
  if (!g) {
    gvFreeContext(gvc);
    throw std::logic_error("graphviz could not read the report's graph");
  }
  char* data = nullptr;
  unsigned int size = 0;
  int rc = gvLayout(gvc, g, "dot");
  if (rc == 0) rc = gvRenderData(gvc, g, "svg", &data, &size);
  std::string svg = rc == 0 && data ? std::string(data, size) : std::string();
  if (data) gvFreeRenderData(data);
  gvFreeLayout(gvc, g);
  agclose(g);
  gvFreeContext(gvc);
  if (svg.empty()) throw std::logic_error("graphviz could not lay out the report's graph");
  // Drop the XML prologue and DOCTYPE: the SVG is inlined in HTML.
  size_t at = svg.find("<svg");
  return at == std::string::npos ? svg : svg.substr(at);
}

// Producer of each tensor: a layer index, or -(k + 1) for binding input k.
struct Edges {
  std::unordered_map<std::string, int> producer;
  std::set<std::string> outputs;
};

Edges edgesOf(const Engine& plan) {
  Edges e;
  auto inputs = plan.inputs();
  for (size_t k = 0; k < inputs.size(); ++k) e.producer[inputs[k].name] = -int(k) - 1;
  const auto& layers = plan.layers();
  for (size_t i = 0; i < layers.size(); ++i)
    for (const auto& t : layers[i].outputs) e.producer[t] = int(i);
  for (const auto& o : plan.outputs()) e.outputs.insert(o.name);
  return e;
}

std::string header() {
  return "digraph plan {\n"
         "  rankdir=TB; nodesep=0.25; ranksep=0.3; bgcolor=\"transparent\";\n"
         "  node [shape=box style=\"rounded,filled\" fontname=\"DejaVu Sans\" fontsize=9 "
         "height=0.3 margin=\"0.08,0.03\" penwidth=0.6];\n"
         "  edge [color=\"#777777\" arrowsize=0.5 penwidth=0.7];\n";
}

void bindingNodes(const Engine& plan, std::string& dot) {
  auto inputs = plan.inputs(), outputs = plan.outputs();
  for (size_t k = 0; k < inputs.size(); ++k)
    dot += "  in" + std::to_string(k) + " [id=\"input_" + std::to_string(k) +
           "\" class=\"binding\" shape=ellipse fillcolor=\"#ffffff\" label=" +
           label(inputs[k].name, shapeString(inputs[k].shape)) + "];\n";
  for (size_t k = 0; k < outputs.size(); ++k)
    dot += "  out" + std::to_string(k) + " [id=\"output_" + std::to_string(k) +
           "\" class=\"binding\" shape=ellipse fillcolor=\"#ffffff\" label=" +
           label(outputs[k].name, shapeString(outputs[k].shape)) + "];\n";
}

// `nodeOf(i)` names layer i's node ("" = drawn inside another: no edge of its own).
template <class NodeOf>
void edgeLines(const Engine& plan, const NodeOf& nodeOf, std::string& dot) {
  Edges e = edgesOf(plan);
  const auto& layers = plan.layers();
  std::set<std::pair<std::string, std::string>> drawn;
  // `inside`: the loadable both ends belong to (the viewer hides the edge when it collapses).
  auto edge = [&](const std::string& from, const std::string& to, bool handoff, int inside) {
    if (from == to || !drawn.insert({from, to}).second) return;
    dot += "  " + from + " -> " + to;
    if (handoff)
      dot += " [class=\"handoff\" color=\"#d62728\" penwidth=1.6]";
    else if (inside >= 0)
      dot += " [class=\"inld" + std::to_string(inside) + "\"]";
    dot += ";\n";
  };
  for (size_t i = 0; i < layers.size(); ++i) {
    for (const auto& t : layers[i].inputs) {
      auto it = e.producer.find(t);
      if (it == e.producer.end()) continue;  // a constant
      if (it->second < 0) {
        edge("in" + std::to_string(-it->second - 1), nodeOf(int(i)), false, -1);
        continue;
      }
      const LayerInfo& from = layers[size_t(it->second)];
      bool sameLoadable = from.device == Device::kDLA && layers[i].device == Device::kDLA &&
                          from.loadable >= 0 && from.loadable == layers[i].loadable;
      edge(nodeOf(it->second), nodeOf(int(i)), from.device != layers[i].device,
           sameLoadable ? from.loadable : -1);
    }
  }
  auto outputs = plan.outputs();
  for (size_t k = 0; k < outputs.size(); ++k) {
    auto it = e.producer.find(outputs[k].name);
    if (it != e.producer.end() && it->second >= 0)
      edge(nodeOf(it->second), "out" + std::to_string(k), false, -1);
  }
}

std::string layerNode(const Engine& plan, size_t i) {
  const LayerInfo& l = plan.layers()[i];
  std::string id = std::to_string(i);
  std::string cls = l.device == Device::kDLA ? "layer dla ld" + std::to_string(l.loadable)
                                             : std::string("layer gpu");
  return "  L" + id + " [id=\"layer_" + id + "\" class=\"" + cls + "\" fillcolor=\"" +
         loadableColour(l.device == Device::kDLA ? l.loadable : -1) +
         "\" label=" + label(shortName(l.name), l.type) + "];\n";
}

}  // namespace

std::string loadableColour(int index) {
  if (index < 0) return kGpuGrey;
  return kPalette[size_t(index) % (sizeof kPalette / sizeof kPalette[0])];
}

std::string layerGraphSvg(const Engine& plan) {
  std::string dot = header();
  bindingNodes(plan, dot);
  const auto& layers = plan.layers();
  std::map<int, std::string> clusters;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].device == Device::kDLA && layers[i].loadable >= 0)
      clusters[layers[i].loadable] += "  " + layerNode(plan, i);
    else
      dot += layerNode(plan, i);
  }
  for (const auto& [k, body] : clusters) {
    std::string id = std::to_string(k);
    dot += "  subgraph cluster_" + id + " {\n    id=\"cluster_" + id +
           "\"; class=\"loadable\"; style=\"rounded,dashed,filled\"; color=\"#555555\"; "
           "fillcolor=\"" +
           loadableColour(k) + "22\"; fontsize=9; fontname=\"DejaVu Sans\"; label=" +
           quoted(shortName(plan.loadables()[size_t(k)].name, 60)) + ";\n" + body + "  }\n";
  }
  edgeLines(
      plan, [](int i) { return "L" + std::to_string(i); }, dot);
  return layout(dot + "}\n");
}

}  // namespace dlasim::report
