// `dlasim check`: a DLA compatibility report; `dlasim rules`: the rule table as Markdown.
#pragma once
#include <iostream>
#include <string>
#include <vector>

#include "dlasim/plan.h"

namespace dlasim::cli {

/// dlasim check model.onnx [--platform=...] [--int8|--fp16|--best] [--shapes=...]
///                         [--useDLACore=N] [--strict]
/// Exit 0 (1 with --strict when any layer falls back to the GPU; 2 for bad input).
int checkMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

/// `check --format=json`: the report as one JSON document (cli/check_json.cpp).
std::string checkJson(const std::string& model, const Engine& plan);

/// dlasim rules [--trtVersion=V | --jetpack=J]: that TensorRT version's rule table (Markdown).
int rulesMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

/// The two versions of `check --trtVersion=A,B`; empty for a single version. Throws InputError
/// for another list.
std::vector<std::string> versionPair(const std::string& trtVersion);

/// `check --trtVersion=A,B`: the layers that move between DLA and GPU, with the rule that
/// differs, and each version's loadable counts. `plans` are A's and B's.
void compareVersions(const std::vector<std::string>& versions, const std::vector<Engine>& plans,
                     std::ostream& out);

}  // namespace dlasim::cli
