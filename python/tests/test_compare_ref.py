"""Issue 19 item 6: `dlasim compare --ref` and dlasim.load_outputs read the outputs other tools
write: numpy's .npz (ONNX Runtime users' np.savez), a .npy, Polygraphy's RunResults JSON, and
trtexec's --exportOutput JSON."""
import base64
import io
import json

import numpy as np
import pytest

import dlasim
from conftest import run_cli

SHAPE = (2, 3, 32, 32)


@pytest.fixture(scope="module")
def case(tmp_path_factory, model_bn_path):
    d = tmp_path_factory.mktemp("ref")
    x = np.random.default_rng(3).uniform(-1, 1, SHAPE).astype(np.float32)
    np.save(d / "x.npy", x)
    ref = dlasim.load(model_bn_path, shapes={"input": SHAPE}).run({"input": x})["output"]
    return d, x, ref


def compare(model_bn_path, d, ref_file, *extra, tol=("--rtol=1e-5", "--atol=1e-6")):
    return run_cli("compare", model_bn_path, "--shapes=input:2x3x32x32",
                   f"--loadInputs=input:{d / 'x.npy'}", f"--ref={ref_file}", "--against=fp32",
                   *tol, *extra, check=False)


def polygraphy_array(a):
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return {"array": base64.b64encode(buf.getvalue()).decode(), "polygraphy_class": "ndarray"}


def test_every_format_is_a_reference(model_bn_path, case):
    d, x, ref = case
    np.savez(d / "o.npz", output=ref, extra=np.zeros(3))  # other arrays are ignored
    np.savez_compressed(d / "oc.npz", output=ref)
    np.save(d / "o.npy", ref)
    np.save(d / "o16.npy", ref.astype(np.float16))  # FP16 outputs read as float
    run_results = {"lst": [["onnxrt-runner-N0", [{"outputs": {"output": polygraphy_array(ref)},
                                                  "runtime": 0.001,
                                                  "runner_name": "onnxrt-runner-N0",
                                                  "polygraphy_class": "IterationResult"}]]],
                   "polygraphy_class": "RunResults"}
    (d / "poly.json").write_text(json.dumps(run_results))
    (d / "trtexec.json").write_text(dlasim.output_json({"output": ref}))
    for name in ("o.npz", "oc.npz", "o.npy", "poly.json", "trtexec.json"):
        p = compare(model_bn_path, d, d / name)
        assert p.returncode == 0, name + p.stdout + p.stderr
        assert "PASSED | All outputs matched" in p.stdout
        loaded = dlasim.load_outputs(d / name)
        np.testing.assert_allclose(loaded.get("output", loaded.get("")), ref, rtol=1e-6)
    assert "Polygraphy runner 'onnxrt-runner-N0'" in compare(model_bn_path, d,
                                                             d / "poly.json").stdout
    # FP16 rounding is within a loose tolerance, not a tight one: the file's values are used.
    assert compare(model_bn_path, d, d / "o16.npy").returncode == 1
    assert compare(model_bn_path, d, d / "o16.npy", tol=("--rtol=1e-2", "--atol=1e-2")).returncode == 0
    # A changed value fails the comparison.
    bad = ref.copy()
    bad[1, 4] += 10
    np.savez(d / "bad.npz", output=bad)
    p = compare(model_bn_path, d, d / "bad.npz")
    assert p.returncode == 1 and "at (1, 4)" in p.stdout


def test_bad_npz_files_are_one_error_line(model_bn_path, case):
    d, x, ref = case
    np.savez(d / "named.npz", logits=ref)
    np.savez(d / "shaped.npz", output=ref.reshape(4, 5))
    raw = (d / "shaped.npz").read_bytes()
    (d / "cut.npz").write_bytes(raw[:len(raw) // 2])
    (d / "poly_bad.json").write_text(json.dumps(
        {"lst": [["r", [{"outputs": {"output": {"polygraphy_class": "ndarray", "array": "@@"}}}]]]}))
    for name, needles in [("named.npz", ["no output 'output'", "'logits'"]),
                          ("shaped.npz", ["shape 4x5", "2x10"]),
                          ("cut.npz", ["cut.npz"]),
                          ("poly_bad.json", ["base64"])]:
        p = compare(model_bn_path, d, d / name)
        assert p.returncode == 2, name + p.stdout
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("dlasim: error: "), p.stderr
        for n in needles:
            assert n in lines[0], (name, lines[0])
    with pytest.raises(dlasim.InputError, match="cut.npz"):
        dlasim.load_outputs(d / "cut.npz")
