#include "cli/subcommand.h"

namespace dlasim::cli {

SubcommandArgs splitSubcommandArgs(int argc, const char* const* argv,
                                   const std::set<std::string>& ownFlags) {
  SubcommandArgs a;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    std::string name = s.substr(0, s.find('='));
    if (ownFlags.count(name))
      a.own[name] = s.find('=') == std::string::npos ? "" : s.substr(s.find('=') + 1);
    else if (!s.empty() && s[0] != '-' && a.model.empty())
      a.model = s;
    else
      a.trtexec.push_back(s);
  }
  return a;
}

std::optional<Options> subcommandOptions(const SubcommandArgs& a,
                                         const std::vector<std::string>& defaults) {
  std::vector<std::string> args = {"dlasim"};
  if (!a.model.empty()) args.push_back("--onnx=" + a.model);
  args.insert(args.end(), a.trtexec.begin(), a.trtexec.end());
  for (const auto& d : defaults) {
    std::string name = d.substr(0, d.find('='));
    bool given = false;
    for (const auto& t : a.trtexec) given |= t.substr(0, t.find('=')) == name;
    if (!given) args.push_back(d);
  }
  std::vector<const char*> cargv;
  for (const auto& s : args) cargv.push_back(s.c_str());
  return parseOptions(int(cargv.size()), cargv.data());
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
