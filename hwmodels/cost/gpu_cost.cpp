#include "hwmodels/cost/gpu_cost.h"

#include <algorithm>

#include "sim/ops/op_def.h"

namespace hw {

using dlasim::Bound;
using dlasim::Precision;

Precision gpuPrecision(const CostContext& ctx, const sim::Node& n) {
  if (!sim::opTraits(n).gpuTunedKernels) return Precision::kFP32;
  if (ctx.facts.int8) return Precision::kINT8;
  if (ctx.facts.fp16) return Precision::kFP16;
  return Precision::kFP32;
}

namespace {

LayerCost finish(const CostContext& ctx, LayerCost c) {
  c.overheadMs = ctx.params.gpu.launchUs * 1e-3;
  c.ms = std::max(c.computeMs, c.memoryMs) + c.overheadMs;
  c.bound = c.overheadMs > std::max(c.computeMs, c.memoryMs) ? Bound::kOverhead
            : c.computeMs >= c.memoryMs                      ? Bound::kCompute
                                                             : Bound::kMemory;
  return c;
}

}  // namespace

LayerCost gpuLayerCost(const CostContext& ctx, const sim::Node& n) {
  const GpuCost& gp = ctx.params.gpu;
  const dlasim::LayerWork& w = ctx.facts.works[ctx.indexOf(n)];  // in FP32, the GPU's
  LayerCost c;
  if (w.macs == 0 && w.eltOps == 0 && w.unit == dlasim::EngineUnit::kNone) return c;  // a view
  Precision p = gpuPrecision(ctx, n);
  double k = double(ctx.batchScale), bytes = double(dlasim::precisionBytes(p)) / 4.0;
  c.macs = int64_t(double(w.macs) * k);
  c.dramBytes = int64_t((double(w.inputBytes + w.outputBytes) * k + double(w.weightBytes)) * bytes);
  double perCycle = gp.fp32OpsPerCycle;
  if (w.macs > 0)
    perCycle = p == Precision::kINT8    ? gp.int8OpsPerCycle
               : p == Precision::kFP16  ? gp.fp16OpsPerCycle
               : gp.tf32OpsPerCycle > 0 ? gp.tf32OpsPerCycle
                                        : gp.fp32OpsPerCycle;
  else if (p != Precision::kFP32)
    perCycle *= 2;  // packed half / int8 arithmetic on the CUDA cores
  double ops = (2.0 * double(w.macs) + double(w.eltOps)) * k;
  c.computeMs = ops / (perCycle * ctx.clocks.gpuMHz * 1e3 * gp.computeEfficiency);
  c.memoryMs = double(c.dramBytes) / (ctx.gpuDramGBs() * 1e6);
  return finish(ctx, c);
}

LayerCost gpuCopyCost(const CostContext& ctx, int64_t readBytes, int64_t writeBytes) {
  LayerCost c;
  c.dramBytes = readBytes + writeBytes;
  c.memoryMs = double(c.dramBytes) / (ctx.gpuDramGBs() * 1e6);
  return finish(ctx, c);
}

LayerCost hostCopyCost(const CostContext& ctx, int64_t bytes) {
  LayerCost c;
  c.dramBytes = 2 * bytes;  // read and written in the shared DRAM
  c.memoryMs = double(bytes) / (ctx.clocks.dramGBs * ctx.params.gpu.hostCopyShare * 1e6);
  return finish(ctx, c);
}

}  // namespace hw
