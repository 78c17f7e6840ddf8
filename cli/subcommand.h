// Shared by the subcommands (check, compare): split their own flags from trtexec's, and import
// the model with the calibration cache applied.
#pragma once
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/options.h"
#include "dlasim/model.h"

namespace dlasim::cli {

struct SubcommandArgs {
  std::string model;                       // the first positional argument
  std::map<std::string, std::string> own;  // the subcommand's flags: name -> value ("" if bare)
  std::vector<std::string> trtexec;        // everything else, for parseOptions
};

/// Splits argv[2..]; `ownFlags` are the subcommand's flag names (e.g. "--strict", "--rtol").
SubcommandArgs splitSubcommandArgs(int argc, const char* const* argv,
                                   const std::set<std::string>& ownFlags);

/// parseOptions over `--onnx=model` (none when the model is empty, e.g. for --loadEngine) and the
/// trtexec flags plus `defaults` for flags not given.
std::optional<Options> subcommandOptions(const SubcommandArgs& a,
                                         const std::vector<std::string>& defaults);

/// Runs a subcommand body: bad input (any exception) becomes one "dlasim: error:" line and 2.
int runGuarded(std::ostream& err, const std::function<int()>& body);

/// The files a command reads (model, engine, calibration cache, --loadInputs): never
/// overwritten by its outputs.
std::vector<std::string> inputFilesOf(const Options& o);

/// Imports o.onnx (warnings to err). (The calibration cache is part of buildConfig(o).)
Model importModel(const Options& o, std::ostream& err);

}  // namespace dlasim::cli
