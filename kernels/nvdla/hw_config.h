// The three sizes that distinguish NVDLA configurations for INT8 numerics and memory layouts
// (nvdla/hw spec/defs/nv_small.spec:19-21, nvdlav1 spec/defs/nv_full.spec:16-18).
#pragma once

namespace kern::nvdla {

struct HwConfig {
  int atomBytes = 8;  // memory atom: bytes per pixel of one feature surface (INT8: channels)
  int atomicC = 8;    // MAC atomic-C: channels per CMAC partial sum and per weight channel block
  int atomicK = 8;    // MAC atomic-K: kernels per weight group

  static constexpr HwConfig nvSmall() { return {8, 8, 8}; }
  static constexpr HwConfig nvFull() { return {32, 64, 32}; }
};

}  // namespace kern::nvdla
