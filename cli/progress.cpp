#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

namespace dlasim::cli {

bool progressWanted(const std::ostream& err, bool quiet) {
  return !quiet && &err == &std::cerr && ::isatty(STDERR_FILENO);
}

std::function<void(int64_t, int64_t)> progressLine(std::ostream& err, const std::string& what,
                                                   const std::string& unit) {
  using clock = std::chrono::steady_clock;
  auto start = std::make_shared<clock::time_point>(clock::now());
  auto shown = std::make_shared<clock::time_point>();
  return [&err, what, unit, start, shown](int64_t done, int64_t total) {
    auto now = clock::now();
    if (done < total && now - *shown < std::chrono::milliseconds(100)) return;
    *shown = now;
    double s = std::chrono::duration<double>(now - *start).count();
    double rate = s > 0 ? double(done) / s : 0;
    char line[160];
    if (done < total && rate > 0)
      std::snprintf(line, sizeof line, "\r%s: %lld/%lld %s, %.1f/s, %.0f s left   ", what.c_str(),
                    static_cast<long long>(done), static_cast<long long>(total), unit.c_str(), rate,
                    std::ceil(double(total - done) / rate));
    else
      std::snprintf(line, sizeof line, "\r%s: %lld/%lld %s, %.1f/s, %.1f s%s", what.c_str(),
                    static_cast<long long>(done), static_cast<long long>(total), unit.c_str(), rate,
                    s, done >= total ? "      \n" : "");
    err << line << std::flush;
  };
}

std::function<void(int64_t, int64_t)> progressIfWanted(std::ostream& err, bool quiet,
                                                       const std::string& what,
                                                       const std::string& unit) {
  if (!progressWanted(err, quiet)) return nullptr;
  return progressLine(err, what, unit);
}

}  // namespace dlasim::cli
