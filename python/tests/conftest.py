"""Fixtures for the dlasim Python module's tests.

ctest sets PYTHONPATH (build/python), DLASIM_BIN (the dlasim command) and DLASIM_EXAMPLES (the
bundled ONNX models); run by hand from the project root, the defaults find ./build.
"""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
if "DLASIM_BIN" not in os.environ:  # by hand: the module next to the default build
    sys.path.insert(0, str(BUILD / "python"))

import dlasim  # noqa: E402  (after the path is set)

DLASIM_BIN = pathlib.Path(os.environ.get("DLASIM_BIN", BUILD / "dlasim"))
EXAMPLES = pathlib.Path(os.environ.get("DLASIM_EXAMPLES", BUILD / "examples"))
SHAPE = (32, 3, 32, 32)


@pytest.fixture(scope="session")
def model_bn_path():
    return EXAMPLES / "model_bn.onnx"


@pytest.fixture(scope="session")
def model_gn_path():
    return EXAMPLES / "model_gn.onnx"


@pytest.fixture(scope="session")
def model_bn(model_bn_path):
    return dlasim.load(model_bn_path, shapes={"input": SHAPE})


@pytest.fixture(scope="session")
def model_gn(model_gn_path):
    return dlasim.load(model_gn_path, shapes={"input": SHAPE})


@pytest.fixture(scope="session")
def x():
    """One input batch, fixed: the same values reach the CLI through a .npy file."""
    return np.random.default_rng(7).uniform(-1, 1, SHAPE).astype(np.float32)


def run_cli(*args, check=True):
    """Runs the dlasim command; returns the completed process (text output)."""
    p = subprocess.run([str(DLASIM_BIN), *map(str, args)], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"dlasim {' '.join(map(str, args))} exited {p.returncode}:\n"
                             f"{p.stdout}\n{p.stderr}")
    return p


def cli_error_line(*args):
    """The one-line message of a failing dlasim command, without its 'dlasim: error: ' prefix,
    in the API's names (the module says shapes where the command says --shapes), and its exit
    code."""
    p = run_cli(*args, check=False)
    lines = [l for l in p.stderr.splitlines() if l.startswith("dlasim: ")]
    assert len(lines) == 1, p.stderr
    return dlasim._api_names(lines[0].split(": ", 2)[2]), p.returncode
