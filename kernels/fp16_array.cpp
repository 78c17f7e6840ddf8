#include "kernels/fp16_array.h"

#include <cpuid.h>
#include <immintrin.h>

#include "kernels/numeric/fp16.h"

namespace kern {

namespace {

// F16C converts with the current rounding mode (nearest even by default: the imm selects it
// explicitly here), keeps subnormals, and turns values beyond 65504 into Inf; clamping to
// +-65504 first gives the saturation (a value in [65504, 65520) rounds to 65504 either way).
// min(c, x) and max(-c, x) return x when x is NaN, so NaN passes through.
__attribute__((target("avx2,f16c"))) void roundF16c(float* p, int64_t n) {
  const __m256 hi = _mm256_set1_ps(numeric::kFp16Max), lo = _mm256_set1_ps(-numeric::kFp16Max);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 x = _mm256_loadu_ps(p + i);
    x = _mm256_max_ps(lo, _mm256_min_ps(hi, x));
    __m128i h = _mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm256_storeu_ps(p + i, _mm256_cvtph_ps(h));
  }
  for (; i < n; ++i) p[i] = numeric::roundToFp16(p[i]);
}

// F16C is CPUID leaf 1, ECX bit 29 (read directly: clang 14's __builtin_cpu_supports does not
// know "f16c").
bool hasF16c() {
  static const bool yes = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    bool f16c = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
    return f16c && __builtin_cpu_supports("avx2");
  }();
  return yes;
}

}  // namespace

void roundToFp16Array(float* p, int64_t n) {
  if (hasF16c()) return roundF16c(p, n);
  numeric::roundToFp16(p, n);
}

}  // namespace kern
