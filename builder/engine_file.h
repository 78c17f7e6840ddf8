// dlasim's engine (plan) file: the built graph (layers, attributes, weights, INT8 scales), its
// placement (device, loadable, precision and reasons per layer) and the build settings, in a
// versioned, checksummed container. Layout (little-endian):
//   "DLASIMEN" | u32 version | u64 json bytes | json | u64 blob bytes | blob | u64 FNV-1a of all
//   before
#pragma once
#include <string>

#include "builder/build_plan.h"
#include "dlasim/engine.h"

namespace builder {

constexpr uint32_t kEngineVersion = 1;

struct EngineContents {
  sim::Graph graph;
  int opset = 0;
  BuildResult build;
  dlasim::PlanSettings settings;
};

/// Serialises graph, placement and settings. Returns the bytes (the caller writes safely).
std::string serializeEngine(const sim::Graph& g, int opset, const BuildResult& b,
                            const dlasim::PlanSettings& settings);

/// Parses and checks an engine file. Throws sim::Error naming the file and what is wrong
/// (not an engine, other version, truncated, checksum mismatch, inconsistent graph or placement:
/// engine files are untrusted, see engine_validate.h). A file larger than `maxMemoryBytes`
/// (when positive) is refused before it is read.
EngineContents loadEngine(const std::string& path, int64_t maxMemoryBytes = 0);
/// The same for an engine in memory; `name` names it in errors (tests, fuzzing).
EngineContents loadEngineBytes(const std::string& bytes, const std::string& name);

}  // namespace builder
