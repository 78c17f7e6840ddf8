"""dlasim.compare: Polygraphy-style statistics and verdicts on tensors with known differences."""
import numpy as np
import pytest

import dlasim

REF = np.array([[1.0, -2.0, 4.0], [0.5, 8.0, -1.0], [2.0, 2.0, 0.0]], dtype=np.float32)
# Differences (exact in float32): 0, 0.5, 0, 0.25, 1, 0, 0, 0, 0.125
ACT = np.array([[1.0, -1.5, 4.0], [0.75, 9.0, -1.0], [2.0, 2.0, 0.125]], dtype=np.float32)


def test_statistics():
    r = dlasim.compare({"y": REF}, {"y": ACT}, rtol=0.5, atol=0.1)
    (c,) = r.outputs
    assert c.name == "y" and c.shape == (3, 3)
    absd = np.abs(ACT.astype(np.float64) - REF)
    assert c.absolute.max == 1.0 and c.absolute.argmax == (1, 1)
    assert c.absolute.mean == pytest.approx(absd.mean())
    assert c.absolute.median == np.median(absd)  # odd count: the middle element
    reld = absd / np.maximum(np.abs(REF), 2.22e-16)
    # The zero reference element: 0.125 / 2.22e-16, Polygraphy's guard against dividing by 0.
    assert c.relative.max == pytest.approx(reld.max()) and c.relative.argmax == (2, 2)
    assert c.relative.mean == pytest.approx(reld.mean())
    assert c.relative.median == pytest.approx(np.median(reld))
    assert r["y"].absolute.max == c.absolute.max
    with pytest.raises(KeyError):
        r["z"]


def test_elementwise_verdict():
    # Element (2,2): |0.125 - 0| passes only by atol; (1,0): 0.25 over 0.5 passes only by rtol.
    assert dlasim.compare({"y": REF}, {"y": ACT}, rtol=0.5, atol=0.125).passed
    assert not dlasim.compare({"y": REF}, {"y": ACT}, rtol=0.5, atol=0.1).passed
    assert not dlasim.compare({"y": REF}, {"y": ACT}, rtol=0.49, atol=0.125).passed
    assert dlasim.compare({"y": REF}, {"y": REF.copy()}, rtol=0, atol=0).passed


def test_statistic_verdicts():
    # mean |diff| = 1.875/9 ~ 0.208, median 0, max 1
    kw = dict(rtol=0.0)
    assert dlasim.compare({"y": REF}, {"y": ACT}, atol=0.21, check_error_stat="mean", **kw).passed
    assert not dlasim.compare({"y": REF}, {"y": ACT}, atol=0.2, check_error_stat="mean",
                              **kw).passed
    assert dlasim.compare({"y": REF}, {"y": ACT}, atol=0.0, check_error_stat="median",
                          **kw).passed
    assert not dlasim.compare({"y": REF}, {"y": ACT}, atol=0.99, check_error_stat="max",
                              **kw).passed
    assert dlasim.compare({"y": REF}, {"y": ACT}, atol=1.0, check_error_stat="max", **kw).passed
    with pytest.raises(dlasim.InputError, match="check_error_stat 'p99'"):
        dlasim.compare({"y": REF}, {"y": ACT}, check_error_stat="p99")


def test_several_outputs_keep_the_reference_order():
    ref = {"b": REF, "a": np.zeros(3, np.float32)}
    act = {"a": np.array([0, 0, 1], np.float32), "b": REF, "extra": np.ones(2, np.float32)}
    r = dlasim.compare(ref, act, rtol=0, atol=0)
    assert [c.name for c in r.outputs] == ["b", "a"]
    assert [c.passed for c in r.outputs] == [True, False] and not r.passed
    assert r["a"].absolute.argmax == (2,)
    assert "FAILED" in repr(r) and "a FAILED" in repr(r)


def test_nan_matches_nan_only():
    nan = np.array([np.nan, 1.0, 2.0], np.float32)
    assert dlasim.compare({"y": nan}, {"y": nan.copy()}).passed
    assert not dlasim.compare({"y": nan}, {"y": np.array([0, 1, 2], np.float32)}).passed


def test_other_dtypes():
    ints = np.array([1, 2, 3], np.int64)
    r = dlasim.compare({"i": ints}, {"i": np.array([1, 2, 5], np.int32)}, atol=1.5, rtol=0)
    assert r["i"].absolute.max == 2 and not r.passed


def test_bad_comparisons():
    with pytest.raises(dlasim.InputError) as e:
        dlasim.compare({"y": REF}, {"z": REF})
    assert str(e.value) == "compare: output 'y' is missing from the run compared"
    with pytest.raises(dlasim.InputError) as e:
        dlasim.compare({"y": REF}, {"y": REF[:2]})
    assert str(e.value) == "compare: output 'y' has shape 2x3, the reference 3x3"
    with pytest.raises(dlasim.InputError, match="tolerances must be finite and non-negative"):
        dlasim.compare({"y": REF}, {"y": REF}, rtol=-1)
    with pytest.raises(TypeError):
        dlasim.compare({"y": REF}, {"y": REF}, 1e-2)  # tolerances are keywords


def test_emulated_against_reference(model_bn, x):
    """A real comparison: FP16 DLA against FP32, statistics as numpy computes them."""
    plan = model_bn.build(precision="fp16", dla_core=0, allow_gpu_fallback=True)
    ref, out = model_bn.run({"input": x}), plan.run({"input": x})
    absd = np.abs(out["output"].astype(np.float64) - ref["output"])
    assert absd.max() > 0  # FP16 rounding shows
    r = dlasim.compare(ref, out, rtol=1e-2, atol=1e-3)
    c = r["output"]
    assert c.absolute.max == pytest.approx(absd.max())
    assert c.absolute.mean == pytest.approx(absd.mean())
    assert c.absolute.argmax == np.unravel_index(absd.argmax(), absd.shape)
    tight = dlasim.compare(ref, out, rtol=0, atol=absd.max() / 2)
    assert not tight.passed
    assert dlasim.compare(ref, out, rtol=0, atol=absd.max()).passed


def test_compare_per_layer_points_at_the_ruined_layer(model_bn, x):
    """An FP16 build with one convolution forced to INT8 with a scale 100x too small on its
    input: the per-layer report marks that layer as the first jump."""
    plan16 = model_bn.build(precision="fp16", dla_core=0, allow_gpu_fallback=True)
    victim = plan16.layers[1]
    assert victim.type == "CONVOLUTION"
    cache = model_bn.calibrate({"input": x})
    cache.scales[victim.inputs[0]] /= 100
    ruined = model_bn.build(precision="best", dla_core=0, allow_gpu_fallback=True, calib=cache,
                            precision_constraints="obey",
                            layer_precisions={l.name: "fp16" for l in plan16.layers
                                              if l.name != victim.name and l.device == "DLA"})
    report = dlasim.compare_per_layer(ruined, {"input": x})
    assert len(report.layers) == len(ruined.layers)
    assert report.first_jump is not None and report.first_jump.name == victim.name
    assert report.first_jump.precision == "INT8" and report.first_jump.jump
    assert all(not l.jump for l in report.layers[:1])
    assert set(report.reference) == set(report.emulated) == {"output"}
    clean = dlasim.compare_per_layer(plan16, {"input": x})
    assert clean.first_jump is None
    # The whole-output statistics come with cosine similarity and top-1 / top-5 agreement.
    out = report.outputs["output"]
    assert out.class_scores and out.rows == x.shape[0]
    assert 0 <= out.top1 <= 1 and out.top5 >= out.top1 and -1 <= out.cosine <= 1

