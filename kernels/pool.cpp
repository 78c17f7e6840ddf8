#include "kernels/pool.h"

#include <algorithm>
#include <limits>

namespace kern {

template <class T>
void pool(const PoolParams& p, const T* x, T* y) {
  const int64_t inSp = p.in[0] * p.in[1] * p.in[2], outSp = p.out[0] * p.out[1] * p.out[2];
  for (int64_t plane = 0; plane < p.batch * p.channels; ++plane) {
    const T* xi = x + plane * inSp;
    T* yo = y + plane * outSp;
    for (int64_t od = 0; od < p.out[0]; ++od)
      for (int64_t oh = 0; oh < p.out[1]; ++oh)
        for (int64_t ow = 0; ow < p.out[2]; ++ow) {
          double sum = 0;
          T best = std::numeric_limits<T>::lowest();
          int64_t count = 0, padded = 1;
          int64_t o[3] = {od, oh, ow};
          // Window extent clipped to the padded input gives count_include_pad's divisor.
          for (int a = 0; a < 3; ++a) {
            int64_t start = o[a] * p.stride[a] - p.padBegin[a];
            int64_t end =
                std::min(start + (p.kernel[a] - 1) * p.dilation[a] + 1, p.in[a] + p.padEnd[a]);
            padded *= (end - start + p.dilation[a] - 1) / p.dilation[a];
          }
          for (int64_t kd = 0; kd < p.kernel[0]; ++kd) {
            int64_t id = od * p.stride[0] - p.padBegin[0] + kd * p.dilation[0];
            if (id < 0 || id >= p.in[0]) continue;
            for (int64_t kh = 0; kh < p.kernel[1]; ++kh) {
              int64_t ih = oh * p.stride[1] - p.padBegin[1] + kh * p.dilation[1];
              if (ih < 0 || ih >= p.in[1]) continue;
              for (int64_t kw = 0; kw < p.kernel[2]; ++kw) {
                int64_t iw = ow * p.stride[2] - p.padBegin[2] + kw * p.dilation[2];
                if (iw < 0 || iw >= p.in[2]) continue;
                T v = xi[(id * p.in[1] + ih) * p.in[2] + iw];
                sum += double(v);
                best = std::max(best, v);
                ++count;
              }
            }
          }
          T& out = yo[(od * p.out[1] + oh) * p.out[2] + ow];
          if (p.average) {
            int64_t div = p.countIncludePad ? padded : count;
            out = div > 0 ? T(sum / double(div)) : T(0);
          } else {
            out = count > 0 ? best : T(0);
          }
        }
  }
}

template void pool<float>(const PoolParams&, const float*, float*);
template void pool<double>(const PoolParams&, const double*, double*);
template void pool<int8_t>(const PoolParams&, const int8_t*, int8_t*);
template void pool<uint8_t>(const PoolParams&, const uint8_t*, uint8_t*);

}  // namespace kern
