// `dlasim compare`: runs a model twice on the same inputs — the FP32 reference and the build
// the flags describe (DLA layers in their emulated precision) — and compares every output the
// way Polygraphy does, plus cosine similarity and top-1/top-5 agreement of class scores;
// --per-layer compares every layer and names where the error jumps. Exit 0 within tolerance, 1 over
// it (a CI gate), 2 bad input.
#pragma once
#include <iostream>

namespace dlasim::cli {

/// dlasim compare model.onnx [trtexec flags] [--rtol=R] [--atol=A]
///                           [--check-error-stat=elemwise|max|mean|median] [--per-layer]
///                           [--jump-threshold=X] [--json=FILE]
int compareMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dlasim::cli
