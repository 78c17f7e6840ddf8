// NVDLA's own INT8 trace tests (register writes, input and weight memory, a golden CRC-32 of the
// output), replayed through dlasim's bit-exact models of the DLA's units (docs/nvdla-traces.md).
#pragma once
#include <cstdint>
#include <string>

namespace dlasim {

/// The hardware configuration a trace was generated for: memory atom bytes, MAC atomic-C and
/// atomic-K (nv_small 8/8/8, nv_full 32/64/32).
struct NvdlaConfig {
  int atomBytes = 8, atomicC = 8, atomicK = 8;
};

/// "nv_small" or "nv_full"; false for anything else.
bool nvdlaConfigByName(const std::string& name, NvdlaConfig* out);

enum class TraceStatus : uint8_t { kMatch, kMismatch, kUnsupported };

struct TraceResult {
  TraceStatus status = TraceStatus::kUnsupported;
  uint32_t expectedCrc = 0, actualCrc = 0;  // of the first check that differed (kMismatch)
  std::string message;                      // what is not modelled (kUnsupported)
};

/// Replays the trace in `dir` (<name>.cfg and its .dat payloads). Throws InputError naming the
/// file, the line and the value for a malformed trace.
TraceResult replayNvdlaTrace(const std::string& dir, const NvdlaConfig& config = {});

}  // namespace dlasim
