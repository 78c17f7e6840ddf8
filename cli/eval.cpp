#include "cli/eval.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace dlasim::cli {

namespace fs = std::filesystem;

namespace {

// Where the `dlasim` package is, relative to this binary: build/python beside build/dlasim, or
// <prefix>/<package dir> above <prefix>/bin/dlasim once installed. "" if neither holds it.
std::string packageParent() {
#ifdef DLASIM_PYTHON_PACKAGE_DIR
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  fs::path dir = exe.parent_path();
  for (const fs::path& p : {dir / "python", dir / ".." / DLASIM_PYTHON_PACKAGE_DIR})
    if (fs::exists(p / "dlasim" / "__init__.py", ec)) return fs::weakly_canonical(p, ec).string();
#endif
  return "";
}

}  // namespace

int evalMain(int argc, const char* const* argv, std::ostream& err) {
#ifndef DLASIM_PYTHON_EXECUTABLE
  err << "dlasim: error: eval runs in Python; this dlasim was built without its Python module "
         "(scripts/setup.sh installs pybind11-dev)\n";
  return 2;
#else
  std::string parent = packageParent();
  if (parent.empty()) {
    err << "dlasim: error: eval needs the Python package dlasim, not found beside this binary "
           "(build it, or cmake --install the whole tree)\n";
    return 2;
  }
  // The package first on the path, whatever else PYTHONPATH holds.
  const char* old = std::getenv("PYTHONPATH");
  std::string path = parent + (old && *old ? ":" + std::string(old) : "");
  ::setenv("PYTHONPATH", path.c_str(), 1);
  std::vector<const char*> args = {DLASIM_PYTHON_EXECUTABLE, "-m", "dlasim.eval"};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  ::execv(DLASIM_PYTHON_EXECUTABLE, const_cast<char* const*>(args.data()));
  err << "dlasim: error: eval: cannot run " << DLASIM_PYTHON_EXECUTABLE << " ("
      << std::strerror(errno) << ")\n";
  return 2;
#endif
}

}  // namespace dlasim::cli
