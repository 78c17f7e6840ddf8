// Python-side conveniences over the bound classes: to_dict() / to_json() and a repr for the
// report objects, short TypeErrors for mistyped keywords, and error messages in the API's
// names instead of the command's flags.
#include <pybind11/eval.h>

#include <regex>

#include "bindings.h"

namespace dlasim::python {

namespace {

// The command's flags and the API's names for them (docs/python.md's keyword table).
const std::pair<const char*, const char*> kFlagNames[] = {
    {"shapes", "shapes"},
    {"optShapes", "shapes"},
    {"minShapes", "min_shapes"},
    {"maxShapes", "max_shapes"},
    {"useDLACore", "dla_core"},
    {"allowGPUFallback", "allow_gpu_fallback"},
    {"buildDLAStandalone", "standalone"},
    {"platform", "platform"},
    {"powerMode", "power_mode"},
    {"memPoolSize", "mem_pool"},
    {"layerPrecisions", "layer_precisions"},
    {"layerOutputTypes", "layer_output_types"},
    {"layerDeviceTypes", "layer_devices"},
    {"precisionConstraints", "precision_constraints"},
    {"stronglyTyped", "strongly_typed"},
    {"inputIOFormats", "input_formats"},
    {"outputIOFormats", "output_formats"},
    {"sparsity", "sparsity"},
    {"calib", "calib"},
    {"int8", "precision='int8'"},
    {"fp16", "precision='fp16'"},
    {"best", "precision='best'"},
    {"dlaClockMHz", "dla_clock_mhz"},
    {"gpuClockMHz", "gpu_clock_mhz"},
    {"emcClockMHz", "emc_clock_mhz"},
    {"noDataTransfers", "data_transfers=False"},
    {"batches", "batches"},
    {"powerModes", "power_modes"},
    {"placements", "placements"},
    {"latency-budget", "latency_budget_ms"},
    {"loadInputs", "inputs"},
    {"data", "data"},
    {"algo", "algo"},
    {"percentile", "percentile"},
    {"batch", "batch"},
    {"seed", "seed"},
};

// Conveniences written in Python: they walk the bound classes' properties, so every report
// class gets them from one definition.
const char* kHelpers = R"PY(
import difflib as _difflib
import json as _json
import re as _re


def _to_dict(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _to_dict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_dict(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    return {name: _to_dict(getattr(value, name)) for name in _fields(type(value))}


def _fields(cls):
    return [n for n in dir(cls) if not n.startswith("_") and isinstance(getattr(cls, n), property)]


def to_dict(self):
    """The object's fields as plain Python values (dicts, lists, numbers, str)."""
    return _to_dict(self)


def to_json(self, indent=2):
    """The object's fields as JSON text (to_dict())."""
    return _json.dumps(_to_dict(self), indent=indent)


def _short_repr(self):
    parts = []
    for name in _fields(type(self)):
        v = getattr(self, name)
        if v is None or isinstance(v, (bool, int, float, str)):
            parts.append(f"{name}={v!r}")
        elif isinstance(v, (list, tuple)):
            parts.append(f"{name}=[{len(v)}]")
    return f"<{type(self).__name__} " + " ".join(parts) + ">"


def _short_type_errors(owner, name, qualified):
    """Replaces owner.name with a wrapper whose TypeError for bad arguments is one line (the
    function and what it takes), not pybind11's dump of every argument (arrays included)."""
    f = getattr(owner, name)
    static = isinstance(owner, type) and isinstance(owner.__dict__.get(name), staticmethod)

    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except TypeError as e:
            text = str(e)
            if "incompatible function arguments" not in text:
                raise
            sig = _re.search(r"\n *1\. (\(.*\)) ->", text)
            sig = sig.group(1) if sig else "()"
            names = [n for n in _re.findall(r"(?:\(|, )(\w+):", sig) if n != "self"]
            unknown = [k for k in kwargs if k not in names]
            if unknown:
                close = _difflib.get_close_matches(unknown[0], names, 1)
                hint = f"did you mean '{close[0]}'?" if close else "it takes " + ", ".join(names)
                raise TypeError(f"{qualified}() got an unexpected keyword argument "
                                f"'{unknown[0]}' ({hint})") from None
            if len(args) > len(names) + (0 if static or not isinstance(owner, type) else 1):
                raise TypeError(f"{qualified}() takes its options as keywords: "
                                f"{qualified}{sig}") from None
            raise TypeError(f"{qualified}(): an argument has the wrong type; it takes "
                            f"{qualified}{sig}") from None

    wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = name, qualified, f.__doc__
    setattr(owner, name, staticmethod(wrapper) if static else wrapper)
)PY";

}  // namespace

std::string apiNames(const std::string& message) {
  static const std::regex flag(R"(--([A-Za-z][A-Za-z0-9-]*))");
  std::string out;
  auto begin = std::sregex_iterator(message.begin(), message.end(), flag);
  size_t at = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    std::string name = m[1].str(), api;
    for (const auto& [f, k] : kFlagNames)
      if (name == f) api = k;
    if (api.empty()) continue;  // no API name: the flag stays
    out += message.substr(at, size_t(m.position(0)) - at) + api;
    at = size_t(m.position(0) + m.length(0));
  }
  return out + message.substr(at);
}

void bindHelpers(py::module_& m) {
  py::dict scope = m.attr("__dict__");
  py::exec(kHelpers, scope);
  for (const char* cls :
       {"CompareResult", "OutputComparison", "DifferenceStats", "PerLayerReport", "LayerComparison",
        "Performance",   "TimingRow",        "LoadableTiming",  "EngineMemory",   "LoadableMemory",
        "CapacityPlan",  "CapacityPlanRow",  "ModelInfo",       "Layer",          "Loadable",
        "PlanSettings",  "RuleBreak",        "LayerWork",       "SparsityReport", "Platform",
        "PowerMode"}) {
    py::object c = m.attr(cls);
    c.attr("to_dict") = scope["to_dict"];
    c.attr("to_json") = scope["to_json"];
    // A repr for the classes that have none of their own (object's default names an address).
    if (py::getattr(c, "__repr__")
            .is(py::module_::import("builtins").attr("object").attr("__repr__")) ||
        std::string(py::str(c.attr("__repr__"))).find("pybind11") != std::string::npos)
      c.attr("__repr__") = scope["_short_repr"];
  }
  scope.attr("pop")("to_dict");  // methods of the report classes, not functions of the module
  scope.attr("pop")("to_json");
  py::object wrap = scope["_short_type_errors"];
  for (const char* f :
       {"load", "compare", "compare_per_layer", "capacity_plan", "load_engine", "load_outputs"})
    wrap(m, f, std::string("dlasim.") + f);
  for (const auto& [cls, f] :
       std::vector<std::pair<const char*, const char*>>{{"Model", "build"},
                                                        {"Model", "run"},
                                                        {"Model", "calibrate"},
                                                        {"Model", "random_inputs"},
                                                        {"Model", "from_bytes"},
                                                        {"Plan", "run"},
                                                        {"Plan", "run_reference"},
                                                        {"Plan", "performance"},
                                                        {"Plan", "random_inputs"},
                                                        // after Plan's: Plan keeps its names
                                                        {"Engine", "performance"},
                                                        {"Engine", "random_inputs"},
                                                        {"ExecutionContext", "run"},
                                                        {"ExecutionContext", "run_reference"}})
    wrap(m.attr(cls), f, std::string(cls) + "." + f);
  m.def("_api_names", &apiNames, "The message with the command's flags in the API's names.");
}

}  // namespace dlasim::python
