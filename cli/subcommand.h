// The subcommands' one way of reading their command line: each declares its own flags (name,
// value, help) in a SubcommandSpec; CLI11 parses them, with trtexec's flags when the subcommand
// takes them, so `--flag value` and `--flag=value` both work everywhere and every subcommand's
// --help lists its flags. Also shared: the error guard and the model import.
#pragma once
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "dlasim/model.h"

namespace CLI {
class App;
}

namespace dlasim::cli {

/// One flag of a subcommand: `name` ("--rtol"), the value's placeholder ("R"; "" for a switch
/// that takes no value; "[FILE]" for a value that may be left out, given as --flag=FILE only)
/// and a one-line description.
struct SubcommandFlag {
  std::string name, value, help;
  /// The value may be left out ("[FILE]"): `--flag` alone or `--flag=FILE`.
  bool optionalValue() const { return !value.empty() && value[0] == '['; }
};

struct SubcommandSpec {
  std::string name;        // "compare"
  std::string positional;  // "model.onnx", "DIR"; "" = none
  std::string about;       // what the subcommand does, for --help
  std::vector<SubcommandFlag> flags;
  /// Takes trtexec's flags too (parsed by parseOptions, listed after its own in --help).
  bool trtexecFlags = true;
  /// trtexec flags added when not given (e.g. "--allowGPUFallback").
  std::vector<std::string> defaults;
  /// Adds --int8 unless --int8, --fp16 or --best is given.
  bool int8Default = false;
  /// --loadEngine=FILE may stand in place of the positional model.
  bool engineInPlace = false;
};

/// The subcommand's own flags as given: name -> value ("" for a switch).
using SubcommandValues = std::map<std::string, std::string>;

/// "usage: dlasim compare model.onnx [trtexec flags] [--rtol=R] ...".
std::string subcommandUsage(const SubcommandSpec& spec);

/// Adds the spec's flags and positional to `app` (parseOptions uses it for subcommands that take
/// trtexec's flags). `values` and `positional` receive what was given once `app` has parsed;
/// call collectSubcommandValues after parsing.
void addSubcommandFlags(CLI::App& app, const SubcommandSpec& spec,
                        std::map<std::string, std::string>& storage, std::string& positional);
SubcommandValues collectSubcommandValues(const CLI::App& app, const SubcommandSpec& spec,
                                         const std::map<std::string, std::string>& storage);

/// A parsed subcommand line: the positional (model file or folder), its own flags and, when it
/// takes them, trtexec's options (with the defaults applied).
struct ParsedSubcommand {
  std::string positional;
  SubcommandValues own;
  std::optional<Options> options;
};

/// Parses argv (argv[1] is the subcommand's name). Throws InputError (one line) for a bad
/// command line; returns nullopt when --help was printed to `out`.
std::optional<ParsedSubcommand> parseSubcommand(const SubcommandSpec& spec, int argc,
                                                const char* const* argv, std::ostream& out);

/// Parses the command line and runs `body` under runGuarded: --help prints the subcommand's
/// flags and returns 0; a bad line or bad input is one "dlasim: error:" line and 2.
int runSubcommand(const SubcommandSpec& spec, int argc, const char* const* argv, std::ostream& out,
                  std::ostream& err, const std::function<int(ParsedSubcommand&)>& body);

/// Runs a subcommand body: bad input (any exception) becomes one "dlasim: error:" line and 2.
int runGuarded(std::ostream& err, const std::function<int()>& body);

/// The files a command reads (model, engine, calibration cache, --loadInputs): never
/// overwritten by its outputs.
std::vector<std::string> inputFilesOf(const Options& o);

/// Imports o.onnx (warnings to err). (The calibration cache is part of buildConfig(o).)
Model importModel(const Options& o, std::ostream& err);

}  // namespace dlasim::cli
