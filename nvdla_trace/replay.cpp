#include "nvdla_trace/replay.h"

#include <dirent.h>

#include <set>
#include <vector>

#include "nvdla_trace/errors.h"
#include "nvdla_trace/layers.h"
#include "nvdla_trace/paged_memory.h"
#include "nvdla_trace/register_file.h"
#include "nvdla_trace/trace_files.h"

namespace nvdla_trace {

bool hwConfigByName(const std::string& name, kern::nvdla::HwConfig* out) {
  if (name == "nv_small")
    *out = kern::nvdla::HwConfig::nvSmall();
  else if (name == "nv_full")
    *out = kern::nvdla::HwConfig::nvFull();
  else
    return false;
  return true;
}

namespace {

std::string baseName(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// <dir>/<dirname>.cfg, or else the directory's only .cfg file.
std::string findScript(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) throw TraceError(dir + ": cannot open the trace directory");
  std::vector<std::string> scripts;
  while (dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".cfg") == 0) scripts.push_back(n);
  }
  closedir(d);
  const std::string preferred = baseName(dir) + ".cfg";
  for (const std::string& s : scripts)
    if (s == preferred) return s;
  if (scripts.size() == 1) return scripts[0];
  throw TraceError(dir + ": expected one .cfg script, found " + std::to_string(scripts.size()));
}

class Replayer {
 public:
  Replayer(const std::string& dir, const Config& c)
      : dir_(dir), config_(c), memory_(c.memoryLimitBytes) {}

  ReplayResult run() {
    const std::string scriptName = findScript(dir_);
    regs_.setScriptName(scriptName);
    const std::string text =
        readTextFile(dir_ + "/" + scriptName, scriptName, config_.maxFileBytes);
    ReplayResult result;
    result.status = ReplayStatus::Match;
    int checks = 0;
    for (const Statement& st : parseScript(text, scriptName)) {
      where_ = scriptName + ":" + std::to_string(st.line);
      switch (st.kind) {
        case StatementKind::MemInit:
          memInit(st);
          break;
        case StatementKind::MemLoad:
          memLoad(st);
          break;
        case StatementKind::RegWrite:
          regs_.write(registerId(st.args[0]), uint32_t(number(st.args[1], 32, "register value")),
                      st.line);
          break;
        case StatementKind::PollRegEqual:  // the awaited status is taken as already reached
          registerId(st.args[0]);
          number(st.args[1], 32, "register value");
          break;
        case StatementKind::IntrNotify:
          notify(st);
          break;
        case StatementKind::CheckNothing:
          requireSync(st.args[0]);
          break;
        case StatementKind::SyncNotify:  // the work enabled so far is done: raise the event
          requireTarget(st.args[0]);
          runLayers();
          syncs_.insert(st.args[1]);
          break;
        case StatementKind::SyncWait:  // one script replays in order: the event must be raised
          requireTarget(st.args[0]);
          requireSync(st.args[1]);
          break;
        case StatementKind::CheckCrc: {
          ++checks;
          ReplayResult r = checkCrc(st);
          if (r.status != ReplayStatus::Match && result.status == ReplayStatus::Match) result = r;
          break;
        }
      }
    }
    if (checks == 0) throw TraceError(scriptName + ": no check_crc statement");
    return result;
  }

 private:
  uint64_t number(const std::string& s, int bits, const char* what) const {
    return parseTraceNumber(s, bits, where_, what);
  }

  void requireMemory(const std::string& name) const {
    if (name != "pri_mem" && name != "1")
      throw TraceError(where_ + ": unknown memory '" + name + "' (expected pri_mem)");
  }

  uint64_t address(const std::string& s, const char* what) const {
    const uint64_t a = number(s, 64, what);
    if (a >= kAddressLimit) throw TraceError(where_ + ": " + what + " " + s + " is beyond 2^48");
    return a;
  }

  int registerId(const std::string& name) const {
    const int id = regs_.resolve(name);
    if (id < 0) throw TraceError(where_ + ": unknown register '" + name + "'");
    return id;
  }

  void memInit(const Statement& st) {
    requireMemory(st.args[0]);
    const uint64_t base = address(st.args[1], "base address"),
                   size = number(st.args[2], 48, "size");
    if (base + size > kAddressLimit) throw TraceError(where_ + ": range ends beyond 2^48");
    if (st.args[3] != "ALL_ZERO")
      throw Unsupported(where_ + ": mem_init pattern '" + st.args[3] + "' (only ALL_ZERO)");
    memory_.zero(base, size);
  }

  void memLoad(const Statement& st) {
    requireMemory(st.args[0]);
    const uint64_t base = address(st.args[1], "base address");
    const std::string& file = st.args[2];
    if (file.empty() || file.find('/') != std::string::npos || file == "." || file == "..")
      throw TraceError(where_ + ": payload '" + file +
                       "' must be a file name in the trace directory");
    if (base + (uint64_t(1) << 41) > kAddressLimit)
      throw TraceError(where_ + ": payload base " + st.args[1] + " leaves no room below 2^48");
    if (loadPayload(dir_ + "/" + file, file, base, memory_, config_.maxFileBytes) == 0)
      emptyPayloads_.push_back(file);
  }

  void notify(const Statement& st) {
    const std::string& unit = st.args[0];
    if (unit != "SDP_0" && unit != "PDP_0" && unit != "CDP_0" && unit != "CACC_0" &&
        unit != "CDMA_0" && unit != "BDMA_0" && unit != "RUBIK_0")
      throw TraceError(where_ + ": unknown interrupt '" + unit + "'");
    runLayers();
    syncs_.insert(st.args[1]);
  }

  void requireSync(const std::string& sync) const {
    if (!syncs_.count(sync))
      throw TraceError(where_ + ": '" + sync +
                       "' was not defined by an earlier intr_notify or sync_notify");
  }

  // The player a sync_notify / sync_wait addresses: a name, only recorded.
  void requireTarget(const std::string& target) const {
    if (target.empty() || target.find_first_of(" \t") != std::string::npos)
      throw TraceError(where_ + ": bad sync target '" + target + "'");
  }

  ReplayResult checkCrc(const Statement& st) {
    requireSync(st.args[0]);
    requireMemory(st.args[1]);
    const uint64_t base = address(st.args[2], "base address"),
                   size = number(st.args[3], 48, "size");
    if (size > config_.maxCheckBytes)
      throw TraceError(where_ + ": check size " + st.args[3] + " exceeds the limit of " +
                       std::to_string(config_.maxCheckBytes >> 20) + " MiB");
    if (base + size > kAddressLimit) throw TraceError(where_ + ": range ends beyond 2^48");
    const uint32_t golden = uint32_t(number(st.args[4], 32, "golden CRC"));
    runLayers();
    ReplayResult r;
    r.expectedCrc = golden;
    r.actualCrc = memory_.crc32(base, size);
    r.status = r.actualCrc == golden ? ReplayStatus::Match : ReplayStatus::Mismatch;
    if (r.status == ReplayStatus::Mismatch) r.message = where_;
    return r;
  }

  void runLayers() {
    const kern::nvdla::HwConfig& hw = config_.hw;
    WorkLimits limits{config_.maxCubeElements, config_.maxMacs};
    bool ran;
    try {
      ran = runPendingLayers(regs_, memory_, hw, limits, *config_.units);
    } catch (const Unsupported& e) {
      throw Unsupported(e.what() + emptyPayloadNote("; also, "));
    }
    if (ran && !emptyPayloads_.empty())
      throw Unsupported(emptyPayloadNote("") +
                        " (the data is missing from this copy of the trace)");
  }

  std::string emptyPayloadNote(const std::string& lead) const {
    if (emptyPayloads_.empty()) return "";
    std::string s = lead + "payload " + emptyPayloads_[0];
    for (size_t i = 1; i < emptyPayloads_.size(); ++i) s += ", " + emptyPayloads_[i];
    return s + (emptyPayloads_.size() > 1 ? " are empty" : " is empty");
  }

  std::string dir_;
  Config config_;
  PagedMemory memory_;
  RegisterFile regs_;
  std::string where_;
  std::set<std::string> syncs_;
  std::vector<std::string> emptyPayloads_;
};

}  // namespace

ReplayResult replay(const std::string& dir, const Config& config) {
  ReplayResult r;
  try {
    return Replayer(dir, config).run();
  } catch (const Unsupported& e) {
    r.status = ReplayStatus::Unsupported;
    r.message = e.what();
  } catch (const TraceError& e) {
    r.status = ReplayStatus::Error;
    r.message = e.what();
  } catch (const std::bad_alloc&) {
    r.status = ReplayStatus::Error;
    r.message = dir + ": out of memory";
  }
  return r;
}

}  // namespace nvdla_trace
