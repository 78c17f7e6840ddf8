// The two kinds of failure dlasim reports. Both carry one printable line naming the file, node
// and value. The dlasim command maps them to its exit codes: InputError -> 2, VerdictError -> 1.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace dlasim {

/// Bad input: a malformed or hostile model, engine, calibration cache or input file, a wrong
/// shape, an unknown platform or flag value. (Exit code 2.)
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

/// A verdict failed (exit code 1): the build is impossible under the given configuration
/// (e.g. a layer the DLA cannot run without GPU fallback). `problems` lists every cause, one
/// line each, as TensorRT logs them.
class VerdictError : public std::runtime_error {
 public:
  explicit VerdictError(const std::string& what, std::vector<std::string> problems = {})
      : std::runtime_error(what), problems(std::move(problems)) {}
  std::vector<std::string> problems;
};

}  // namespace dlasim
