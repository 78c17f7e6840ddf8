// A layer's work: what it computes and moves, in its placed precision, and which hardware unit
// does it. The cost model turns these into time; `dlasim check` and --exportLayerInfo show them.
#pragma once
#include <cstdint>

#include "dlasim/types.h"

namespace dlasim {

struct LayerWork {
  int64_t macs = 0;         // multiply-accumulates (convolution, deconvolution, matrix multiply)
  int64_t eltOps = 0;       // element operations: point-wise math, pooling / LRN taps, copies
  int64_t inputBytes = 0;   // activations read, in the layer's precision
  int64_t outputBytes = 0;  // activations written, in the layer's precision
  int64_t weightBytes = 0;  // constants read (weights, biases, scales) as the layer stores them
  EngineUnit unit = EngineUnit::kNone;  // the DLA unit that would do the work
};

}  // namespace dlasim
