// Static tensor shapes. After import every dimension is known (dynamic ones are fixed by --shapes).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sim {

using Shape = std::vector<int64_t>;

/// Number of elements; 1 for a scalar. Throws sim::Error rather than wrap when the product does
/// not fit in int64 (shapes of hostile models and engine files reach here).
int64_t volume(const Shape& s);
/// Product of dims [from, to) (clamped to the rank): e.g. the "outer" size before an axis.
int64_t volume(const Shape& s, size_t from, size_t to);
/// Dimension arithmetic that cannot wrap: a * b and a + b, or sim::Error naming the operands
/// when the exact result does not fit in int64. Every product or sum of dimensions or attribute
/// values read from a file goes through these (signed overflow is undefined behaviour).
int64_t mulDims(int64_t a, int64_t b);
int64_t addDims(int64_t a, int64_t b);
/// "1x3x224x224" as trtexec prints dimensions; "scalar" for rank 0.
std::string shapeStr(const Shape& s);
/// Numpy-style multidirectional broadcast; returns false when the shapes cannot broadcast.
bool broadcastShapes(const Shape& a, const Shape& b, Shape* out);
/// Normalises a possibly negative axis against rank; returns false when out of range.
bool normalizeAxis(int64_t axis, int64_t rank, int64_t* out);

/// The largest tensor dlasim accepts, in elements (2^31): beyond it a dimension is "absurd".
constexpr int64_t kMaxTensorElements = int64_t{1} << 31;
/// True when the non-zero dimensions multiply to more than kMaxTensorElements: zeros do not
/// excuse the others (a 0x2^40x2^40 tensor is empty, but its strides still overflow).
bool exceedsElementLimit(const Shape& s);

}  // namespace sim
