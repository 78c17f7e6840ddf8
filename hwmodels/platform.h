// Jetson platforms as data: DLA layer limits (TensorRT's DLA restrictions) and hardware figures.
// Every number carries its source in platforms.cpp; rule code reads them, never `if (orin)`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/numeric/dla_numerics.h"

namespace hw {

struct Range {
  int64_t lo = 0, hi = 0;
  bool contains(int64_t v) const { return v >= lo && v <= hi; }
};

/// TensorRT's per-layer DLA restrictions for one DLA generation (seed §3, design §3).
struct DlaLimits {
  int64_t maxBatch;        // product of all dims but C, H, W
  int64_t maxNonBatchDim;  // each of C, H, W
  int maxLoadablesPerCore;
  int64_t maxWeightBytes;  // per network
  Range convKernel, convPadding, convStride, convDilation, convGroups, convOutputMaps,
      convGroupsHwc4;
  Range deconvKernel, deconvDisabledSquare, deconvChannels;
  std::vector<int64_t> deconvLongKernels;  // 1xK / Kx1 kernels allowed beyond convKernel
  Range poolWindow, poolPadding, poolStride;
  bool avgPoolNeedsInclusivePadding;  // Xavier: exclusive-padding average pooling unsupported
  Range clipUpper;                    // clipped ReLU upper bound
  std::vector<int64_t> lrnWindows;
  Range resizeNearestScale, resizeLinearScale;
  bool softmax;                 // Orin only
  bool sparsity;                // structured 2:4 INT8 sparsity (Orin)
  int64_t sparsityMinChannels;  // sparse convolutions need more input channels than this
  int64_t dlaLinearRowAlign;    // bytes a row (W) of a dla_linear binding is padded to
  int64_t dlaHwc4RowAlign;      // bytes a row of a dla_hwc4 binding is padded to
};

struct PowerMode {
  std::string name;
  double dlaClockMHz;
  double emcClockMHz;      // memory clock cap; 0 = full speed
  double gpuClockMHz = 0;  // GPU clock cap (the cost model's GPU side)
};

struct Platform {
  std::string id;    // --platform value
  std::string name;  // display name
  int dlaCores;
  int dlaGeneration;         // 1 = Xavier (NVDLA v1 lineage), 2 = Orin
  int64_t sramBytesPerCore;  // managed SRAM default / capacity
  double dramBandwidthGBs;
  int64_t int8MacsPerCycle, fp16MacsPerCycle;  // per core, dense
  std::vector<PowerMode> powerModes;           // first = default (MAXN)
  DlaLimits limits;
  std::vector<std::pair<std::string, std::string>> sources;  // figure -> source
  kern::DlaNumerics numerics;  // the DLA's arithmetic (kernels/numeric/dla_numerics.h)
};

/// All platforms dlasim knows, in --help order.
const std::vector<Platform>& platforms();
/// Throws sim::Error naming the value and the choices when `id` is unknown.
const Platform& platformById(const std::string& id);

}  // namespace hw
