// Bindings of ecsim::scaling: capacity arithmetic, and Python-defined scaling policies.
// SPDX-License-Identifier: Apache-2.0
#include <pybind11/stl.h>

#include <cmath>
#include <stdexcept>

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

PythonForecaster::PythonForecaster(py::object obj) : obj_(std::move(obj)) {
  name_ = py::hasattr(obj_, "name") ? std::string(py::str(obj_.attr("name"))) : std::string("python");
}

PythonForecaster::~PythonForecaster() {
  py::gil_scoped_acquire gil;
  obj_ = py::object();
}

std::vector<double> PythonForecaster::forecast(const std::vector<scaling::HourlyLoad>& history, std::int64_t first_hour_unix,
                                               int hours) {
  py::gil_scoped_acquire gil;
  py::list h;
  for (const auto& x : history) h.append(py::make_tuple(x.hour_unix, x.load, x.covered_seconds));
  py::object r = obj_.attr("forecast")(h, first_hour_unix, hours);
  auto out = r.cast<std::vector<double>>();
  if (static_cast<int>(out.size()) != hours)
    throw std::runtime_error("forecaster '" + name_ + "' returned " + std::to_string(out.size()) + " values; " +
                             std::to_string(hours) + " hourly values are needed");
  for (double v : out)
    if (!std::isfinite(v) || v < 0) throw std::runtime_error("forecaster '" + name_ + "' returned a negative or non-finite load");
  return out;
}

void bind_scaling(py::module_& m) {
  m.def("proportional_capacity", &scaling::proportional_capacity, py::arg("current"), py::arg("metric"), py::arg("target"),
        "Target tracking's new capacity: ceil(current * metric / target).");
  m.def("clamp_capacity", &scaling::clamp_capacity, py::arg("requested"), py::arg("min_capacity"), py::arg("max_capacity"),
        "Clamps a capacity into [min_capacity, max_capacity].");
}

}  // namespace ecsim::bindings
