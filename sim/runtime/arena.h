// The executor's activation memory: one buffer, planned once from tensor lifetimes, in which
// every activation of a run has a fixed offset. Buffers whose lifetimes do not overlap share
// bytes, so a run allocates nothing and its memory is the largest set of buffers alive at once
// (plus packing slack), not the sum of all activations.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include "sim/ir/tensor.h"

namespace sim {

/// A buffer a run needs: its size, and the first and last steps (inclusive) at which it holds
/// data. Two buffers alive at a common step never share bytes.
struct ArenaRequest {
  size_t bytes = 0;
  int first = 0, last = 0;
};

/// Offsets (multiples of `alignment`) into a buffer of `bytes`.
struct ArenaLayout {
  std::vector<size_t> offsets;
  size_t bytes = 0;
};

/// Places the largest buffers first, each at the lowest aligned offset that does not overlap
/// a placed buffer alive at a common step (greedy by size).
ArenaLayout planArena(const std::vector<ArenaRequest>& requests, size_t alignment = 64);

/// The memory of an ArenaLayout: tensors are views into it, kept alive by their views.
class Arena {
 public:
  Arena() = default;
  Arena(const std::vector<ArenaRequest>& requests, ArenaLayout layout);
  size_t bytes() const { return layout_.bytes; }
  /// Request i's memory as a tensor of the given type and shape; empty when its bytes exceed
  /// the request's (the caller then allocates).
  Tensor view(size_t i, DType dtype, const Shape& shape) const;

 private:
  ArenaLayout layout_;
  std::vector<size_t> sizes_;
  std::shared_ptr<char> memory_;
};

}  // namespace sim
