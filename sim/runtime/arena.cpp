#include "sim/runtime/arena.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>

namespace sim {

namespace {

size_t roundUp(size_t v, size_t a) {
  return (v + a - 1) / a * a;
}

}  // namespace

ArenaLayout planArena(const std::vector<ArenaRequest>& requests, size_t alignment) {
  ArenaLayout out;
  out.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), size_t(0));
  // Largest first; ties by first use, so equal graphs give equal layouts.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].bytes != requests[b].bytes) return requests[a].bytes > requests[b].bytes;
    return requests[a].first < requests[b].first;
  });
  std::vector<size_t> placed;
  std::vector<std::pair<size_t, size_t>> busy;  // [offset, end) of placed buffers alive with it
  for (size_t i : order) {
    const ArenaRequest& r = requests[i];
    if (r.bytes == 0) continue;
    busy.clear();
    for (size_t j : placed)
      if (requests[j].first <= r.last && r.first <= requests[j].last)
        busy.emplace_back(out.offsets[j], out.offsets[j] + requests[j].bytes);
    std::sort(busy.begin(), busy.end());
    size_t at = 0;
    for (const auto& [begin, end] : busy) {
      if (at + r.bytes <= begin) break;  // fits in the gap before this one
      at = std::max(at, roundUp(end, alignment));
    }
    out.offsets[i] = at;
    out.bytes = std::max(out.bytes, at + r.bytes);
    placed.push_back(i);
  }
  out.bytes = roundUp(out.bytes, alignment);
  return out;
}

Arena::Arena(const std::vector<ArenaRequest>& requests, ArenaLayout layout)
    : layout_(std::move(layout)), sizes_(requests.size()) {
  for (size_t i = 0; i < requests.size(); ++i) sizes_[i] = requests[i].bytes;
  if (layout_.bytes == 0) return;
  // Page-aligned, which covers every kernel's alignment (oneDNN, AVX-512 loads: 64 bytes).
  void* p = std::aligned_alloc(4096, roundUp(layout_.bytes, 4096));
  if (!p) throw std::bad_alloc();
  memory_ = std::shared_ptr<char>(static_cast<char*>(p), [](char* q) { std::free(q); });
}

Tensor Arena::view(size_t i, DType dtype, const Shape& shape) const {
  if (!memory_ || i >= sizes_.size()) return Tensor();
  size_t bytes = size_t(volume(shape)) * dtypeSize(dtype);
  if (bytes > sizes_[i]) return Tensor();
  return Tensor::view(dtype, shape,
                      std::shared_ptr<char>(memory_, memory_.get() + layout_.offsets[i]));
}

}  // namespace sim
