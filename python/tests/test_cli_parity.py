"""The module builds and runs the bundled models exactly as the dlasim command does: the same
placement (layer names, devices, loadables, precisions, reasons, work) and bit-identical outputs
for the same inputs."""
import json
import re

import numpy as np
import pytest

import dlasim
from conftest import SHAPE, run_cli

# (id, dlasim command flags, Model.build keyword arguments): the same build both ways. `n` names
# two layers of the model: one to force onto the GPU, one to run in FP16 (an ONNX node fused into
# a layer counts, as with the flags).
CONFIGS = [
    ("fp32-gpu", lambda n: ([], {})),
    ("fp16-dla", lambda n: (["--fp16", "--useDLACore=0", "--allowGPUFallback"],
                            dict(precision="fp16", dla_core=0, allow_gpu_fallback=True))),
    ("int8-dla", lambda n: (["--int8", "--useDLACore=0", "--allowGPUFallback"],
                            dict(precision="int8", dla_core=0, allow_gpu_fallback=True))),
    # Per-layer requests, binding formats, pools, another platform and core: every keyword maps
    # onto the flag it stands for.
    ("best-options", lambda n: (
        ["--best", "--useDLACore=1", "--allowGPUFallback", "--platform=xavier-agx",
         "--powerMode=MAXN",
         f"--layerDeviceTypes={n[0]}:GPU", f"--layerPrecisions={n[1]}:fp16",
         "--precisionConstraints=prefer",
         "--inputIOFormats=fp16:chw16", "--outputIOFormats=fp16:chw16",
         "--memPoolSize=dlaSRAM:0.5", "--sparsity=enable"],
        dict(precision="best", dla_core=1, allow_gpu_fallback=True, platform="xavier-agx",
             power_mode="MAXN",
             layer_devices={n[0]: "GPU"}, layer_precisions={n[1]: "fp16"},
             precision_constraints="prefer",
             input_formats=["fp16:chw16"], output_formats="fp16:chw16",
             mem_pool={"dlaSRAM": 0.5}, sparsity="enable"))),
]
LAYER_NAMES = {"bn": ("Conv_6", "Conv_2"), "gn": ("Conv_0", "Relu_21")}


def bits(a):
    """The array's bytes as unsigned integers: equal bits, not merely equal values."""
    return np.ascontiguousarray(a).view(np.uint32 if a.dtype == np.float32 else np.uint8)


@pytest.fixture(scope="module")
def input_file(tmp_path_factory, x):
    path = tmp_path_factory.mktemp("inputs") / "x.npy"
    np.save(path, x)
    return path


@pytest.fixture(scope="module")
def calib_file(tmp_path_factory, model_bn, model_gn, x):
    """A cache from the module's calibrate() over both models, for --calib and calib=."""
    scales = dict(model_gn.calibrate({"input": x}).scales)
    scales.update(model_bn.calibrate({"input": x}).scales)
    path = tmp_path_factory.mktemp("calib") / "model.cache"
    dlasim.CalibrationCache(scales).save(path)
    return path


def cli_build(tmp_path, model_path, flags, input_file):
    """Runs the command; returns its layer JSON, outputs {name: array} and log."""
    layers, outputs = tmp_path / "layers.json", tmp_path / "out.json"
    p = run_cli(f"--onnx={model_path}", "--shapes=input:" + "x".join(map(str, SHAPE)), *flags,
                f"--loadInputs=input:{input_file}", f"--exportLayerInfo={layers}",
                "--profilingVerbosity=detailed", f"--exportOutput={outputs}")
    out = {}
    for o in json.loads(outputs.read_text()):
        dims = [int(d) for d in o["dimensions"].split("x")] if o["dimensions"] else []
        out[o["name"]] = np.array(o["values"], dtype=np.float32).reshape(dims)
    return json.loads(layers.read_text()), out, p.stdout


def check_layers_match_json(plan, info):
    """plan.layers / plan.loadables against the CLI's --exportLayerInfo (detailed) entries."""
    expected = []  # one entry per ForeignNode or GPU layer, in plan order
    emitted = set()
    for layer in plan.layers:
        if layer.device == "DLA":
            if layer.loadable not in emitted:
                emitted.add(layer.loadable)
                expected.append(("DLA", layer.loadable))
        else:
            expected.append(("GPU", layer))
    # The reformat layers TensorRT inserts are engine layers too; the plan's layers are the rest.
    entries = [e for e in info["Layers"] if e["LayerType"] != "Reformat"]
    assert len(entries) == len(expected)
    for entry, (device, what) in zip(entries, expected):
        assert entry["Device"] == device
        if device == "DLA":
            loadable = plan.loadables[what]
            assert entry["Name"] == loadable.name and entry["Loadable"] == what
            inner = [plan.layers[i] for i in loadable.layers]
            assert [l["Name"] for l in entry["Layers"]] == [l.name for l in inner]
            for l, layer in zip(entry["Layers"], inner):
                assert layer.loadable == what and layer.device == "DLA" and layer.reasons == []
                assert (l["LayerType"], l["Origin"], l["Precision"]) == \
                    (layer.type, layer.onnx_op, layer.precision)
                assert (l["MACs"], l["ElementOps"], l["EngineUnit"]) == \
                    (layer.work.macs, layer.work.elt_ops, layer.work.unit)
        else:
            layer = what
            assert layer.loadable is None
            assert (entry["Name"], entry["LayerType"], entry["Origin"], entry["Precision"]) == \
                (layer.name, layer.type, layer.onnx_op, layer.precision)
            assert (entry["MACs"], entry["InputBytes"], entry["OutputBytes"],
                    entry["WeightBytes"]) == (layer.work.macs, layer.work.input_bytes,
                                              layer.work.output_bytes, layer.work.weight_bytes)
            assert entry["DLAReasons"] == [
                dict(rule=r.rule, message=r.message, value=r.value, limit=r.limit, fix=r.fix)
                for r in layer.reasons]
    assert info["Bindings"] == [s.name for s in plan.inputs] + [s.name for s in plan.outputs]


def check_layers_match_log(plan, log):
    """plan against the command's log: the placement ([DlaLayer] / [GpuLayer] lines), the
    build's warnings, then one fallback warning per GPU layer naming its reasons."""
    dla = re.findall(r"\[DlaLayer\] (.*)$", log, re.M)
    gpu = re.findall(r"\[GpuLayer\] (.*)$", log, re.M)
    warned = re.findall(r"\[W\] \[TRT\] (.*)$", log, re.M)
    if plan.settings.dla_core is None:  # GPU only: no placement printed, as trtexec
        assert dla == gpu == [] and warned == plan.warnings
        return
    gpu_layers = [l for l in plan.layers if l.device == "GPU"]
    assert dla == [l.name for l in plan.loadables]
    assert gpu == [f"{l.type}: {l.name}" for l in gpu_layers]
    assert warned[:len(plan.warnings)] == plan.warnings
    fallbacks = warned[len(plan.warnings):]
    assert len(fallbacks) == len(gpu_layers)
    for line, layer in zip(fallbacks, gpu_layers):
        assert line.startswith(f"Layer '{layer.name}' ({layer.type}): Unsupported on DLA.")
        assert layer.reasons and all(r.message in line for r in layer.reasons)


@pytest.mark.parametrize("model_name", ["bn", "gn"])
@pytest.mark.parametrize("config", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_same_plan_and_outputs_as_cli(request, tmp_path, model_name, config, input_file, x):
    flags, kwargs = config[1](LAYER_NAMES[model_name])
    model = request.getfixturevalue(f"model_{model_name}")
    path = request.getfixturevalue(f"model_{model_name}_path")
    info, cli_out, log = cli_build(tmp_path, path, flags, input_file)

    plan = model.build(**kwargs)
    assert json.loads(plan.layer_info_json(detailed=True)) == info
    check_layers_match_json(plan, info)
    check_layers_match_log(plan, log)
    # The command reads and writes data in the binding formats (trtexec's semantics): an fp16
    # binding holds the values rounded to FP16. The module takes and gives model tensors.
    fp16_io = "--inputIOFormats=fp16:chw16" in flags
    x_in = x.astype(np.float16).astype(np.float32) if fp16_io else x
    out = plan.run({"input": x_in})
    if fp16_io:
        out = {k: v.astype(np.float16).astype(np.float32) for k, v in out.items()}
    assert list(out) == list(cli_out) == ["output"]
    for name, values in cli_out.items():
        assert out[name].dtype == np.float32 and out[name].shape == values.shape
        np.testing.assert_array_equal(bits(out[name]), bits(values))
    if config[0] == "best-options":  # the per-layer requests took effect
        gpu_name, fp16_name = LAYER_NAMES[model_name]
        by_node = {o.name: l for l in plan.layers for o in l.onnx_nodes}
        assert by_node[gpu_name].device == "GPU"
        assert by_node[gpu_name].reasons[0].rule == "layerDeviceTypes"
        assert (by_node[fp16_name].device, by_node[fp16_name].precision) == ("DLA", "FP16")
        s = plan.settings
        assert (s.platform, s.dla_core, s.power_mode) == ("xavier-agx", 1, "MAXN")


@pytest.mark.parametrize("model_name", ["bn", "gn"])
def test_calibrated_int8_matches_cli(request, tmp_path, model_name, input_file, calib_file, x):
    """calib=<file> is --calib=<file>; a dict of the same scales builds the same plan."""
    model = request.getfixturevalue(f"model_{model_name}")
    path = request.getfixturevalue(f"model_{model_name}_path")
    flags = ["--int8", "--useDLACore=0", "--allowGPUFallback", f"--calib={calib_file}"]
    info, cli_out, log = cli_build(tmp_path, path, flags, input_file)
    plan = model.build(precision="int8", dla_core=0, allow_gpu_fallback=True, calib=calib_file)
    assert plan.settings.calibrated and not plan.uses_dynamic_scales
    assert json.loads(plan.layer_info_json(True)) == info
    check_layers_match_log(plan, log)
    out = plan.run({"input": x})
    np.testing.assert_array_equal(bits(out["output"]), bits(cli_out["output"]))

    scales = dlasim.CalibrationCache.read(calib_file).scales
    again = model.build(precision="int8", dla_core=0, allow_gpu_fallback=True, calib=scales)
    np.testing.assert_array_equal(bits(again.run({"input": x})["output"]), bits(out["output"]))


def test_random_inputs_are_the_commands(tmp_path, model_bn, model_bn_path):
    """Without --loadInputs the command runs seeded random data; random_inputs() is that data."""
    outputs = tmp_path / "out.json"
    run_cli(f"--onnx={model_bn_path}", "--shapes=input:32x3x32x32", "--fp16", "--useDLACore=0",
            "--allowGPUFallback", f"--exportOutput={outputs}")
    expected = np.array(json.loads(outputs.read_text())[0]["values"], dtype=np.float32)
    plan = model_bn.build(precision="fp16", dla_core=0, allow_gpu_fallback=True)
    inputs = plan.random_inputs(seed=1)
    assert list(inputs) == ["input"] and inputs["input"].shape == SHAPE
    assert inputs["input"].min() >= -1 and inputs["input"].max() <= 1
    np.testing.assert_array_equal(model_bn.random_inputs()["input"], inputs["input"])
    got = plan.run(inputs)["output"].reshape(-1)
    np.testing.assert_array_equal(bits(got), bits(expected))
    assert not np.array_equal(plan.random_inputs(seed=2)["input"], inputs["input"])


def test_placement_facts(model_gn, model_bn):
    """What the plans say, independently of the command: GroupNorm falls back to the GPU with its
    reasons; ModelBN runs on the DLA in one loadable apart from the GPU-only tail."""
    gn = model_gn.build(precision="int8", dla_core=0, allow_gpu_fallback=True)
    gpu = [l for l in gn.layers if l.device == "GPU"]
    assert gpu and all(l.loadable is None for l in gpu)
    assert any(l.reasons for l in gpu)
    for l in gpu:
        for r in l.reasons:
            assert isinstance(r, dlasim.RuleBreak) and r.rule and r.message
    dla = [l for l in gn.layers if l.device == "DLA"]
    assert dla and all(l.precision in ("INT8", "FP16") for l in dla)
    assert all(isinstance(l.loadable, int) and l.reasons == [] for l in dla)
    assert len(gn.loadables) >= 2  # the GPU GroupNorms split the DLA part
    for i, ld in enumerate(gn.loadables):
        assert ld.name.startswith("{ForeignNode[") and ld.layers
        assert all(gn.layers[k].loadable == i for k in ld.layers)
    assert 0 < gn.dla_macs < gn.total_macs
    assert gn.dla_layers("int8") + gn.dla_layers("fp16") == len(dla)
    assert gn.settings.dla_core == 0 and gn.settings.platform == "orin-agx"

    conv = next(l for l in model_bn.build().layers if l.onnx_op == "Conv")
    assert conv.device == "GPU" and conv.precision == "FP32" and conv.reasons == []
    assert conv.work.macs > 0 and conv.work.unit == "CONV" and conv.onnx_nodes[0].op == "Conv"
    assert model_bn.build().settings.dla_core is None
