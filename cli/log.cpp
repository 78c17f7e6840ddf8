#include "cli/log.h"

#include <ctime>

#include "cli/util.h"

namespace dlasim::cli {

void Log::line(char level, const std::string& m) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%m/%d/%Y-%H:%M:%S", &tm);
  out_ << '[' << stamp << "] [" << level << "] " << printable(m) << '\n' << std::flush;
}

void Log::raw(const std::string& m) {
  out_ << printable(m) << '\n' << std::flush;
}

}  // namespace dlasim::cli
