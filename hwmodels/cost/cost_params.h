// The cost model's hardware constants per platform: DLA engine rates, GPU roofline, memory,
// loadable storage, clock limits. Data only; every number carries its source in cost_data.cpp
// ("fitted to design §5 item N" for the few fitted ones), and the model (dla_cost.cpp,
// gpu_cost.cpp, perf_model.cpp) reads them, never the platform's name.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dlasim/types.h"
#include "hwmodels/platform.h"

namespace hw {

/// One precision's convolution datapath: an atomic op multiplies a 1x1xatomicC input cube by
/// atomicK kernels in cyclesPerOp cycles; `pipes` such arrays work on different output pixels.
struct ConvCore {
  int atomicC = 0, atomicK = 0, pipes = 1;
  dlasim::EngineUnit unit = dlasim::EngineUnit::kConvolution;
  int cyclesPerOp = 1;  // cycles one atomic op takes
  int64_t macsPerCycle() const { return int64_t(atomicC) * atomicK * pipes / cyclesPerOp; }
};

/// Convolutions streamed through Rubik instead of the convolution core (Orin: every FP16
/// convolution, and INT8 ones where that is faster: depthwise and grouped): the op takes the longer
/// of its MACs at macsPerCycle and every byte it moves at DlaCost::rubikBytesPerCycle.
struct RubikConv {
  bool fp16 = false;            // FP16 convolutions always take this path (no FP16 conv core)
  bool int8WhenFaster = false;  // INT8 convolutions take it when faster (depthwise, grouped)
  double macsPerCycle = 0;
};

struct DlaCost {
  ConvCore int8, fp16;  // the convolution core per precision (fp16.macsPerCycle 0: none)
  RubikConv rubikConv;
  int stripeMin = 16, stripeMax = 32;  // atomic ops per stripe (weight-load floor, accumulator)
  double convEfficiency = 1;           // sustained share of the atomic-op rate (bubbles)
  double imageInputEfficiency = 0.5;   // MAC use of image-input (C <= 4) convolutions
  int64_t cbufBytes = 0;               // convolution buffer
  int featureAtomBytes = 32;           // feature maps: C padded to this many bytes
  // Element rates per cycle: SDP's X stages (bias, scale, ReLU) and Y stage (LUT activations,
  // element-wise with a second tensor), PDP pooling (input elements), CDP LRN.
  double sdpPerCycle = 0, sdpLutPerCycle = 0, pdpPerCycle = 0, cdpPerCycle = 0;
  double rubikBytesPerCycle = 0;  // Rubik: transpose / resize / format conversion (bytes out)
  double bdmaBytesPerCycle = 0;   // bridge DMA copies
  double portBytesPerCycle = 0;   // DRAM interface
  double sramBytesPerCycle = 0;   // managed SRAM interface
  double portEfficiency = 1;      // share of the port's bytes per cycle sustained from DRAM
  double dramShare = 0;           // cap: share of the DRAM bandwidth one DLA core may take
  double opOverheadCycles = 0;    // per hardware op: programming, pipeline fill, DMA latency
  // Both cores streaming at once sustain this multiple of one core's DRAM rate together (their
  // shared path to the memory controller); capacity planning's per-core loss.
  double pairDramFactor = 2;
  int pdpLineBufferBytes = 0;  // pooling fused on the fly after the SDP when it fits
  // Loadable storage of constants that are not convolution weights.
  int constantContainerBytes = 2;                  // bytes per stored value (Orin: FP19 in 4 bytes)
  int constantPadFp16 = 16, constantPadInt8 = 32;  // channels padded to these multiples
  int64_t loadableHeaderBytes = 0, opDescriptorBytes = 0;
};

struct GpuCost {
  int cudaCores = 0, tensorCores = 0;
  // Peak operations per cycle (an operation = a multiply or an add): FP32 CUDA cores, and the
  // tensor cores in TF32 (0 when absent), FP16 and dense INT8.
  double fp32OpsPerCycle = 0, tf32OpsPerCycle = 0, fp16OpsPerCycle = 0, int8OpsPerCycle = 0;
  double computeEfficiency = 0;  // achieved share of the peak on convolutions and matrix math
  double memoryEfficiency = 0;   // achieved share of the DRAM bandwidth (also the system ceiling)
  double launchUs = 0;           // per kernel (and per copy): launch plus minimum kernel time
  double hostCopyShare = 0;      // host <-> device copies (H2D / D2H): share of DRAM bandwidth
};

struct ClockLimits {
  double dlaMinMHz = 0, dlaMaxMHz = 0, gpuMinMHz = 0, gpuMaxMHz = 0, emcMinMHz = 0, emcMaxMHz = 0;
};

struct CostParams {
  DlaCost dla;
  GpuCost gpu;
  double emcMaxMHz = 0;  // EMC clock at which the platform's DRAM bandwidth holds
  ClockLimits clocks;    // accepted --dlaClockMHz / --gpuClockMHz / --emcClockMHz
  std::vector<std::pair<std::string, std::string>> sources;  // constant -> source
};

/// The cost constants of a platform (by its id).
const CostParams& costParams(const Platform& p);

}  // namespace hw
