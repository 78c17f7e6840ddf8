// Internal to kernels/: the requantisation programs' hot loops (convolution outputs, int8 codes
// through a per-channel affine step, two-operand sums). They compute exactly what
// kern::int8::applyOne computes, in doubles so that the compiler can vectorise them:
//  - Xavier: (x + bias) * m and a * ma + b * mb are integers below 2^50, exact in double, and
//    scaling by 2^-shift is exact; rna(v) = trunc(v + copysign(0.5, v)) is exact while the shift
//    is at most 52 (v then has no bit below 2^-52). Programs with larger shifts take the slow path.
//  - Orin: FP19 values are exact in double; every operation's exact-or-double result is rounded
//    to 11 significant bits (nearest even) on its bit pattern, which is FP19's rounding for 0
//    and magnitudes in [2^-126, 2^127). When every non-zero operand lies in [2^-50, 2^40]
//    (safeOperand) no value can leave that range: an input is an integer of at most 2^31, a sum
//    of it with an operand is 0 or a multiple of 2^-60 below 2^41, a product with an operand
//    then lies in [2^-110, 2^81]; two-operand steps likewise. Otherwise (`checked`) every value
//    is checked and the loop reports one outside the range (FP19 subnormals, saturation); the
//    caller then redoes the call on the slow path.
// The tests compare both paths (tests/unit/int8_requant_test.cpp).
#pragma once
#include <cstdint>

#include "kernels/numeric/dla_numerics.h"

namespace kern::int8::fast {

/// One channel-last affine step with per-channel operands: y = clamp(rna(t), lo, hi) where
/// Xavier: t = (x + bias[c]) * mul[c];  Orin: t = r19(r19(r19(x) + bias[c]) * mul[c]) (no bias
/// step when !hasBias). Returns false (leaving y partly written) when an Orin value fell outside
/// the fast range; the caller then uses the slow path for the whole call.
struct Affine {
  DlaNumerics::Int8Requant requant = DlaNumerics::Int8Requant::kXavierFixedPoint;
  bool hasBias = false;
  bool checked = true;  // Orin: check every value's range (false when safeOperand proves it)
  const double* bias = nullptr;  // Xavier: sat32(operand << shift); Orin: the FP19 operand
  const double* mul = nullptr;   // Xavier: m * 2^-shift; Orin: the FP19 factor
  const float *biasF = nullptr, *mulF = nullptr;  // Orin: the same FP19 values as floats
  int lo = -128, hi = 127;
};
bool affine(const Affine& a, const int32_t* x, int8_t* y, int64_t pixels, int64_t channels);
bool affine(const Affine& a, const int8_t* x, int8_t* y, int64_t pixels, int64_t channels);

/// Two same-shaped code arrays: Xavier t = op(a * fa, b * fb) with fa = ma * 2^-shift, ...;
/// Orin t = r19(op(r19(a * fa), r19(b * fb))) for Sum (Max / Min need no rounding of the op).
/// Prod: Xavier t = a * b * fa; Orin t = r19(r19(a * b) * fa). Then clamp(rna(t), lo, hi).
struct Binary {
  DlaNumerics::Int8Requant requant = DlaNumerics::Int8Requant::kXavierFixedPoint;
  bool checked = true;
  int op = 0;  // 0 Sum, 1 Max, 2 Min, 3 Prod (BinOp's order)
  double fa = 0, fb = 0;
  int lo = -128, hi = 127;
};
bool binary(const Binary& b, const int8_t* a, const int8_t* c, int8_t* y, int64_t n);

/// Whether an Orin operand keeps every intermediate value of these loops in FP19's normal range.
bool safeOperand(double v);

}  // namespace kern::int8::fast
