// The DLA side of the cost model: a loadable's layers grouped into hardware ops (a convolution
// or point-wise head with the SDP stages fused after it, optionally pooling on the fly), each op
// timed as max(engine compute, DRAM/SRAM traffic) + a fixed op overhead, plus the loadable's
// submission and the format conversions of its outputs. docs/cost-model.md derives each term.
#pragma once
#include <vector>

#include "hwmodels/cost/cost_context.h"

namespace hw {

struct LayerCost {
  double ms = 0, computeMs = 0, memoryMs = 0, overheadMs = 0;
  double convMs = 0;  // the convolution core alone
  int64_t macs = 0, dramBytes = 0, sramBytes = 0;
  int64_t sramStagedBytes = 0;  // the largest operand it keeps in the managed SRAM
  dlasim::Bound bound = dlasim::Bound::kNone;
  dlasim::EngineUnit unit = dlasim::EngineUnit::kNone;
};

/// A loadable output written in a binding format other than the DLA's native one (e.g. FP16 from
/// INT8 layers): a Rubik pass over the tensor.
struct ConversionCost {
  sim::TensorId tensor = sim::kNoTensor;
  double ms = 0;
  int64_t dramBytes = 0;
};

struct LoadableCost {
  std::vector<LayerCost> layers;  // per node of the loadable, in its order
  std::vector<ConversionCost> conversions;
  double submitMs = 0;
  double ms = 0;  // submission + layers + conversions
  int64_t dramBytes = 0;
};

LoadableCost dlaLoadableCost(const CostContext& ctx, int loadable);

/// The precision tensor t is stored in by loadable `loadable`: its producer's when the producer
/// is in the loadable, else `reader` (a reformat delivers it in the reader's precision).
dlasim::Precision storedPrecision(const CostContext& ctx, sim::TensorId t, int loadable,
                                  dlasim::Precision reader);
/// Bytes of a feature map in the DLA's layout: C padded to the memory atom, or 4 channels for
/// image inputs (C <= 4 read as pixels).
int64_t featureBytes(const CostContext& ctx, const Dims& d, dlasim::Precision p, bool image);
/// Whether input 0 of node `n` (a convolution) is read in image mode: C <= 4, one group, and
/// coming from outside the loadable.
bool imageInput(const CostContext& ctx, const sim::Node& n, int loadable);
/// Convolution weights as stored: C padded to the memory atom (4 for images),
/// 2:4 sparse weights at 5/8 (half the values and a 2-bit index each).
int64_t convWeightBytes(const CostContext& ctx, const sim::Node& n, bool image, bool sparse);
/// Constants other than convolution weights, as stored (Orin: FP19 in 4-byte containers with
/// channels padded to 16 / 32; seed §3.3): the biases and per-channel scales of a convolution,
/// or all constant inputs of any other layer.
int64_t constantBytes(const CostContext& ctx, const sim::Node& n);
/// Whether a DLA convolution runs with structured sparsity under the build's --sparsity.
bool runsSparse(const CostContext& ctx, const sim::Node& n);

}  // namespace hw
