// Bindings of ecsim::scenarios: load/validate scenarios, run them, build simulators.
// SPDX-License-Identifier: Apache-2.0
#include <pybind11/gil_safe_call_once.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::bindings {

namespace {

ScenarioConfig configure(const scenarios::ScenarioSource& src, std::optional<std::uint64_t> seed) {
  ScenarioConfig cfg = scenarios::load(src);
  if (seed) cfg.seed = *seed;
  return cfg;
}

}  // namespace

void bind_scenarios(py::module_& m) {
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> error_type;
  error_type.call_once_and_store_result([&]() {
    return py::object(py::reinterpret_borrow<py::object>(
        PyErr_NewExceptionWithDoc("ecsim.ScenarioError", "The scenario is invalid; `.errors` lists every problem.",
                                  PyExc_ValueError, nullptr)));
  });
  m.attr("ScenarioError") = error_type.get_stored();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const scenarios::ScenarioError& e) {
      py::list errors;
      for (const auto& d : e.errors()) errors.append(d.str());
      py::object type = error_type.get_stored();
      py::object instance = type(py::str(e.what()));
      instance.attr("errors") = errors;
      PyErr_SetObject(type.ptr(), instance.ptr());
    }
  });

  py::class_<scenarios::ScenarioSource>(m, "ScenarioSource", "A scenario's YAML text, origin and --set overrides.")
      .def(py::init<>())
      .def_readwrite("text", &scenarios::ScenarioSource::text, "The YAML text.")
      .def_readwrite("file_name", &scenarios::ScenarioSource::file_name, "Name used in error messages.")
      .def_readwrite("base_dir", &scenarios::ScenarioSource::base_dir, "Folder that relative `file:` paths resolve against.")
      .def_readwrite("overrides", &scenarios::ScenarioSource::overrides, "PATH=VALUE overrides, applied in order.");

  m.def("read_scenario_file", &scenarios::read_scenario_file, py::arg("path"), "Read a scenario file into a ScenarioSource.");
  m.def(
      "validate", [](const scenarios::ScenarioSource& src) { return scenarios::load(src).notices; }, py::arg("source"),
      "Validate; returns the notices, raises ScenarioError listing every problem.");
  m.def(
      "scenario_name", [](const scenarios::ScenarioSource& src) { return scenarios::load(src).name; }, py::arg("source"),
      "The scenario's name.");
  m.def(
      "run",
      [](const scenarios::ScenarioSource& src, std::optional<std::uint64_t> seed, std::uint64_t replication, bool events,
         bool timeseries, bool tasks, const py::dict& policies) {
        ScenarioConfig cfg = configure(src, seed);
        scenarios::ExtraPolicies extra;
        for (auto [service, list] : policies)
          for (auto p : list) extra[py::str(service)].push_back(std::make_unique<PythonPolicy>(py::reinterpret_borrow<py::object>(p)));
        std::unique_ptr<Simulator> sim;
        try {
          sim = scenarios::build(cfg, replication, std::move(extra));
        } catch (const std::invalid_argument& e) {
          throw py::value_error(e.what());
        }
        scenarios::RunOutputs out;
        {
          py::gil_scoped_release release;
          out = scenarios::run_in_memory(*sim, events, timeseries, tasks);
        }
        sim.reset();  // with the GIL: Python policies are released here
        py::dict d;
        d["summary"] = py::str(out.summary_json);
        d["events"] = py::str(out.events_csv);
        d["timeseries"] = py::str(out.timeseries_csv);
        d["tasks"] = py::str(out.tasks_csv);
        return d;
      },
      py::arg("source"), py::arg("seed") = py::none(), py::arg("replication") = 0, py::arg("events") = true,
      py::arg("timeseries") = true, py::arg("tasks") = false, py::arg("policies") = py::dict(),
      "Run a scenario to its horizon without the GIL; returns summary JSON and CSV texts.");
  m.def(
      "build",
      [](const scenarios::ScenarioSource& src, std::optional<std::uint64_t> seed, std::uint64_t replication) {
        return scenarios::build(configure(src, seed), replication);
      },
      py::arg("source"), py::arg("seed") = py::none(), py::arg("replication") = 0,
      "Build a Simulator to step through in a notebook.");
}

}  // namespace ecsim::bindings
