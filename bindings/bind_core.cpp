// Bindings of ecsim::core: the Simulator, for stepping through a run in a notebook.
// SPDX-License-Identifier: Apache-2.0
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ecsim/core/simulator.hpp"

namespace ecsim::bindings {

void bind_core(py::module_& m) {
  py::class_<Simulator>(m, "Simulator", "One simulated ECS account and region; build it with ecsim.Simulator(scenario).")
      .def("run", &Simulator::run, py::call_guard<py::gil_scoped_release>(), "Run to the horizon and finish.")
      .def(
          "run_until", [](Simulator& s, double t) { s.run_until(SimTime{seconds(t)}); }, py::arg("seconds"),
          py::call_guard<py::gil_scoped_release>(), "Run every event up to `seconds` after t=0.")
      .def("step", &Simulator::step, py::arg("n") = 1, py::call_guard<py::gil_scoped_release>(),
           "Run at most n events; returns how many ran.")
      .def("finish", &Simulator::finish, "End the run (bills live tasks up to now).")
      .def_property_readonly("now", [](const Simulator& s) { return to_seconds(s.now()); }, "Simulated seconds since t=0.")
      .def_property_readonly("horizon", [](const Simulator& s) { return to_seconds(s.horizon()); }, "The run's duration in seconds.")
      .def_property_readonly("finished", &Simulator::finished, "True once finish() or run() has ended the run.")
      .def_property_readonly("events_processed", &Simulator::events_processed, "Kernel events handled so far.")
      .def(
          "services",
          [](const Simulator& s) {
            py::dict out;
            for (std::size_t i = 0; i < s.services().size(); ++i) {
              const auto& st = s.services()[i];
              py::dict d;
              d["desired"] = st.desired;
              d["provisioning"] = st.provisioning;
              d["pending"] = st.pending;
              d["running"] = st.running;
              d["healthy"] = st.healthy;
              d["costUsd"] = s.service_cost(static_cast<int>(i), s.now());
              out[py::str(s.config().services[i].name)] = d;
            }
            return out;
          },
          "The state of each service now: desired, provisioning, pending, running, healthy, costUsd.");
}

}  // namespace ecsim::bindings
