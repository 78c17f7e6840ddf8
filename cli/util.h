// Small helpers of the command line: message building and bad-input errors (the public
// dlasim::InputError, exit code 2).
#pragma once
#include <sstream>
#include <string>

#include "dlasim/errors.h"
#include "dlasim/types.h"

namespace dlasim::cli {

/// Concatenates anything streamable into one string.
template <class... Args>
std::string cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

/// Throws dlasim::InputError with the concatenated message.
template <class... Args>
[[noreturn]] void fail(const Args&... args) {
  throw InputError(cat(args...));
}

inline std::string shapeStr(const Shape& s) {
  return shapeString(s);
}

}  // namespace dlasim::cli
