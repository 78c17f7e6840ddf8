// dlasim.CalibrationStatistics: the per-tensor statistics a calibration computes its cache from,
// picklable so that workers (dlasim.distributed) can send theirs to be merged.
#include "bindings.h"

namespace dlasim::python {

using namespace pybind11::literals;

namespace {

CalibrationAlgorithm algorithmOf(const std::string& name) {
  CalibrationAlgorithm a;
  if (!parseCalibrationAlgorithm(name, &a))
    throw InputError("algo: '" + name + "' is not one of entropy, minmax, percentile");
  return a;
}

// {tensor: (range, amax, counts)} with the counts a uint64 array (a copy: the statistics stay
// the caller's to merge).
py::dict tensorsOf(const CalibrationStatistics& s) {
  py::dict d;
  for (const auto& [name, t] : s.tensors) {
    py::array_t<uint64_t> counts(py::ssize_t(t.counts.size()));
    std::copy(t.counts.begin(), t.counts.end(), counts.mutable_data());
    d[py::str(name)] = py::make_tuple(t.range, t.amax, counts);
  }
  return d;
}

CalibrationStatistics statisticsOf(const std::string& algo, py::handle tensors) {
  CalibrationStatistics s;
  s.algorithm = algorithmOf(algo);
  for (const auto& [name, value] : namedItems(tensors, "CalibrationStatistics")) {
    auto parts = value.cast<py::tuple>();
    if (parts.size() != 3)
      throw InputError("CalibrationStatistics: tensor '" + name + "' is not (range, amax, counts)");
    TensorHistogram t;
    t.range = parts[0].cast<double>();
    t.amax = parts[1].cast<float>();
    auto counts =
        py::array_t<uint64_t, py::array::c_style | py::array::forcecast>::ensure(parts[2]);
    if (!counts || counts.ndim() != 1)
      throw InputError("CalibrationStatistics: counts of tensor '" + name +
                       "' are not a 1-D array");
    t.counts.assign(counts.data(), counts.data() + counts.size());
    s.tensors[name] = std::move(t);
  }
  CalibrationStatistics checked;  // merging into an empty one checks every histogram
  checked.algorithm = s.algorithm;
  checked.merge(s);
  return checked;
}

}  // namespace

void bindCalibrationStatistics(py::module_& m) {
  py::class_<CalibrationStatistics>(
      m, "CalibrationStatistics",
      "Per-tensor calibration statistics over part of a data set (Model.calibration_statistics):\n"
      "max |x| and a 2048-bin histogram of |x| over a power-of-two range. Statistics of disjoint\n"
      "parts merge, in any order, into exactly those of the whole; cache() then gives the cache\n"
      "Model.calibrate gives for the whole. Picklable.")
      .def(py::init(&statisticsOf), "algo"_a, "tensors"_a,
           "From algo and {tensor: (range, amax, counts)}, as .algorithm and .tensors give them.")
      .def_property_readonly(
          "algorithm",
          [](const CalibrationStatistics& s) { return calibrationAlgorithmName(s.algorithm); })
      .def_property_readonly("tensors", &tensorsOf,
                             "{tensor: (range, amax, counts)}, counts a uint64 array (a copy).")
      .def(
          "merge",
          [](CalibrationStatistics& s, const CalibrationStatistics& other) {
            py::gil_scoped_release release;
            s.merge(other);
          },
          "other"_a, "Adds another part's statistics (same algorithm) to these.")
      .def(
          "cache",
          [](const CalibrationStatistics& s, double percentile) {
            CalibrationOptions o;
            o.algorithm = s.algorithm;
            o.percentile = percentile;
            CalibrationCache c;
            {
              py::gil_scoped_release release;
              c = s.cache(o);
            }
            return Calibration::from(c);
          },
          py::kw_only(), "percentile"_a = 99.99,
          "The calibration cache of the statistics' algorithm (percentile: which one).")
      .def("__len__", [](const CalibrationStatistics& s) { return s.tensors.size(); })
      .def(py::pickle(
          [](const CalibrationStatistics& s) {
            return py::make_tuple(calibrationAlgorithmName(s.algorithm), tensorsOf(s));
          },
          [](const py::tuple& t) {
            if (t.size() != 2) throw InputError("CalibrationStatistics: bad pickled state");
            return statisticsOf(t[0].cast<std::string>(), t[1]);
          }))
      .def("__repr__", [](const CalibrationStatistics& s) {
        return std::string("<CalibrationStatistics ") + calibrationAlgorithmName(s.algorithm) +
               ", " + std::to_string(s.tensors.size()) + " tensors>";
      });
}

}  // namespace dlasim::python
