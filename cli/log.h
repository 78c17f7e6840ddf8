// trtexec-style log lines: "[MM/DD/YYYY-HH:MM:SS] [I] message".
#pragma once
#include <iostream>
#include <string>

namespace dlasim::cli {

class Log {
 public:
  explicit Log(std::ostream& out = std::cout, bool verbose = false)
      : out_(out), verbose_(verbose) {}
  void info(const std::string& m) { line('I', m); }
  void warn(const std::string& m) { line('W', m); }
  void error(const std::string& m) { line('E', m); }
  void verbose(const std::string& m) {
    if (verbose_) line('V', m);
  }
  void setVerbose(bool v) { verbose_ = v; }
  /// A line without the time stamp (trtexec's "&&&& PASSED ..." lines).
  void raw(const std::string& m);

 private:
  void line(char level, const std::string& m);
  std::ostream& out_;
  bool verbose_;
};

}  // namespace dlasim::cli
