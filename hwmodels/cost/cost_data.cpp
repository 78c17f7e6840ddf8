// Cost constants per platform, each with its source. "NVDLA" = the open NVDLA v1 nv_full
// design (shared/reference/nvdla-open-source.md §2); "design" = shared/design.md; "seed" =
// shared/dla-tutorial.md. Fitted constants say which calibration point of design §5 fixed
// them (docs/cost-model.md shows the arithmetic); "assumption" marks what nothing calibrates.
#include <map>

#include "hwmodels/cost/cost_params.h"
#include "sim/ir/error.h"

namespace hw {

namespace {

using dlasim::EngineUnit;

// Fitted to design §5 and shared/calibration (C1, C2); docs/cost-model.md §3 shows the
// arithmetic. Per-version overheads (submission, synchronisation) are in hwmodels/trt_version.cpp.
constexpr double kPortEfficiency = 0.597;    // item 2: max-pool and strided conv traffic
constexpr double kImageEfficiency = 0.45;    // item 2: conv1 (7x7/2, C = 3)
constexpr double kConvEfficiency = 0.90;     // item 2: 3x3 64->64 at 320x192 (compute-bound)
constexpr double kRubikBytesPerCycle = 2.5;  // item 3 (FP16 vs INT8 output) and C1 (FP16)
constexpr double kXavierOpCycles = 22000;    // C2: GoogLeNet's groups on AGX Xavier (FP16)
constexpr double kHostCopyShare = 0.0344;    // C1: latency minus GPU compute time (copies)

DlaCost nvdlaCommon() {
  DlaCost d;
  d.stripeMin = 16;  // NVDLA: loading the next stripe's weights takes 16 cycles
  d.stripeMax = 32;  // NVDLA: accumulator limit
  d.imageInputEfficiency = kImageEfficiency;
  d.convEfficiency = kConvEfficiency;
  d.cbufBytes = 512 * 1024;  // NVDLA nv_full: 16 banks x 32 KB
  d.featureAtomBytes = 32;   // NVDLA: memory atomic 32 B (C padded to it)
  d.portBytesPerCycle = 64;  // NVDLA nv_full: 512-bit primary memory interface
  d.portEfficiency = kPortEfficiency;
  d.dramShare = 0.5;          // assumption: a cap no calibration point reaches (docs/cost-model.md)
  d.pairDramFactor = 1.5;     // assumption: see kSources
  d.sramBytesPerCycle = 64;   // NVDLA nv_full: 512-bit secondary (SRAM) interface
  d.bdmaBytesPerCycle = 64;   // assumption: BDMA moves a port width per cycle
  d.opOverheadCycles = 1200;  // NVDLA nv_full: primary memory latency, paid once per op
  d.pdpLineBufferBytes = 7 * 1024;  // NVDLA: PDP on-the-fly line buffer
  d.rubikBytesPerCycle = kRubikBytesPerCycle;
  d.loadableHeaderBytes = 4096;  // assumption: loadable lists (memory, tasks, events)
  d.opDescriptorBytes = 256;     // assumption: one op descriptor + surfaces (NVDLA firmware ABI)
  return d;
}

DlaCost orinDla() {
  DlaCost d = nvdlaCommon();
  d.int8 = {64, 64, 2, EngineUnit::kConvolution};  // 8192 MACs/cycle (platform data)
  d.fp16 = {64, 16, 1, EngineUnit::kRubik, 2};     // the Rubik path's atomic op shape
  d.rubikConv = {true, true, 512};  // 512 MACs/cycle (platform data); the path: C1, design §5
  d.sdpPerCycle = 64;               // assumption: 4x NVDLA v1 (16/4/8/8), as Orin's conv core is 4x
  d.sdpLutPerCycle = 16;
  d.pdpPerCycle = 32;
  d.cdpPerCycle = 32;
  d.constantContainerBytes = 4;  // seed §3.3: FP19 values in 4-byte containers
  d.constantPadFp16 = 16;        // seed §3.3: channels padded to 16 (FP16) / 32 (INT8)
  d.constantPadInt8 = 32;
  return d;
}

DlaCost xavierDla() {
  DlaCost d = nvdlaCommon();
  d.int8 = {64, 32, 1, EngineUnit::kConvolution};  // NVDLA nv_full: Atomic-C 64 x Atomic-K 32
  d.fp16 = {64, 16, 1, EngineUnit::kConvolution};  // NVDLA nv_full: Atomic-K 16 in FP16
  d.opOverheadCycles = kXavierOpCycles;            // firmware programs each op (C2)
  d.sdpPerCycle = 16;                              // NVDLA nv_full: SDP X 16 per cycle
  d.sdpLutPerCycle = 4;                            // NVDLA nv_full: SDP Y 4 per cycle
  d.pdpPerCycle = 8;                               // NVDLA nv_full: PDP 8 per cycle
  d.cdpPerCycle = 8;                               // NVDLA nv_full: CDP 8 per cycle
  d.constantContainerBytes = 2;                    // NVDLA: SDP operands are 16-bit
  d.constantPadFp16 = 16;                          // NVDLA: 32-byte atoms
  d.constantPadInt8 = 32;
  return d;
}

GpuCost gpu(int cores, int tensorCores, double int8PerTensorCore, bool tf32) {
  GpuCost g;
  g.cudaCores = cores;
  g.tensorCores = tensorCores;
  g.fp32OpsPerCycle = 2.0 * cores;                       // one FMA per core per cycle
  g.int8OpsPerCycle = tensorCores * int8PerTensorCore;   // dense
  g.fp16OpsPerCycle = g.int8OpsPerCycle / 2;             // tensor cores: FP16 at half INT8
  g.tf32OpsPerCycle = tf32 ? g.fp16OpsPerCycle / 2 : 0;  // Ampere: TF32 at half FP16
  g.computeEfficiency = 0.5;  // assumption: no calibration point has a compute-bound GPU layer
  g.memoryEfficiency = 0.7;   // assumption: achievable share of LPDDR bandwidth
  g.launchUs = 8;             // assumption: launch + minimum kernel time on Jetson
  g.hostCopyShare = kHostCopyShare;
  return g;
}

const std::vector<std::pair<std::string, std::string>> kSources = {
    {"dla.int8 (Orin)",
     "2 pipes of Atomic-C 64 x Atomic-K 64 = 8192 MACs/cycle (platform data); pipes split output "
     "pixels (assumption: design §5 item 2's 3x3 64->64 layer uses ~60% of 8192 MACs/cycle, "
     "which a single 64x128 array would cap at 50%)"},
    {"dla.rubikConv (Orin)",
     "FP16 convolutions run on Rubik (design §5: 'Orin FP16 convolutions use the Rubik rate'): "
     "the longer of 512 MACs/cycle (platform data, seed §3.3) and every byte moved at the Rubik "
     "rate; C1 (YOLO11 FP16 27.5 ms, INT8 4.17 ms) agrees without a constant of its own. INT8 "
     "convolutions take the same path when faster: depthwise and grouped ones (C1 INT8: its 7 "
     "depthwise "
     "convolutions group by group on the core would alone take 5.3 ms)"},
    {"dla.int8/fp16 (Xavier)", "NVDLA nv_full: Atomic-C 64 x Atomic-K 32 (INT8) / 16 (FP16)"},
    {"dla.stripeMin/Max", "NVDLA unit_description: stripes of 16-32 atomic ops"},
    {"dla.imageInputEfficiency", "fitted to design §5 item 2 (conv1); NVDLA: close to 50%"},
    {"dla.convEfficiency", "fitted to design §5 item 2 (the compute-bound 3x3 64->64 layer)"},
    {"dla.cbufBytes", "NVDLA nv_full 512 KB (assumption for Orin)"},
    {"dla.sdp/pdp/cdp (Xavier)", "NVDLA nv_full: SDP 16 (Y 4), PDP 8, CDP 8 per cycle"},
    {"dla.sdp/pdp/cdp (Orin)",
     "assumption: 4x NVDLA v1 like the conv core; design §5 item 2 needs >= 22.5 (conv1 output), "
     ">= 12.4 (residual add), >= 31 (max-pool input) elements/cycle"},
    {"dla.rubikBytesPerCycle",
     "fitted to design §5 item 3 (FP16 vs INT8 output, 1.4 ms); C1 FP16 confirms it"},
    {"dla.port/sramBytesPerCycle", "NVDLA nv_full: 512-bit memory interfaces"},
    {"dla.portEfficiency",
     "fitted to design §5 item 2 (max-pool and 3x3/2 conv traffic: 44.0 GB/s at 1152 MHz)"},
    {"dla.dramShare",
     "assumption: one core may take up to half the DRAM bandwidth (binds only on Xavier NX and "
     "at low EMC clocks); no calibration point reaches it"},
    {"dla.pairDramFactor",
     "assumption: two busy cores together sustain 1.5x one core's DRAM rate (shared/calibration "
     "README: each core loses throughput when both run, Xavier NX INT8 and FP16; no figure)"},
    {"dla.opOverheadCycles (Orin)", "NVDLA nv_full: 1200-cycle primary memory latency"},
    {"dla.opOverheadCycles (Xavier)",
     "fitted to C2 (GoogLeNet FP16 per-group times on AGX Xavier: ~29 us per op)"},
    {"dla.constants",
     "seed §3.3 (Orin FP19, 4-byte containers, pad 16/32); NVDLA 16-bit SDP "
     "operands (Xavier)"},
    {"gpu.cores", "design §3 (NVIDIA module data sheets)"},
    {"gpu.int8OpsPerCycle",
     "[derived] design §3: AGX Orin 85 dense INT8 TOPS at 1.3 GHz with 64 tensor cores -> 1024 "
     "per tensor core per cycle; AGX Xavier 22.6 TOPS at 1377 MHz with 64 -> 256"},
    {"gpu.computeEfficiency/memoryEfficiency/launchUs",
     "assumption (no calibration point has a compute-bound GPU layer)"},
    {"gpu.hostCopyShare",
     "fitted to C1 (YOLO11 INT8 on AGX Orin: latency 4.167 - GPU compute 3.789 ms for 2.98 MB "
     "of bindings); other platforms: the same share of their DRAM bandwidth (assumption)"},
    {"emcMaxMHz",
     "[derived] design §3: EMC 2133 MHz is ~2/3 of full Orin bandwidth -> 3200; "
     "Xavier AGX LPDDR4x 4266 MT/s -> 2133; Xavier NX 1866 (59.5 GB/s; 51 GB/s at 1600)"},
    {"clocks", "assumption: overrides from 100 MHz up to the platform's highest clock"}};

CostParams make(DlaCost dla, GpuCost g, double emcMax, double dlaMax, double gpuMax) {
  CostParams c;
  c.dla = dla;
  c.gpu = g;
  c.emcMaxMHz = emcMax;
  c.clocks = {100, dlaMax, 100, gpuMax, 100, emcMax};
  c.sources = kSources;
  return c;
}

const std::map<std::string, CostParams>& table() {
  static const std::map<std::string, CostParams> t = {
      {"orin-agx", make(orinDla(), gpu(2048, 64, 1024, true), 3200, 1600, 1300)},
      {"orin-agx-32gb", make(orinDla(), gpu(1792, 56, 1024, true), 3200, 1369.6, 930)},
      {"orin-nx-16gb", make(orinDla(), gpu(1024, 32, 1024, true), 3200, 614.4, 918)},
      {"orin-nx-8gb", make(orinDla(), gpu(1024, 32, 1024, true), 3200, 614.4, 765)},
      {"xavier-agx", make(xavierDla(), gpu(512, 64, 256, false), 2133, 1395.2, 1377)},
      {"xavier-nx", make(xavierDla(), gpu(384, 48, 256, false), 1866, 1100.8, 1100)},
  };
  return t;
}

}  // namespace

const CostParams& costParams(const Platform& p) {
  auto it = table().find(p.id);
  if (it == table().end()) sim::fail("no cost data for platform '", p.id, "'");
  return it->second;
}

}  // namespace hw
