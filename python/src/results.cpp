// The value types of the API as read-only Python classes (plan facts, comparisons, platforms),
// dlasim.compare and dlasim.CalibrationCache.
#include <pybind11/stl.h>

#include <cmath>
#include <sstream>

#include "bindings.h"

namespace dlasim::python {

using namespace pybind11::literals;

namespace {

std::string quoted(const std::string& s) {
  return py::repr(py::str(s)).cast<std::string>();
}

std::string tupleText(const Shape& s) {
  return py::repr(toTuple(s)).cast<std::string>();
}

std::string reprOf(const DifferenceStats& d) {
  std::ostringstream os;
  os << "mean=" << d.mean << ", median=" << d.median << ", max=" << d.max << " at "
     << tupleText(d.argmax);
  return os.str();
}

void bindPlanFacts(py::module_& m) {
  py::class_<TensorSpec>(m, "TensorSpec", "Name, numpy dtype and shape of an input or output.")
      .def_readonly("name", &TensorSpec::name)
      .def_property_readonly("dtype", [](const TensorSpec& s) { return numpyDtype(s.dtype); })
      .def_property_readonly("shape", [](const TensorSpec& s) { return toTuple(s.shape); })
      .def("__repr__", [](const TensorSpec& s) {
        return "TensorSpec(" + quoted(s.name) + ", " +
               py::str(numpyDtype(s.dtype)).cast<std::string>() + ", " + tupleText(s.shape) + ")";
      });

  py::class_<ModelInfo>(m, "ModelInfo", "What the importer found in the ONNX file.")
      .def_readonly("path", &ModelInfo::path)
      .def_readonly("opset", &ModelInfo::opset)
      .def_readonly("producer", &ModelInfo::producer)
      .def_readonly("onnx_nodes", &ModelInfo::onnxNodes)
      .def_readonly("layers", &ModelInfo::layers)
      .def_readonly("weight_bytes", &ModelInfo::weightBytes)
      .def_readonly("inputs", &ModelInfo::inputs)
      .def_readonly("outputs", &ModelInfo::outputs)
      .def_property_readonly("dynamic_inputs", [](const ModelInfo& i) {
        py::dict d;  // declared shapes, -1 for each dynamic dimension
        for (const auto& [name, shape] : i.dynamicInputs) d[py::str(name)] = toTuple(shape);
        return d;
      });

  py::class_<OnnxNode>(m, "OnnxNode", "An ONNX node fused into a layer.")
      .def_readonly("name", &OnnxNode::name)
      .def_readonly("op", &OnnxNode::op)
      .def("__repr__", [](const OnnxNode& n) {
        return "OnnxNode(" + quoted(n.name) + ", " + quoted(n.op) + ")";
      });

  py::class_<RuleBreak>(m, "RuleBreak",
                        "A DLA rule a layer broke (or another cause of its GPU placement).")
      .def_readonly("rule", &RuleBreak::rule)
      .def_readonly("message", &RuleBreak::message)
      .def_readonly("value", &RuleBreak::value)
      .def_readonly("limit", &RuleBreak::limit)
      .def_readonly("fix", &RuleBreak::fix)
      .def("__repr__", [](const RuleBreak& r) {
        return "RuleBreak(rule=" + quoted(r.rule) + ", message=" + quoted(r.message) + ")";
      });

  py::class_<LayerWork>(m, "LayerWork", "A layer's work in its placed precision.")
      .def_readonly("macs", &LayerWork::macs)
      .def_readonly("elt_ops", &LayerWork::eltOps)
      .def_readonly("input_bytes", &LayerWork::inputBytes)
      .def_readonly("output_bytes", &LayerWork::outputBytes)
      .def_readonly("weight_bytes", &LayerWork::weightBytes)
      .def_property_readonly("unit", [](const LayerWork& w) { return engineUnitName(w.unit); })
      .def("__repr__", [](const LayerWork& w) {
        std::ostringstream os;
        os << "LayerWork(macs=" << w.macs << ", elt_ops=" << w.eltOps
           << ", input_bytes=" << w.inputBytes << ", output_bytes=" << w.outputBytes
           << ", weight_bytes=" << w.weightBytes << ", unit='" << engineUnitName(w.unit) << "')";
        return os.str();
      });

  py::class_<LayerInfo>(m, "Layer", "A layer of a plan: where it runs, in what precision, why.")
      .def_readonly("name", &LayerInfo::name)
      .def_readonly("onnx_nodes", &LayerInfo::onnxNodes)
      .def_readonly("onnx_op", &LayerInfo::onnxOp)
      .def_readonly("type", &LayerInfo::type)
      .def_property_readonly("device", [](const LayerInfo& l) { return deviceName(l.device); })
      .def_property_readonly(
          "loadable",
          [](const LayerInfo& l) -> py::object {
            // None on the GPU: -1 would silently index the last loadable.
            return l.loadable < 0 ? py::object(py::none()) : py::int_(l.loadable);
          },
          "Index into Engine.loadables, None for a GPU layer.")
      .def_property_readonly("precision",
                             [](const LayerInfo& l) { return precisionName(l.precision); })
      .def_readonly("reasons", &LayerInfo::reasons)
      .def_readonly("work", &LayerInfo::work)
      .def_readonly("inputs", &LayerInfo::inputs)
      .def_readonly("outputs", &LayerInfo::outputs)
      .def("__repr__", [](const LayerInfo& l) {
        std::string where = deviceName(l.device);
        if (l.loadable >= 0) where += " loadable " + std::to_string(l.loadable);
        return "<Layer " + quoted(l.name) + " " + l.type + " on " + where + " " +
               precisionName(l.precision) + ">";
      });

  py::class_<LoadableInfo>(m, "Loadable", "A DLA loadable (TensorRT's ForeignNode).")
      .def_readonly("name", &LoadableInfo::name)
      .def_readonly("layers", &LoadableInfo::layers, "Indices into Engine.layers.")
      .def_readonly("batch", &LoadableInfo::batch)
      .def("__repr__", [](const LoadableInfo& l) {
        return "<Loadable " + l.name + ", " + std::to_string(l.layers.size()) + " layers>";
      });

  py::class_<PlanSettings>(m, "PlanSettings", "What a plan was built for.")
      .def_readonly("platform", &PlanSettings::platform)
      .def_readonly("platform_name", &PlanSettings::platformName)
      .def_readonly("power_mode", &PlanSettings::powerMode)
      .def_readonly("trt_version", &PlanSettings::trtVersion)
      .def_property_readonly("dla_core",
                             [](const PlanSettings& s) -> py::object {
                               return s.dlaCore < 0 ? py::object(py::none()) : py::int_(s.dlaCore);
                             })
      .def_readonly("source_model", &PlanSettings::sourceModel)
      .def_readonly("calibrated", &PlanSettings::calibrated)
      .def_readonly("standalone", &PlanSettings::standalone);

  py::class_<SparsityReport>(m, "SparsityReport",
                             "Structured-sparsity eligibility of the DLA convolutions.")
      .def_readonly("convolutions", &SparsityReport::convolutions)
      .def_readonly("eligible", &SparsityReport::eligible)
      .def_readonly("not_eligible", &SparsityReport::notEligible);
}

void bindCompare(py::module_& m) {
  py::class_<DifferenceStats>(m, "DifferenceStats")
      .def_readonly("mean", &DifferenceStats::mean)
      .def_readonly("median", &DifferenceStats::median)
      .def_readonly("max", &DifferenceStats::max)
      .def_property_readonly("argmax", [](const DifferenceStats& d) { return toTuple(d.argmax); })
      .def("__repr__",
           [](const DifferenceStats& d) { return "DifferenceStats(" + reprOf(d) + ")"; });

  py::class_<OutputComparison>(m, "OutputComparison", "The differences of one output.")
      .def_readonly("name", &OutputComparison::name)
      .def_property_readonly("shape", [](const OutputComparison& c) { return toTuple(c.shape); })
      .def_readonly("absolute", &OutputComparison::absolute)
      .def_readonly("relative", &OutputComparison::relative)
      .def_readonly("passed", &OutputComparison::passed)
      .def_readonly("cosine", &OutputComparison::cosine)
      .def_readonly("class_scores", &OutputComparison::classScores)
      .def_readonly("rows", &OutputComparison::rows)
      .def_readonly("top1", &OutputComparison::top1)
      .def_readonly("top5", &OutputComparison::top5)
      .def("__repr__", [](const OutputComparison& c) {
        return "<" + quoted(c.name) + (c.passed ? " PASSED" : " FAILED") + ": absolute " +
               reprOf(c.absolute) + "; relative " + reprOf(c.relative) + ">";
      });

  py::class_<CompareResult>(m, "CompareResult",
                            "Per-output statistics of a comparison and the verdict.")
      .def_readonly("outputs", &CompareResult::outputs)
      .def_readonly("passed", &CompareResult::passed)
      .def("__getitem__",
           [](const CompareResult& r, const std::string& name) {
             for (const auto& o : r.outputs)
               if (o.name == name) return o;
             throw py::key_error(name);
           })
      .def("__repr__", [](const CompareResult& r) {
        std::string s = r.passed ? "PASSED" : "FAILED";
        for (const auto& o : r.outputs)
          s += "\n  " + o.name + (o.passed ? " PASSED" : " FAILED") + ": absolute " +
               reprOf(o.absolute) + "; relative " + reprOf(o.relative);
        return s;
      });

  m.def(
      "compare",
      [](py::handle reference, py::handle actual, double rtol, double atol,
         const std::string& stat) {
        CompareOptions o;
        o.rtol = rtol;
        o.atol = atol;
        if (!parseErrorStat(stat, &o.checkErrorStat))
          throw InputError("compare: check_error_stat '" + stat +
                           "' is not one of elemwise, max, mean, median");
        std::vector<std::string> order;  // the reference's order, as the caller wrote it
        for (const auto& item : namedItems(reference, "compare")) order.push_back(item.first);
        TensorMap ref = toTensorMap(reference, "compare: reference");
        TensorMap act = toTensorMap(actual, "compare: actual");
        CompareResult r;
        {
          py::gil_scoped_release unlocked;
          r = compare(ref, act, o);
        }
        std::vector<OutputComparison> sorted;
        for (const auto& name : order)
          for (auto& c : r.outputs)
            if (c.name == name) sorted.push_back(std::move(c));
        r.outputs = std::move(sorted);
        return r;
      },
      "reference"_a, "actual"_a, py::kw_only(), "rtol"_a = 1e-2, "atol"_a = 1e-3,
      "check_error_stat"_a = "elemwise",
      "Compares `actual` against `reference` ({name: array}) output by output, as Polygraphy:\n"
      "an element passes within atol or rtol; check_error_stat 'max', 'mean' or 'median'\n"
      "checks that statistic instead. Raises InputError for a missing or mis-shaped output.");

  py::class_<LayerComparison>(m, "LayerComparison", "One layer's output, emulated vs FP32.")
      .def_readonly("name", &LayerComparison::name)
      .def_readonly("type", &LayerComparison::type)
      .def_readonly("output", &LayerComparison::output)
      .def_property_readonly("device",
                             [](const LayerComparison& l) { return deviceName(l.device); })
      .def_property_readonly("precision",
                             [](const LayerComparison& l) { return precisionName(l.precision); })
      .def_readonly("compared", &LayerComparison::compared)
      .def_readonly("fused_into", &LayerComparison::fusedInto)
      .def_readonly("relative_error", &LayerComparison::relativeError)
      .def_readonly("cosine", &LayerComparison::cosine)
      .def_readonly("max_abs", &LayerComparison::maxAbs)
      .def_readonly("mean_abs", &LayerComparison::meanAbs)
      .def_readonly("input_error", &LayerComparison::inputError)
      .def_readonly("increase", &LayerComparison::increase)
      .def_readonly("jump", &LayerComparison::jump)
      .def("__repr__", [](const LayerComparison& l) {
        return "<LayerComparison " + quoted(l.name) + " rel=" + std::to_string(l.relativeError) +
               (l.jump ? " JUMP" : "") + ">";
      });
  py::class_<PerLayerReport>(m, "PerLayerReport",
                             "Where along the network accuracy is lost (compare --per-layer).")
      .def_readonly("layers", &PerLayerReport::layers)
      .def_property_readonly("first_jump",
                             [](const PerLayerReport& r) -> py::object {
                               if (r.firstJump < 0) return py::none();
                               return py::cast(r.layers[size_t(r.firstJump)]);
                             })
      .def_property_readonly("largest_increase",
                             [](const PerLayerReport& r) -> py::object {
                               if (r.largestIncrease < 0) return py::none();
                               return py::cast(r.layers[size_t(r.largestIncrease)]);
                             })
      .def_readonly("outputs", &PerLayerReport::outputs)
      .def_property_readonly("reference",
                             [](const PerLayerReport& r) { return toDict(r.reference, {}); })
      .def_property_readonly("emulated",
                             [](const PerLayerReport& r) { return toDict(r.emulated, {}); });

  m.def(
      "compare_per_layer",
      [](const Engine& plan, py::handle inputs, double rtol, double atol, double jumpThreshold) {
        CompareOptions o;
        o.rtol = rtol;
        o.atol = atol;
        o.jumpThreshold = jumpThreshold;
        TensorMap in = runInputs(inputs, plan.inputs());
        py::gil_scoped_release unlocked;
        return comparePerLayer(plan, in, o);
      },
      "plan"_a, "inputs"_a, py::kw_only(), "rtol"_a = 1e-2, "atol"_a = 1e-3,
      "jump_threshold"_a = 0.05,
      "Runs the plan emulated and in FP32 on the same inputs, layer by layer, and reports each\n"
      "layer's error against FP32 and the first layer where it jumps (dlasim compare\n"
      "--per-layer).");
}

void bindPlatforms(py::module_& m) {
  py::class_<PowerModeInfo>(m, "PowerMode")
      .def_readonly("name", &PowerModeInfo::name)
      .def_readonly("dla_clock_mhz", &PowerModeInfo::dlaClockMHz)
      .def_readonly("emc_clock_mhz", &PowerModeInfo::emcClockMHz)
      .def_readonly("gpu_clock_mhz", &PowerModeInfo::gpuClockMHz)
      .def("__repr__", [](const PowerModeInfo& p) { return "<PowerMode " + p.name + ">"; });
  py::class_<PlatformInfo>(m, "Platform", "A Jetson platform dlasim models.")
      .def_readonly("id", &PlatformInfo::id)
      .def_readonly("name", &PlatformInfo::name)
      .def_readonly("dla_cores", &PlatformInfo::dlaCores)
      .def_readonly("sram_bytes_per_core", &PlatformInfo::sramBytesPerCore)
      .def_readonly("dram_bandwidth_gbs", &PlatformInfo::dramBandwidthGBs)
      .def_readonly("max_loadables_per_core", &PlatformInfo::maxLoadablesPerCore)
      .def_readonly("power_modes", &PlatformInfo::powerModes, "The first is the default (MAXN).")
      .def_readonly("trt_versions", &PlatformInfo::trtVersions)
      .def("__repr__", [](const PlatformInfo& p) { return "<Platform " + p.id + ">"; });
  m.def("platforms", &platforms, "All platforms, in --help order.");
  m.def("platform", &platform, "id"_a, "One platform by id; InputError if unknown.");
  m.def("rules_markdown", &rulesMarkdown, "trt_version"_a = "",
        "The DLA rule table of a TensorRT version (default 8.4: docs/dla-rules.md).");
}

}  // namespace

Calibration Calibration::from(const CalibrationCache& c) {
  Calibration p;
  p.header = c.header;
  for (const auto& [name, scale] : c.scales) p.scales[py::str(name)] = py::float_(scale);
  return p;
}

CalibrationCache Calibration::toCache() const {
  CalibrationCache c;
  c.header = header;
  for (const auto& [key, value] : scales) {
    if (!py::isinstance<py::str>(key))
      throw py::type_error("CalibrationCache.scales: tensor names must be str");
    std::string name = key.cast<std::string>();
    double s = py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();
    if (!std::isfinite(s) || s < 0)
      throw InputError("calibration: scale " + py::repr(value).cast<std::string>() +
                       " of tensor '" + name + "' is not a finite non-negative number");
    c.scales[name] = float(s);
  }
  return c;
}

std::optional<CalibrationCache> calibrationOf(py::handle calib) {
  if (calib.is_none()) return std::nullopt;
  if (py::isinstance<Calibration>(calib)) return calib.cast<const Calibration&>().toCache();
  if (py::hasattr(calib, "items")) {
    Calibration c;
    c.scales = py::dict(py::reinterpret_borrow<py::object>(calib));
    return c.toCache();
  }
  return CalibrationCache::read(pathOf(calib));
}

void bindValues(py::module_& m) {
  bindPlanFacts(m);
  bindCompare(m);
  bindPlatforms(m);

  py::class_<Calibration>(m, "CalibrationCache",
                          "INT8 scales in TensorRT's calibration cache format (scale = dynamic "
                          "range / 127).")
      .def(py::init([](py::handle scales, const std::string& header) {
             Calibration c;
             c.header = header;
             if (!scales.is_none()) c.scales = py::dict(py::reinterpret_borrow<py::object>(scales));
             c.toCache();  // reject bad scales now rather than at build time
             return c;
           }),
           "scales"_a = py::none(), "header"_a = CalibrationCache().header)
      .def_static(
          "read",
          [](py::handle path) { return Calibration::from(CalibrationCache::read(pathOf(path))); },
          "path"_a, "Reads a cache file; InputError naming the file, line and value.")
      .def_readwrite("header", &Calibration::header)
      .def_property(
          "scales", [](const Calibration& c) { return c.scales; },
          [](Calibration& c, py::handle s) {
            c.scales = py::dict(py::reinterpret_borrow<py::object>(s));
          },
          "{tensor name: scale} (a dict; edits change the cache).")
      .def(
          "text", [](const Calibration& c) { return c.toCache().text(); },
          "The cache as TensorRT's text, entries sorted by name.")
      .def(
          "save",
          [](const Calibration& c, py::handle path) {
            writeFileSafely(pathOf(path), c.toCache().text());
          },
          "path"_a, "Writes the cache file (through a temporary file, never half a file).")
      .def("__len__", [](const Calibration& c) { return c.scales.size(); })
      .def("__repr__", [](const Calibration& c) {
        return "<CalibrationCache " + c.header + ", " + std::to_string(c.scales.size()) +
               " scales>";
      });
}

}  // namespace dlasim::python
