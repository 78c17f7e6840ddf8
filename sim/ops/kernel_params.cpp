#include "sim/ops/kernel_params.h"

namespace sim {

kern::ConvParams convParams(const ConvAttrs& a, const Shape& x, const Shape& y) {
  kern::ConvParams p;
  int r = int(a.kernel.size());
  p.spatialRank = r;
  p.batch = x[0];
  p.inChannels = x[1];
  p.outChannels = y[1];
  p.group = a.group;
  for (int i = 0; i < r; ++i) {
    int j = 3 - r + i;
    p.in[j] = x[2 + i];
    p.out[j] = y[2 + i];
    p.kernel[j] = a.kernel[i];
    p.stride[j] = a.strides[i];
    p.padBegin[j] = a.padsBegin[i];
    p.dilation[j] = a.dilations[i];
  }
  return p;
}

kern::PoolParams poolParams(const PoolAttrs& a, const Shape& x, const Shape& y) {
  kern::PoolParams p;
  int r = int(x.size()) - 2;
  p.average = a.type == PoolType::kAverage;
  p.countIncludePad = a.countIncludePad;
  p.batch = x[0];
  p.channels = x[1];
  for (int i = 0; i < r; ++i) {
    int j = 3 - r + i;
    p.in[j] = x[2 + i];
    p.out[j] = y[2 + i];
    p.kernel[j] = a.global ? x[2 + i] : a.kernel[i];
    if (!a.global) {
      p.stride[j] = a.strides[i];
      p.padBegin[j] = a.padsBegin[i];
      p.padEnd[j] = a.padsEnd[i];
      p.dilation[j] = a.dilations[i];
    }
  }
  return p;
}

}  // namespace sim
