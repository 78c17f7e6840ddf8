// The two ways a replay stops early: the trace is malformed (TraceError: bad syntax, unknown
// names, impossible sizes) or it asks for something the models do not cover (Unsupported).
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "dlasim/types.h"

namespace nvdla_trace {

// Messages quote the trace's own text (names, file names), which may hold NUL or control bytes:
// escaped here, or what() would end at the first NUL and the message say nothing.
struct TraceError : std::runtime_error {
  explicit TraceError(const std::string& message)
      : std::runtime_error(dlasim::printable(message)) {}
};

struct Unsupported : std::runtime_error {
  explicit Unsupported(const std::string& message)
      : std::runtime_error(dlasim::printable(message)) {}
};

inline std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace nvdla_trace
