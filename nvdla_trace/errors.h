// The two ways a replay stops early: the trace is malformed (TraceError: bad syntax, unknown
// names, impossible sizes) or it asks for something the models do not cover (Unsupported).
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace nvdla_trace {

struct TraceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace nvdla_trace
