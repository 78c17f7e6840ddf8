// dlasim.Model and the keyword arguments of Model.build (a dlasim::BuildConfig).
// Long calls (import, build, runs, calibration, engine files) release the GIL.
#include <pybind11/stl.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "bindings.h"
#include "dlasim/capacity.h"
#include "dlasim/report.h"

namespace dlasim::python {

using namespace pybind11::literals;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "int8:dla_hwc4", a list of such, or "int8:dla_hwc4,fp16:chw16" as trtexec writes it.
std::vector<IOFormat> ioFormats(py::handle spec, const std::string& what) {
  std::vector<std::string> items;
  if (spec.is_none()) return {};
  if (py::isinstance<py::str>(spec)) {
    std::string s = spec.cast<std::string>();
    for (size_t at = 0; at <= s.size();) {
      size_t comma = std::min(s.find(',', at), s.size());
      items.push_back(s.substr(at, comma - at));
      at = comma + 1;
    }
  } else {
    for (py::handle item : spec) items.push_back(text(item, what));
  }
  std::vector<IOFormat> out;
  for (const auto& item : items) out.push_back(parseIOFormat(item, what));
  return out;
}

std::map<std::string, double> memPools(py::handle pools) {
  std::map<std::string, double> out;
  for (const auto& [pool, size] : namedItems(pools, "mem_pool")) {
    checkMemPoolName(pool, "mem_pool");
    double mib = py::float_(size).cast<double>();
    if (!(mib > 0) || !std::isfinite(mib))
      throw InputError("mem_pool: pool " + pool + " size must be positive (MiB), got " +
                       py::repr(size).cast<std::string>());
    out[pool] = mib;
  }
  return out;
}

struct BuildArgs {
  std::string platform, precision;
  py::object dlaCore;
  bool allowGpuFallback, standalone;
  py::object powerMode, layerPrecisions, layerDevices, inputFormats, outputFormats, memPool,
      sparsity, minShapes, maxShapes, calib;
  // Default to None, not a null handle: callers that leave them out stay safe.
  py::object precisionConstraints = py::none(), layerOutputTypes = py::none();
  bool stronglyTyped = false;
  py::object trtVersion = py::none();  // "8.4" (default), "8.5", "8.6", "10.3"
};

BuildConfig buildConfig(const BuildArgs& a) {
  BuildConfig c;
  c.platform = a.platform;
  if (!a.powerMode.is_none()) c.powerMode = text(a.powerMode, "power_mode");
  if (!a.trtVersion.is_none()) c.trtVersion = text(a.trtVersion, "trt_version");
  if (!a.dlaCore.is_none()) {
    c.dlaCore = py::module_::import("operator").attr("index")(a.dlaCore).cast<int>();
    if (c.dlaCore < -1) throw InputError("dla_core: " + std::to_string(c.dlaCore) + " is negative");
  }
  std::string p = lower(a.precision);
  if (p == "fp16" || p == "best") c.fp16 = true;
  if (p == "int8" || p == "best") c.int8 = true;
  if (p != "fp32" && !c.fp16 && !c.int8)
    throw InputError("precision: '" + a.precision + "' is not one of fp32, fp16, int8, best");
  c.allowGpuFallback = a.allowGpuFallback;
  c.standalone = a.standalone;
  if (c.standalone && c.allowGpuFallback)
    throw InputError("standalone and allow_gpu_fallback exclude each other");
  for (const auto& [name, value] : namedItems(a.layerPrecisions, "layer_precisions")) {
    std::string v = text(value, "layer_precisions");
    Precision prec;
    if (!parsePrecision(v, &prec))
      throw InputError("layer_precisions: '" + v + "' for layer '" + name +
                       "' is not one of fp32, fp16, int8, int32, bf16");
    c.layerPrecisions.push_back({name, prec});
  }
  for (const auto& [name, value] : namedItems(a.layerOutputTypes, "layer_output_types")) {
    std::string v = text(value, "layer_output_types");
    Precision prec;
    if (!parsePrecision(v, &prec) || prec == Precision::kBF16)
      throw InputError("layer_output_types: '" + v + "' for layer '" + name +
                       "' is not one of fp32, fp16, int8, int32");
    c.layerOutputTypes.push_back({name, prec});
  }
  if (!a.precisionConstraints.is_none()) {
    std::string v = lower(text(a.precisionConstraints, "precision_constraints"));
    if (v != "none" && v != "prefer" && v != "obey")
      throw InputError("precision_constraints: '" + text(a.precisionConstraints, "") +
                       "' is not one of none, prefer, obey");
    c.precisionConstraints = v == "obey"     ? PrecisionConstraints::kObey
                             : v == "prefer" ? PrecisionConstraints::kPrefer
                                             : PrecisionConstraints::kNone;
  }
  c.stronglyTyped = a.stronglyTyped;
  for (const auto& [name, value] : namedItems(a.layerDevices, "layer_devices")) {
    std::string v = lower(text(value, "layer_devices"));
    if (v != "gpu" && v != "dla")
      throw InputError("layer_devices: '" + text(value, "") + "' for layer '" + name +
                       "' is not one of GPU, DLA");
    c.layerDevices.push_back({name, v == "dla" ? Device::kDLA : Device::kGPU});
  }
  c.inputFormats = ioFormats(a.inputFormats, "input_formats");
  c.outputFormats = ioFormats(a.outputFormats, "output_formats");
  c.memPoolMiB = memPools(a.memPool);
  if (py::isinstance<py::bool_>(a.sparsity)) {
    c.sparsity = a.sparsity.cast<bool>() ? Sparsity::kEnable : Sparsity::kDisable;
  } else {
    std::string s = text(a.sparsity, "sparsity");
    if (s == "enable")
      c.sparsity = Sparsity::kEnable;
    else if (s == "force")
      c.sparsity = Sparsity::kForce;
    else if (s != "disable")
      throw InputError("sparsity: '" + s + "' is not one of disable, enable, force");
  }
  c.minShapes = toShapeMap(a.minShapes, "min_shapes");
  c.maxShapes = toShapeMap(a.maxShapes, "max_shapes");
  if (c.minShapes.empty() != c.maxShapes.empty())
    throw InputError("min_shapes and max_shapes must be given together");
  c.calibration = calibrationOf(a.calib);
  return c;
}

LoadOptions loadOptions(py::handle shapes, py::handle constantInputs) {
  LoadOptions o;
  o.shapes = toShapeMap(shapes, "shapes");
  o.constantInputs = toTensorMap(constantInputs, "constant_inputs");
  return o;
}

// A calibration data set: N samples stacked in an array, a dict {input: samples}, or a path.
Dataset datasetOf(const Model& m, py::handle data, py::object input) {
  const auto& specs = m.info().inputs;
  py::object samples = py::reinterpret_borrow<py::object>(data);
  std::string name;
  if (py::isinstance<py::dict>(data)) {
    py::dict d = py::reinterpret_borrow<py::dict>(data);
    if (d.size() != 1)
      throw InputError("calibrate: a data set feeds one input, got " + std::to_string(d.size()));
    for (auto item : d) {
      name = py::str(item.first).cast<std::string>();
      samples = py::reinterpret_borrow<py::object>(item.second);
    }
  } else if (!input.is_none()) {
    name = text(input, "input");
  } else if (specs.size() == 1) {
    name = specs[0].name;
  } else {
    throw InputError("calibrate: the model has several inputs; name the one the samples feed");
  }
  const TensorSpec* spec = nullptr;
  for (const auto& s : specs)
    if (s.name == name) spec = &s;
  if (!spec) throw InputError("calibrate: '" + name + "' is not an input of the model");
  if (py::isinstance<py::str>(samples) || py::hasattr(samples, "__fspath__")) {
    std::string file = pathOf(samples);
    TensorSpec s = *spec;
    return unlocked([&] { return Dataset::load(file, s); });
  }
  return Dataset::fromTensor(
      name, toInputTensor(samples, *spec, "calibrate: samples for '" + name + "'"));
}

// The model reloaded with input `input` at batch `batch` (calibrate's batch=): the samples run
// in batches of that size. The batch dimension must be dynamic, the model loaded from a file.
Model atBatch(const Model& m, const std::string& input, py::handle batch) {
  int64_t b = py::module_::import("operator").attr("index")(batch).cast<int64_t>();
  if (b < 1 || b > 4096)
    throw InputError("calibrate: batch=" + std::to_string(b) +
                     " is not in [1, 4096] (the DLA's batch limit)");
  const ModelInfo& info = m.info();
  LoadOptions o;
  for (const auto& s : info.inputs) o.shapes[s.name] = s.shape;
  Shape& shape = o.shapes[input];
  if (shape.empty() || shape[0] == b) return m;
  auto dyn = info.dynamicInputs.find(input);
  if (dyn == info.dynamicInputs.end() || dyn->second.empty() || dyn->second[0] >= 0)
    throw InputError("calibrate: batch=" + std::to_string(b) + ": input '" + input +
                     "' has a static batch of " + std::to_string(shape[0]) +
                     "; batch applies to a dynamic batch dimension");
  if (info.path.empty())
    throw InputError(
        "calibrate: batch= reloads the model at that batch, and a model made from "
        "bytes has no file: load it with shapes={...} at the batch wanted");
  shape[0] = b;
  std::string path = info.path;
  return unlocked([&] { return Model::load(path, o); });
}

// The input a data set feeds: the dict's key, `input`, or the model's only input.
std::string datasetInput(const Model& m, py::handle data, py::object input) {
  if (py::isinstance<py::dict>(data) && py::len(data) == 1)
    for (auto item : py::reinterpret_borrow<py::dict>(data))
      return py::str(item.first).cast<std::string>();
  if (!input.is_none()) return text(input, "input");
  return m.info().inputs.size() == 1 ? m.info().inputs[0].name : "";
}

Model loadModel(py::handle path, py::handle shapes, py::handle constantInputs) {
  std::string file = pathOf(path);
  LoadOptions o = loadOptions(shapes, constantInputs);
  return unlocked([&] { return Model::load(file, o); });
}

const char* kLoadDoc =
    "Imports an ONNX file. shapes {input: (N, C, H, W)} fixes dynamic dimensions (trtexec's\n"
    "--shapes); constant_inputs {input: array} makes inputs that feed shape-like parameters\n"
    "constants. Raises InputError naming the file, node and value.";

const char* kBuildDoc =
    "Builds a plan as trtexec would: platform id; precision 'fp32', 'fp16', 'int8' or 'best';\n"
    "dla_core N (None: GPU only); allow_gpu_fallback; standalone (DLA standalone loadable);\n"
    "power_mode; layer_precisions {name: 'fp16'} and layer_output_types {name: 'int8'}\n"
    "(with precision_constraints 'prefer'|'obey', else ignored with a warning, as trtexec);\n"
    "layer_devices {name: 'GPU'|'DLA'} ('*' = every other layer); strongly_typed;\n"
    "input_formats / output_formats ['int8:dla_hwc4', ...]; mem_pool {'dlaSRAM': MiB};\n"
    "sparsity 'disable'|'enable'|'force'; min_shapes / max_shapes {input: shape};\n"
    "calib: a cache file, a dict {tensor: scale} or a CalibrationCache.\n"
    "Raises InputError for bad values, VerdictError when the build is impossible.";

}  // namespace

void bindModelPlan(py::module_& m) {
  bindEngine(m);
  m.def(
      "capacity_plan",
      [](py::handle path, py::object shapes, const std::string& platform,
         const std::string& precision, py::object batches, py::object powerModes,
         py::object placements, double latencyBudgetMs, py::object inputFormats,
         py::object outputFormats, py::object memPool, py::object sparsity, py::object calib,
         py::object trtVersion, py::object platforms, py::object precisions) {
        CapacityPlanOptions o;
        std::string file;
        if (py::isinstance<Model>(path)) {  // a loaded model: its file, and its shapes by default
          const ModelInfo& info = path.cast<const Model&>().info();
          if (info.path.empty())
            throw InputError("capacity_plan: the model was made from bytes; give its file");
          file = info.path;
          if (shapes.is_none())
            for (const auto& s : info.inputs) o.shapes[s.name] = s.shape;
        } else {
          file = pathOf(path);
        }
        BuildArgs args{platform,   precision,  py::none(), true,         false,
                       py::none(), py::none(), py::none(), inputFormats, outputFormats,
                       memPool,    sparsity,   py::none(), py::none(),   calib};
        args.trtVersion = trtVersion;
        o.build = buildConfig(args);
        if (!shapes.is_none()) o.shapes = toShapeMap(shapes, "shapes");
        if (!batches.is_none())
          for (py::handle b : batches) o.batches.push_back(b.cast<int64_t>());
        if (!powerModes.is_none())
          for (py::handle m : powerModes) o.powerModes.push_back(text(m, "power_modes"));
        if (!placements.is_none())
          for (py::handle pl : placements) {
            std::string name = text(pl, "placements");
            Placement x;
            if (!parsePlacement(name, &x))
              throw InputError("placements: '" + name + "' is not one of GPU, DLA0, DLA0+GPU, " +
                               "DLA0+DLA1, DLA0+DLA1+GPU");
            o.placements.push_back(x);
          }
        o.latencyBudgetMs = latencyBudgetMs;
        // Several platforms / precisions in one table, as `dlasim plan --platforms
        // --precisions`; the library checks the names.
        if (!platforms.is_none())
          for (py::handle p : platforms) o.platforms.push_back(text(p, "platforms"));
        if (!precisions.is_none())
          for (py::handle p : precisions) o.precisions.push_back(lower(text(p, "precisions")));
        return unlocked([&] { return capacityPlan(file, o); });
      },
      "path"_a, py::kw_only(), "shapes"_a = py::none(), "platform"_a = "orin-agx",
      "precision"_a = "int8", "batches"_a = py::none(), "power_modes"_a = py::none(),
      "placements"_a = py::none(), "latency_budget_ms"_a = 0.0, "input_formats"_a = py::none(),
      "output_formats"_a = py::none(), "mem_pool"_a = py::none(), "sparsity"_a = "disable",
      "calib"_a = py::none(), "trt_version"_a = py::none(), "platforms"_a = py::none(),
      "precisions"_a = py::none(),
      "Capacity planning (dlasim plan) of a model file or a loaded Model (its shapes unless\n"
      "shapes= is given): sweeps batch sizes, power modes and placements (GPU,\n"
      "DLA0, DLA0+GPU, DLA0+DLA1, DLA0+DLA1+GPU) and marks the best configuration for the target\n"
      "(throughput, or the most throughput within latency_budget_ms). platforms=['orin-agx',\n"
      "'xavier-nx'] and precisions=['int8', 'fp16'] sweep several in one table (each row\n"
      "names its platform and precision).");

  py::class_<Model>(m, "Model", "An imported ONNX model.")
      .def_static("load", &loadModel, "path"_a, "shapes"_a = py::none(),
                  "constant_inputs"_a = py::none(), kLoadDoc)
      .def_static(
          "from_bytes",
          [](const py::bytes& data, py::handle shapes, py::handle constantInputs,
             py::handle baseDir) {
            std::string bytes = data, dir = pathOf(baseDir);
            LoadOptions o = loadOptions(shapes, constantInputs);
            return unlocked([&] { return Model::fromBytes(bytes, o, dir); });
          },
          "data"_a, "shapes"_a = py::none(), "constant_inputs"_a = py::none(), "base_dir"_a = ".",
          "Imports a model in memory; base_dir resolves external data.")
      .def_property_readonly("info", &Model::info)
      .def_property_readonly("inputs", [](const Model& x) { return x.info().inputs; })
      .def_property_readonly("outputs", [](const Model& x) { return x.info().outputs; })
      .def_property_readonly("warnings", [](const Model& x) { return x.warnings(); })
      .def_property_readonly("tensor_names", &Model::tensorNames)
      .def(
          "build",
          [](const Model& x, const std::string& platform, const std::string& precision,
             py::object dlaCore, bool allowGpuFallback, bool standalone, py::object powerMode,
             py::object layerPrecisions, py::object layerDevices, py::object inputFormats,
             py::object outputFormats, py::object memPool, py::object sparsity,
             py::object minShapes, py::object maxShapes, py::object calib,
             py::object precisionConstraints, py::object layerOutputTypes, bool stronglyTyped,
             py::object trtVersion) {
            BuildConfig c =
                buildConfig({platform, precision, dlaCore, allowGpuFallback, standalone, powerMode,
                             layerPrecisions, layerDevices, inputFormats, outputFormats, memPool,
                             sparsity, minShapes, maxShapes, calib, precisionConstraints,
                             layerOutputTypes, stronglyTyped, trtVersion});
            return Plan(unlocked([&] { return x.build(c); }));
          },
          py::kw_only(), "platform"_a = "orin-agx", "precision"_a = "fp32",
          "dla_core"_a = py::none(), "allow_gpu_fallback"_a = false, "standalone"_a = false,
          "power_mode"_a = py::none(), "layer_precisions"_a = py::none(),
          "layer_devices"_a = py::none(), "input_formats"_a = py::none(),
          "output_formats"_a = py::none(), "mem_pool"_a = py::none(), "sparsity"_a = "disable",
          "min_shapes"_a = py::none(), "max_shapes"_a = py::none(), "calib"_a = py::none(),
          "precision_constraints"_a = py::none(), "layer_output_types"_a = py::none(),
          "strongly_typed"_a = false, "trt_version"_a = py::none(), kBuildDoc)
      .def(
          "run",
          [](const Model& x, py::handle inputs) {
            TensorMap in = runInputs(inputs, x.info().inputs);
            return toDict(unlocked([&] { return x.run(in); }), x.info().outputs);
          },
          "inputs"_a, "The FP32 reference run: {name: array} (or one array) -> {name: array}.")
      .def(
          "calibrate",
          [](const Model& x, py::handle data, py::object algo, double percentile, py::object input,
             py::object batch) -> Calibration {
            // Several inputs in a dict: MinMax over that one batch (a data set feeds one input).
            if (py::isinstance<py::dict>(data) &&
                (py::len(data) != 1 || x.info().inputs.size() != 1) &&
                (algo.is_none() || text(algo, "algo") == "minmax") && batch.is_none()) {
              TensorMap in = runInputs(data, x.info().inputs);
              // Model::calibrate expects every input (the command always fills them all).
              for (const auto& s : x.info().inputs)
                if (!in.count(s.name)) throw InputError("no data for input '" + s.name + "'");
              return Calibration::from(unlocked([&] { return x.calibrate(in); }));
            }
            CalibrationOptions o;
            if (!algo.is_none() && !parseCalibrationAlgorithm(text(algo, "algo"), &o.algorithm))
              throw InputError("algo: '" + text(algo, "algo") +
                               "' is not one of entropy, minmax, percentile");
            o.percentile = percentile;
            std::string name = datasetInput(x, data, input);
            Model m = batch.is_none() || name.empty() ? x : atBatch(x, name, batch);
            Dataset d = datasetOf(m, data, input);
            return Calibration::from(unlocked([&] { return m.calibrate(d, o); }));
          },
          "data"_a, py::kw_only(), "algo"_a = py::none(), "percentile"_a = 99.99,
          "input"_a = py::none(), "batch"_a = py::none(),
          "INT8 calibration -> CalibrationCache over a data set: an array of N samples stacked\n"
          "on the first axis, a dict {input: such an array}, or a path to a .npy of samples or a\n"
          "folder of .npy / raw files (as dlasim calibrate --data). algo: 'entropy' (TensorRT's\n"
          "EntropyCalibration2, the default), 'minmax' or 'percentile' (with `percentile`).\n"
          "input: the model input the samples feed (default: the only one). batch: samples per\n"
          "batch (default the model's batch; another one reloads the model at it, for a dynamic\n"
          "batch dimension). A dict with several inputs is one batch, calibrated MinMax.")
      .def(
          "calibration_statistics",
          [](const Model& x, py::handle data, py::object algo, py::object input, int64_t first,
             py::object count) {
            CalibrationOptions o;
            if (!parseCalibrationAlgorithm(text(algo, "algo"), &o.algorithm))
              throw InputError("algo: '" + text(algo, "algo") +
                               "' is not one of entropy, minmax, percentile");
            Dataset d = datasetOf(x, data, input);
            int64_t n = count.is_none() ? -1 : count.cast<int64_t>();
            return unlocked([&] { return x.calibrationStatistics(d, o, first, n); });
          },
          "data"_a, py::kw_only(), "algo"_a = "entropy", "input"_a = py::none(), "first"_a = 0,
          "count"_a = py::none(),
          "The statistics calibrate() computes its cache from, over samples [first, first +\n"
          "count) of `data` (as calibrate's data sets), in batches starting at `first`. With\n"
          "`first` a multiple of the batch size, merged statistics of consecutive ranges give\n"
          "calibrate()'s cache: CalibrationStatistics.")
      .def(
          "random_inputs",
          [](const Model& x, unsigned seed) {
            return toDict(prepareInputs(x.info().inputs, {}, seed, x.info().path), x.info().inputs);
          },
          "seed"_a = 1, "The seeded random inputs the dlasim command uses (--seed).")
      .def("__repr__", [](const Model& x) {
        const ModelInfo& i = x.info();
        return "<Model " + (i.path.empty() ? std::string("(bytes)") : i.path) + ": " +
               std::to_string(i.layers) + " layers>";
      });
  m.def("load", &loadModel, "path"_a, "shapes"_a = py::none(), "constant_inputs"_a = py::none(),
        kLoadDoc);
}

}  // namespace dlasim::python
