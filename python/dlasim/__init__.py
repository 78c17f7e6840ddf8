"""dlasim: a software emulator and cost simulator for NVIDIA's DLA (Jetson Orin / Xavier).

    m = dlasim.load('model.onnx', shapes={'input': (32, 3, 32, 32)})
    plan = m.build(precision='int8', dla_core=0, allow_gpu_fallback=True)
    out = plan.run({'input': x})   # emulated DLA numerics
    ref = m.run({'input': x})      # FP32 reference
    assert dlasim.compare(ref, out, rtol=1e-2, atol=1e-3).passed

The C++ API lives in the extension dlasim._native; everything public is re-exported here.
dlasim.distributed shares evaluation and calibration of data sets out over a Dask cluster
(docs/python.md).
"""
from dlasim import _native
from dlasim._native import *  # noqa: F401,F403  (the extension has no private public names)
from dlasim._native import _api_names  # noqa: F401  (a command's message in the API's names)

version = _native.version
__version__ = _native.__version__

# Classes report themselves as dlasim.X (their reprs, help() and pickles name the package).
for _name in dir(_native):
    _value = getattr(_native, _name)
    if isinstance(_value, type) and getattr(_value, "__module__", "") == "dlasim._native":
        _value.__module__ = "dlasim"
del _name, _value
