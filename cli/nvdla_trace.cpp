#include "cli/nvdla_trace.h"

#include <cstdio>
#include <string>

#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/errors.h"
#include "dlasim/nvdla.h"
#include "dlasim/types.h"

namespace dlasim::cli {

namespace {

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

// Replays the trace p.positional names with the configuration and sizes of p.own.
int replay(ParsedSubcommand& p, std::ostream& out) {
  NvdlaConfig config;
  int atom = 0, atomicC = 0, atomicK = 0;
  if (p.own.count("--config") && !nvdlaConfigByName(p.own["--config"], &config))
    fail("--config: unknown configuration '", p.own["--config"], "' (nv_small or nv_full)");
  const std::pair<const char*, int*> sizes[] = {
      {"--atom-bytes", &atom}, {"--atomic-c", &atomicC}, {"--atomic-k", &atomicK}};
  for (const auto& [flag, value] : sizes)
    if (p.own.count(flag) && !parseSize(p.own[flag], value))
      fail(flag, ": expected 1..256, got '", p.own[flag], "'");
  // Explicit sizes override the chosen configuration's.
  if (atom) config.atomBytes = atom;
  if (atomicC) config.atomicC = atomicC;
  if (atomicK) config.atomicK = atomicK;

  TraceResult r = replayNvdlaTrace(p.positional, config);
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

const SubcommandSpec kNvdlaTrace = {
    "nvdla-trace",
    "DIR",
    "Replays one of NVDLA's INT8 trace tests (a folder with <name>.cfg and its .dat payloads)\n"
    "through dlasim's bit-exact models of the DLA's units. Prints MATCH (exit 0), MISMATCH\n"
    "expected 0x... got 0x... (exit 1) or UNSUPPORTED <what> (exit 2); a malformed trace is one\n"
    "'dlasim: error:' line naming the file, the line and the value (exit 2).",
    {{"--config", "NAME", "The hardware configuration: nv_small (default) or nv_full"},
     {"--atom-bytes", "A", "Memory atom size in bytes (overrides the configuration's)"},
     {"--atomic-c", "C", "Input channels per MAC atomic operation (overrides)"},
     {"--atomic-k", "K", "Output kernels per MAC atomic operation (overrides)"}},
    false,
    {},
    false};

}  // namespace

int nvdlaTraceMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  std::vector<const char*> args = {"dlasim"};
  args.insert(args.end(), argv, argv + argc);
  return runSubcommand(kNvdlaTrace, int(args.size()), args.data(), out, err,
                       [&](ParsedSubcommand& p) { return replay(p, out); });
}

}  // namespace dlasim::cli
