"""The CI accuracy gate of docs/python.md on the trained digits classifier (examples/digits:
scikit-learn's handwritten digits, labels included): INT8 on the DLA keeps its FP32 accuracy
against the labels, and the gate fails when the INT8 scales are wrong."""
import numpy as np
import pytest

import dlasim
from conftest import EXAMPLES

DIGITS = EXAMPLES / "digits"


@pytest.fixture(scope="module")
def digits():
    model = dlasim.load(DIGITS / "digits.onnx", shapes={"input": (500, 1, 8, 8)})
    x = np.load(DIGITS / "eval.npy")
    labels = np.load(DIGITS / "eval_labels.npy")
    return model, {"input": x}, labels


def accuracy(outputs, labels):
    return float((outputs["logits"].argmax(1) == labels).mean())


def test_labels_ship_with_the_model():
    names = (DIGITS / "labels.txt").read_text().split()
    assert names == [str(d) for d in range(10)]
    assert np.load(DIGITS / "eval_labels.npy").shape == (500,)


def test_int8_dla_keeps_the_fp32_accuracy(digits):
    model, data, labels = digits
    fp32 = accuracy(model.run(data), labels)
    assert fp32 >= 0.93  # a trained classifier, not random weights
    calib = model.calibrate(DIGITS / "calib.npy", batch=32)  # the calibration split
    plan = model.build(precision="int8", dla_core=0, allow_gpu_fallback=True, calib=calib)
    assert plan.dla_layers("int8") >= 2
    int8 = accuracy(plan.run(data), labels)
    assert int8 >= fp32 - 0.01, (fp32, int8)


def test_the_gate_depends_on_the_data(digits):
    """Scales 20x too small saturate INT8: accuracy against the labels collapses. (On random
    weights an input-independent output could pass any gate.)"""
    model, data, labels = digits
    good = model.calibrate(DIGITS / "calib.npy", batch=32)
    broken = dlasim.CalibrationCache({k: v / 20 for k, v in good.scales.items()})
    plan = model.build(precision="int8", dla_core=0, allow_gpu_fallback=True, calib=broken)
    assert accuracy(plan.run(data), labels) < accuracy(model.run(data), labels) - 0.05
    # Shuffled inputs score at chance against the same labels.
    shuffled = {"input": data["input"][np.random.default_rng(0).permutation(500)]}
    assert accuracy(model.run(shuffled), labels) < 0.3


def test_placement_gate_of_the_example(digits):
    """docs/python.md's placement gate: only the shuffles around the classifier run on the GPU
    (its matrix multiply runs on the DLA as TensorRT 8.4's builder converts it)."""
    model, _, _ = digits
    plan = model.build(precision="int8", dla_core=0, allow_gpu_fallback=True)
    expected = {"/Flatten + reshape_before_/fc/Gemm",
                "copied_squeeze_after_(Unnamed Layer* 14) [ElementWise]"}
    assert {l.name for l in plan.layers if l.device == "GPU"} == expected
