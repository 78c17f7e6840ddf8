// dlasim.Engine (immutable, shared between threads), dlasim.ExecutionContext (one per thread;
// runs release the GIL) and dlasim.Plan (an engine with a context of its own: Model.build's
// result and load_engine's, as before the split).
#include <pybind11/stl.h>

#include <memory>
#include <mutex>

#include "bindings.h"
#include "dlasim/report.h"

namespace dlasim::python {

using namespace pybind11::literals;

namespace {

// A context as Python holds it: Python threads may share one by mistake, so its runs take a
// lock (taken without the GIL, so that runs on other contexts go on meanwhile).
struct Context {
  explicit Context(ExecutionContext c) : context(std::move(c)) {}
  ExecutionContext context;
  std::mutex mutex;
  template <class F>
  auto locked(F&& f) {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mutex);
    return f();
  }
};

std::string describe(const std::string& what, const Engine& e) {
  const PlanSettings& s = e.settings();
  return "<" + what + " for " + s.platform +
         (s.dlaCore >= 0 ? " DLA core " + std::to_string(s.dlaCore) : " GPU only") + ": " +
         std::to_string(e.layers().size()) + " layers, " + std::to_string(e.loadables().size()) +
         " DLA loadables>";
}

Plan loadPlan(py::handle path) {
  std::string file = pathOf(path);
  return unlocked([&] { return Plan::load(file); });
}

const char* kLoadEngineDoc = "Loads an engine file; InputError naming the file and what is wrong.";

}  // namespace

void bindEngine(py::module_& m) {
  py::class_<Engine>(
      m, "Engine",
      "A built engine: layers placed on the DLA or GPU. Immutable: share it between\n"
      "threads, each running its own ExecutionContext.")
      .def_property_readonly("layers", [](const Engine& p) { return p.layers(); })
      .def_property_readonly("loadables", [](const Engine& p) { return p.loadables(); })
      .def_property_readonly("settings", [](const Engine& p) { return p.settings(); })
      .def_property_readonly("inputs", &Engine::inputs)
      .def_property_readonly("outputs", &Engine::outputs)
      .def_property_readonly("warnings", [](const Engine& p) { return p.warnings(); })
      .def_property_readonly("total_macs", &Engine::totalMacs)
      .def_property_readonly("dla_macs", &Engine::dlaMacs)
      .def_property_readonly("sparsity", &Engine::sparsity)
      .def(
          "performance",
          [](const Engine& p, py::object powerMode, double dlaClock, double gpuClock,
             double emcClock, int64_t batchScale, bool dataTransfers) {
            PerformanceOptions o;
            if (!powerMode.is_none()) o.powerMode = text(powerMode, "power_mode");
            o.dlaClockMHz = dlaClock;
            o.gpuClockMHz = gpuClock;
            o.emcClockMHz = emcClock;
            o.batchScale = batchScale;
            o.dataTransfers = dataTransfers;
            return unlocked([&] { return p.performance(o); });
          },
          py::kw_only(), "power_mode"_a = py::none(), "dla_clock_mhz"_a = 0.0,
          "gpu_clock_mhz"_a = 0.0, "emc_clock_mhz"_a = 0.0, "batch_scale"_a = 1,
          "data_transfers"_a = true,
          "Modelled latency, throughput, per-layer timeline and engine size on the plan's\n"
          "platform (docs/cost-model.md); clocks in MHz, 0 = the power mode's.")
      .def("memory", &Engine::memory, "Loadable and engine sizes and the memory pools they need.")
      .def(
          "report",
          [](const Engine& p, py::handle path, py::object powerMode, py::object title,
             py::object perLayer, py::object compareJson, py::object capacity,
             py::object profileJson) {
            ReportOptions o;
            if (!powerMode.is_none()) o.performance.powerMode = text(powerMode, "power_mode");
            if (!title.is_none()) o.title = text(title, "title");
            if (!perLayer.is_none() && !compareJson.is_none())
              throw InputError("report: give per_layer or compare_json, not both");
            if (!perLayer.is_none()) o.perLayer = perLayer.cast<PerLayerReport>();
            if (!compareJson.is_none()) o.perLayer = readPerLayerJson(pathOf(compareJson), p);
            if (!capacity.is_none()) o.capacity = capacity.cast<CapacityPlan>();
            if (!profileJson.is_none()) o.measured = readProfileJson(pathOf(profileJson), p);
            std::string file = pathOf(path);
            py::gil_scoped_release release;
            writeReport(p, file, o);
          },
          "path"_a, py::kw_only(), "power_mode"_a = py::none(), "title"_a = py::none(),
          "per_layer"_a = py::none(), "compare_json"_a = py::none(), "capacity"_a = py::none(),
          "profile_json"_a = py::none(),
          "Writes the plan's report: one self-contained HTML file (summary, graph, modelled\n"
          "timeline, per-layer times, advice; per_layer: a compare_per_layer() result, or\n"
          "compare_json: a `dlasim compare --per-layer --json` file; capacity: a\n"
          "capacity_plan() result; profile_json: trtexec's --exportProfile measured on a device).")
      .def(
          "chrome_trace",
          [](const Engine& p, py::object powerMode) {
            PerformanceOptions o;
            if (!powerMode.is_none()) o.powerMode = text(powerMode, "power_mode");
            return unlocked([&] { return chromeTraceJson(p, p.performance(o)); });
          },
          py::kw_only(), "power_mode"_a = py::none(),
          "The modelled timeline of one inference as Chrome Trace Event JSON (Perfetto).")
      .def_property_readonly("uses_dynamic_scales", &Engine::usesDynamicScales,
                             "INT8 layers whose scales come from each context's first run.")
      .def(
          "dla_layers",
          [](const Engine& p, const std::string& precision) {
            Precision prec;
            if (!parsePrecision(precision, &prec))
              throw InputError("dla_layers: '" + precision + "' is not a precision");
            return p.dlaLayers(prec);
          },
          "precision"_a, "How many DLA layers compute in `precision` ('fp16', 'int8').")
      .def(
          "random_inputs",
          [](const Engine& p, unsigned seed) {
            return toDict(prepareInputs(p.inputs(), {}, seed, p.settings().sourceModel),
                          p.inputs());
          },
          "seed"_a = 1, "The seeded random inputs the dlasim command uses (--seed).")
      .def("release_host_weights", &Engine::releaseHostWeights,
           "For one context per engine: once it has prepared its kernels, frees the engine's\n"
           "copy of the weights they hold; save() and another context fail afterwards.")
      .def(
          "create_execution_context",
          [](const Engine& e) { return std::make_shared<Context>(e.createExecutionContext()); },
          "A context to run the engine in: one per thread; contexts run in parallel.")
      .def("layer_info_json", &Engine::layerInfoJson, "detailed"_a = false,
           "trtexec's --exportLayerInfo JSON (detailed as --profilingVerbosity=detailed).")
      .def(
          "serialize",
          [](const Engine& p) { return py::bytes(unlocked([&] { return p.serialize(); })); },
          "The engine file's bytes.")
      .def(
          "save",
          [](const Engine& p, py::handle path) {
            std::string file = pathOf(path);
            py::gil_scoped_release release;
            p.save(file);
          },
          "path"_a, "Writes the engine file (dlasim's versioned, checksummed format).")
      .def_static(
          "load",
          [](py::handle path) {
            std::string file = pathOf(path);
            return unlocked([&] { return Engine::load(file); });
          },
          "path"_a, kLoadEngineDoc)
      .def("__repr__", [](const Engine& p) { return describe("Engine", p); });

  py::class_<Context, std::shared_ptr<Context>>(
      m, "ExecutionContext",
      "Runs an Engine (Engine.create_execution_context()): holds the prepared kernels and the\n"
      "dynamic INT8 scales of its first run. Runs release the GIL; one run at a time per context.")
      .def_property_readonly("engine", [](const Context& c) { return c.context.engine(); })
      .def(
          "run",
          [](Context& c, py::handle inputs) {
            const Engine& e = c.context.engine();
            TensorMap in = runInputs(inputs, e.inputs());
            return toDict(c.locked([&] { return c.context.run(in); }), e.outputs());
          },
          "inputs"_a,
          "Runs with emulated DLA numerics: {name: array} (or one array) -> {name: array}.")
      .def(
          "run_reference",
          [](Context& c, py::handle inputs) {
            const Engine& e = c.context.engine();
            TensorMap in = runInputs(inputs, e.inputs());
            return toDict(c.locked([&] { return c.context.runReference(in); }), e.outputs());
          },
          "inputs"_a, "Runs every layer in FP32.")
      .def("__repr__",
           [](const Context& c) { return describe("ExecutionContext", c.context.engine()); });

  py::class_<Plan, Engine>(m, "Plan",
                           "An Engine with one execution context of its own (Model.build's\n"
                           "result): runs on one Plan take turns. For parallel runs, give each\n"
                           "thread a context of its own (create_execution_context()).")
      .def(
          "run",
          [](const Plan& p, py::handle inputs) {
            TensorMap in = runInputs(inputs, p.inputs());
            return toDict(unlocked([&] { return p.run(in); }), p.outputs());
          },
          "inputs"_a,
          "Runs with emulated DLA numerics: {name: array} (or one array) -> {name: array}.")
      .def(
          "run_reference",
          [](const Plan& p, py::handle inputs) {
            TensorMap in = runInputs(inputs, p.inputs());
            return toDict(unlocked([&] { return p.runReference(in); }), p.outputs());
          },
          "inputs"_a, "Runs every layer in FP32.")
      .def_static("load", &loadPlan, "path"_a, kLoadEngineDoc)
      .def("__repr__", [](const Plan& p) { return describe("Plan", p); });
  m.def("load_engine", &loadPlan, "path"_a, kLoadEngineDoc);
}

}  // namespace dlasim::python
