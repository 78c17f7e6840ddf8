#include "convert.h"

#include <cstring>
#include <memory>

namespace dlasim::python {

Errors& errors() {
  static Errors e;
  return e;
}

std::string text(py::handle value, const std::string& what) {
  if (!py::isinstance<py::str>(value))
    throw py::type_error(what + ": expected str, got " +
                         py::str(py::type::of(value)).cast<std::string>());
  return value.cast<std::string>();
}

std::string pathOf(py::handle path) {
  py::object s = py::module_::import("os").attr("fspath")(path);
  if (!py::isinstance<py::str>(s))
    throw py::type_error("expected a file name as str or os.PathLike, got bytes");
  return s.cast<std::string>();
}

py::dtype numpyDtype(DataType t) {
  switch (t) {
    case DataType::kFloat:
      return py::dtype::of<float>();
    case DataType::kHalf:
      return py::dtype("float16");
    case DataType::kInt8:
      return py::dtype::of<int8_t>();
    case DataType::kUInt8:
      return py::dtype::of<uint8_t>();
    case DataType::kInt32:
      return py::dtype::of<int32_t>();
    case DataType::kInt64:
      return py::dtype::of<int64_t>();
    case DataType::kBool:
      return py::dtype::of<bool>();
    case DataType::kDouble:
      return py::dtype::of<double>();
  }
  throw InputError("unknown element type");
}

namespace {

// The element type of a numpy dtype, by kind and size so that any byte order maps too. float16 is
// not among them: dlasim's models take no FP16 inputs (the DLA's FP16 is inside the plan).
bool dataTypeOf(const py::dtype& d, DataType* out) {
  const char kind = d.kind();
  const auto size = d.itemsize();
  struct Entry {
    char kind;
    py::ssize_t size;
    DataType type;
  };
  static const Entry kTypes[] = {{'f', 4, DataType::kFloat}, {'f', 8, DataType::kDouble},
                                 {'i', 1, DataType::kInt8},  {'u', 1, DataType::kUInt8},
                                 {'i', 4, DataType::kInt32}, {'i', 8, DataType::kInt64},
                                 {'b', 1, DataType::kBool}};
  for (const auto& e : kTypes)
    if (e.kind == kind && e.size == size) {
      *out = e.type;
      return true;
    }
  return false;
}

}  // namespace

Tensor toTensor(py::handle value, const std::string& what) {
  py::module_ np = py::module_::import("numpy");
  py::array a = np.attr("asarray")(value);
  DataType t;
  if (!dataTypeOf(a.dtype(), &t))
    throw InputError(what + ": numpy dtype " + py::str(a.dtype()).cast<std::string>() +
                     " is not supported (float32, float64, int8, uint8, int32, int64, "
                     "bool)");
  // Native byte order, C order: a no-op for the usual array, a copy for views and '>f4'.
  py::array c = np.attr("asarray")(a, py::arg("dtype") = numpyDtype(t), py::arg("order") = "C");
  Shape shape(c.shape(), c.shape() + c.ndim());
  return Tensor::fromBytes(t, shape, c.data(), size_t(c.nbytes()));
}

Tensor toInputTensor(py::handle value, const TensorSpec& spec, const std::string& what) {
  if (spec.dtype == DataType::kFloat) {
    py::array a = py::module_::import("numpy").attr("asarray")(value);
    if (a.dtype().kind() == 'f' && a.dtype().itemsize() == 8) {
      std::string msg = what + ": float64 array cast to float32, the model's input type";
      if (PyErr_WarnEx(PyExc_UserWarning, msg.c_str(), 2) < 0) throw py::error_already_set();
      return toTensor(a.attr("astype")("float32"), what);
    }
  }
  return toTensor(value, what);
}

py::array toNumpy(Tensor t) {
  // Shared buffers (a constant of the plan, an output that is also another output or an input)
  // are copied: the caller owns what it gets.
  if (t.useCount() > 1) t = t.clone();
  auto* owner = new Tensor(std::move(t));
  py::capsule keep(owner, [](void* p) { delete static_cast<Tensor*>(p); });
  std::vector<py::ssize_t> shape(owner->shape().begin(), owner->shape().end());
  if (owner->size() == 0 || !owner->raw())  // nothing to share: numpy allocates its own
    return py::array(numpyDtype(owner->dtype()), shape);
  return py::array(numpyDtype(owner->dtype()), shape, {}, owner->raw(), keep);
}

std::vector<std::pair<std::string, py::object>> namedItems(py::handle items,
                                                           const std::string& what) {
  std::vector<std::pair<std::string, py::object>> out;
  if (items.is_none()) return out;
  py::object seq = py::reinterpret_borrow<py::object>(items);
  if (py::hasattr(items, "items")) seq = items.attr("items")();
  if (py::isinstance<py::str>(items) || !py::hasattr(seq, "__iter__"))
    throw py::type_error(what + ": expected a dict {name: value} or (name, value) pairs, got " +
                         py::str(py::type::of(items)).cast<std::string>());
  for (py::handle item : seq) {
    py::tuple pair = py::tuple(py::reinterpret_borrow<py::object>(item));
    if (pair.size() != 2 || !py::isinstance<py::str>(pair[0]))
      throw py::type_error(what + ": expected (name, value) pairs with str names");
    out.emplace_back(pair[0].cast<std::string>(), py::reinterpret_borrow<py::object>(pair[1]));
  }
  return out;
}

TensorMap toTensorMap(py::handle mapping, const std::string& what) {
  TensorMap out;
  for (auto& [name, value] : namedItems(mapping, what))
    out[name] = toTensor(value, what + ": '" + name + "'");
  return out;
}

TensorMap runInputs(py::handle inputs, const std::vector<TensorSpec>& specs) {
  std::string names;
  for (const auto& s : specs) names += (names.empty() ? "" : ", ") + s.name;
  if (!py::isinstance<py::dict>(inputs) && !py::hasattr(inputs, "items")) {
    if (specs.size() != 1)
      throw InputError("run: the model has " + std::to_string(specs.size()) + " inputs (" + names +
                       "): pass a dict {name: array}");
    TensorMap one;
    one[specs[0].name] = toInputTensor(inputs, specs[0], "input '" + specs[0].name + "'");
    return one;
  }
  TensorMap out;
  for (auto& [name, value] : namedItems(inputs, "run")) {
    const TensorSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == name) spec = &s;
    if (!spec) throw InputError("run: '" + name + "' is not an input of the model (" + names + ")");
    out[name] = toInputTensor(value, *spec, "input '" + name + "'");
  }
  return out;
}

py::dict toDict(TensorMap outputs, const std::vector<TensorSpec>& order) {
  py::dict d;
  for (const auto& s : order) {
    auto it = outputs.find(s.name);
    if (it == outputs.end()) continue;
    d[py::str(s.name)] = toNumpy(std::move(it->second));
    outputs.erase(it);
  }
  for (auto& [name, t] : outputs) d[py::str(name)] = toNumpy(std::move(t));
  return d;
}

Shape toShape(py::handle value, const std::string& what) {
  if (py::isinstance<py::str>(value) || !py::hasattr(value, "__iter__"))
    throw py::type_error(what + ": expected a sequence of ints, got " +
                         py::str(py::type::of(value)).cast<std::string>());
  Shape s;
  for (py::handle d : value) {
    // An int or anything with __index__ (numpy integers), never a float.
    py::object i = py::module_::import("operator").attr("index")(d);
    s.push_back(i.cast<int64_t>());
  }
  return s;
}

std::map<std::string, Shape> toShapeMap(py::handle mapping, const std::string& what) {
  std::map<std::string, Shape> out;
  for (const auto& [name, value] : namedItems(mapping, what))
    out[name] = toShape(value, what + ": '" + name + "'");
  return out;
}

py::tuple toTuple(const Shape& s) {
  py::tuple t(s.size());
  for (size_t i = 0; i < s.size(); ++i) t[i] = py::int_(s[i]);
  return t;
}

}  // namespace dlasim::python
