// INT8 quantisation as the DLA does it (design §4): symmetric scales, round half away from
// zero, saturation to [-128, 127]. "Fake" quantisation keeps the result as float (scale * q)
// so that INT8 layers and FP32 / FP16 layers share one tensor type.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace kern::numeric {

/// q = clamp(round_half_away(x / scale), -128, 127); NaN maps to 0.
inline int8_t quantizeInt8(float x, float scale) {
  double q = std::round(double(x) / double(scale));  // std::round: halves away from zero
  if (std::isnan(q)) return 0;
  return int8_t(std::clamp(q, -128.0, 127.0));
}

/// x <- scale * q(x) in place; a zero scale (an all-zero tensor) leaves the values alone.
inline void fakeQuantizeInt8(float* p, int64_t n, float scale) {
  if (!(scale > 0)) return;
  for (int64_t i = 0; i < n; ++i) p[i] = scale * float(quantizeInt8(p[i], scale));
}

/// Per-output-channel symmetric weights: channel k of `channels` (each `per` values long) gets
/// scale max|w_k| / 127.
inline void fakeQuantizeInt8PerChannel(float* w, int64_t channels, int64_t per) {
  for (int64_t k = 0; k < channels; ++k) {
    float* c = w + k * per;
    float amax = 0;
    for (int64_t i = 0; i < per; ++i) amax = std::max(amax, std::fabs(c[i]));
    fakeQuantizeInt8(c, per, amax / 127.f);
  }
}

}  // namespace kern::numeric
