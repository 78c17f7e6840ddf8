// --sparsity=force as trtexec does it: it overwrites the weights of convolutions and fully
// connected layers so that they are 2:4 sparse along C, to time sparse kernels (trtexec warns
// the results lose accuracy). The DLA's eligibility check (sparsity.eligible) then sees 2:4
// weights, and the run uses the pruned weights.
#pragma once
#include "sim/ir/graph.h"

namespace builder {

/// Prunes every convolution with constant weights and one group: in each group of 4
/// consecutive input channels, per output channel and kernel position, the first two weights
/// are kept and the other two zeroed (trtexec's pattern: positional, not by magnitude). New
/// weight tensors replace the old ones (constants may be shared with the model). Returns how
/// many layers were pruned.
int forceSparsity(sim::Graph& g);

}  // namespace builder
