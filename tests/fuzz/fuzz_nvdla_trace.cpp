// NVDLA trace tests (`dlasim nvdla-trace DIR`): a .cfg command script and its .dat payloads,
// replayed through the NVDLA unit models. The input is one trace packed in one file:
//
//   <the .cfg script>
//   @@FILE <name>.dat
//   <that payload file's text>
//   @@FILE ...
//
// written to a fresh folder and replayed with small caps. Whatever the registers say (cube sizes,
// strides, addresses, precisions, LUTs), a replay ends in one of its four statuses, and one that
// is not a match names why; nothing else (a crash, a sanitizer report, an exception) may escape.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_support.h"
#include "nvdla_trace/replay.h"

namespace {

namespace fs = std::filesystem;

// A fresh folder per process (libFuzzer runs one input at a time in a process).
const fs::path& workDir() {
  static const fs::path dir = [] {
    fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path d = base / ("dlasim-fuzz-trace-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

void writeFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), std::streamsize(text.size()));
}

// A payload name as a trace may write it: letters, digits, '_', '-', '.', no path.
bool plainName(const std::string& n) {
  if (n.empty() || n.size() > 64 || n == "." || n == "..") return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = fuzz::bytes(data, size);
  const fs::path dir = workDir() / "t";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);

  const std::string marker = "\n@@FILE ";
  size_t end = text.find(marker);
  writeFile(dir / "t.cfg", text.substr(0, end));
  while (end != std::string::npos) {
    size_t nameEnd = text.find('\n', end + marker.size());
    std::string name = text.substr(end + marker.size(), nameEnd == std::string::npos
                                                            ? std::string::npos
                                                            : nameEnd - end - marker.size());
    size_t next = nameEnd == std::string::npos ? std::string::npos : text.find(marker, nameEnd);
    std::string body = nameEnd == std::string::npos
                           ? ""
                           : text.substr(nameEnd + 1, next == std::string::npos
                                                          ? std::string::npos
                                                          : next - nameEnd - 1);
    if (plainName(name) && name.size() > 4 && name.compare(name.size() - 4, 4, ".cfg") != 0)
      writeFile(dir / name, body);
    end = next;
  }

  nvdla_trace::Config config;  // caps that keep one input fast and far below the RSS limit
  config.memoryLimitBytes = uint64_t(64) << 20;
  config.maxFileBytes = uint64_t(4) << 20;
  config.maxCheckBytes = uint64_t(4) << 20;
  config.maxCubeElements = uint64_t(1) << 18;
  config.maxMacs = uint64_t(1) << 22;
  nvdla_trace::ReplayResult r = nvdla_trace::replay(dir.string(), config);
  FUZZ_CHECK(r.status == nvdla_trace::ReplayStatus::Match ||
                 r.status == nvdla_trace::ReplayStatus::Mismatch ||
                 r.status == nvdla_trace::ReplayStatus::Unsupported ||
                 r.status == nvdla_trace::ReplayStatus::Error,
             "unknown status");
  FUZZ_CHECK(r.status == nvdla_trace::ReplayStatus::Match || !r.message.empty(),
             "a replay that does not match gives no reason");
  return 0;
}
