// Runs the hardware layer that the enabled units (D_OP_ENABLE) form: CDP; or convolution ->
// SDP (-> PDP); or SDP from memory (-> PDP); or PDP from memory. Enables are cleared afterwards.
#pragma once
#include "kernels/nvdla/hw_config.h"
#include "nvdla_trace/layer_context.h"
#include "nvdla_trace/paged_memory.h"
#include "nvdla_trace/register_file.h"

namespace nvdla_trace {

/// Returns whether any layer ran. Throws TraceError / Unsupported.
bool runPendingLayers(RegisterFile& regs, PagedMemory& memory, const kern::nvdla::HwConfig& hw,
                      const WorkLimits& limits, const Units& units = Units::nvdla());

}  // namespace nvdla_trace
