#include "hwmodels/cost/perf_model.h"

#include <algorithm>

#include "hwmodels/cost/dla_cost.h"
#include "hwmodels/cost/gpu_cost.h"

namespace hw {

using dlasim::Bound;
using dlasim::Device;
using dlasim::Precision;
using dlasim::RowKind;
using dlasim::TimingRow;
using sim::NodeId;
using sim::TensorId;

namespace {

TimingRow rowOf(const std::string& name, RowKind kind, Device dev, const LayerCost& c) {
  TimingRow r;
  r.name = name;
  r.kind = kind;
  r.device = dev;
  r.unit = c.unit;
  r.macs = c.macs;
  r.dramBytes = c.dramBytes;
  r.bound = c.bound;
  r.ms = c.ms;
  r.computeMs = c.computeMs;
  r.memoryMs = c.memoryMs;
  r.overheadMs = c.overheadMs;
  r.convMs = c.convMs;
  return r;
}

// A host copy of a binding (cudaMemcpy within the shared DRAM: read and write).
TimingRow hostCopy(const CostContext& ctx, TensorId t, RowKind kind) {
  sim::Shape s = ctx.scaled(t);
  int64_t bytes = sim::volume(s) * int64_t(sim::ioTypeBytes(sim::ioTypeOf(ctx.formatOf(t))));
  LayerCost c = hostCopyCost(ctx, bytes);
  return rowOf(std::string(kind == RowKind::kH2D ? "H2D: " : "D2H: ") + ctx.g.tensor(t).name, kind,
               Device::kGPU, c);
}

// Bytes of tensor t as GPU layers or the host see it.
int64_t gpuBytes(const CostContext& ctx, TensorId t) {
  sim::Shape s = ctx.scaled(t);
  NodeId p = ctx.g.tensor(t).producer;
  int each = p >= 0 ? int(dlasim::precisionBytes(gpuPrecision(ctx, ctx.g.nodes[p])))
                    : int(sim::ioTypeBytes(sim::ioTypeOf(ctx.formatOf(t))));
  return sim::volume(s) * each;
}

}  // namespace

PerfModel modelPerformance(const CostContext& ctx, const std::vector<std::string>& names) {
  const sim::Graph& g = ctx.g;
  const sim::Partition& part = ctx.part;
  const GpuCost& gp = ctx.params.gpu;
  PerfModel m;
  std::vector<TimingRow> body;
  std::vector<bool> emitted(part.loadables.size(), false);
  int kernels = 0;
  double syncMs = ctx.version.syncUs * 1e-3;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const sim::Node& n = g.nodes[i];
    int L = part.loadableOf[i];
    if (L < 0) {
      LayerCost c = gpuLayerCost(ctx, n);
      TimingRow r = rowOf(n.name, RowKind::kLayer, Device::kGPU, c);
      r.precision = gpuPrecision(ctx, n);
      kernels += c.ms > 0;
      m.gpuBusyMs += c.ms;
      body.push_back(r);
      continue;
    }
    if (emitted[L]) continue;
    emitted[L] = true;
    const sim::Loadable& ld = part.loadables[L];
    auto inL = [&](TensorId t) {
      NodeId p = g.tensor(t).producer;
      return p >= 0 && part.loadableOf[p] == L;
    };
    // Tensors entering the loadable: reformatted on the GPU unless already in a DLA format
    // or coming from another loadable.
    std::vector<TensorId> seen;
    bool fromStream = false;
    for (NodeId id : ld.nodes)
      for (TensorId t : g.nodes[id].inputs) {
        if (t == sim::kNoTensor || ctx.isConstant(t) || inL(t)) continue;
        if (std::find(seen.begin(), seen.end(), t) != seen.end()) continue;
        seen.push_back(t);
        NodeId p = g.tensor(t).producer;
        if (p >= 0 && part.loadableOf[p] >= 0) continue;  // DLA to DLA
        fromStream = true;
        if (p < 0 && sim::isDlaFormat(ctx.formatOf(t), true)) continue;
        const sim::Node& reader = g.nodes[id];
        bool image = reader.kind == sim::OpKind::kConvolution && imageInput(ctx, reader, L);
        int64_t dla = featureBytes(ctx, dimsOf(ctx.scaled(t)), reader.precision, image);
        LayerCost c = gpuCopyCost(ctx, gpuBytes(ctx, t), dla);
        TimingRow r = rowOf(g.tensor(t).name + " to nvm", RowKind::kToDla, Device::kGPU, c);
        ++kernels;
        m.gpuBusyMs += c.ms;
        body.push_back(r);
      }
    LoadableCost lc = dlaLoadableCost(ctx, L);
    TimingRow submit;
    submit.name = names[L];
    submit.kind = RowKind::kSubmit;
    submit.device = Device::kDLA;
    submit.loadable = L;
    submit.bound = Bound::kOverhead;
    submit.overheadMs = lc.submitMs + (fromStream ? syncMs : 0);
    submit.ms = submit.overheadMs;
    body.push_back(submit);
    for (size_t k = 0; k < ld.nodes.size(); ++k) {
      const sim::Node& ln = g.nodes[ld.nodes[k]];
      TimingRow r = rowOf(ln.name, RowKind::kLayer, Device::kDLA, lc.layers[k]);
      r.loadable = L;
      r.precision = ln.precision;
      body.push_back(r);
    }
    for (const auto& cv : lc.conversions) {
      LayerCost c;
      c.ms = c.computeMs = cv.ms;
      c.dramBytes = cv.dramBytes;
      c.unit = dlasim::EngineUnit::kRubik;
      c.bound = Bound::kCompute;
      TimingRow r = rowOf(g.tensor(cv.tensor).name + " format conversion", RowKind::kConversion,
                          Device::kDLA, c);
      r.loadable = L;
      body.push_back(r);
    }
    m.dlaBusyMs += lc.ms;
    m.loadables.push_back({names[L], lc.ms, lc.dramBytes});
    // Tensors leaving for the GPU or the host: a reformat unless written in a DLA format; the
    // first carries the synchronisation.
    bool synced = false;
    for (NodeId id : ld.nodes)
      for (TensorId t : g.nodes[id].outputs) {
        bool toGpu = false;
        for (NodeId rd : ctx.readers[t]) toGpu |= part.loadableOf[rd] < 0;
        bool toHost = ctx.graphOutput[t];
        if (!toGpu && !toHost) continue;
        LayerCost c;
        int64_t dla = featureBytes(ctx, dimsOf(ctx.scaled(t)), g.nodes[id].precision, false);
        if (toGpu || !sim::isDlaFormat(ctx.formatOf(t), false)) {
          int64_t wide = sim::volume(ctx.scaled(t)) * 4;  // FP32 for the GPU / host
          if (toHost && !toGpu)
            wide = sim::volume(ctx.scaled(t)) *
                   int64_t(sim::ioTypeBytes(sim::ioTypeOf(ctx.formatOf(t))));
          c = gpuCopyCost(ctx, dla, wide);
          ++kernels;
          m.gpuBusyMs += c.ms;
        }
        if (!synced) {
          c.overheadMs += syncMs;
          c.ms += syncMs;
          if (c.bound == Bound::kNone || c.overheadMs >= std::max(c.computeMs, c.memoryMs))
            c.bound = Bound::kOverhead;
          synced = true;
        }
        if (c.ms > 0)
          body.push_back(rowOf(g.tensor(t).name + " from nvm", RowKind::kFromDla, Device::kGPU, c));
      }
  }
  for (TensorId t : g.inputs) m.rows.push_back(hostCopy(ctx, t, RowKind::kH2D));
  for (const auto& r : m.rows) m.h2dMs += r.ms;
  for (auto& r : body) {
    m.computeMs += r.ms;
    m.rows.push_back(std::move(r));
  }
  for (TensorId t : g.outputs) {
    m.rows.push_back(hostCopy(ctx, t, RowKind::kD2H));
    m.d2hMs += m.rows.back().ms;
  }
  for (const auto& r : m.rows) m.dramBytes += r.dramBytes;
  m.enqueueMs =
      double(kernels + int(g.inputs.size() + g.outputs.size()) + int(part.loadables.size())) *
      gp.launchUs * 1e-3;
  return m;
}

}  // namespace hw
