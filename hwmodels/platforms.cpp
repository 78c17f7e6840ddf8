// Platform data. Sources: "seed" = shared/dla-tutorial.md §3 (TensorRT DLA layer restrictions);
// "NvInfer" = TensorRT NvInfer.h / DLA docs as summarised in shared/design.md §3;
// "DLA-SW" = NVIDIA Deep-Learning-Accelerator-SW README/FAQ; "nvpmodel" = L4T power-mode files;
// "NVDLA" = NVDLA v1 nv_full spec (shared/reference/nvdla-open-source.md).
#include "hwmodels/platform.h"
#include "sim/ir/error.h"

namespace hw {

namespace {

constexpr int64_t kMiB = 1 << 20;

DlaLimits commonLimits() {
  DlaLimits l;
  l.maxBatch = 4096;                    // seed §3.1
  l.maxNonBatchDim = 8192;              // design §3 (non-batch dims <= 8192)
  l.maxLoadablesPerCore = 16;           // seed §3.1
  l.maxWeightBytes = 512 * kMiB;        // design §3 (weights < 512 MB per network)
  l.convKernel = {1, 32};               // seed §3.2.1
  l.convPadding = {0, 31};              // seed §3.2.1
  l.convStride = {1, 8};                // seed §3.2.1
  l.convDilation = {1, 32};             // seed §3.2.1; NvInfer
  l.convGroups = {1, 8192};             // seed §3.2.1 (linear, CHW16, CHW32 formats)
  l.convGroupsHwc4 = {1, 4};            // seed §3.2.1 (DLA_HWC4 format)
  l.convOutputMaps = {1, 8192};         // seed §3.2.1
  l.deconvKernel = {1, 32};             // seed §3.2.2
  l.deconvLongKernels = {64, 96, 128};  // seed §3.2.2 (1xK and Kx1)
  l.deconvDisabledSquare = {23, 32};    // seed §3.2.2 (square kernels/strides disabled)
  l.deconvChannels = {1, 8192};         // seed §3.2.2
  l.poolWindow = {1, 8};                // seed §3.2.3
  l.poolPadding = {0, 7};               // seed §3.2.3
  l.poolStride = {1, 16};               // seed §3.2.3
  l.clipUpper = {1, 127};               // seed §3.2.4 (clipped ReLU range)
  l.lrnWindows = {3, 5, 7, 9};          // seed §3.2.8
  l.resizeNearestScale = {1, 32};       // seed §3.2.10
  l.resizeLinearScale = {1, 4};         // seed §3.2.10
  l.avgPoolNeedsInclusivePadding = false;
  l.softmax = true;
  l.sparsity = false;
  l.sparsityMinChannels = 64;  // design §3: C > 64
  // TensorRT DLA docs (dla-runtime-configuration, in shared/reference/trt-tools-conventions.md
  // §1.1): kDLA_LINEAR pads the W stride to 64 bytes; kDLA_HWC4 to 32 B (Xavier), 64 B (Orin).
  l.dlaLinearRowAlign = 64;
  l.dlaHwc4RowAlign = 64;
  return l;
}

DlaLimits orinLimits() {
  DlaLimits l = commonLimits();
  l.softmax = true;   // seed §3.2.13: Orin only
  l.sparsity = true;  // design §3: Orin only, INT8 conv, 2:4 along C, C > 64
  return l;
}

DlaLimits xavierLimits() {
  DlaLimits l = commonLimits();
  l.softmax = false;                      // seed §3.2.13: not on Xavier
  l.avgPoolNeedsInclusivePadding = true;  // design §3 (NvInfer)
  l.dlaHwc4RowAlign = 32;                 // TensorRT DLA docs: 32-byte rows on Xavier
  return l;
}

const std::vector<std::pair<std::string, std::string>> kOrinSources = {
    {"dlaCores", "DLA-SW README: 2 DLA cores on AGX Orin"},
    {"int8MacsPerCycle",
     "[derived] 105 sparse INT8 TOPS for both cores at 1.6 GHz (DLA-SW) -> 8192 dense "
     "MACs/cycle/core"},
    {"fp16MacsPerCycle",
     "[derived] seed §3.3: Orin FP16 convolutions up to 2x the latency of Xavier's (1024 "
     "MACs/cycle); DLA-SW FAQ: lower FP16 convolution compute than Xavier -> 512"},
    {"sramBytesPerCore", "NvInfer kDLA_MANAGED_SRAM: Orin has 1 MiB per core"},
    {"dramBandwidthGBs", "LPDDR5 204.8 GB/s (AGX), 102.4 GB/s (NX); design §3"},
    {"powerModes",
     "L4T nvpmodel files (design §3); GPU clocks per mode: maxima from design §3 (AGX Orin 64GB "
     "1.3 GHz, 32GB 930 MHz, NX 16GB 918 MHz), the lower modes from the L4T power-mode tables "
     "(not in shared/; to verify)"},
    {"limits", "seed §3 and design §3"}};

const std::vector<std::pair<std::string, std::string>> kXavierSources = {
    {"dlaCores", "NVDLA / Xavier: 2 DLA cores"},
    {"int8MacsPerCycle",
     "NVDLA v1 nv_full: Atomic-C 64 x Atomic-K 32 = 2048 INT8, 1024 FP16 MACs/cycle"},
    {"sramBytesPerCore", "DLA-SW FAQ: 4 MiB SRAM shared by 2 DLAs and 2 PVAs (1 MiB default pool)"},
    {"dramBandwidthGBs", "LPDDR4x 137 GB/s (AGX), ~51 GB/s (NX at EMC 1600 MHz); design §3"},
    {"powerModes",
     "L4T nvpmodel files (design §3): AGX Xavier MAXN DLA 1395.2 MHz, NX 15W 1100.8 MHz at EMC "
     "1600, NX 10W 896 MHz; GPU clocks AGX Xavier 1377 MHz, Xavier NX 1100 MHz (design §3). Not "
     "in shared/ (L4T 32.x power-mode tables as remembered; to verify): NX 10W GPU 510 MHz, NX "
     "20W (JetPack 4.6+) DLA 1100.8 / GPU 1100 / EMC 1866 MHz; AGX Xavier 30W DLA 1049.6 / GPU "
     "905.25 / EMC 1333, 15W 550.4 / 675.75 / 1333, 10W 550.4 / 522.75 / 1066 MHz"},
    {"dramBandwidthGBs (Xavier NX)",
     "[derived] design §3: ~51 GB/s at EMC 1600 MHz -> 59.5 GB/s at its highest EMC, 1866 MHz"},
    {"limits", "seed §3 and design §3"}};

// Xavier's DLA is NVDLA v1 (nv_full): INT8 requantisation in its fixed-point SDP, FP16
// operands as FP16. Orin's point-wise pipe computes in FP19 and stores non-convolution weights
// as FP19 values.
kern::DlaNumerics xavierNumerics() {
  using N = kern::DlaNumerics;
  return {N::Int8Requant::kXavierFixedPoint, N::Fp16Constants::kFp16,
          "NVDLA v1 SDP (nvdla-open-source.md §1.4, design §4): 16-bit multipliers with one shared "
          "truncate shift, 16-bit ALU operands, FP16 operands in FP16 mode"};
}

kern::DlaNumerics orinNumerics() {
  using N = kern::DlaNumerics;
  return {N::Int8Requant::kOrinFp19, N::Fp16Constants::kFp19,
          "design §3-4: Orin's point-wise (SDP) pipe has FP19 internal precision (assumption: "
          "requantisation runs there); seed §3.3: non-convolution weights stored as FP19"};
}

std::vector<Platform> build() {
  std::vector<Platform> v;
  v.push_back({"orin-agx",
               "Jetson AGX Orin 64GB",
               2,
               2,
               1 * kMiB,
               204.8,
               8192,
               512,
               {{"MAXN", 1600.0, 0, 1300},
                {"50W", 1369.6, 0, 828.75},
                {"30W", 1369.6, 0, 624.75},
                {"15W", 614.4, 2133, 420.75}},
               orinLimits(),
               kOrinSources,
               orinNumerics()});
  v.push_back(
      {"orin-agx-32gb",
       "Jetson AGX Orin 32GB",
       2,
       2,
       1 * kMiB,
       204.8,
       8192,
       512,
       {{"40W", 1228.8, 0, 828.75}, {"30W", 1369.6, 0, 624.75}, {"15W", 614.4, 2133, 420.75}},
       orinLimits(),
       kOrinSources,
       orinNumerics()});
  v.push_back({"orin-nx-16gb",
               "Jetson Orin NX 16GB",
               2,
               2,
               1 * kMiB,
               102.4,
               8192,
               512,
               {{"25W", 614.4, 0, 918}, {"15W", 614.4, 0, 612}, {"10W", 153.6, 2133, 408}},
               orinLimits(),
               kOrinSources,
               orinNumerics()});
  v.push_back(
      {"orin-nx-8gb",
       "Jetson Orin NX 8GB",
       1,
       2,
       1 * kMiB,
       102.4,
       8192,
       512,
       {{"15W", 614.4, 0, 765}, {"10W", 153.6, 2133, 408}},
       orinLimits(),
       {{"dlaCores", "issue #3: Orin NX 8GB has one DLA core"},
        {"powerModes",
         "assumption: the DLA clocks of Orin NX 16GB (design §3); no NX 8GB file in shared/"}},
       orinNumerics()});
  v.push_back({"xavier-agx",
               "Jetson AGX Xavier",
               2,
               1,
               1 * kMiB,
               137.0,
               2048,
               1024,
               {{"MAXN", 1395.2, 0, 1377},
                {"30W", 1049.6, 1333, 905.25},
                {"15W", 550.4, 1333, 675.75},
                {"10W", 550.4, 1066, 522.75}},
               xavierLimits(),
               kXavierSources,
               xavierNumerics()});
  v.push_back({"xavier-nx",
               "Jetson Xavier NX",
               2,
               1,
               1 * kMiB,
               59.5,
               2048,
               1024,
               {{"20W", 1100.8, 0, 1100}, {"15W", 1100.8, 1600, 1100}, {"10W", 896.0, 1600, 510}},
               xavierLimits(),
               kXavierSources,
               xavierNumerics()});
  return v;
}

}  // namespace

const std::vector<Platform>& platforms() {
  static const std::vector<Platform> all = build();
  return all;
}

const Platform& platformById(const std::string& id) {
  std::string names;
  for (const auto& p : platforms()) {
    if (p.id == id) return p;
    names += (names.empty() ? "" : ", ") + p.id;
  }
  sim::fail("--platform: unknown platform '", id, "' (", names, ")");
}

}  // namespace hw
