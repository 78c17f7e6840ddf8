"""Calibration caches (calibrate -> CalibrationCache -> file -> build) and engine files
(save -> load_engine -> the same plan and outputs) round trip, and agree with the command."""
import json
import re
import struct

import numpy as np
import pytest

import dlasim
from conftest import SHAPE, run_cli


def float_bits(f):
    return struct.unpack("<I", struct.pack("<f", f))[0]


def test_calibrate_minmax(model_bn, x):
    cache = model_bn.calibrate({"input": x}, algo="minmax")
    assert isinstance(cache, dlasim.CalibrationCache)
    assert cache.header == "TRT-8502-MinMaxCalibration"
    assert cache.scales["input"] == np.float32(np.abs(x).max() / np.float32(127))
    assert "output" in cache.scales and len(cache) == len(cache.scales) > 2
    assert set(cache.scales) <= set(model_bn.tensor_names)
    assert all(s >= 0 for s in cache.scales.values())
    # The output's scale is its own range: MinMax over the reference run.
    out = model_bn.run({"input": x})["output"]
    assert cache.scales["output"] == pytest.approx(np.abs(out).max() / 127, rel=1e-6)


def test_cache_text_matches_the_command(tmp_path, model_bn, model_bn_path, x):
    np.save(tmp_path / "x.npy", x)
    run_cli("calibrate", model_bn_path, "--shapes=input:32x3x32x32", "--algo=minmax",
            f"--loadInputs=input:{tmp_path / 'x.npy'}", f"--out={tmp_path / 'cli.cache'}")
    cache = model_bn.calibrate({"input": x}, algo="minmax")
    assert cache.text() == (tmp_path / "cli.cache").read_text()
    lines = cache.text().splitlines()
    assert lines[0] == cache.header
    assert lines[1:] == sorted(lines[1:])
    name, hexscale = lines[1].rsplit(": ", 1)
    assert int(hexscale, 16) == float_bits(cache.scales[name])


def test_cache_round_trip(tmp_path, model_gn, x):
    cache = model_gn.calibrate({"input": x})
    path = tmp_path / "gn.cache"
    cache.save(path)
    back = dlasim.CalibrationCache.read(path)
    assert back.header == cache.header and back.scales == cache.scales
    assert back.text() == cache.text() == path.read_text()

    # Edits to .scales change the cache (it is a dict the cache keeps, not a copy).
    back.scales["input"] = 0.5
    assert "input: 3f000000" in back.text().splitlines()
    back.scales = {"input": 0.25}
    assert back.text().splitlines()[1:] == ["input: 3e800000"]

    made = dlasim.CalibrationCache({"input": 1.0}, header="TRT-8601-EntropyCalibration2")
    made.save(tmp_path / "made.cache")
    assert (tmp_path / "made.cache").read_text() == \
        "TRT-8601-EntropyCalibration2\ninput: 3f800000\n"
    with pytest.raises(dlasim.InputError, match="scale -1.0 of tensor 'x'"):
        dlasim.CalibrationCache({"x": -1.0})


def test_calib_forms_build_the_same_plan(tmp_path, model_gn, x):
    """calib= a file, the cache object or a plain dict: one plan, one output."""
    cache = model_gn.calibrate({"input": x})
    cache.save(tmp_path / "c.cache")
    kw = dict(precision="int8", dla_core=0, allow_gpu_fallback=True)
    runs = []
    for calib in (tmp_path / "c.cache", str(tmp_path / "c.cache"), cache, dict(cache.scales)):
        plan = model_gn.build(calib=calib, **kw)
        assert plan.settings.calibrated and not plan.uses_dynamic_scales
        runs.append(plan.run({"input": x})["output"])
    for r in runs[1:]:
        np.testing.assert_array_equal(r, runs[0])
    # Scales for another batch give other INT8 numerics: the cache is really used.
    other = model_gn.calibrate({"input": x * 4})
    moved = model_gn.build(calib=other, **kw).run({"input": x})["output"]
    assert not np.array_equal(moved, runs[0])
    dynamic = model_gn.build(**kw)
    assert dynamic.uses_dynamic_scales and not dynamic.settings.calibrated


@pytest.fixture(scope="module")
def int8_plan(model_gn, x):
    calib = model_gn.calibrate({"input": x})
    return model_gn.build(precision="int8", dla_core=1, allow_gpu_fallback=True, calib=calib)


def test_engine_round_trip(tmp_path, int8_plan, model_gn_path, x):
    path = tmp_path / "gn.engine"
    int8_plan.save(path)
    assert path.read_bytes() == int8_plan.serialize()
    loaded = dlasim.load_engine(path)
    assert isinstance(loaded, dlasim.Plan)
    assert loaded.layer_info_json(True) == int8_plan.layer_info_json(True)
    describe = lambda p: [(l.name, l.type, l.device, l.loadable, l.precision,
                           [(r.rule, r.message) for r in l.reasons], l.work.macs)
                          for l in p.layers]
    assert describe(loaded) == describe(int8_plan)
    assert [l.name for l in loaded.loadables] == [l.name for l in int8_plan.loadables]
    s = loaded.settings
    assert (s.platform, s.dla_core, s.calibrated, s.source_model) == \
        ("orin-agx", 1, True, str(model_gn_path))
    np.testing.assert_array_equal(loaded.run({"input": x})["output"],
                                  int8_plan.run({"input": x})["output"])
    assert dlasim.Plan.load(str(path)).serialize() == path.read_bytes()


def test_engine_runs_in_the_command(tmp_path, int8_plan, x):
    """An engine the module saves is one the command loads, with the same outputs."""
    path, inputs, out = tmp_path / "gn.engine", tmp_path / "x.npy", tmp_path / "out.json"
    int8_plan.save(path)
    np.save(inputs, x)
    log = run_cli(f"--loadEngine={path}", f"--loadInputs=input:{inputs}",
                  f"--exportOutput={out}").stdout
    assert re.findall(r"\[DlaLayer\] (.*)$", log, re.M) == [l.name for l in int8_plan.loadables]
    values = np.array(json.loads(out.read_text())[0]["values"], dtype=np.float32)
    np.testing.assert_array_equal(values.view(np.uint32),
                                  int8_plan.run({"input": x})["output"].reshape(-1).view(np.uint32))


def test_engine_from_the_command(tmp_path, model_bn, model_bn_path, x):
    path = tmp_path / "cli.engine"
    run_cli(f"--onnx={model_bn_path}", "--shapes=input:32x3x32x32", "--fp16", "--useDLACore=0",
            "--allowGPUFallback", f"--saveEngine={path}", "--skipInference")
    loaded = dlasim.load_engine(path)
    built = model_bn.build(precision="fp16", dla_core=0, allow_gpu_fallback=True)
    assert loaded.layer_info_json(True) == built.layer_info_json(True)
    assert loaded.serialize() == built.serialize()


def test_released_weights_cannot_be_saved(tmp_path, model_bn, x):
    plan = model_bn.build()
    before = plan.run({"input": x})["output"]
    plan.release_host_weights()
    np.testing.assert_array_equal(plan.run({"input": x})["output"], before)
    with pytest.raises(dlasim.InputError, match="host weights were released"):
        plan.save(tmp_path / "e.engine")
    assert not (tmp_path / "e.engine").exists()


@pytest.mark.parametrize("algo", ["entropy", "minmax", "percentile"])
def test_data_set_calibration_matches_the_command(tmp_path, model_bn, model_bn_path, algo):
    """A data set of 40 samples (batches of 32, the last one short), from an array, from a .npy
    file and through `dlasim calibrate --data`, gives the same cache."""
    samples = np.random.default_rng(7).uniform(-1, 1, (40, 3, 32, 32)).astype(np.float32)
    np.save(tmp_path / "data.npy", samples)
    run_cli("calibrate", model_bn_path, "--shapes=input:32x3x32x32", f"--algo={algo}",
            f"--data={tmp_path / 'data.npy'}", f"--out={tmp_path / 'cli.cache'}")
    from_array = model_bn.calibrate(samples, algo=algo)
    from_file = model_bn.calibrate(tmp_path / "data.npy", algo=algo)
    assert from_array.text() == from_file.text() == (tmp_path / "cli.cache").read_text()
    assert algo.replace("percentile", "legacy") in from_array.header.lower()


def test_data_set_errors(tmp_path, model_bn):
    with pytest.raises(dlasim.InputError, match="algo"):
        model_bn.calibrate(np.zeros((2, 3, 32, 32), np.float32), algo="kl")
    np.save(tmp_path / "bad.npy", np.zeros((2, 3, 16, 16), np.float32))
    with pytest.raises(dlasim.InputError, match="bad.npy"):
        model_bn.calibrate(tmp_path / "bad.npy", algo="minmax")
    with pytest.raises(dlasim.InputError, match="not an input"):
        model_bn.calibrate({"nope": np.zeros((2, 3, 32, 32), np.float32)}, algo="minmax")

