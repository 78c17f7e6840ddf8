// Kernel parameter blocks built from layer attributes and tensor shapes (one place for the
// mapping of 1-D..3-D spatial dims onto the kernels' 3-D padded form).
#pragma once
#include "kernels/conv.h"
#include "kernels/pool.h"
#include "sim/ir/attrs.h"

namespace sim {

kern::ConvParams convParams(const ConvAttrs& a, const Shape& x, const Shape& y);
/// Pooling over the spatial dims of x (global pools take the whole extent).
kern::PoolParams poolParams(const PoolAttrs& a, const Shape& x, const Shape& y);

}  // namespace sim
