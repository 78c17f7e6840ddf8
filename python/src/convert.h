// Conversions between Python values and the dlasim API's types: numpy arrays <-> Tensors, paths,
// shapes, and the module's error classes. Bad values raise dlasim::InputError (C++), which the
// module's translator turns into dlasim.InputError with the same message.
#pragma once
#include <dlasim/dlasim.h>
#include <dlasim/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <map>
#include <string>
#include <vector>

namespace dlasim::python {

namespace py = pybind11;

/// The Python classes dlasim.Error, dlasim.InputError and dlasim.VerdictError.
struct Errors {
  py::handle base, input, verdict;
};
Errors& errors();

/// A str, or TypeError naming `what` and the type given.
std::string text(py::handle value, const std::string& what);

/// Runs `f` without the GIL: the library's calls are long and touch no Python object.
template <class F>
auto unlocked(F&& f) {
  py::gil_scoped_release release;
  return f();
}

/// A str or os.PathLike as a file name (os.fspath); TypeError for anything else.
std::string pathOf(py::handle path);

/// The numpy dtype of an element type (float16 for kHalf).
py::dtype numpyDtype(DataType t);

/// Copies an array-like into a Tensor of the same element type (any strides or byte order).
/// `what` names the value in errors, e.g. "input 'x'".
Tensor toTensor(py::handle value, const std::string& what);

/// An array for a model input: as toTensor, except that float64 data for a float input is cast
/// to float32 with a UserWarning (numpy's default type is float64, the models' float32).
Tensor toInputTensor(py::handle value, const TensorSpec& spec, const std::string& what);

/// A numpy array over the tensor's buffer (no copy) when nothing else holds that buffer; a copy
/// otherwise, so that writing to the array never changes a plan's constants or another output.
py::array toNumpy(Tensor t);

/// A mapping {name: array-like} as a TensorMap. `what` prefixes errors ("run", "compare").
TensorMap toTensorMap(py::handle mapping, const std::string& what);

/// The inputs of a run: a mapping {name: array-like}, or one array-like when the model has a
/// single input. Names that are no input of the model are an InputError (a typo would otherwise
/// surface as "no data for input").
TensorMap runInputs(py::handle inputs, const std::vector<TensorSpec>& specs);

/// A run's outputs as a dict in `order` (the model's output order), then any others.
py::dict toDict(TensorMap outputs, const std::vector<TensorSpec>& order);

/// A shape (a sequence of ints) or TypeError naming `what`.
Shape toShape(py::handle value, const std::string& what);

/// Name -> shape mappings (load's `shapes`, build's `min_shapes` / `max_shapes`).
std::map<std::string, Shape> toShapeMap(py::handle mapping, const std::string& what);

/// (name, value) pairs from a mapping or an iterable of pairs, in order (later ones override).
std::vector<std::pair<std::string, py::object>> namedItems(py::handle items,
                                                           const std::string& what);

/// A shape as a Python tuple.
py::tuple toTuple(const Shape& s);

}  // namespace dlasim::python
