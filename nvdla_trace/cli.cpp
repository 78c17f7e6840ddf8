#include "nvdla_trace/cli.h"

#include <cstdio>
#include <string>

#include "nvdla_trace/replay.h"

namespace {

constexpr const char* kUsage =
    "usage: dlasim nvdla-trace DIR [--config=nv_small|nv_full] [--atom-bytes=A] "
    "[--atomic-c=C] [--atomic-k=K]";

bool parseSize(const std::string& s, int* out) {
  if (s.empty() || s.size() > 4 || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  *out = std::stoi(s);
  return *out >= 1 && *out <= 256;
}

std::string hex8(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

}  // namespace

int nvdlaTraceMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  nvdla_trace::Config config;
  std::string dir;
  int atom = 0, atomicC = 0, atomicK = 0;
  auto fail = [&](const std::string& msg) {
    err << "dlasim: error: " << msg << "\n";
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* prefix) -> const char* {
      const std::string p(prefix);
      return a.compare(0, p.size(), p) == 0 ? argv[i] + p.size() : nullptr;
    };
    if (a == "--help" || a == "-h") {
      out << kUsage << "\n";
      return 0;
    } else if (const char* v = value("--config=")) {
      if (!nvdla_trace::hwConfigByName(v, &config.hw))
        return fail(std::string("--config: unknown configuration '") + v +
                    "' (nv_small or nv_full)");
    } else if (const char* v = value("--atom-bytes=")) {
      if (!parseSize(v, &atom))
        return fail(std::string("--atom-bytes: expected 1..256, got '") + v + "'");
    } else if (const char* v = value("--atomic-c=")) {
      if (!parseSize(v, &atomicC))
        return fail(std::string("--atomic-c: expected 1..256, got '") + v + "'");
    } else if (const char* v = value("--atomic-k=")) {
      if (!parseSize(v, &atomicK))
        return fail(std::string("--atomic-k: expected 1..256, got '") + v + "'");
    } else if (!a.empty() && a[0] == '-') {
      return fail("unknown option '" + a + "'\n" + kUsage);
    } else if (dir.empty()) {
      dir = a;
    } else {
      return fail("more than one trace directory ('" + dir + "', '" + a + "')");
    }
  }
  if (dir.empty()) return fail(std::string("missing the trace directory\n") + kUsage);
  // Explicit sizes override the chosen configuration's.
  if (atom) config.hw.atomBytes = atom;
  if (atomicC) config.hw.atomicC = atomicC;
  if (atomicK) config.hw.atomicK = atomicK;

  const nvdla_trace::ReplayResult r = nvdla_trace::replay(dir, config);
  switch (r.status) {
    case nvdla_trace::ReplayStatus::Match:
      out << "MATCH\n";
      return 0;
    case nvdla_trace::ReplayStatus::Mismatch:
      out << "MISMATCH expected " << hex8(r.expectedCrc) << " got " << hex8(r.actualCrc) << "\n";
      return 1;
    case nvdla_trace::ReplayStatus::Unsupported:
      out << "UNSUPPORTED " << r.message << "\n";
      return 2;
    case nvdla_trace::ReplayStatus::Error:
      break;
  }
  return fail(r.message);
}
