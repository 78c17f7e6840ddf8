"""`cmake --install build --prefix P` puts the module under P/lib/python3/dist-packages, where it
imports and finds P's libdlasim through its $ORIGIN-relative RPATH (no LD_LIBRARY_PATH)."""
import os
import pathlib
import shutil
import subprocess

from conftest import BUILD

BUILD_DIR = pathlib.Path(os.environ.get("DLASIM_BUILD_DIR", BUILD))

PROBE = """
import dlasim, sys
libs = {l.split()[-1] for l in open('/proc/self/maps') if 'libdlasim.so' in l}
m = dlasim.load(sys.argv[1], shapes={'input': (2, 3, 32, 32)})
plan = m.build(precision='int8', dla_core=0, allow_gpu_fallback=True)
print(dlasim.__file__)
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
    (module,) = site.glob("dlasim.cpython-*.so")
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
