// The cost model in Python: Plan.performance() / Plan.memory() results and dlasim.capacity_plan
// (docs/cost-model.md). Read-only value classes; enums as the names the CLI prints.
#include "dlasim/performance.h"

#include <pybind11/stl.h>

#include "bindings.h"
#include "dlasim/capacity.h"
#include "dlasim/format.h"

namespace dlasim::python {

using namespace pybind11::literals;

namespace {

// A relative uncertainty, or None for an uncalibrated regime (stored as a negative number).
py::object uncertainty(double u) {
  return u < 0 ? py::object(py::none()) : py::object(py::float_(u));
}

}  // namespace

void bindPerformance(py::module_& m) {
  py::class_<TimingRow>(m, "TimingRow", "One row of the modelled timeline (a profile row).")
      .def_readonly("name", &TimingRow::name)
      .def_property_readonly("kind", [](const TimingRow& r) { return rowKindName(r.kind); })
      .def_property_readonly("device", [](const TimingRow& r) { return deviceName(r.device); })
      .def_property_readonly("unit", [](const TimingRow& r) { return engineUnitName(r.unit); })
      .def_property_readonly("loadable",
                             [](const TimingRow& r) -> py::object {
                               if (r.loadable < 0) return py::none();
                               return py::int_(r.loadable);
                             })
      .def_property_readonly("precision",
                             [](const TimingRow& r) { return precisionName(r.precision); })
      .def_readonly("macs", &TimingRow::macs)
      .def_readonly("dram_bytes", &TimingRow::dramBytes)
      .def_property_readonly("bound", [](const TimingRow& r) { return boundName(r.bound); })
      .def_readonly("ms", &TimingRow::ms)
      .def_readonly("compute_ms", &TimingRow::computeMs)
      .def_readonly("memory_ms", &TimingRow::memoryMs)
      .def_readonly("overhead_ms", &TimingRow::overheadMs)
      .def("__repr__", [](const TimingRow& r) {
        return "<TimingRow " + r.name + " " + std::to_string(r.ms) + " ms " + boundName(r.bound) +
               ">";
      });
  py::class_<LoadableTiming>(m, "LoadableTiming")
      .def_readonly("name", &LoadableTiming::name)
      .def_readonly("ms", &LoadableTiming::ms)
      .def_readonly("dram_bytes", &LoadableTiming::dramBytes);
  py::class_<LoadableMemory>(m, "LoadableMemory", "A loadable's size and the pools it needs.")
      .def_readonly("name", &LoadableMemory::name)
      .def_readonly("conv_weight_bytes", &LoadableMemory::convWeightBytes)
      .def_readonly("constant_bytes", &LoadableMemory::constantBytes)
      .def_readonly("metadata_bytes", &LoadableMemory::metadataBytes)
      .def_readonly("total_bytes", &LoadableMemory::totalBytes)
      .def_readonly("activation_bytes", &LoadableMemory::activationBytes)
      .def_readonly("sram_bytes", &LoadableMemory::sramBytes);
  py::class_<EngineMemory>(m, "EngineMemory", "Engine size and memory pools.")
      .def_readonly("loadables", &EngineMemory::loadables)
      .def_readonly("gpu_weight_bytes", &EngineMemory::gpuWeightBytes)
      .def_readonly("engine_bytes", &EngineMemory::engineBytes)
      .def_readonly("dla_weight_bytes", &EngineMemory::dlaWeightBytes)
      .def_readonly("weight_limit_bytes", &EngineMemory::weightLimitBytes)
      .def_readonly("sram_pool_bytes", &EngineMemory::sramPoolBytes)
      .def_readonly("local_dram_pool_bytes", &EngineMemory::localDramPoolBytes)
      .def_readonly("global_dram_pool_bytes", &EngineMemory::globalDramPoolBytes);
  py::class_<Performance>(m, "Performance", "Modelled performance of one inference.")
      .def_readonly("platform", &Performance::platform)
      .def_readonly("platform_name", &Performance::platformName)
      .def_readonly("power_mode", &Performance::powerMode)
      .def_readonly("trt_version", &Performance::trtVersion)
      .def_property_readonly("uncertainty",
                             [](const Performance& p) { return uncertainty(p.uncertainty); })
      .def_readonly("calibration_points", &Performance::calibrationPoints)
      .def_readonly("regime", &Performance::regime)
      .def_readonly("dla_dram_gbs", &Performance::dlaDramGBs)
      .def_readonly("dla_clock_mhz", &Performance::dlaClockMHz)
      .def_readonly("gpu_clock_mhz", &Performance::gpuClockMHz)
      .def_readonly("emc_clock_mhz", &Performance::emcClockMHz)
      .def_readonly("batch", &Performance::batch)
      .def_readonly("h2d_ms", &Performance::h2dMs)
      .def_readonly("compute_ms", &Performance::computeMs)
      .def_readonly("d2h_ms", &Performance::d2hMs)
      .def_readonly("latency_ms", &Performance::latencyMs)
      .def_readonly("enqueue_ms", &Performance::enqueueMs)
      .def_readonly("throughput_qps", &Performance::throughputQps)
      .def_readonly("dla_busy_ms", &Performance::dlaBusyMs)
      .def_readonly("gpu_busy_ms", &Performance::gpuBusyMs)
      .def_readonly("dram_bytes", &Performance::dramBytes)
      .def_readonly("rows", &Performance::rows)
      .def_readonly("loadables", &Performance::loadables)
      .def_readonly("memory", &Performance::memory)
      .def(
          "profile_json", [](const Performance& p, int count) { return profileJson(p, count); },
          "count"_a = 10, "trtexec's --exportProfile JSON for `count` iterations.")
      .def("__repr__", [](const Performance& p) {
        return "<Performance " + p.platform + " " + p.powerMode + ": " +
               std::to_string(p.throughputQps) + " qps, " + std::to_string(p.latencyMs) + " ms>";
      });

  py::class_<CapacityPlanRow>(m, "CapacityPlanRow", "One configuration of a capacity plan.")
      .def_readonly("platform", &CapacityPlanRow::platform,
                    "Platform id (platforms= sweeps several).")
      .def_readonly("precision", &CapacityPlanRow::precision,
                    "'INT8', 'FP16', 'INT8+FP16' or 'FP32' (precisions= sweeps several).")
      .def_readonly("batch", &CapacityPlanRow::batch)
      .def_readonly("power_mode", &CapacityPlanRow::powerMode)
      .def_readonly("dla_clock_mhz", &CapacityPlanRow::dlaClockMHz)
      .def_readonly("gpu_clock_mhz", &CapacityPlanRow::gpuClockMHz)
      .def_readonly("emc_clock_mhz", &CapacityPlanRow::emcClockMHz)
      .def_property_readonly("uncertainty",
                             [](const CapacityPlanRow& r) { return uncertainty(r.uncertainty); })
      .def_property_readonly("placement",
                             [](const CapacityPlanRow& r) { return placementName(r.placement); })
      .def_readonly("qps", &CapacityPlanRow::qps)
      .def_readonly("images_per_second", &CapacityPlanRow::imagesPerSecond)
      .def_readonly("latency_ms", &CapacityPlanRow::latencyMs)
      .def_readonly("engine_bytes", &CapacityPlanRow::engineBytes)
      .def_readonly("dram_bytes_per_batch", &CapacityPlanRow::dramBytesPerBatch)
      .def_readonly("dram_gbs", &CapacityPlanRow::dramGBs)
      .def_readonly("loadables", &CapacityPlanRow::loadables)
      .def_readonly("gpu_layers", &CapacityPlanRow::gpuLayers)
      .def_readonly("limit", &CapacityPlanRow::limit)
      .def_readonly("within_budget", &CapacityPlanRow::withinBudget)
      .def_readonly("best", &CapacityPlanRow::best);
  py::class_<CapacityPlan>(m, "CapacityPlan", "A capacity-planning sweep and its recommendation.")
      .def_readonly("model", &CapacityPlan::model)
      .def_readonly("platform", &CapacityPlan::platform)
      .def_readonly("trt_version", &CapacityPlan::trtVersion)
      .def_readonly("precision", &CapacityPlan::precision)
      .def_readonly("target", &CapacityPlan::target)
      .def_readonly("rows", &CapacityPlan::rows)
      .def_property_readonly("best",
                             [](const CapacityPlan& p) -> py::object {
                               if (p.best < 0) return py::none();
                               return py::cast(p.rows[size_t(p.best)]);
                             })
      .def_readonly("recommendation", &CapacityPlan::recommendation)
      .def_readonly("notes", &CapacityPlan::notes)
      .def(
          "format",
          [](const CapacityPlan& p, const std::string& f) { return formatCapacityPlan(p, f); },
          "format"_a = "table", "The plan as the dlasim plan command prints it: table, csv, json.");
}

}  // namespace dlasim::python
