"""numpy in and out: every element type dlasim supports, any strides and byte order in, arrays
out that the caller owns; models from bytes; concurrent runs."""
import concurrent.futures
import gc
import json

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import dlasim

DTYPES = [np.float32, np.float64, np.int8, np.uint8, np.int32, np.int64, np.bool_]
ONNX_TYPES = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE,
              np.int8: TensorProto.INT8, np.uint8: TensorProto.UINT8,
              np.int32: TensorProto.INT32, np.int64: TensorProto.INT64,
              np.bool_: TensorProto.BOOL}


def sample(dtype, shape=(2, 3, 4)):
    values = np.arange(np.prod(shape)).reshape(shape) % 7 - 3
    return (values > 0) if dtype == np.bool_ else values.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_arrays_in_any_layout(dtype):
    """output_json renders what the module read: values in C order whatever the layout."""
    a = sample(dtype)
    layouts = {"contiguous": a,
               "transposed": np.ascontiguousarray(a.transpose(2, 0, 1)).transpose(1, 2, 0),
               "strided": np.repeat(a, 2, axis=2)[:, :, ::2],
               "fortran": np.asfortranarray(a),
               "byteswapped": a.astype(np.dtype(dtype).newbyteorder(">"))}
    for name, view in layouts.items():
        assert np.array_equal(view, a), name
        (out,) = json.loads(dlasim.output_json({"y": view}))
        assert out["name"] == "y" and out["dimensions"] == "2x3x4", name
        expected = [float(v) if dtype in (np.float32, np.float64) else
                    (int(v) if dtype != np.bool_ else float(v)) for v in a.reshape(-1)]
        assert out["values"] == pytest.approx(expected), name


def test_unsupported_dtypes():
    for bad in (np.float16, np.int16, np.uint32, np.complex64):
        with pytest.raises(dlasim.InputError, match=f"numpy dtype {np.dtype(bad).name} is not"):
            dlasim.output_json({"y": np.zeros(3, bad)})
    with pytest.raises(dlasim.InputError, match="numpy dtype <U1"):
        dlasim.output_json({"y": np.array(["a"])})


def identity_model(dtype):
    """ONNX: input x (dtype, 2x3x4) -> Identity -> y; a constant c -> Identity -> k."""
    t = ONNX_TYPES[dtype]
    const = numpy_helper.from_array(np.arange(4, dtype=np.float32), "c")
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"], name="id_x"),
         helper.make_node("Identity", ["c"], ["k"], name="id_c")],
        "identity", [helper.make_tensor_value_info("x", t, [2, 3, 4])],
        [helper.make_tensor_value_info("y", t, [2, 3, 4]),
         helper.make_tensor_value_info("k", TensorProto.FLOAT, [4])], [const])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_run_every_dtype(dtype):
    m = dlasim.Model.from_bytes(identity_model(dtype).SerializeToString())
    assert m.inputs[0].dtype == np.dtype(dtype) and m.inputs[0].shape == (2, 3, 4)
    a = sample(dtype)
    out = m.build().run({"x": a.T.copy().T})  # a Fortran-order view in
    assert list(out) == ["y", "k"]
    assert out["y"].dtype == np.dtype(dtype) and out["y"].flags.c_contiguous
    np.testing.assert_array_equal(out["y"], a)
    np.testing.assert_array_equal(m.run(a)["y"], a)


def test_outputs_are_the_callers():
    """Writing to an output never changes the plan (here outputs alias its input and a
    constant), and outputs outlive the plan."""
    m = dlasim.Model.from_bytes(identity_model(np.float32).SerializeToString())
    plan = m.build()
    a = sample(np.float32)
    first = plan.run({"x": a})
    assert first["y"].flags.writeable and first["k"].flags.writeable
    first["y"][...] = 99
    first["k"][...] = 99
    second = plan.run({"x": a})
    np.testing.assert_array_equal(second["y"], a)
    np.testing.assert_array_equal(second["k"], np.arange(4, dtype=np.float32))
    np.testing.assert_array_equal(a, sample(np.float32))  # the input was not written either
    del plan, m
    gc.collect()
    np.testing.assert_array_equal(second["k"], np.arange(4, dtype=np.float32))


def test_outputs_outlive_the_plan(model_bn, x):
    """An output array keeps the library's buffer alive through its base, after the plan and
    the model are gone."""
    plan = model_bn.build(precision="fp16", dla_core=0, allow_gpu_fallback=True)
    out = plan.run({"input": x})["output"]
    assert not out.flags.owndata and out.base is not None
    expected = out.copy()
    del plan
    gc.collect()
    np.testing.assert_array_equal(out, expected)


def test_one_array_for_one_input(model_bn, x):
    plan = model_bn.build()
    np.testing.assert_array_equal(plan.run(x)["output"], plan.run({"input": x})["output"])
    np.testing.assert_array_equal(model_bn.run(x)["output"], model_bn.run({"input": x})["output"])
    # A view with other strides gives the same result as its contiguous copy.
    flipped = x[:, :, ::-1, :]
    np.testing.assert_array_equal(plan.run(flipped)["output"],
                                  plan.run(np.ascontiguousarray(flipped))["output"])
    # Lists are array-likes too (float64: cast to the input's float32, with a warning).
    with pytest.warns(UserWarning, match="float64 array cast to float32"):
        listed = plan.run({"input": x.tolist()})
    np.testing.assert_array_equal(listed["output"], plan.run(x)["output"])
    # Another type is still the library's error.
    with pytest.raises(dlasim.InputError, match="is int32 32x3x32x32"):
        plan.run({"input": x.astype(np.int32)})


def test_pairs_and_paths(model_bn_path):
    import pathlib
    m = dlasim.load(pathlib.Path(model_bn_path), shapes=[("input", (2, 3, 32, 32))])
    assert m.inputs[0].shape == (2, 3, 32, 32)
    assert m.info.path == str(model_bn_path) and m.info.opset == 13
    assert m.info.dynamic_inputs == {"input": (-1, 3, 32, 32)}
    with pytest.raises(TypeError):
        dlasim.load(b"/some/bytes/path.onnx")


def test_concurrent_runs_agree(model_gn, x):
    """Runs release the GIL; a plan serialises its own runs, so threads get the right answers."""
    plan = model_gn.build(precision="int8", dla_core=0, allow_gpu_fallback=True)
    batches = [x * s for s in (1.0, 0.5, -1.0, 0.25)]
    expected = [plan.run({"input": b})["output"] for b in batches]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda b: plan.run({"input": b})["output"], batches * 2))
    for e, g in zip(expected * 2, got):
        np.testing.assert_array_equal(e, g)
