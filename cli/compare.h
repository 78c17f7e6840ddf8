// `dlasim compare`: runs a model twice on the same inputs — the FP32 reference and the build
// the flags describe (DLA layers in their emulated precision) — and compares every output the
// way Polygraphy does. Exit 0 within tolerance, 1 over it (a CI gate), 2 bad input.
#pragma once
#include <iostream>

namespace dlasim::cli {

/// dlasim compare model.onnx [trtexec flags] [--rtol=R] [--atol=A]
///                           [--check-error-stat=elemwise|max|mean|median]
int compareMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dlasim::cli
