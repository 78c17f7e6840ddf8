// Which hardware layer the enabled units form, and the shared register checks.
#include "nvdla_trace/layers.h"

#include "nvdla_trace/errors.h"
#include "nvdla_trace/layer_context.h"

namespace nvdla_trace {

void LayerContext::unsupported(const std::string& reason, const std::string& block,
                               const std::string& reg) const {
  throw Unsupported(reason + " (" + regs.describe(block, reg) + ")");
}

void LayerContext::requireEqual(int64_t a, const std::string& blockA, const std::string& regA,
                                int64_t b, const std::string& blockB,
                                const std::string& regB) const {
  if (a == b) return;
  throw TraceError("inconsistent sizes: " + regs.describe(blockA, regA) + " gives " +
                   std::to_string(a) + " but " + regs.describe(blockB, regB) + " gives " +
                   std::to_string(b));
}

void LayerContext::checkCube(const std::string& what, int width, int height, int channels) const {
  const uint64_t atoms = uint64_t(channels + hw.atomBytes - 1) / uint64_t(hw.atomBytes);
  const uint64_t elements = uint64_t(width) * uint64_t(height) * atoms * uint64_t(hw.atomBytes);
  if (elements > limits.maxCubeElements)
    throw TraceError(what + " of " + std::to_string(width) + "x" + std::to_string(height) + "x" +
                     std::to_string(channels) + " exceeds the replayer's limit of " +
                     std::to_string(limits.maxCubeElements) + " elements");
}

namespace {

// Blocks whose D_OP_ENABLE belongs to one layer.
constexpr const char* kConvolutionBlocks[] = {"CDMA", "CSC", "CMAC_A", "CMAC_B", "CACC"};
constexpr const char* kAllLayerBlocks[] = {"CDMA", "CSC",      "CMAC_A", "CMAC_B",
                                           "CACC", "SDP_RDMA", "SDP",    "PDP_RDMA",
                                           "PDP",  "CDP_RDMA", "CDP"};

}  // namespace

bool runPendingLayers(RegisterFile& regs, PagedMemory& memory, const kern::nvdla::HwConfig& hw,
                      const WorkLimits& limits, const Units& units) {
  LayerContext ctx{regs, memory, hw, limits, units};
  bool ran = false;
  if (regs.opEnabled("CDP")) {
    runCdpLayer(ctx);
    ran = true;
  }
  bool convolution = false;
  for (const char* b : kConvolutionBlocks) convolution |= regs.opEnabled(b);
  if (convolution) {
    runConvolutionLayer(ctx);  // through SDP, and PDP when SDP feeds it
    ran = true;
  } else if (regs.opEnabled("SDP")) {
    runSdpLayer(ctx);
    ran = true;
  } else if (regs.opEnabled("PDP")) {
    runPdpLayer(ctx);
    ran = true;
  }
  // Units clear their enable when the layer is done.
  for (const char* b : kAllLayerBlocks) regs.clearOpEnable(b);
  return ran;
}

}  // namespace nvdla_trace
