"""dlasim eval against a cluster started as on real machines: `dask-scheduler` and two
`dask-worker` processes on 127.0.0.1 (Dask's own commands), then the CI gate's exit codes and
one-line errors."""
import json
import shutil
import socket
import subprocess
import time

import numpy as np
import pytest

import dlasim
from conftest import cli_error_line, run_cli
from distributed_support import INT8_DLA, QUANT, package_env, without_placement

distributed = pytest.importorskip("distributed")
from dlasim.distributed import evaluate  # noqa: E402

CLASSIFIER = QUANT / "classifier.onnx"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler():
    """tcp://127.0.0.1:PORT with two one-thread workers; every process stopped afterwards."""
    for tool in ("dask-scheduler", "dask-worker"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is missing (scripts/setup.sh installs python3-distributed)")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = package_env()  # the workers import dlasim as this process does
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    procs = [subprocess.Popen(["dask-scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], **quiet)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen(
                ["dask-worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--nworkers", "1", "--no-dashboard", "--death-timeout", "60"], **quiet))
        deadline = time.monotonic() + 60
        while True:
            try:
                with distributed.Client(address, timeout="5s") as c:
                    c.wait_for_workers(2, timeout=max(deadline - time.monotonic(), 1))
                break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("eval")
    np.save(d / "x.npy", np.load(QUANT / "test_x.npy")[:256])
    np.save(d / "y.npy", np.load(QUANT / "test_y.npy")[:256])
    run_cli("calibrate", CLASSIFIER, f"--data={QUANT / 'calib.npy'}", f"--out={d / 'c.cache'}")
    return d


def test_eval_on_a_scheduler_and_two_worker_processes(scheduler, data, tmp_path):
    out = tmp_path / "eval.json"
    args = [CLASSIFIER, f"--data={data / 'x.npy'}", f"--labels={data / 'y.npy'}", "--int8",
            "--useDLACore=0", "--allowGPUFallback", f"--calib={data / 'c.cache'}",
            f"--scheduler={scheduler}", f"--json={out}", "--max-top1-drop=2", "--shard-size=64"]
    p = run_cli("eval", *args)
    assert "on 2 workers" in p.stdout and p.stdout.rstrip().splitlines()[-1].startswith(
        "&&&& PASSED dlasim eval: 'output' top-1 drop"), p.stdout
    r = json.loads(out.read_text())
    assert r["gate"]["passed"] and r["workers"] == 2 and r["shards"] == 4
    single = evaluate(CLASSIFIER, data / "x.npy", labels=data / "y.npy",
                      build=dict(INT8_DLA, calib=str(data / "c.cache")), client="synchronous",
                      shard_size=64)
    assert without_placement(r) == json.loads(json.dumps(without_placement(single)))

    # The gate fails (exit 1) when INT8 is broken: every scale 1000 times too small.
    cache = dlasim.CalibrationCache.read(data / "c.cache")
    broken = dlasim.CalibrationCache({k: v / 1000 for k, v in cache.scales.items()}, cache.header)
    broken.save(tmp_path / "broken.cache")
    args[6] = f"--calib={tmp_path / 'broken.cache'}"
    p = run_cli("eval", *args[:-2], "--max-top1-drop=2", check=False)
    assert p.returncode == 1, p.stdout + p.stderr
    assert p.stdout.rstrip().splitlines()[-1].startswith("&&&& FAILED dlasim eval: 'output' top-1")


def test_eval_errors_are_one_line_exit_2(data, tmp_path):
    x = f"--data={data / 'x.npy'}"
    port = free_port()
    line, code = cli_error_line("eval", CLASSIFIER, x, f"--scheduler=tcp://127.0.0.1:{port}")
    assert code == 2 and line.startswith(f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert cli_error_line("eval", CLASSIFIER, x, "--workers=zero") == (
        "--workers: 'zero' is not an integer >= 1", 2)
    assert cli_error_line("eval", CLASSIFIER, x, "--on-bad-sample=maybe") == (
        "on_bad_sample: 'maybe' is not one of fail, skip", 2)
    assert cli_error_line("eval", CLASSIFIER, x, "--scheduler=host:1", "--workers=2")[1] == 2
    line, code = cli_error_line("eval", CLASSIFIER, f"--data={tmp_path / 'none'}")
    assert code == 2 and line.endswith("none: no such file or folder")
    line, code = cli_error_line("eval", CLASSIFIER, x, "--platform=orin-mini", "--workers=1")
    assert code == 2 and "orin-mini" in line
    # --json never replaces a file the run reads.
    line, code = cli_error_line("eval", CLASSIFIER, x, f"--json={data / 'x.npy'}")
    assert (line, code) == (f"--json: {data / 'x.npy'} is a file this run reads; give another "
                            "name", 2)
    assert np.load(data / "x.npy").shape == (256, 3, 32, 32)


def test_eval_bad_sample_fails_or_is_skipped(tmp_path):
    """--on-bad-sample: the default fails naming the sample (exit 2), skip lists it and goes on."""
    d = tmp_path / "data"
    d.mkdir()
    x = np.load(QUANT / "test_x.npy")[:40]
    np.save(d / "a.npy", x[:32])
    for i in range(32, 40):
        np.save(d / f"b{i}.npy", x[i])
    (d / "b35.npy").write_bytes(b"\x93NUMPY not really")
    args = ["eval", CLASSIFIER, f"--data={d}", "--workers=1"]
    line, code = cli_error_line(*args)
    assert code == 2 and line.startswith(f"sample 35: {d / 'b35.npy'}: not a readable .npy file")
    p = run_cli(*args, "--on-bad-sample=skip")
    assert "39 of 40 samples" in p.stdout and f"skipped sample 35: {d / 'b35.npy'}: not a " \
        "readable .npy file" in p.stdout, p.stdout
