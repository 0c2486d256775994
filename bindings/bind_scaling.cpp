// Bindings of ecsim::scaling: capacity arithmetic, and Python-defined scaling policies.
// SPDX-License-Identifier: Apache-2.0
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ecsim/scaling/scaling_policy.hpp"

namespace ecsim::bindings {

PythonPolicy::PythonPolicy(py::object obj) : obj_(std::move(obj)) {
  name_ = py::str(obj_.attr("name"));
  out_ = seconds(obj_.attr("scale_out_cooldown").cast<double>());
  in_ = seconds(obj_.attr("scale_in_cooldown").cast<double>());
}

PythonPolicy::~PythonPolicy() {
  py::gil_scoped_acquire gil;  // the simulator may be destroyed without the GIL
  obj_ = py::object();
}

scaling::ScalingDecision PythonPolicy::evaluate(const MetricDatapoint& d, SimTime now, int desired, int base) {
  py::gil_scoped_acquire gil;  // run() released it
  py::dict dp;
  dp["start"] = to_seconds(d.start);
  dp["period"] = to_seconds(d.period);
  dp["cpu"] = d.cpu_percent ? py::cast(*d.cpu_percent) : py::none();
  dp["memory"] = d.memory_percent ? py::cast(*d.memory_percent) : py::none();
  dp["requests_per_target"] = d.requests_per_target ? py::cast(*d.requests_per_target) : py::none();
  py::object r = obj_.attr("evaluate")(dp, to_seconds(now), desired, base);
  if (r.is_none()) return {};
  const int capacity = r.cast<int>();
  using D = scaling::ScalingDecision::Direction;
  if (capacity > desired) return {D::kOut, capacity, "python policy"};
  if (capacity < desired) return {D::kIn, capacity, "python policy"};
  return {};
}

void bind_scaling(py::module_& m) {
  m.def("proportional_capacity", &scaling::proportional_capacity, py::arg("current"), py::arg("metric"), py::arg("target"),
        "Target tracking's new capacity: ceil(current * metric / target).");
  m.def("clamp_capacity", &scaling::clamp_capacity, py::arg("requested"), py::arg("min_capacity"), py::arg("max_capacity"),
        "Clamps a capacity into [min_capacity, max_capacity].");
}

}  // namespace ecsim::bindings
