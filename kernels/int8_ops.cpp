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

uint32_t pdpReciprocal(int64_t k) {
  return k > 0 ? uint32_t(65536 / k) : 0;  // sw kmd/firmware/pdp.c:72-80 for k = 1..8
}

void poolInt8(const PoolInt8Params& p, const int8_t* x, int8_t* y) {
  const int64_t C = p.channels;
  std::vector<int64_t> sum(static_cast<size_t>(C));
  std::vector<int> best(static_cast<size_t>(C));
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t oy = 0; oy < p.outH; ++oy) {
      int64_t y0 = oy * p.strideH - p.padTop;
      int64_t ylo = std::max<int64_t>(y0, 0), yhi = std::min(y0 + p.kernelH, p.inH);
      for (int64_t ox = 0; ox < p.outW; ++ox) {
        int64_t x0 = ox * p.strideW - p.padLeft;
        int64_t xlo = std::max<int64_t>(x0, 0), xhi = std::min(x0 + p.kernelW, p.inW);
        std::fill(sum.begin(), sum.end(), 0);
        std::fill(best.begin(), best.end(), -128);  // the PDP's initial maximum
        for (int64_t iy = ylo; iy < yhi; ++iy)
          for (int64_t ix = xlo; ix < xhi; ++ix) {
            const int8_t* px = x + ((n * p.inH + iy) * p.inW + ix) * C;
            if (p.average)
              for (int64_t c = 0; c < C; ++c) sum[size_t(c)] += px[c];
            else
              for (int64_t c = 0; c < C; ++c)
                best[size_t(c)] = std::max<int>(best[size_t(c)], px[c]);
          }
        int8_t* out = y + ((n * p.outH + oy) * p.outW + ox) * C;
        if (!p.average) {
          for (int64_t c = 0; c < C; ++c) out[c] = int8_t(best[size_t(c)]);
          continue;
        }
        int64_t kw = p.excludePadding ? std::max<int64_t>(xhi - xlo, 1) : p.kernelW;
        int64_t kh = p.excludePadding ? std::max<int64_t>(yhi - ylo, 1) : p.kernelH;
        uint32_t rw = pdpReciprocal(kw), rh = pdpReciprocal(kh);
        for (int64_t c = 0; c < C; ++c) out[c] = nvdla::pdpAverage(sum[size_t(c)], rw, rh);
      }
    }
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
