// Shared by the unit decoders (conv_layer.cpp, sdp_layer.cpp, pdp_layer.cpp, cdp_layer.cpp):
// what a layer run needs and the checks that turn register values into settings.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/nvdla/hw_config.h"
#include "kernels/nvdla/pdp.h"
#include "kernels/nvdla/sdp.h"
#include "nvdla_trace/cube_io.h"
#include "nvdla_trace/paged_memory.h"
#include "nvdla_trace/register_file.h"
#include "nvdla_trace/units.h"

namespace nvdla_trace {

/// Work limits that keep a hostile trace from running for minutes or exhausting memory.
struct WorkLimits {
  uint64_t maxCubeElements = uint64_t(1) << 24;  // per feature cube
  uint64_t maxMacs = uint64_t(1) << 30;          // per convolution
};

struct LayerContext {
  RegisterFile& regs;
  PagedMemory& memory;
  kern::nvdla::HwConfig hw;
  WorkLimits limits;
  const Units& units;  // what computes the decoded layers

  /// A size register: field value + 1 (NVDLA stores sizes minus one).
  int size(const std::string& block, const std::string& reg, const std::string& field) const {
    return int(regs.field(block, reg, field)) + 1;
  }
  /// Throws Unsupported with `reason` and the register that asks for it.
  [[noreturn]] void unsupported(const std::string& reason, const std::string& block,
                                const std::string& reg) const;
  /// Throws TraceError unless a == b, naming both registers.
  void requireEqual(int64_t a, const std::string& blockA, const std::string& regA, int64_t b,
                    const std::string& blockB, const std::string& regB) const;
  /// Throws TraceError when a width x height x channels cube exceeds the limits.
  void checkCube(const std::string& what, int width, int height, int channels) const;
};

/// An SDP layer as programmed: settings plus the operand data the settings point into.
struct SdpProgram {
  kern::nvdla::SdpSettings settings;
  std::vector<int16_t> bsAlu, bsMul, bnAlu, bnMul;  // memory operands (empty when from registers)
  bool toPdp = false;                               // OUTPUT_DST = PDP
  FeatureLayout output;                             // SDP.D_DST_* (unused when toPdp)
};

/// Decodes SDP for a width x height x channels cube (channels already padded to whole atoms),
/// reading memory operands through SDP_RDMA.
SdpProgram decodeSdp(const LayerContext& ctx, int width, int height, int channels);

/// Runs SDP's result (int8, CHW, padded channels) to memory or into PDP.
void emitSdpOutput(const LayerContext& ctx, const SdpProgram& sdp, const std::vector<int8_t>& out);

/// PDP's settings from its registers (input and output cubes from PDP's own block).
kern::nvdla::PdpSettings decodePdp(const LayerContext& ctx);

/// Pools an int8 CHW cube (inWidth x inHeight x padded channels) and writes PDP.D_DST_*.
void runPdpOn(const LayerContext& ctx, const kern::nvdla::PdpSettings& s,
              const std::vector<int8_t>& input);

void runConvolutionLayer(const LayerContext& ctx);
void runSdpLayer(const LayerContext& ctx);
void runPdpLayer(const LayerContext& ctx);
void runCdpLayer(const LayerContext& ctx);

}  // namespace nvdla_trace
