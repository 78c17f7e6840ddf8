#include "cli/subcommand.h"

#include <CLI/CLI.hpp>

#include "cli/util.h"

namespace dlasim::cli {

std::string subcommandUsage(const SubcommandSpec& spec) {
  std::string s = "usage: dlasim " + spec.name;
  if (!spec.positional.empty()) s += " " + spec.positional;
  if (spec.trtexecFlags) s += " [trtexec flags]";
  for (const auto& f : spec.flags)
    s += " [" + f.name +
         (f.value.empty()     ? ""
          : f.optionalValue() ? "[=" + f.value.substr(1, f.value.size() - 2) + "]"
                              : "=" + f.value) +
         "]";
  return s;
}

void addSubcommandFlags(CLI::App& app, const SubcommandSpec& spec,
                        std::map<std::string, std::string>& storage, std::string& positional) {
  std::string group = "dlasim " + spec.name;
  for (const auto& f : spec.flags) {
    if (CLI::Option* same = app.get_option_no_throw(f.name)) app.remove_option(same);
    if (f.value.empty() || f.optionalValue())  // an optional value is read before CLI11 parses
      app.add_flag(f.name, f.help)->group(group)->disable_flag_override();
    else
      app.add_option(f.name, storage[f.name], f.help)->type_name(f.value)->group(group);
  }
  if (!spec.positional.empty())  // "model.onnx" is listed as "model"
    app.add_option(spec.positional.substr(0, spec.positional.find('.')), positional,
                   spec.positional);
}

SubcommandValues collectSubcommandValues(const CLI::App& app, const SubcommandSpec& spec,
                                         const std::map<std::string, std::string>& storage) {
  SubcommandValues v;
  for (const auto& f : spec.flags)
    if (app.count(f.name)) {
      auto it = storage.find(f.name);
      v[f.name] = it == storage.end() ? "" : it->second;
      if (!f.value.empty() && !f.optionalValue() && v[f.name].empty())
        fail(f.name, ": give a value (", f.name, "=", f.value, ")");
    }
  return v;
}

namespace {

// The subcommands without trtexec's flags (nvdla-trace, rules): their own flags alone.
std::optional<ParsedSubcommand> parseOwnOnly(const SubcommandSpec& spec,
                                             const std::vector<const char*>& args,
                                             std::ostream& out) {
  CLI::App app{subcommandUsage(spec) + "\n\n" + spec.about, "dlasim " + spec.name};
  app.set_help_flag("-h,--help", "Print this help and exit");
  app.get_formatter()->column_width(34);
  std::map<std::string, std::string> storage;
  ParsedSubcommand p;
  addSubcommandFlags(app, spec, storage, p.positional);
  try {
    app.parse(int(args.size()), args.data());
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    fail(std::string(e.what()), " (see dlasim ", spec.name, " --help)");
  }
  p.own = collectSubcommandValues(app, spec, storage);
  return p;
}

}  // namespace

std::optional<ParsedSubcommand> parseSubcommand(const SubcommandSpec& spec, int argc,
                                                const char* const* argv, std::ostream& out) {
  std::string program = "dlasim " + spec.name;
  std::vector<std::string> args = {program};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  if (spec.trtexecFlags) {
    auto given = [&](const std::string& flag) {
      for (size_t i = 1; i < args.size(); ++i)
        if (args[i].substr(0, args[i].find('=')) == flag) return true;
      return false;
    };
    bool precision = given("--int8") || given("--fp16") || given("--best");
    bool help = given("--help") || given("-h");
    std::vector<std::string> defaults = spec.defaults;
    if (spec.int8Default && !precision) defaults.push_back("--int8");
    // First, so that a flag missing its value at the end never takes a default as its value.
    std::vector<std::string> added;
    for (const auto& d : defaults)
      if (!given(d.substr(0, d.find('=')))) added.push_back(d);
    if (!help) args.insert(args.begin() + 1, added.begin(), added.end());
  }
  for (const auto& f : spec.flags)  // a switch with a value: CLI11's message would not say so
    for (size_t i = 1; f.value.empty() && i < args.size(); ++i)
      if (args[i].rfind(f.name + "=", 0) == 0)
        fail(f.name, " takes no value (got '", args[i], "')");
  // --flag=VALUE of a flag whose value may be left out: taken here, CLI11 sees the bare switch.
  SubcommandValues attached;
  for (const auto& f : spec.flags)
    for (size_t i = 1; f.optionalValue() && i < args.size(); ++i)
      if (args[i].rfind(f.name + "=", 0) == 0) {
        attached[f.name] = args[i].substr(f.name.size() + 1);
        if (attached[f.name].empty())
          fail(f.name, "=: give a value (", f.name, "=", f.value.substr(1, f.value.size() - 2),
               ") or none (", f.name, ")");
        args[i] = f.name;
      }
  auto withAttached = [&](std::optional<ParsedSubcommand> p) {
    if (p)
      for (const auto& [name, value] : attached) p->own[name] = value;
    return p;
  };
  std::vector<const char*> cargv;
  for (const auto& s : args) cargv.push_back(s.c_str());
  if (!spec.trtexecFlags) return withAttached(parseOwnOnly(spec, cargv, out));
  SubcommandParse sub{&spec, {}, &out};
  ParsedSubcommand p;
  p.options = parseOptions(int(cargv.size()), cargv.data(), &sub);
  if (!p.options) return std::nullopt;
  p.own = std::move(sub.own);
  p.positional = p.options->onnx;
  return withAttached(std::move(p));
}

int runSubcommand(const SubcommandSpec& spec, int argc, const char* const* argv, std::ostream& out,
                  std::ostream& err, const std::function<int(ParsedSubcommand&)>& body) {
  return runGuarded(err, [&]() -> int {
    std::optional<ParsedSubcommand> p = parseSubcommand(spec, argc, argv, out);
    if (!p) return 0;
    bool engine = spec.engineInPlace && p->options && !p->options->loadEngine.empty();
    if (!spec.positional.empty() && p->positional.empty() && !engine)
      fail("no ", spec.positional, " given (", subcommandUsage(spec), ")");
    return body(*p);
  });
}

int runGuarded(std::ostream& err, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    err << "dlasim: error: out of memory (the model is too large for this machine)\n";
  } catch (const std::exception& e) {
    err << "dlasim: error: " << printable(e.what()) << "\n";
  }
  return 2;
}

std::vector<std::string> inputFilesOf(const Options& o) {
  std::vector<std::string> v = {o.onnx, o.loadEngine, o.calib};
  for (const auto& [n, f] : o.loadInputs) v.push_back(f);
  return v;
}

Model importModel(const Options& o, std::ostream& err) {
  LoadOptions lo;
  lo.shapes = o.shapes;
  lo.maxMemoryBytes = o.maxMemory;
  lo.warn = [&](const std::string& m) { err << "dlasim: warning: " << printable(m) << "\n"; };
  return Model::load(o.onnx, lo);
}

}  // namespace dlasim::cli
