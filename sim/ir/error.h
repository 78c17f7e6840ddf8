// Errors for bad input (malformed model, wrong shapes, bad flags). They carry one line naming the
// file, node and value; the CLI turns them into exit code 2. Broken internal invariants use assert.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace sim {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// A verdict failed (exit code 1): the build is impossible under the given flags.
class VerdictError : public std::runtime_error {
 public:
  explicit VerdictError(const std::string& what) : std::runtime_error(what) {}
};

/// Concatenates anything streamable into one string.
template <class... Args>
std::string cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

/// Text safe to print: control characters and bytes that are not valid UTF-8 (e.g. from a
/// corrupt file's names) become \xNN escapes, so a message stays one readable line.
std::string printable(const std::string& s);

/// Throws sim::Error with the concatenated message.
template <class... Args>
[[noreturn]] void fail(const Args&... args) {
  throw Error(cat(args...));
}

}  // namespace sim
