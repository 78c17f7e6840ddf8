// Where the runtime's paths take the memory of a run's buffers from (the executor's arena).
#pragma once
#include <cstdint>
#include <functional>

#include "sim/ir/graph.h"

namespace sim {

/// What a buffer holds for tensor t during a run.
enum class BufferUse : uint8_t {
  kValue,      // t's value as the layers exchange it (INT8: int8 codes in NHWC)
  kRounded,    // t rounded into a reader's precision (the reformat at a DLA boundary)
  kConverted,  // t's dequantised float view, or its int8 codes for INT8 readers of a float
  kScratch,    // a layer's working memory while it writes t (INT8: the int32 accumulators)
};

/// Returns an uninitialised tensor of the given type and shape for (t, use).
using BufferSource = std::function<Tensor(TensorId t, BufferUse use, DType, const Shape&)>;

}  // namespace sim
