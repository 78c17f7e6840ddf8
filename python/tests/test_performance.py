"""The cost model from Python: Plan.performance(), Plan.memory() and dlasim.capacity_plan agree
with what the dlasim command prints for the same build."""
import json
import re
import subprocess

import pytest

import dlasim
from conftest import DLASIM_BIN, SHAPE


def seed_plan(model_gn):
    return model_gn.build(precision="int8", dla_core=0, allow_gpu_fallback=True)


def test_performance_matches_the_cli_summary(model_gn, model_gn_path, tmp_path):
    perf = seed_plan(model_gn).performance()
    profile = tmp_path / "p.json"
    log = subprocess.run(
        [str(DLASIM_BIN), f"--onnx={model_gn_path}", "--shapes=input:32x3x32x32", "--int8",
         "--useDLACore=0", "--allowGPUFallback", f"--exportProfile={profile}"],
        capture_output=True, text=True, check=True).stdout
    qps = float(re.search(r"Throughput: ([0-9.]+) qps", log).group(1))
    # The CLI's is trtexec's queries over the walltime, whose ends hold one query's copies.
    assert perf.throughput_qps == pytest.approx(qps, rel=1e-4)
    assert perf.platform == "orin-agx" and perf.batch == SHAPE[0]
    # The timeline's rows add up to the latency, as the exported profile's do.
    assert sum(r.ms for r in perf.rows) == pytest.approx(perf.latency_ms, rel=1e-9)
    rows = json.loads(profile.read_text())[1:]
    assert [r["name"] for r in rows] == [r.name for r in perf.rows]
    assert {r.bound for r in perf.rows} <= {"none", "compute", "memory", "overhead", "fused"}
    assert len(perf.loadables) == 5


def test_lower_clocks_are_never_faster(model_gn):
    plan = seed_plan(model_gn)
    fast = plan.performance()
    slow = plan.performance(dla_clock_mhz=614.4, emc_clock_mhz=2133)
    assert slow.latency_ms > fast.latency_ms
    assert slow.dla_clock_mhz == pytest.approx(614.4)
    with pytest.raises(dlasim.InputError, match="dla"):
        plan.performance(dla_clock_mhz=1e6)
    with pytest.raises(dlasim.InputError, match="power mode"):
        plan.performance(power_mode="1W")


def test_memory_lists_every_loadable(model_gn):
    plan = seed_plan(model_gn)
    mem = plan.memory()
    assert [l.name for l in mem.loadables] == [l.name for l in plan.loadables]
    assert mem.engine_bytes >= sum(l.total_bytes for l in mem.loadables) > 0
    assert mem.weight_limit_bytes == 512 << 20


def test_capacity_plan_marks_the_best_configuration(model_bn_path):
    cp = dlasim.capacity_plan(model_bn_path, shapes={"input": (1, 3, 32, 32)}, batches=[1, 8],
                              placements=["GPU", "DLA0", "DLA0+DLA1"], power_modes=["MAXN"])
    assert len(cp.rows) == 6
    best = cp.best
    assert best is not None and best.best
    assert best.images_per_second == max(r.images_per_second for r in cp.rows)
    two = {r.batch: r.qps for r in cp.rows if r.placement == "DLA0+DLA1"}
    one = {r.batch: r.qps for r in cp.rows if r.placement == "DLA0"}
    for b in two:  # a second core at most doubles the throughput
        assert one[b] <= two[b] <= 2 * one[b] * (1 + 1e-9)
    assert "best" in cp.format("table").lower() or cp.recommendation
    assert json.loads(cp.format("json"))
    # A latency budget that only the batch-1 configurations meet picks the fastest of those.
    budget_ms = min(r.latency_ms for r in cp.rows if r.batch == 1) * 1.01
    budget = dlasim.capacity_plan(model_bn_path, shapes={"input": (1, 3, 32, 32)}, batches=[1, 8],
                                  placements=["GPU", "DLA0", "DLA0+DLA1"], power_modes=["MAXN"],
                                  latency_budget_ms=budget_ms)
    within = [r for r in budget.rows if r.within_budget]
    assert within and all(r.latency_ms <= budget_ms for r in within)
    assert budget.best.images_per_second == max(r.images_per_second for r in within)
    with pytest.raises(dlasim.InputError, match="placements"):
        dlasim.capacity_plan(model_bn_path, placements=["TPU"])
