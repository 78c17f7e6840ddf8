// FP16 rounding of float arrays in place, the hot step of the FP16 emulation: the same rule as
// kern::numeric::roundToFp16 (nearest even, saturating at +-65504, subnormals kept, NaN stays
// NaN), vectorised with the CPU's F16C conversions where it has them.
#pragma once
#include <cstdint>

namespace kern {

/// p[i] <- the float value of the FP16 number nearest to p[i]. Bit-identical to the scalar
/// rule for every non-NaN value; a NaN stays a NaN (its payload may differ).
void roundToFp16Array(float* p, int64_t n);

}  // namespace kern
