// Engine and loadable sizes: convolution weights in their precision with the hardware's channel
// padding, other constants as the platform stores them (Orin: FP19 in 4-byte containers, seed
// §3.3), op descriptors; activations in local DRAM; the managed SRAM used; the pools.
#include <algorithm>

#include "hwmodels/cost/dla_cost.h"
#include "hwmodels/cost/gpu_cost.h"
#include "hwmodels/cost/perf_model.h"

namespace hw {

using sim::NodeId;
using sim::OpKind;
using sim::TensorId;

namespace {

constexpr int64_t kMiB = int64_t(1) << 20;

// Peak bytes of tensors produced and read inside the loadable, alive from their producer to
// their last reader (bindings to the GPU or host are the engine's I/O buffers, not counted).
int64_t peakActivations(const CostContext& ctx, int L) {
  const sim::Graph& g = ctx.g;
  const sim::Loadable& ld = ctx.part.loadables[L];
  std::vector<int> last(g.tensors.size(), -1);
  for (size_t k = 0; k < ld.nodes.size(); ++k)
    for (TensorId t : g.nodes[ld.nodes[k]].inputs)
      if (t != sim::kNoTensor) last[t] = int(k);
  int64_t live = 0, peak = 0;
  std::vector<std::pair<int, int64_t>> ends;  // (last reader, bytes)
  for (size_t k = 0; k < ld.nodes.size(); ++k) {
    const sim::Node& n = g.nodes[ld.nodes[k]];
    for (TensorId t : n.outputs) {
      if (last[t] <= int(k)) continue;
      int64_t b = featureBytes(ctx, dimsOf(ctx.scaled(t)), n.precision, false);
      live += b;
      ends.push_back({last[t], b});
    }
    peak = std::max(peak, live);
    for (auto it = ends.begin(); it != ends.end();)
      if (it->first <= int(k)) {
        live -= it->second;
        it = ends.erase(it);
      } else {
        ++it;
      }
  }
  return peak;
}

}  // namespace

dlasim::EngineMemory engineMemory(const CostContext& ctx, const std::vector<std::string>& names,
                                  int64_t localPool, int64_t globalPool) {
  const sim::Graph& g = ctx.g;
  const DlaCost& d = ctx.params.dla;
  dlasim::EngineMemory m;
  m.weightLimitBytes = ctx.platform.limits.maxWeightBytes;
  m.sramPoolBytes = ctx.sramBytes;
  m.localDramPoolBytes = localPool > 0 ? localPool : 1024 * kMiB;    // NvInfer default 1 GiB
  m.globalDramPoolBytes = globalPool > 0 ? globalPool : 512 * kMiB;  // NvInfer default 512 MiB
  for (size_t L = 0; L < ctx.part.loadables.size(); ++L) {
    const sim::Loadable& ld = ctx.part.loadables[L];
    dlasim::LoadableMemory lm;
    lm.name = names[L];
    int ops = 0;
    for (NodeId id : ld.nodes) {
      const sim::Node& n = g.nodes[id];
      ++ops;
      if (n.kind == OpKind::kConvolution || n.kind == OpKind::kDeconvolution) {
        bool image = imageInput(ctx, n, int(L));
        lm.convWeightBytes += convWeightBytes(ctx, n, image, runsSparse(ctx, n));
      } else if (n.kind == OpKind::kMatrixMultiply && ctx.isConstant(n.inputs[1])) {
        lm.convWeightBytes +=
            sim::volume(g.desc(n.inputs[1]).shape) * int(dlasim::precisionBytes(n.precision));
      }
      lm.constantBytes += constantBytes(ctx, n);
    }
    lm.metadataBytes = d.loadableHeaderBytes + ops * d.opDescriptorBytes;
    lm.totalBytes = lm.convWeightBytes + lm.constantBytes + lm.metadataBytes;
    lm.activationBytes = peakActivations(ctx, int(L));
    for (const auto& c : dlaLoadableCost(ctx, int(L)).layers)
      lm.sramBytes = std::max(lm.sramBytes, c.sramStagedBytes);
    m.dlaWeightBytes += lm.convWeightBytes + lm.constantBytes;
    m.engineBytes += lm.totalBytes;
    m.loadables.push_back(lm);
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (ctx.part.loadableOf[i] >= 0) continue;
    const sim::Node& n = g.nodes[i];
    int each = int(dlasim::precisionBytes(gpuPrecision(ctx, n)));
    for (TensorId t : n.inputs)
      if (t != sim::kNoTensor && ctx.isConstant(t) && g.desc(t).dtype == sim::DType::kFloat)
        m.gpuWeightBytes += sim::volume(g.desc(t).shape) * each;
  }
  m.engineBytes += m.gpuWeightBytes;
  return m;
}

std::vector<std::string> poolProblems(const dlasim::EngineMemory& m) {
  std::vector<std::string> v;
  for (const auto& l : m.loadables) {
    if (l.totalBytes > m.globalDramPoolBytes)
      v.push_back(sim::cat("DLA loadable ", l.name, " needs ", l.totalBytes,
                           " bytes of dlaGlobalDRAM for weights and metadata; the pool has ",
                           m.globalDramPoolBytes, " (raise --memPoolSize=dlaGlobalDRAM)"));
    if (l.activationBytes > m.localDramPoolBytes)
      v.push_back(sim::cat("DLA loadable ", l.name, " needs ", l.activationBytes,
                           " bytes of dlaLocalDRAM for intermediate tensors; the pool has ",
                           m.localDramPoolBytes, " (raise --memPoolSize=dlaLocalDRAM)"));
  }
  return v;
}

BuildFacts buildFacts(const dlasim::BuildConfig& cfg) {
  BuildFacts f;
  f.fp16 = cfg.fp16;
  f.int8 = cfg.int8;
  f.sparsity = cfg.sparsity;
  f.sramPoolBytes = poolBytes(cfg, "dlaSRAM");
  f.inputFormats = cfg.inputFormats;
  f.outputFormats = cfg.outputFormats;
  return f;
}

int64_t poolBytes(const dlasim::BuildConfig& cfg, const std::string& pool) {
  auto it = cfg.memPoolMiB.find(pool);
  return it == cfg.memPoolMiB.end() ? 0 : int64_t(it->second * double(kMiB));
}

std::vector<std::string> loadablePoolProblems(const sim::Graph& g, const sim::Partition& part,
                                              const Platform& p, const dlasim::BuildConfig& cfg) {
  if (part.loadables.empty()) return {};
  CostContext ctx(g, part, p, buildFacts(cfg), resolveClocks(p, {}), 1);
  std::vector<std::string> names;
  for (const auto& ld : part.loadables) names.push_back(sim::foreignNodeName(g, ld));
  return poolProblems(
      engineMemory(ctx, names, poolBytes(cfg, "dlaLocalDRAM"), poolBytes(cfg, "dlaGlobalDRAM")));
}

}  // namespace hw
