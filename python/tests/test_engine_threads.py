"""Engine and ExecutionContext in Python: a thread pool with one context per thread gives the
outputs of the same runs one after another (dynamic INT8 scales included), the runs release
the GIL, and Plan stays an Engine with a context of its own; capacity_plan sweeps several
platforms and precisions."""
import concurrent.futures
import sys
import threading
import time

import numpy as np
import pytest

import dlasim

THREADS = 4
SHAPE = (2, 3, 32, 32)


@pytest.fixture(scope="module")
def engine(model_gn_path):
    m = dlasim.load(model_gn_path, shapes={"input": SHAPE})
    return m.build(precision="int8", dla_core=0, allow_gpu_fallback=True)


def batches():
    rng = np.random.default_rng(11)
    return [rng.uniform(-1, 1, SHAPE).astype(np.float32) for _ in range(THREADS)]


def test_a_plan_is_an_engine_with_contexts(engine):
    assert isinstance(engine, dlasim.Plan) and isinstance(engine, dlasim.Engine)
    assert engine.uses_dynamic_scales
    ctx = engine.create_execution_context()
    assert isinstance(ctx, dlasim.ExecutionContext)
    assert len(ctx.engine.layers) == len(engine.layers)
    assert "ExecutionContext" in repr(ctx)


def test_thread_pool_gives_the_sequential_outputs(engine):
    xs = batches()

    def infer(i):
        # Each task has a context of its own: its first run (input i) sets its INT8 scales.
        ctx = engine.create_execution_context()
        return [ctx.run({"input": xs[i]}), ctx.run({"input": xs[(i + 1) % THREADS]})]

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        parallel = list(pool.map(infer, range(THREADS)))
    sequential = [infer(i) for i in range(THREADS)]
    for i in range(THREADS):
        for run in range(2):
            for name, value in sequential[i][run].items():
                np.testing.assert_array_equal(parallel[i][run][name], value,
                                              err_msg=f"context {i} run {run} output {name}")


def test_contexts_keep_their_own_dynamic_scales(engine):
    x, y = batches()[:2]
    from_x, from_y = engine.create_execution_context(), engine.create_execution_context()
    from_x.run({"input": x})
    a, b = from_x.run({"input": y})["output"], from_y.run({"input": y})["output"]
    assert not np.array_equal(a, b)  # scales from x, scales from y


def test_runs_release_the_gil(model_gn, x):
    """A Python thread keeps running while a context runs: it stamps the time in a loop, and
    some stamps fall in the middle third of each run. (With the GIL held, the other thread
    could run only before the call enters C++ or after it returns.)"""
    ctx = model_gn.build(precision="fp16", dla_core=0,
                         allow_gpu_fallback=True).create_execution_context()
    ctx.run(x)  # kernels prepared
    stamps, running = [], threading.Event()

    def stamp():
        while running.is_set():
            stamps.append(time.perf_counter())

    running.set()
    counter = threading.Thread(target=stamp)
    counter.start()
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        ctx.run(x)
        runs.append((start, time.perf_counter()))
    running.clear()
    counter.join()
    for start, end in runs:
        third = (end - start) / 3
        assert third > sys.getswitchinterval(), "runs too short to tell"
        assert any(start + third < t < end - third for t in stamps), (start, end)


def test_capacity_plan_sweeps_platforms_and_precisions(model_gn_path):
    cp = dlasim.capacity_plan(model_gn_path, shapes={"input": (1, 3, 32, 32)}, batches=[1],
                              placements=["GPU"], platforms=["orin-agx", "xavier-nx"],
                              precisions=["int8", "fp16"], power_modes=None)
    seen = {(r.platform, r.precision) for r in cp.rows}
    assert {p for p, _ in seen} == {"orin-agx", "xavier-nx"}
    assert {q for _, q in seen} == {"INT8", "FP16"}
    with pytest.raises(dlasim.InputError, match="nosuch"):
        dlasim.capacity_plan(model_gn_path, shapes={"input": (1, 3, 32, 32)}, batches=[1],
                             platforms=["nosuch"])
