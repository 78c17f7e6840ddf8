// The unit computations a replay runs once it has decoded a layer's registers and read its
// data: by default kernels/nvdla's models. Another implementation (the executor's INT8 path,
// tests/unit/nvdla_trace_executor_test.cpp) can take their place, so that the golden CRCs
// check it too; it throws nvdla_trace::Unsupported for settings it cannot express.
#pragma once
#include <cstdint>

#include "kernels/nvdla/conv.h"
#include "kernels/nvdla/pdp.h"
#include "kernels/nvdla/sdp.h"

namespace nvdla_trace {

class Units {
 public:
  virtual ~Units() = default;
  /// Convolution feeding SDP on the fly. input: conv.inChannels x inHeight x inWidth (CHW);
  /// weights: KCRS; out: sdp.channels (the kernels padded to whole atoms, whose accumulators
  /// are 0) x outHeight x outWidth.
  virtual void convolutionSdp(const kern::nvdla::ConvSettings& conv, const int8_t* input,
                              const int8_t* weights, const kern::nvdla::SdpSettings& sdp,
                              int8_t* out) const;
  /// SDP reading int8 feature data: in and out are sdp.channels x height x width (CHW).
  virtual void sdp(const kern::nvdla::SdpSettings& s, const int8_t* in, int8_t* out) const;
  /// PDP: in is s.channels x inHeight x inWidth, out s.channels x outHeight x outWidth (CHW).
  virtual void pdp(const kern::nvdla::PdpSettings& s, const int8_t* in, int8_t* out) const;

  /// kernels/nvdla's unit models.
  static const Units& nvdla();
};

}  // namespace nvdla_trace
