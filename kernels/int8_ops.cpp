#include "kernels/int8_ops.h"

#include <algorithm>
#include <cstring>

#include "kernels/elementwise.h"
#include "kernels/numeric/int8.h"
#include "kernels/nvdla/pdp.h"

namespace kern::int8 {

void quantizeToNhwc(const float* x, int64_t n, int64_t c, int64_t h, int64_t w, float scale,
                    int8_t* y) {
  const int64_t plane = h * w;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      const float* xp = x + (b * c + ch) * plane;
      int8_t* yp = y + b * plane * c + ch;
      for (int64_t i = 0; i < plane; ++i)
        yp[i * c] = scale > 0 ? numeric::quantizeInt8(xp[i], scale) : 0;
    }
}

void dequantizeFromNhwc(const int8_t* q, int64_t n, int64_t c, int64_t h, int64_t w, float scale,
                        float* y) {
  const int64_t plane = h * w;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      const int8_t* qp = q + b * plane * c + ch;
      float* yp = y + (b * c + ch) * plane;
      for (int64_t i = 0; i < plane; ++i) yp[i] = float(qp[i * c]) * scale;
    }
}

// The executor's pooling is NVDLA's PDP (the specification, kernels/nvdla/pdp.h) on each NHWC
// image, padding adding 0 (the symmetric INT8 pad value).
void poolInt8(const PoolInt8Params& p, const int8_t* x, int8_t* y) {
  nvdla::PdpSettings s;
  s.inWidth = int(p.inW);
  s.inHeight = int(p.inH);
  s.channels = int(p.channels);
  s.outWidth = int(p.outW);
  s.outHeight = int(p.outH);
  s.method = p.average ? nvdla::PoolMethod::Average : nvdla::PoolMethod::Max;
  s.kernelWidth = int(p.kernelW);
  s.kernelHeight = int(p.kernelH);
  s.strideX = int(p.strideW);
  s.strideY = int(p.strideH);
  s.padLeft = int(p.padLeft);
  s.padTop = int(p.padTop);
  s.recipKernelWidth = nvdla::pdpReciprocal(p.kernelW);
  s.recipKernelHeight = nvdla::pdpReciprocal(p.kernelH);
  s.realTapsOnly = p.excludePadding;
  const int64_t inImage = p.inH * p.inW * p.channels, outImage = p.outH * p.outW * p.channels;
  for (int64_t n = 0; n < p.batch; ++n)
    nvdla::pdp(s, x + n * inImage, nvdla::CubeStrides::hwc(s.inWidth, s.channels), y + n * outImage,
               nvdla::CubeStrides::hwc(s.outWidth, s.channels));
}

void concatChannels(const std::vector<const int8_t*>& inputs, const std::vector<int64_t>& channels,
                    int64_t pixels, int8_t* y) {
  int64_t total = 0;
  for (int64_t c : channels) total += c;
  for (int64_t px = 0; px < pixels; ++px) {
    int8_t* out = y + px * total;
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::memcpy(out, inputs[i] + px * channels[i], size_t(channels[i]));
      out += channels[i];
    }
  }
}

void runBinary(const BinaryProgram& prog, const std::vector<int64_t>& aShape, const int8_t* a,
               const std::vector<int64_t>& bShape, const int8_t* b,
               const std::vector<int64_t>& outShape, int8_t* y) {
  if (aShape == outShape && bShape == outShape) {
    int64_t n = 1;
    for (int64_t d : outShape) n *= d;
    return run(prog, a, b, y, n);
  }
  std::vector<std::vector<int64_t>> strides = {broadcastStrides(aShape, outShape),
                                               broadcastStrides(bShape, outShape)};
  forEachBroadcast(outShape, strides, [&](int64_t o, int64_t ia, int64_t ib, int64_t) {
    y[o] = applyOne(prog, a[ia], b[ib]);
  });
}

}  // namespace kern::int8
