// The Python module `dlasim`: the public C++ API (include/dlasim/) in Python's idiom, numpy arrays
// in and out. docs/python.md describes it.
#include "bindings.h"

namespace dlasim::python {

namespace {

// Exception classes are created once and live as long as the interpreter (the module keeps a
// reference; the handles here are borrowed from it).
py::handle newException(py::module_& m, const char* name, const char* doc, py::handle bases) {
  std::string qualified = std::string("dlasim.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

void defineErrors(py::module_& m) {
  Errors& e = errors();
  e.base = newException(m, "Error", "Base class of dlasim's errors.", PyExc_Exception);
  // Bad input is a ValueError too, so code that guards against bad values catches it.
  e.input = newException(m, "InputError",
                         "Bad input: a malformed model, engine, cache or input, a wrong shape or "
                         "dtype, an unknown platform or value (the dlasim command's exit 2).",
                         py::make_tuple(e.base, py::handle(PyExc_ValueError)));
  e.verdict = newException(m, "VerdictError",
                           "The build is impossible under its configuration (the dlasim "
                           "command's exit 1); .problems lists every cause, one line each.",
                           e.base);
  e.verdict.attr("problems") = py::tuple();

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const VerdictError& x) {
      py::object error =
          py::reinterpret_borrow<py::object>(errors().verdict)(apiNames(printable(x.what())));
      py::list problems;
      for (const auto& line : x.problems) problems.append(apiNames(printable(line)));
      error.attr("problems") = problems;
      PyErr_SetObject(errors().verdict.ptr(), error.ptr());
    } catch (const InputError& x) {
      // printable(): the CLI's line, and always valid UTF-8 (names from corrupt files); the
      // command's flags in the API's names.
      PyErr_SetString(errors().input.ptr(), apiNames(printable(x.what())).c_str());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError,
                      "out of memory (the model or its inputs are too large for this machine)");
    } catch (const py::error_already_set&) {
      throw;  // a Python exception raised inside: keep it
    } catch (const py::builtin_exception&) {
      throw;  // pybind11's own (TypeError, KeyError, ...): its translator sets them
    } catch (const std::exception& x) {
      // Anything else the library throws (the dlasim command reports these as errors too).
      PyErr_SetString(errors().base.ptr(), printable(x.what()).c_str());
    }
  });
}

}  // namespace

}  // namespace dlasim::python

PYBIND11_MODULE(_native, m) {
  using namespace dlasim::python;
  using namespace pybind11::literals;
  m.doc() =
      "dlasim: a software emulator and cost simulator for NVIDIA's DLA (Jetson Orin / Xavier).\n\n"
      "    m = dlasim.load('model.onnx', shapes={'input': (32, 3, 32, 32)})\n"
      "    plan = m.build(precision='int8', dla_core=0, allow_gpu_fallback=True)\n"
      "    out = plan.run({'input': x})   # emulated DLA numerics\n"
      "    ref = m.run({'input': x})      # FP32 reference\n"
      "    assert dlasim.compare(ref, out, rtol=1e-2, atol=1e-3).passed\n";
  m.attr("version") = dlasim::version();
  m.attr("__version__") = dlasim::version();
  defineErrors(m);
  bindValues(m);
  bindPerformance(m);
  bindModelPlan(m);
  bindCalibrationStatistics(m);
  m.def(
      "write_file_safely",
      [](py::handle path, const std::string& text, py::handle inputs) {
        std::vector<std::string> read;
        if (!inputs.is_none())
          for (py::handle f : inputs) read.push_back(pathOf(f));
        std::string file = pathOf(path);
        py::gil_scoped_release release;
        dlasim::writeFileSafely(file, text, read);
      },
      "path"_a, "text"_a, "inputs"_a = py::none(),
      "Writes `text` through a temporary file and a rename (never half a file), refusing to\n"
      "replace any of `inputs` (files the run reads).");
  m.def(
      "output_json",
      [](py::handle outputs) {
        std::vector<std::string> names;
        std::vector<dlasim::Tensor> values;
        for (const auto& [name, value] : namedItems(outputs, "output_json")) {
          names.push_back(name);
          values.push_back(toTensor(value, "output_json: '" + name + "'"));
        }
        return dlasim::outputJson(names, values);
      },
      py::arg("outputs"), "trtexec's --exportOutput JSON of {name: array}, in the dict's order.");
  m.def(
      "load_outputs",
      [](py::handle path) {
        std::string file = pathOf(path);
        dlasim::TensorMap t;
        {
          py::gil_scoped_release unlocked;
          t = dlasim::loadOutputsFile(file);
        }
        return toDict(std::move(t), {});
      },
      py::arg("path"),
      "Outputs another tool wrote, as {name: array}: trtexec's --exportOutput JSON (from a\n"
      "device), Polygraphy's --save-outputs JSON, numpy's .npz, or a .npy (named '').");
  bindHelpers(m);
}
