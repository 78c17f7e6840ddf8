// dlasim::replayNvdlaTrace over nvdla_trace::replay.
#include "dlasim/nvdla.h"

#include "dlasim/errors.h"
#include "nvdla_trace/replay.h"

namespace dlasim {

bool nvdlaConfigByName(const std::string& name, NvdlaConfig* out) {
  kern::nvdla::HwConfig hw;
  if (!nvdla_trace::hwConfigByName(name, &hw)) return false;
  *out = {hw.atomBytes, hw.atomicC, hw.atomicK};
  return true;
}

TraceResult replayNvdlaTrace(const std::string& dir, const NvdlaConfig& config) {
  nvdla_trace::Config c;
  c.hw.atomBytes = config.atomBytes;
  c.hw.atomicC = config.atomicC;
  c.hw.atomicK = config.atomicK;
  nvdla_trace::ReplayResult r = nvdla_trace::replay(dir, c);
  TraceResult out;
  out.expectedCrc = r.expectedCrc;
  out.actualCrc = r.actualCrc;
  out.message = r.message;
  switch (r.status) {
    case nvdla_trace::ReplayStatus::Match:
      out.status = TraceStatus::kMatch;
      break;
    case nvdla_trace::ReplayStatus::Mismatch:
      out.status = TraceStatus::kMismatch;
      break;
    case nvdla_trace::ReplayStatus::Unsupported:
      out.status = TraceStatus::kUnsupported;
      break;
    case nvdla_trace::ReplayStatus::Error:
      throw InputError(r.message);
  }
  return out;
}

}  // namespace dlasim
