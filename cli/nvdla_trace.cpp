#include "cli/nvdla_trace.h"

#include <cstdio>
#include <string>

#include "dlasim/errors.h"
#include "dlasim/nvdla.h"
#include "dlasim/types.h"

namespace dlasim::cli {

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
  NvdlaConfig config;
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
      if (!nvdlaConfigByName(v, &config))
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
      return fail("unknown option '" + a + "' (" + kUsage + ")");
    } else if (dir.empty()) {
      dir = a;
    } else {
      return fail("more than one trace directory ('" + dir + "', '" + a + "')");
    }
  }
  if (dir.empty()) return fail(std::string("missing the trace directory (") + kUsage + ")");
  // Explicit sizes override the chosen configuration's.
  if (atom) config.atomBytes = atom;
  if (atomicC) config.atomicC = atomicC;
  if (atomicK) config.atomicK = atomicK;

  TraceResult r;
  try {
    r = replayNvdlaTrace(dir, config);
  } catch (const InputError& e) {
    return fail(printable(e.what()));
  }
  switch (r.status) {
    case TraceStatus::kMatch:
      out << "MATCH\n";
      return 0;
    case TraceStatus::kMismatch:
      out << "MISMATCH expected " << hex8(r.expectedCrc) << " got " << hex8(r.actualCrc) << "\n";
      return 1;
    case TraceStatus::kUnsupported:
      break;
  }
  out << "UNSUPPORTED " << printable(r.message) << "\n";
  return 2;
}

}  // namespace dlasim::cli
