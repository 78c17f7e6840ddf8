// trtexec flags that real scripts pass (NVIDIA's DLA and cuDLA samples, Jetson benchmark
// scripts, QAT toolkits): each is accepted with trtexec's meaning, or named once in the log as
// having no effect in simulation, so that no command trtexec runs fails here.
#pragma once
#include <CLI/CLI.hpp>
#include <map>
#include <set>
#include <string>

#include "cli/options.h"

namespace dlasim::cli {

/// The raw values of those flags while CLI11 parses.
struct CompatFlags {
  std::string layerOutputTypes, precisionConstraints, timingCacheFile;
  std::string minShapesCalib, optShapesCalib, maxShapesCalib, avgTiming, minTiming, batch, maxBatch;
  std::map<std::string, bool> switches;         // flag -> given
  std::map<std::string, std::string> settings;  // no-effect options with a value -> value
};

/// Registers the flags on `app`.
void addCompatFlags(CLI::App& app, CompatFlags& f);

/// Validates what was given and applies it to `o` (throws InputError naming the flag).
/// `shadowed`: flags a subcommand defines itself (not trtexec's there).
void applyCompatFlags(const CLI::App& app, const CompatFlags& f, Options& o,
                      const std::set<std::string>& shadowed = {});

}  // namespace dlasim::cli
