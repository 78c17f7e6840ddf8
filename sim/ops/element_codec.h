// Element encodings of the I/O types (sim/ir/io_format.h): FP16 bits and INT8 codes by
// kernels/numeric's rules, for binding buffers, .npy files and ONNX float16 initialisers.
#pragma once
#include <cstdint>

#include "sim/ir/io_format.h"

namespace sim {

/// Writes x as element i of a buffer of type t (INT8: the code of x at `scale`; uint8
/// saturates; bool is x != 0). Types dlasim cannot hold (bf16, fp8) are the caller's to refuse.
void encodeElement(IOType t, double x, float scale, char* buffer, int64_t i);
/// Element i of a buffer of type t as a value (INT8: the code times `scale`).
double decodeElement(IOType t, const char* buffer, int64_t i, float scale);
/// x as a binding of type t holds it: FP16-rounded, the INT8 code, or x itself.
double bindingValue(IOType t, double x, float scale);

}  // namespace sim
