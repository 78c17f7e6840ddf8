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
    # The profile has one row per engine layer: a loadable's rows fold into its ForeignNode row.
    folded = {r.name if r.loadable is None else perf.loadables[r.loadable].name
              for r in perf.rows}
    assert folded <= {r["name"] for r in rows}
    assert sum(r["averageMs"] for r in rows) == pytest.approx(perf.latency_ms, rel=1e-6)
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
    # DLA0+GPU, the version and precision, per-row clocks and uncertainty (None: uncalibrated).
    cp2 = dlasim.capacity_plan(model_bn_path, shapes={"input": (1, 3, 32, 32)}, batches=[1],
                               placements=["GPU", "DLA0+GPU"], power_modes=["MAXN"],
                               trt_version="8.5")
    assert [r.placement for r in cp2.rows] == ["GPU", "DLA0+GPU"]
    assert cp2.trt_version == "8.5" and cp2.precision == "INT8"
    assert all(r.uncertainty is None for r in cp2.rows) and cp2.rows[0].dla_clock_mhz == 1600


def test_trt_version_and_uncertainty(model_gn):
    """The TensorRT version is a build input; every modelled figure says how far to trust it."""
    p84 = seed_plan(model_gn).performance()
    assert p84.trt_version == "8.4" and p84.calibration_points == 1
    assert p84.uncertainty == pytest.approx(0.25) and "TensorRT 8.4" in p84.regime
    plan = model_gn.build(precision="int8", dla_core=0, allow_gpu_fallback=True, trt_version="10.3")
    assert plan.settings.trt_version == "10.3"
    p103 = plan.performance()
    assert p103.trt_version == "10.3" and p103.uncertainty is None  # no 10.3 fallback point
    assert p103.compute_ms > p84.compute_ms  # 10.3's fitted hand-off costs more
    with pytest.raises(dlasim.InputError, match="unknown TensorRT version '9.9'"):
        model_gn.build(precision="int8", trt_version="9.9")
    with pytest.raises(dlasim.InputError, match="never shipped for Jetson AGX Xavier"):
        model_gn.build(platform="xavier-agx", precision="int8", trt_version="10.3")
    assert dlasim.platform("xavier-nx").trt_versions == ["8.4", "8.5"]
    modes = {m.name: m for m in dlasim.platform("orin-agx").power_modes}
    p15 = seed_plan(model_gn).performance(power_mode="15W")
    assert (modes["15W"].emc_clock_mhz, modes["15W"].gpu_clock_mhz) == (p15.emc_clock_mhz,
                                                                         p15.gpu_clock_mhz)
