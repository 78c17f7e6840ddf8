// `dlasim check`: a DLA compatibility report; `dlasim rules`: the rule table as Markdown.
#pragma once
#include <iostream>

namespace dlasim::cli {

/// dlasim check model.onnx [--platform=...] [--int8|--fp16|--best] [--shapes=...]
///                         [--useDLACore=N] [--strict]
/// Exit 0 (1 with --strict when any layer falls back to the GPU; 2 for bad input).
int checkMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

/// dlasim rules: the DLA rule table as Markdown (docs/dla-rules.md). Exit 0.
int rulesMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dlasim::cli
