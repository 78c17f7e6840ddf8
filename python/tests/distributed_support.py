"""Shared by the dlasim.distributed tests: the trained classifier's files, a 2-worker
LocalCluster on loopback, and comparisons of results."""
import os
import pathlib

import pytest

from conftest import BUILD

BUILD_DIR = pathlib.Path(os.environ.get("DLASIM_BUILD_DIR", BUILD))
QUANT = BUILD_DIR / "quant"  # tests/quant/make_classifier.py's classifier and data
ZOO = BUILD_DIR / "zoo"
INT8_DLA = dict(precision="int8", dla_core=0, allow_gpu_fallback=True)


def without_placement(result):
    """A result without what depends on where it ran (the worker count)."""
    r = dict(result)
    r.pop("workers", None)
    r.pop("gate", None)
    return r


@pytest.fixture(scope="module")
def cluster_client():
    """Two single-threaded worker processes on 127.0.0.1, closed after the module's tests."""
    distributed = pytest.importorskip("distributed")
    from dlasim.distributed import local_cluster
    with local_cluster(2) as cluster, distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield client


def package_env():
    """This environment with PYTHONPATH leading to the dlasim package this process imports (for
    worker processes started by hand)."""
    import dlasim
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(pathlib.Path(dlasim.__file__).resolve().parents[1]),
                    env.get("PYTHONPATH")) if p)
    return env
