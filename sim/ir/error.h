// Errors for bad input (malformed model, wrong shapes, bad flags) and failed verdicts: the public
// dlasim::InputError and dlasim::VerdictError. They carry one line naming the file, node and
// value; the CLI turns them into exit codes 2 and 1. Broken internal invariants use assert.
#pragma once
#include <sstream>
#include <string>

#include "dlasim/errors.h"
#include "dlasim/types.h"

namespace sim {

using Error = dlasim::InputError;
using VerdictError = dlasim::VerdictError;

/// Concatenates anything streamable into one string.
template <class... Args>
std::string cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

using dlasim::printable;

/// Throws sim::Error with the concatenated message.
template <class... Args>
[[noreturn]] void fail(const Args&... args) {
  throw Error(cat(args...));
}

}  // namespace sim
