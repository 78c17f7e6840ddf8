"""`cmake --install build --prefix P` puts the package under P/lib/python3/dist-packages/dlasim,
where it imports (its pure-Python parts too) and finds P's libdlasim through its $ORIGIN-relative
RPATH (no LD_LIBRARY_PATH)."""
import os
import pathlib
import shutil
import subprocess

from conftest import BUILD

BUILD_DIR = pathlib.Path(os.environ.get("DLASIM_BUILD_DIR", BUILD))

PROBE = """
import dlasim, dlasim.distributed, dlasim.eval, sys
libs = {l.split()[-1] for l in open('/proc/self/maps') if 'libdlasim.so' in l}
m = dlasim.load(sys.argv[1], shapes={'input': (2, 3, 32, 32)})
plan = m.build(precision='int8', dla_core=0, allow_gpu_fallback=True)
print(dlasim._native.__file__)
print(*sorted(libs))
print(len(plan.loadables), plan.run(m.random_inputs())['output'].shape)
"""


def test_installed_module_imports_and_runs(tmp_path, model_bn_path):
    cmake = shutil.which("cmake")
    assert cmake, "cmake is needed to install"
    prefix = tmp_path / "prefix"
    subprocess.run([cmake, "--install", str(BUILD_DIR), "--prefix", str(prefix)], check=True,
                   capture_output=True)
    site = prefix / "lib" / "python3" / "dist-packages"
    (module,) = site.glob("dlasim/_native.cpython-*.so")
    assert (site / "dlasim" / "distributed.py").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    p = subprocess.run(["/usr/bin/python3", "-c", PROBE, str(model_bn_path)], env=env,
                       cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    file, libs, run = p.stdout.splitlines()
    assert pathlib.Path(file) == module
    assert libs and all(pathlib.Path(l).resolve().is_relative_to(prefix.resolve())
                        for l in libs.split()), libs
    assert run == "2 (2, 10)"  # ModelBN: its convolutions, then its classifier

    # The installed dlasim eval finds the installed package (no PYTHONPATH): its own Python
    # parser answers a bad value, and a probe shows which package file runs.
    del env["PYTHONPATH"]
    p = subprocess.run([str(prefix / "bin" / "dlasim"), "eval", str(model_bn_path),
                        "--data=x.npy", "--workers=zero"], env=env, cwd=tmp_path,
                       capture_output=True, text=True)
    assert (p.returncode, p.stderr) == (2, "dlasim: error: --workers: 'zero' is not an integer "
                                           ">= 1\n")
    moved = tmp_path / "moved"
    prefix.rename(moved)  # the tree still works as a whole elsewhere
    (moved / "lib" / "python3" / "dist-packages" / "dlasim" / "eval.py").write_text(
        "import sys, dlasim\nprint(dlasim.__file__)\nsys.exit(3)\n")
    p = subprocess.run([str(moved / "bin" / "dlasim"), "eval"], env=env, cwd=tmp_path,
                       capture_output=True, text=True)
    assert p.returncode == 3, p.stderr
    assert pathlib.Path(p.stdout.strip()).resolve() == (
        moved / "lib" / "python3" / "dist-packages" / "dlasim" / "__init__.py").resolve()
