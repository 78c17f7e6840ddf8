// Reading the JSON files a report takes (per-layer comparisons, measured profiles).
#pragma once
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "dlasim/errors.h"

namespace dlasim::report {

/// The file parsed as JSON, or a discarded value when it is not JSON. `what` names what the
/// file should be in the errors for a missing or oversized file (InputError).
inline nlohmann::json readJsonFile(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw InputError(path + ": no such file");
  if (std::filesystem::file_size(path, ec) > (uint64_t(256) << 20))
    throw InputError(path + ": larger than 256 MiB, not " + what);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream all;
  all << in.rdbuf();
  return nlohmann::json::parse(all.str(), nullptr, false);
}

}  // namespace dlasim::report
