// Calibration caches (--calib): TensorRT's text format. A cache that parses must print back to
// text that parses to the same cache, bit for bit; applying it to a graph and warning about its
// degenerate scales must work whatever the scales are.
#include <cstring>

#include "builder/calibration.h"
#include "dlasim/errors.h"
#include "fuzz_support.h"
#include "sim/ir/graph.h"

namespace {

// x -> Relu -> y: the tensors a cache may name are "x" and "y" (the node is "relu").
const sim::Graph& smallGraph() {
  static const sim::Graph g = [] {
    sim::Graph g;
    sim::TensorId x = g.addTensor("x", {sim::DType::kFloat, {1, 2, 2, 2}});
    sim::TensorId y = g.addTensor("y", {sim::DType::kFloat, {1, 2, 2, 2}});
    g.inputs = {x};
    g.outputs = {y};
    sim::Node n;
    n.kind = sim::OpKind::kActivation;
    n.name = "relu";
    n.onnxOp = "Relu";
    n.inputs = {x};
    n.outputs = {y};
    n.attrs = sim::ActivationAttrs{};
    g.tensors[y].producer = 0;
    g.nodes.push_back(n);
    return g;
  }();
  return g;
}

bool sameBits(float a, float b) {
  return std::memcmp(&a, &b, 4) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dlasim::CalibrationCache c;
  try {
    c = builder::parseCalibrationCache(fuzz::bytes(data, size), "fuzz.cache");
  } catch (const dlasim::InputError&) {
    return 0;
  }
  dlasim::CalibrationCache back;
  try {
    back = builder::parseCalibrationCache(c.text(), "printed");
  } catch (const dlasim::InputError& e) {
    FUZZ_CHECK(false, std::string("a parsed cache printed does not parse: ") + e.what());
  }
  FUZZ_CHECK(back.header == c.header, c.header);
  FUZZ_CHECK(back.scales.size() == c.scales.size(), c.text());
  for (const auto& [name, scale] : c.scales)
    FUZZ_CHECK(back.scales.count(name) && sameBits(back.scales[name], scale), name);
  sim::Graph g = smallGraph();
  builder::applyCalibration(g, c);
  const std::vector<std::string> warnings = builder::calibrationWarnings(g, c, {0});
  for (const auto& t : g.tensors) {
    FUZZ_CHECK(
        t.quant.scale == 0 || dlasim::CalibrationCache::unusableReason(t.quant.scale).empty(),
        "an unusable scale was applied to '" + t.name + "'");
    // Never silent (issue 12, defect 7): a tensor whose scale is unusable is named in a warning.
    auto it = c.scales.find(t.name);
    if (it == c.scales.end() || dlasim::CalibrationCache::unusableReason(it->second).empty())
      continue;
    bool named = false;
    for (const auto& w : warnings) named |= w.find("'" + t.name + "'") != std::string::npos;
    FUZZ_CHECK(named, "no warning names '" + t.name + "', whose scale is unusable");
  }
  return 0;
}
