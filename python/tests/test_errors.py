"""Bad input raises dlasim.InputError and impossible builds dlasim.VerdictError, each with the
one-line message the dlasim command prints for the same mistake."""
import re

import numpy as np
import pytest

import dlasim
from conftest import SHAPE, cli_error_line, run_cli


def test_error_classes():
    assert issubclass(dlasim.InputError, dlasim.Error)
    assert issubclass(dlasim.InputError, ValueError)
    assert issubclass(dlasim.VerdictError, dlasim.Error)
    assert not issubclass(dlasim.VerdictError, ValueError)
    assert issubclass(dlasim.Error, Exception)


def test_errors_speak_the_api_names(model_gn_path):
    """The library's messages name keywords, not the command's flags (issue 19, item 10)."""
    with pytest.raises(dlasim.InputError) as e:
        dlasim.load(model_gn_path, shapes={"input": (2, 3, 32)})
    assert "shapes gives input 'input' rank 3" in str(e.value) and "--" not in str(e.value)
    m = dlasim.load(model_gn_path, shapes={"input": SHAPE})
    with pytest.raises(dlasim.VerdictError) as e:
        m.build(precision="int8", dla_core=0)
    assert "allow_gpu_fallback is not set" in str(e.value) and "--allowGPUFallback" not in str(
        e.value)
    assert dlasim._api_names("--useDLACore=5 and --int8, --frob") == \
        "dla_core=5 and precision='int8', --frob"


def test_missing_model_file(tmp_path):
    path = tmp_path / "nosuch.onnx"
    expected, code = cli_error_line(f"--onnx={path}")
    assert code == 2 and str(path) in expected
    with pytest.raises(dlasim.InputError) as e:
        dlasim.load(path)
    assert str(e.value) == expected


def test_not_an_onnx_file(tmp_path):
    path = tmp_path / "junk.onnx"
    path.write_bytes(b"\x08\x07this is not a protobuf\xff\xff")
    expected, code = cli_error_line(f"--onnx={path}")
    assert code == 2
    with pytest.raises(dlasim.InputError) as e:
        dlasim.load(str(path))
    assert str(e.value) == expected


@pytest.mark.parametrize("shape", [(2, 3, 32), (2, 4, 32, 32), (1000000, 3, 32, 32)])
def test_bad_shapes(model_gn_path, shape):
    expected, code = cli_error_line(f"--onnx={model_gn_path}",
                                    "--shapes=input:" + "x".join(map(str, shape)))
    assert code == 2
    with pytest.raises(dlasim.InputError) as e:
        dlasim.load(model_gn_path, shapes={"input": shape})
    assert str(e.value) == expected


def test_shapes_for_an_unknown_input(model_gn_path):
    expected, _ = cli_error_line(f"--onnx={model_gn_path}", "--shapes=nosuch:1x3x32x32")
    with pytest.raises(dlasim.InputError, match="not an input") as e:
        dlasim.load(model_gn_path, shapes={"nosuch": (1, 3, 32, 32)})
    assert str(e.value) == expected


def test_shapes_must_be_integers(model_gn_path):
    with pytest.raises(TypeError):
        dlasim.load(model_gn_path, shapes={"input": "32x3x32x32"})
    with pytest.raises(TypeError):
        dlasim.load(model_gn_path, shapes={"input": (32.0, 3, 32, 32)})
    m = dlasim.load(model_gn_path, shapes={"input": np.array(SHAPE)})  # numpy ints are ints
    assert m.inputs[0].shape == SHAPE


@pytest.mark.parametrize("flags,kwargs", [
    (["--platform=orin-pico"], dict(platform="orin-pico")),
    (["--useDLACore=5", "--int8"], dict(dla_core=5, precision="int8")),
    (["--platform=xavier-nx", "--powerMode=999W"], dict(platform="xavier-nx", power_mode="999W")),
    (["--memPoolSize=dlaSRAM:0.001"], dict(mem_pool={"dlaSRAM": 0.001})),
    (["--useDLACore=0", "--int8", "--inputIOFormats=int8:chw,int8:chw"],
     dict(dla_core=0, precision="int8", input_formats=["int8:chw", "int8:chw"])),
])
def test_bad_build_values_match_cli(model_gn, model_gn_path, flags, kwargs):
    expected, code = cli_error_line(f"--onnx={model_gn_path}", "--shapes=input:32x3x32x32",
                                    *flags)
    assert code == 2
    with pytest.raises(dlasim.InputError) as e:
        model_gn.build(**kwargs)
    assert str(e.value) == expected


def test_unknown_layer_names_warn_like_the_cli(model_gn, model_gn_path):
    """As trtexec, a per-layer entry naming no layer is skipped with a warning, not an error."""
    out = run_cli(f"--onnx={model_gn_path}", "--shapes=input:32x3x32x32", "--skipInference",
                  "--precisionConstraints=obey", "--layerPrecisions=NoSuchLayer:fp16",
                  "--layerDeviceTypes=NoSuchLayer:GPU").stdout
    plan = model_gn.build(precision_constraints="obey", layer_precisions={"NoSuchLayer": "fp16"},
                          layer_devices={"NoSuchLayer": "GPU"})
    for w in plan.warnings:
        assert "[W] [TRT] " + w in out
    assert any("--layerPrecisions: no layer named 'NoSuchLayer'" in w for w in plan.warnings)
    assert any("--layerDeviceTypes: no layer named 'NoSuchLayer'" in w for w in plan.warnings)


def test_bad_calibration_cache_matches_cli(model_gn, model_gn_path, tmp_path):
    cache = tmp_path / "bad.cache"
    cache.write_text("TRT-8502-MinMaxCalibration\ninput: zz\n")
    expected, code = cli_error_line(f"--onnx={model_gn_path}", "--int8", f"--calib={cache}")
    assert code == 2 and "bad.cache:2" in expected
    with pytest.raises(dlasim.InputError) as e:
        model_gn.build(precision="int8", calib=cache)
    assert str(e.value) == expected
    with pytest.raises(dlasim.InputError) as e:
        dlasim.CalibrationCache.read(cache)
    assert str(e.value) == expected


@pytest.mark.parametrize("kwargs,message", [
    (dict(precision="int4"), "precision: 'int4' is not one of fp32, fp16, int8, best"),
    (dict(sparsity="maybe"), "sparsity: 'maybe' is not one of disable, enable, force"),
    (dict(layer_precisions={"Conv_0": "fp12"}),
     "layer_precisions: 'fp12' for layer 'Conv_0' is not one of fp32, fp16, int8, int32, bf16"),
    (dict(precision_constraints="always"),
     "precision_constraints: 'always' is not one of none, prefer, obey"),
    (dict(layer_output_types={"Conv_0": "bf16"}),
     "layer_output_types: 'bf16' for layer 'Conv_0' is not one of fp32, fp16, int8, int32"),
    (dict(layer_devices={"Conv_0": "TPU"}),
     "layer_devices: 'TPU' for layer 'Conv_0' is not one of GPU, DLA"),
    (dict(mem_pool={"dlaSROM": 1}), "mem_pool: unknown pool 'dlaSROM'"),
    (dict(mem_pool={"dlaSRAM": -1}), "mem_pool: pool dlaSRAM size must be positive"),
    (dict(input_formats=["int8"]), "input_formats: 'int8' is not of the form type:format"),
    (dict(output_formats="fp16:chw17"), "output_formats: unknown format 'chw17'"),
    (dict(dla_core=0, standalone=True, allow_gpu_fallback=True),
     "standalone and allow_gpu_fallback exclude each other"),
    (dict(min_shapes={"input": SHAPE}), "min_shapes and max_shapes must be given together"),
    (dict(dla_core=-3), "dla_core: -3 is negative"),
    (dict(calib={"input": float("nan")}), "calibration: scale nan of tensor 'input'"),
])
def test_bad_keyword_values(model_gn, kwargs, message):
    with pytest.raises(dlasim.InputError, match=re.escape(message)):
        model_gn.build(**kwargs)


def test_build_keywords_are_keyword_only(model_gn):
    with pytest.raises(TypeError):
        model_gn.build("orin-agx")
    with pytest.raises(TypeError):
        model_gn.build(use_dla_core=0)


def test_gpu_fallback_needed(model_gn, model_gn_path):
    """ModelGN's GroupNorm cannot run on the DLA: without allow_gpu_fallback the build fails."""
    p = cli_error_line(f"--onnx={model_gn_path}", "--shapes=input:32x3x32x32", "--int8",
                       "--useDLACore=0")
    expected, code = p
    assert code == 1
    with pytest.raises(dlasim.VerdictError) as e:
        model_gn.build(precision="int8", dla_core=0)
    assert str(e.value) == expected
    problems = e.value.problems
    assert problems and all(isinstance(p, str) for p in problems)
    assert str(e.value).startswith(f"{len(problems)} problem(s) prevent")
    assert problems[0] in str(e.value)
    assert all(p.startswith("Layer '") for p in problems)
    assert not isinstance(e.value, dlasim.InputError)


def test_verdict_problems_are_the_logged_errors(model_gn_path):
    from conftest import run_cli
    p = run_cli(f"--onnx={model_gn_path}", "--shapes=input:32x3x32x32", "--int8",
                "--useDLACore=0", check=False)
    logged = re.findall(r"\[E\] \[TRT\] (.*)$", p.stdout + p.stderr, re.M)
    m = dlasim.load(model_gn_path, shapes={"input": SHAPE})
    with pytest.raises(dlasim.VerdictError) as e:
        m.build(precision="int8", dla_core=0)
    assert e.value.problems == [dlasim._api_names(line) for line in logged]


def test_wrong_input_dtype_and_shape(model_bn, x):
    plan = model_bn.build()
    # float64 (numpy's default) is cast to the input's float32, with a warning.
    with pytest.warns(UserWarning, match=r"^input 'input': float64 array cast to float32"):
        cast = plan.run({"input": x.astype(np.float64)})
    np.testing.assert_array_equal(cast["output"], plan.run({"input": x})["output"])
    with pytest.raises(dlasim.InputError) as e:
        plan.run({"input": x[:2]})
    assert str(e.value) == "input 'input' is float 2x3x32x32, the model expects float 32x3x32x32"
    with pytest.raises(dlasim.InputError) as e:
        model_bn.run({"input": x.astype(np.int16)})
    assert str(e.value) == ("input 'input': numpy dtype int16 is not supported (float32, "
                            "float64, int8, uint8, int32, int64, bool)")
    with pytest.raises(dlasim.InputError, match=r"^no data for input 'input'$"):
        plan.run({})
    with pytest.raises(dlasim.InputError, match=r"^run: 'inptu' is not an input of the model "
                                                r"\(input\)$"):
        plan.run({"inptu": x})
    with pytest.raises(dlasim.InputError, match=r"^no data for input 'input'$"):
        model_bn.calibrate({})
    # A bare array is a data set of samples (here 2); samples of the wrong shape are refused.
    assert len(model_bn.calibrate(x[:2])) > 0
    with pytest.raises(dlasim.InputError, match="3x16x32"):
        model_bn.calibrate(x[:2, :, :16])


def test_bad_engine_file_matches_cli(tmp_path):
    engine = tmp_path / "bad.engine"
    engine.write_bytes(b"not an engine at all")
    expected, code = cli_error_line(f"--loadEngine={engine}")
    assert code == 2
    with pytest.raises(dlasim.InputError) as e:
        dlasim.load_engine(engine)
    assert str(e.value) == expected
    with pytest.raises(dlasim.InputError, match="no such engine file"):
        dlasim.Plan.load(tmp_path / "nosuch.engine")


def test_unknown_platform_lookup():
    with pytest.raises(dlasim.InputError, match="orin-pico"):
        dlasim.platform("orin-pico")


def test_standalone_builds(model_bn, model_bn_path):
    expected, code = cli_error_line(f"--onnx={model_bn_path}", "--shapes=input:32x3x32x32",
                                    "--int8", "--useDLACore=0", "--buildDLAStandalone")
    assert code == 1 and "DLA standalone build" in expected
    with pytest.raises(dlasim.VerdictError) as e:
        model_bn.build(precision="int8", dla_core=0, standalone=True)
    assert str(e.value) == expected
    assert any(p.endswith("[io.format]") for p in e.value.problems)
    expected, code = cli_error_line(f"--onnx={model_bn_path}", "--buildDLAStandalone")
    assert code == 2
    with pytest.raises(dlasim.InputError) as e:
        model_bn.build(standalone=True)
    assert str(e.value) == expected
