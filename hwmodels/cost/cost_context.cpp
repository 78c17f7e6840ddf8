#include "hwmodels/cost/cost_context.h"

#include <algorithm>

#include "hwmodels/dla_rules.h"
#include "sim/ops/op_def.h"

namespace hw {

CostContext::CostContext(const sim::Graph& graph, const sim::Partition& partition,
                         const Platform& p, const BuildFacts& f, const Clocks& k, int64_t scale)
    : g(graph),
      part(partition),
      platform(p),
      params(costParams(p)),
      version(f.version ? *f.version : trtVersions().front()),
      facts(f),
      clocks(k),
      batchScale(std::max<int64_t>(scale, 1)) {
  if (facts.constants.size() != g.tensors.size() || facts.sparse.size() != g.nodes.size() ||
      facts.works.size() != g.nodes.size())
    takeGraphFacts(g, p, &facts);
  sramBytes = facts.sramPoolBytes > 0 ? std::min(facts.sramPoolBytes, p.sramBytesPerCore)
                                      : p.sramBytesPerCore;
  readers.resize(g.tensors.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (sim::TensorId t : g.nodes[i].inputs)
      if (t != sim::kNoTensor) readers[t].push_back(sim::NodeId(i));
  graphOutput.assign(g.tensors.size(), false);
  inputIndex.assign(g.tensors.size(), -1);
  outputIndex.assign(g.tensors.size(), -1);
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    graphOutput[g.outputs[i]] = true;
    outputIndex[g.outputs[i]] = int(i);
  }
  for (size_t i = 0; i < g.inputs.size(); ++i) inputIndex[g.inputs[i]] = int(i);
}

sim::Shape CostContext::scaled(sim::TensorId t) const {
  sim::Shape s = g.desc(t).shape;
  if (!s.empty() && !isConstant(t)) s[0] *= batchScale;
  return s;
}

void takeGraphFacts(const sim::Graph& g, const Platform& p, BuildFacts* f) {
  f->constants.assign(g.tensors.size(), false);
  for (size_t t = 0; t < g.tensors.size(); ++t) f->constants[t] = g.tensors[t].isConstant();
  f->sparse.assign(g.nodes.size(), false);
  f->works.clear();
  for (const auto& n : g.nodes) {
    f->works.push_back(sim::layerWork(g, n));
    if (n.kind != sim::OpKind::kConvolution || f->sparsity == dlasim::Sparsity::kDisable ||
        n.precision != dlasim::Precision::kINT8)
      continue;
    bool on = false;
    if (f->sparsity == dlasim::Sparsity::kForce)  // TensorRT prunes the weights to 2:4
      on = p.limits.sparsity && g.desc(n.inputs[1]).shape[1] > p.limits.sparsityMinChannels;
    else
      on = sparseEligible(g, n, p, n.precision, nullptr);
    f->sparse[size_t(&n - g.nodes.data())] = on;
  }
}

double CostContext::dlaDramGBs() const {
  double port = params.dla.portBytesPerCycle * params.dla.portEfficiency * clocks.dlaMHz * 1e-3;
  return std::min(port, clocks.dramGBs * params.dla.dramShare);
}

dlasim::IOFormat CostContext::formatOf(sim::TensorId t) const {
  const std::vector<dlasim::IOFormat>* fmts = nullptr;
  int idx = -1;
  if (inputIndex[t] >= 0) {
    fmts = &facts.inputFormats;
    idx = inputIndex[t];
  } else if (outputIndex[t] >= 0) {
    fmts = &facts.outputFormats;
    idx = outputIndex[t];
  }
  if (!fmts || fmts->empty()) return {"fp32", "chw"};
  return (*fmts)[fmts->size() == 1 ? 0 : std::min<size_t>(size_t(idx), fmts->size() - 1)];
}

Dims dimsOf(const sim::Shape& s) {
  Dims d;
  size_t r = s.size();
  if (r >= 3) {
    d.c = s[r - 3];
    d.h = s[r - 2];
    d.w = s[r - 1];
    d.n = sim::volume(s, 0, r - 3);
  } else if (r == 2) {
    d.n = s[0];
    d.c = s[1];
  } else if (r == 1) {
    d.c = s[0];
  }
  return d;
}

}  // namespace hw
