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

// Fitted to design §5 (docs/cost-model.md, "Fitting"). The same values serve every platform:
// the calibration set is all Orin, and nothing tells Xavier's apart.
constexpr double kSubmitUs = 135;            // item 2: per-layer loadables' fixed cost
constexpr double kDramShare = 0.215;         // item 2: max-pool and strided conv traffic
constexpr double kImageEfficiency = 0.45;    // item 2: conv1 (7x7/2, C = 3)
constexpr double kConvEfficiency = 0.90;     // item 2: 3x3 64->64 at 320x192 (compute-bound)
constexpr double kRubikBytesPerCycle = 2.5;  // item 3: FP16 vs INT8 output of YOLOv5s
constexpr double kSyncUs = 204;              // item 1: ModelGN's ten DLA <-> GPU hand-offs

DlaCost nvdlaCommon() {
  DlaCost d;
  d.stripeMin = 16;  // NVDLA: loading the next stripe's weights takes 16 cycles
  d.stripeMax = 32;  // NVDLA: accumulator limit
  d.imageInputEfficiency = kImageEfficiency;
  d.convEfficiency = kConvEfficiency;
  d.cbufBytes = 512 * 1024;         // NVDLA nv_full: 16 banks x 32 KB
  d.featureAtomBytes = 32;          // NVDLA: memory atomic 32 B (C padded to it)
  d.portBytesPerCycle = 64;         // NVDLA nv_full: 512-bit primary memory interface
  d.sramBytesPerCycle = 64;         // NVDLA nv_full: 512-bit secondary (SRAM) interface
  d.bdmaBytesPerCycle = 64;         // assumption: BDMA moves a port width per cycle
  d.opOverheadCycles = 1200;        // NVDLA nv_full: primary memory latency, paid once per op
  d.pdpLineBufferBytes = 7 * 1024;  // NVDLA: PDP on-the-fly line buffer
  d.dramShare = kDramShare;
  d.submitUs = kSubmitUs;
  d.rubikBytesPerCycle = kRubikBytesPerCycle;
  d.loadableHeaderBytes = 4096;  // assumption: loadable lists (memory, tasks, events)
  d.opDescriptorBytes = 256;     // assumption: one op descriptor + surfaces (NVDLA firmware ABI)
  return d;
}

DlaCost orinDla() {
  DlaCost d = nvdlaCommon();
  d.int8 = {64, 64, 2, EngineUnit::kConvolution};  // 8192 MACs/cycle (platform data)
  d.fp16 = {64, 16, 1, EngineUnit::kRubik, 2};     // 512 MACs/cycle (platform data)
  d.sdpPerCycle = 64;  // assumption: 4x NVDLA v1 (16/4/8/8), as Orin's conv core is 4x
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
  g.syncUs = kSyncUs;
  return g;
}

const std::vector<std::pair<std::string, std::string>> kSources = {
    {"dla.int8 (Orin)",
     "2 pipes of Atomic-C 64 x Atomic-K 64 = 8192 MACs/cycle (platform data); pipes split output "
     "pixels (assumption: design §5 item 2's 3x3 64->64 layer uses ~60% of 8192 MACs/cycle, "
     "which a single 64x128 array would cap at 50%)"},
    {"dla.fp16 (Orin)",
     "512 MACs/cycle on Rubik (platform data, seed §3.3, design §3): Xavier's Atomic-C 64 x "
     "Atomic-K 16 FP16 op taking 2 cycles (assumption: the seed's 'up to 2x' latency)"},
    {"dla.int8/fp16 (Xavier)", "NVDLA nv_full: Atomic-C 64 x Atomic-K 32 (INT8) / 16 (FP16)"},
    {"dla.stripeMin/Max", "NVDLA unit_description: stripes of 16-32 atomic ops"},
    {"dla.imageInputEfficiency", "fitted to design §5 item 2 (conv1); NVDLA: close to 50%"},
    {"dla.convEfficiency", "fitted to design §5 item 2 (the compute-bound 3x3 64->64 layer)"},
    {"dla.cbufBytes", "NVDLA nv_full 512 KB (assumption for Orin)"},
    {"dla.sdp/pdp/cdp (Xavier)", "NVDLA nv_full: SDP 16 (Y 4), PDP 8, CDP 8 per cycle"},
    {"dla.sdp/pdp/cdp (Orin)",
     "assumption: 4x NVDLA v1 like the conv core; design §5 item 2 needs >= 22.5 (conv1 output), "
     ">= 12.4 (residual add), >= 31 (max-pool input) elements/cycle"},
    {"dla.rubikBytesPerCycle", "fitted to design §5 item 3 (FP16 vs INT8 output, 1.4 ms)"},
    {"dla.port/sramBytesPerCycle", "NVDLA nv_full: 512-bit memory interfaces"},
    {"dla.dramShare", "fitted to design §5 item 2 (max-pool and 3x3/2 conv traffic)"},
    {"dla.opOverheadCycles", "NVDLA nv_full: 1200-cycle primary memory latency"},
    {"dla.submitUs", "fitted to design §5 item 2 (per-layer loadables)"},
    {"dla.constants",
     "seed §3.3 (Orin FP19, 4-byte containers, pad 16/32); NVDLA 16-bit SDP "
     "operands (Xavier)"},
    {"gpu.cores", "design §3 (NVIDIA module data sheets)"},
    {"gpu.int8OpsPerCycle",
     "[derived] design §3: AGX Orin 85 dense INT8 TOPS at 1.3 GHz with 64 tensor cores -> 1024 "
     "per tensor core per cycle; AGX Xavier 22.6 TOPS at 1377 MHz with 64 -> 256"},
    {"gpu.computeEfficiency/memoryEfficiency/launchUs",
     "assumption (no calibration point has a compute-bound GPU layer)"},
    {"gpu.syncUs", "fitted to design §5 item 1 (ModelGN, 305.9 qps)"},
    {"emcMaxMHz",
     "[derived] design §3: EMC 2133 MHz is ~2/3 of full Orin bandwidth -> 3200; "
     "Xavier AGX LPDDR4x 4266 MT/s -> 2133; Xavier NX 51 GB/s at 1600"},
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
      {"xavier-nx", make(xavierDla(), gpu(384, 48, 256, false), 1600, 1100.8, 1100)},
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
