// dlasim's engine (plan) file: the built graph (layers, attributes, weights), its placement
// (device, loadable, precision and reasons per layer) and the build settings, in a versioned,
// checksummed container. Layout (little-endian):
//   "DLASIMEN" | u32 version | u64 json bytes | json | u64 blob bytes | blob | u64 FNV-1a of all
//   before
#pragma once
#include <string>

#include "sim/cli/build.h"

namespace sim::cli {

constexpr uint32_t kEngineVersion = 1;

struct EngineContents {
  onnx_import::ImportResult model;  // graph + import facts
  BuildResult build;
  std::string platform;
  int useDLACore = -1;
  std::string sourceModel;
};

/// Serialises graph, placement and settings. Returns the bytes (the caller writes safely).
std::string serializeEngine(const onnx_import::ImportResult& model, const BuildResult& b,
                            const Options& o);

/// Parses and checks an engine file. Throws sim::Error naming the file and what is wrong
/// (not an engine, other version, truncated, checksum mismatch, inconsistent graph).
EngineContents loadEngine(const std::string& path);

}  // namespace sim::cli
