// Replays one of NVDLA's trace tests (a directory with <name>.cfg and its .dat payloads) through
// dlasim's NVDLA unit kernels and compares the output with the trace's golden CRC-32.
// Format and semantics: ../shared/reference/nvdla-traces.md; see docs/nvdla-traces.md.
#pragma once
#include <cstdint>
#include <string>

#include "kernels/nvdla/hw_config.h"
#include "nvdla_trace/units.h"

namespace nvdla_trace {

struct Config {
  kern::nvdla::HwConfig hw = kern::nvdla::HwConfig::nvSmall();
  // Caps that keep hostile traces bounded.
  uint64_t memoryLimitBytes = uint64_t(512) << 20;  // pages the trace may write
  uint64_t maxFileBytes = uint64_t(256) << 20;      // per .cfg / .dat file
  uint64_t maxCheckBytes = uint64_t(256) << 20;     // per check_crc range
  uint64_t maxCubeElements = uint64_t(1) << 24;     // per feature cube (16 M)
  uint64_t maxMacs = uint64_t(1) << 30;             // per convolution (~1 s)
  const Units* units = &Units::nvdla();             // what computes the layers
};

/// "nv_small" or "nv_full"; false for anything else.
bool hwConfigByName(const std::string& name, kern::nvdla::HwConfig* out);

enum class ReplayStatus {
  Match,        // every check_crc matched
  Mismatch,     // a check_crc differed: expectedCrc / actualCrc
  Unsupported,  // the trace needs something not modelled: message says what
  Error,        // the trace is malformed: message names file:line and the value
};

struct ReplayResult {
  ReplayStatus status = ReplayStatus::Error;
  uint32_t expectedCrc = 0, actualCrc = 0;
  std::string message;
};

ReplayResult replay(const std::string& dir, const Config& config = Config());

}  // namespace nvdla_trace
