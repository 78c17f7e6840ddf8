// INT8 requantisation: how an INT8 DLA layer turns its integer result (a convolution's
// accumulator, or int8 data) into the int8 codes of its output tensor, in the platform's
// arithmetic (kern::DlaNumerics::int8Requant; design §4, docs/numerics.md "Integer INT8 pipeline").
// Kernels know nothing of the IR: the caller describes the point-wise program with float scales;
// compile() turns it into the platform's arithmetic once, and the run functions apply it.
//
//  - kXavierFixedPoint: NVDLA v1's fixed-point SDP. The compile step and the arithmetic are
//    the kernels/nvdla functions (requant.h: 16-bit multipliers sharing one truncate shift,
//    16-bit ALU operands with a shared left shift; sdp.h: one X stage per operation), followed
//    by the output converter at identity, saturating to int8.
//  - kOrinFp19: the FP19 point-wise pipe: the integer input becomes FP19, every operand is stored
//    as FP19, every operation is rounded to FP19 (nearest even; kernels/numeric/fp19.h), the
//    result goes to int8 half away from zero with saturation.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/numeric/dla_numerics.h"

namespace kern::int8 {

/// How an operand's values map onto the elements of one image: one value, one per channel, or
/// one per element (in the order the data is stored).
enum class Bcast : uint8_t { kScalar, kChannel, kElement };

struct Operand {
  std::vector<double> v;  // empty = absent
  Bcast bcast = Bcast::kScalar;
  bool present() const { return !v.empty(); }
  double at(int64_t c, int64_t e) const {
    return bcast == Bcast::kScalar ? v[0] : bcast == Bcast::kChannel ? v[size_t(c)] : v[size_t(e)];
  }
  static Operand scalar(double x) { return {{x}, Bcast::kScalar}; }
  static Operand perChannel(std::vector<double> x) { return {std::move(x), Bcast::kChannel}; }
};

enum class Act : uint8_t { kNone, kRelu, kClip, kLeaky };
enum class PostOp : uint8_t { kNone, kSum, kMax, kMin };

/// A point-wise program on one integer input x, in the order of an SDP X stage (ALU, then MUL,
/// then ReLU) followed by an optional second operation and an activation; t is in output units:
///   t = absInput ? |x| : x
///   t = (t + preBias) * factor        preBias in input units (a convolution's bias)
///   t = postOp(t, post)               post in output units (Sum, Max or Min)
///   t = act(t)                        ReLU; clipped ReLU min(max(t,0), clipHigh); leaky:
///                                     t < 0 ? t * slope : t (slope per channel for PReLU)
///   y = sat8(round_half_away(t))
struct AffineSpec {
  bool absInput = false;
  Operand factor = Operand::scalar(1.0);
  Operand preBias;
  PostOp postOp = PostOp::kNone;
  Operand post;
  Act act = Act::kNone;
  double clipHigh = 0;  // output units
  Operand slope;        // leaky / PReLU slope
};

enum class BinOp : uint8_t { kSum, kMax, kMin, kProd };

/// Two int8 operands a, b (already broadcast by the caller) into one int8 output:
///   Sum: a*fa + b*fb;  Max / Min: op(a*fa, b*fb);  Prod: (a*b) * (fa*fb); then act, then int8.
/// fa = scale_a / scale_out, fb = scale_b / scale_out (negative fb gives Sub).
struct BinarySpec {
  BinOp op = BinOp::kSum;
  double fa = 1, fb = 1;
  Act act = Act::kNone;
  double clipHigh = 0;
  double slope = 0;
};

struct AffineProgram;
struct BinaryProgram;

/// Compiles a program in a platform's arithmetic (numerics.int8Requant). `channels` and `elements`
/// (per image) size the operands; throws std::invalid_argument when an operand does not match them.
std::shared_ptr<const AffineProgram> compile(const AffineSpec& s, const DlaNumerics& numerics,
                                             int64_t channels, int64_t elements);
std::shared_ptr<const BinaryProgram> compile(const BinarySpec& s, const DlaNumerics& numerics);

/// Runs an affine program over `images` images of `elements` values each. The channel of
/// element e is e % channels when channelsLast (NHWC), else e / (elements / channels) (NCHW).
void run(const AffineProgram& prog, const int32_t* x, int8_t* y, int64_t images, int64_t elements,
         int64_t channels, bool channelsLast);
void run(const AffineProgram& prog, const int8_t* x, int8_t* y, int64_t images, int64_t elements,
         int64_t channels, bool channelsLast);
/// A binary program over two same-shaped code arrays of n values.
void run(const BinaryProgram& prog, const int8_t* a, const int8_t* b, int8_t* y, int64_t n);
/// One value (channel c, element e of its image): the rule itself, used by tests and slow paths.
int8_t applyOne(const AffineProgram& prog, int64_t x, int64_t c, int64_t e);
int8_t applyOne(const BinaryProgram& prog, int32_t a, int32_t b);

/// Whether a program has the vectorised loop (kernels/int8_requant_fast.h); others run per value.
bool hasFastLoop(const AffineProgram& prog);
bool hasFastLoop(const BinaryProgram& prog);

/// The Xavier form of a compiled program, for inspection and tests: the multiplier shift and
/// the per-channel multipliers of its first stage (empty for Orin).
int xavierMulShift(const AffineProgram& prog);
std::vector<int16_t> xavierMultipliers(const AffineProgram& prog);

/// The FP19 value an Orin program uses for a float operand: round to nearest even, saturating.
float toFp19(double v);
/// int8 code of a float through the FP19 pipe's output step: sat8(round_half_away(t)).
int8_t fp19ToInt8(float t);

}  // namespace kern::int8
