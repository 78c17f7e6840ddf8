// NVDLA's memory layouts (nvdla-traces.md §3): feature cubes as surfaces of `atom` channels, each
// pixel one atom (the last surface is not packed: channels >= C are padding bytes), and
// direct-convolution weights in kernel groups and channel blocks.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nvdla_trace/paged_memory.h"

namespace nvdla_trace {

/// Addresses above this are rejected as malformed (NVDLA addresses are 64-bit registers, but no
/// real system maps anything near 2^48).
constexpr uint64_t kAddressLimit = uint64_t(1) << 48;

struct FeatureLayout {
  std::string what;  // for messages, e.g. "SDP output (SDP.D_DST_*)"
  uint64_t base = 0;
  uint64_t lineStride = 0, surfaceStride = 0;
  int width = 1, height = 1, channels = 1;
  int atom = 8;

  /// Channels rounded up to whole atoms: what the hardware reads and writes.
  int paddedChannels() const { return (channels + atom - 1) / atom * atom; }
  /// Throws TraceError when the cube reaches beyond kAddressLimit.
  void checkAddresses() const;
};

/// The cube's first `readChannels` channels (padding channels included if asked), CHW.
std::vector<int8_t> readFeature(const PagedMemory& m, const FeatureLayout& l, int readChannels);

/// Writes `writeChannels` channels of CHW data into the layout.
void writeFeature(PagedMemory& m, const FeatureLayout& l, const int8_t* data, int writeChannels);

/// Direct-convolution weights at `base` (generator layout, tensor_operator.py:223-305): groups of
/// atomicK kernels, then channel blocks of atomicC channels (the last one packed tight), then
/// kernel row, kernel column, kernel in group, channel in block. Returns KCRS.
std::vector<int8_t> readConvWeights(const PagedMemory& m, uint64_t base, int kernels, int channels,
                                    int kernelHeight, int kernelWidth, int atomicK, int atomicC);

}  // namespace nvdla_trace
