"""The CI accuracy gate of docs/python.md, run on the bundled models: the INT8 DLA build must stay
within tolerance of FP32, and the gate must fail when the INT8 numerics are broken."""
import numpy as np
import pytest

import dlasim
from conftest import SHAPE

MEAN_TOL, MAX_TOL = 0.01, 0.05  # of the reference output's range, as in docs/python.md


def batch(seed):
    return {"input": np.random.default_rng(seed).uniform(-1, 1, SHAPE).astype(np.float32)}


def drift(model, plan, data):
    """The gate of docs/python.md: mean and worst absolute error against FP32, relative to the
    output's range, and top-1 agreement."""
    ref, out = model.run(data), plan.run(data)
    scale = max(float(np.abs(r).max()) for r in ref.values())
    mean = dlasim.compare(ref, out, rtol=0, atol=MEAN_TOL * scale, check_error_stat="mean")
    worst = dlasim.compare(ref, out, rtol=0, atol=MAX_TOL * scale, check_error_stat="max")
    top1 = float((ref["output"].argmax(1) == out["output"].argmax(1)).mean())
    return mean, worst, top1


@pytest.mark.parametrize("model_name", ["bn", "gn"])
def test_int8_dla_stays_close_to_fp32(request, model_name):
    model = request.getfixturevalue(f"model_{model_name}")
    calib = model.calibrate(batch(1), algo="minmax")  # calibrate on one batch, judge on another
    plan = model.build(platform="orin-agx", precision="int8", dla_core=0,
                       allow_gpu_fallback=True, calib=calib)
    assert plan.dla_layers("int8") > 0
    mean, worst, top1 = drift(model, plan, batch(2))
    assert mean.passed and worst.passed, f"INT8 DLA drifted from FP32:\n{mean!r}\n{worst!r}"
    assert top1 >= 0.97
    # The gate measures something: INT8 is not bit-equal to FP32.
    assert mean["output"].absolute.max > 0


@pytest.mark.parametrize("model_name", ["bn", "gn"])
def test_gate_fails_on_broken_scales(request, model_name):
    """Scales 20x too small saturate the INT8 activations: the gate must catch it."""
    model = request.getfixturevalue(f"model_{model_name}")
    good = model.calibrate(batch(1))
    broken = dlasim.CalibrationCache({k: v / 20 for k, v in good.scales.items()})
    plan = model.build(precision="int8", dla_core=0, allow_gpu_fallback=True, calib=broken)
    mean, worst, _ = drift(model, plan, batch(2))
    assert not mean.passed and not worst.passed


def test_no_new_gpu_fallback(model_bn):
    """The placement gate of docs/python.md, on ModelBN: only its known tail runs on the GPU."""
    plan = model_bn.build(precision="int8", dla_core=0, allow_gpu_fallback=True)
    expected = {"GlobalAveragePool_8",
                "copied_squeeze_after_(Unnamed Layer* 20) [ElementWise]"}
    fallen = {l.name: [f"{r.message} [{r.rule}]" for r in l.reasons]
              for l in plan.layers if l.device == "GPU" and l.name not in expected}
    assert not fallen, fallen
    assert len(plan.loadables) == 2
    # ... and it fails when a layer leaves the DLA.
    moved = model_bn.build(precision="int8", dla_core=0, allow_gpu_fallback=True,
                           layer_devices={"Conv_4": "GPU"})
    assert {l.name for l in moved.layers if l.device == "GPU"} - expected == {"Conv_4 + Relu_5"}
    assert len(moved.loadables) == 3
