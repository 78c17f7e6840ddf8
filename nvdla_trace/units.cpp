#include "nvdla_trace/units.h"

#include <cstddef>
#include <vector>

namespace nvdla_trace {

namespace kn = kern::nvdla;

void Units::convolutionSdp(const kn::ConvSettings& conv, const int8_t* input, const int8_t* weights,
                           const kn::SdpSettings& sdp, int8_t* out) const {
  const int64_t plane = int64_t(conv.outWidth) * conv.outHeight;
  std::vector<int32_t> acc(size_t(int64_t(sdp.channels) * plane), 0);
  kn::convInt8(conv, input, weights, acc.data());
  kn::sdp(sdp, acc.data(), out);
}

void Units::sdp(const kn::SdpSettings& s, const int8_t* in, int8_t* out) const {
  kn::sdp(s, in, out);
}

void Units::pdp(const kn::PdpSettings& s, const int8_t* in, int8_t* out) const {
  kn::pdp(s, in, out);
}

const Units& Units::nvdla() {
  static const Units units;
  return units;
}

}  // namespace nvdla_trace
