"""Issue 19 item 10: calibrate(batch=), float64 inputs, dicts as data sets, report reprs and
to_dict() / to_json(), capacity_plan(Model), short TypeErrors for mistyped keywords."""
import json
import warnings

import numpy as np
import pytest

import dlasim
from conftest import SHAPE


def test_calibrate_batch_reloads_at_that_batch(model_bn_path, x):
    m = dlasim.load(model_bn_path, shapes={"input": (4, 3, 32, 32)})
    default = m.calibrate(x, algo="minmax")  # 32 samples in batches of 4
    by16 = m.calibrate(x, algo="minmax", batch=16)
    assert by16.scales["input"] == default.scales["input"]  # MinMax: any batching, same range
    entropy4, entropy32 = m.calibrate(x), m.calibrate(x, batch=32)
    assert entropy4.header == entropy32.header == "TRT-8502-EntropyCalibration2"
    with pytest.raises(dlasim.InputError, match=r"batch=0 is not in \[1, 4096\]"):
        m.calibrate(x, batch=0)
    fixed = dlasim.load(model_bn_path, shapes={"input": SHAPE})
    static = dlasim.Model.from_bytes(open(model_bn_path, "rb").read(), shapes={"input": SHAPE})
    with pytest.raises(dlasim.InputError, match="made from bytes"):
        static.calibrate(x, batch=8)
    assert len(fixed.calibrate(x, batch=32)) > 0  # the model's own batch: no reload


def test_a_dict_of_samples_is_a_data_set(model_bn, x):
    from_dict = model_bn.calibrate({"input": x})
    from_array = model_bn.calibrate(x)
    assert from_dict.header == "TRT-8502-EntropyCalibration2"
    assert from_dict.scales == from_array.scales


def test_float64_inputs_are_cast_with_a_warning(model_bn, x):
    plan = model_bn.build()
    with pytest.warns(UserWarning, match="float64 array cast to float32"):
        out64 = plan.run(x.astype(np.float64))
    np.testing.assert_array_equal(out64["output"], plan.run(x)["output"])
    with pytest.warns(UserWarning, match="samples for 'input': float64"):
        model_bn.calibrate(x.astype(np.float64), algo="minmax")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan.run(x)  # float32: no warning


def test_reports_have_reprs_and_json(model_bn, model_bn_path, x):
    plan = model_bn.build(precision="fp16", dla_core=0, allow_gpu_fallback=True)
    report = dlasim.compare_per_layer(plan, {"input": x})
    perf, memory = plan.performance(), plan.memory()
    cp = dlasim.capacity_plan(model_bn_path, shapes={"input": (1, 3, 32, 32)}, batches=[1],
                              power_modes=["MAXN"], placements=["DLA0"])
    result = dlasim.compare(model_bn.run(x), plan.run(x))
    for obj in (report, perf, memory, cp, cp.rows[0], result, result.outputs[0],
                memory.loadables[0], perf.rows[0]):
        r = repr(obj)
        assert r and " at 0x" not in r, r
        d = obj.to_dict()
        assert isinstance(d, dict) and d
        assert json.loads(obj.to_json()) == json.loads(json.dumps(d))
    assert perf.to_dict()["throughput_qps"] == perf.throughput_qps
    assert cp.to_dict()["rows"][0]["placement"] == "DLA0"
    assert result.to_dict()["outputs"][0]["name"] == "output"
    assert report.to_dict()["layers"][0]["name"] == report.layers[0].name


def test_capacity_plan_takes_a_loaded_model(model_bn_path):
    m = dlasim.load(model_bn_path, shapes={"input": (1, 3, 32, 32)})
    kw = dict(batches=[1, 2], power_modes=["MAXN"], placements=["GPU", "DLA0"])
    from_model = dlasim.capacity_plan(m, **kw)
    from_path = dlasim.capacity_plan(model_bn_path, shapes={"input": (1, 3, 32, 32)}, **kw)
    assert from_model.format("csv") == from_path.format("csv")


def test_keyword_typos_are_one_line(model_bn, x):
    with pytest.raises(TypeError) as e:
        model_bn.calibrate(x, algoo="minmax")
    msg = str(e.value)
    assert msg == ("Model.calibrate() got an unexpected keyword argument 'algoo' "
                   "(did you mean 'algo'?)")
    with pytest.raises(TypeError, match=r"^Model.build\(\) got an unexpected keyword argument "
                                        r"'dla_cor' \(did you mean 'dla_core'\?\)$"):
        model_bn.build(dla_cor=0)
    with pytest.raises(TypeError) as e:
        dlasim.compare(model_bn.run(x), model_bn.run(x), rtool=0.1)
    assert "'rtool'" in str(e.value) and "\n" not in str(e.value)
    assert len(str(e.value)) < 200  # no dump of the arrays
