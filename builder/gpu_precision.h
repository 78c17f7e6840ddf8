// The precision TensorRT 8.x picks for a layer on the GPU. Its builder times every kernel the
// build's precision flags allow and keeps the fastest; dlasim assumes the lowest precision with
// a kernel wins (INT8, then FP16, then FP32), as it does for the compute-bound layers of CNNs.
// This is what plans report (LayerInfo::precision, --exportLayerInfo) and what a cost model
// should time; the emulated numerics of GPU layers stay FP32 (design §4).
#pragma once
#include <optional>

#include "dlasim/types.h"
#include "sim/ir/graph.h"

namespace builder {

/// Whether TensorRT 8.x has GPU kernels for node `n` in precision `p` (implicit quantisation:
/// INT8 for convolution, fully connected, pooling, activations, element-wise, scale and data
/// movement; not for plugins, reductions, softmax, normalisation or matrix multiply).
bool gpuSupports(const sim::Node& n, dlasim::Precision p);

/// TensorRT's pick for GPU layer `n`: `asked` when given and available, else INT8 when `int8`
/// and `scaled` (its tensors have INT8 scales) and available, else FP16 when `fp16`, else FP32.
/// Layers on integer data report INT32.
dlasim::Precision gpuPrecision(const sim::Graph& g, const sim::Node& n, bool fp16, bool int8,
                               bool scaled, std::optional<dlasim::Precision> asked);

}  // namespace builder
