// The GPU side of the cost model: each GPU layer a roofline of the platform's GPU (peak rate in
// the layer's GPU precision, or DRAM bandwidth) plus a launch; reformat and copy kernels.
#pragma once
#include "hwmodels/cost/cost_context.h"
#include "hwmodels/cost/dla_cost.h"

namespace hw {

/// The precision TensorRT would run a GPU layer in: matrix layers and simple point-wise layers
/// in the best precision the build enabled (INT8, then FP16), anything else in FP32.
dlasim::Precision gpuPrecision(const CostContext& ctx, const sim::Node& n);

/// One GPU layer (macs scaled to the modelled batch). Views (reshapes) cost nothing.
LayerCost gpuLayerCost(const CostContext& ctx, const sim::Node& n);

/// A host <-> device copy of a binding (cudaMemcpyAsync from pinned memory), plus its launch.
LayerCost hostCopyCost(const CostContext& ctx, int64_t bytes);

/// A memory-bound GPU kernel reading and writing these bytes (reformats), plus its launch.
LayerCost gpuCopyCost(const CostContext& ctx, int64_t readBytes, int64_t writeBytes);

}  // namespace hw
