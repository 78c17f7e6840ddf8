// trtexec's spellings of binding formats (sim/ir/io_format.h) and memory pools, checked once for
// the CLI and the Python module.
#include <algorithm>
#include <iterator>

#include "dlasim/build_config.h"
#include "dlasim/errors.h"
#include "hwmodels/trt_version.h"
#include "sim/ir/io_format.h"

namespace dlasim {

namespace {

const char* const kPools[] = {"workspace", "dlaSRAM", "dlaLocalDRAM", "dlaGlobalDRAM",
                              "tacticSharedMem"};

template <size_t N>
bool oneOf(const std::string& s, const char* const (&names)[N]) {
  return std::find(std::begin(names), std::end(names), s) != std::end(names);
}

}  // namespace

IOFormat parseIOFormat(const std::string& item, const std::string& what) {
  size_t colon = item.find(':');
  if (colon == std::string::npos)
    throw InputError(what + ": '" + item + "' is not of the form type:format");
  IOFormat f{item.substr(0, colon), item.substr(colon + 1)};
  sim::IOType type;
  if (!sim::parseIOType(f.type, &type))
    throw InputError(what + ": unknown type '" + f.type + "' (fp32, fp16, int8, int32, ...)");
  for (size_t at = 0; at <= f.format.size();) {
    size_t plus = std::min(f.format.find('+', at), f.format.size());
    std::string fmt = f.format.substr(at, plus - at);
    sim::IOLayout layout;
    if (!sim::parseIOLayout(fmt, &layout))
      throw InputError(what + ": unknown format '" + fmt +
                       "' (chw, chw16, chw32, dla_linear, dla_hwc4, ...)");
    at = plus + 1;
  }
  return f;
}

void checkMemPoolName(const std::string& pool, const std::string& what) {
  if (!oneOf(pool, kPools))
    throw InputError(what + ": unknown pool '" + pool +
                     "' (workspace, dlaSRAM, dlaLocalDRAM, dlaGlobalDRAM, tacticSharedMem)");
}

std::string trtVersionForJetpack(const std::string& jetpack) {
  return hw::trtVersionByJetpack(jetpack).id;  // throws InputError for an unknown name
}

}  // namespace dlasim
