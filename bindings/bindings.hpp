// Shared declarations of the Python bindings (ecsim._core).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "ecsim/scaling/predictive.hpp"
#include "ecsim/scaling/scaling_policy.hpp"

namespace ecsim::bindings {

namespace py = pybind11;

/// Adapts a Python object with `name`, `scale_out_cooldown`, `scale_in_cooldown` (seconds)
/// and `evaluate(datapoint: dict, now: float, desired: int, base: int) -> int | None` to the
/// C++ ScalingPolicy interface. Calls into Python take the GIL, so such policies work while
/// run() has released it; they are slow by nature (one Python call per datapoint).
class PythonPolicy final : public scaling::ScalingPolicy {
 public:
  explicit PythonPolicy(py::object obj);
  ~PythonPolicy() override;
  const std::string& name() const override { return name_; }
  scaling::ScalingDecision evaluate(const MetricDatapoint& d, SimTime now, int desired, int base) override;
  SimDuration scale_out_cooldown() const override { return out_; }
  SimDuration scale_in_cooldown() const override { return in_; }

 private:
  py::object obj_;
  std::string name_;
  SimDuration out_{}, in_{};
};

/// Adapts a Python object with `name` and `forecast(history, first_hour, hours) -> list[float]`
/// to the C++ Forecaster interface: `history` is a list of (hour start in Unix seconds, mean
/// load, covered seconds) tuples, oldest first; `first_hour` a Unix time on the hour.
class PythonForecaster final : public scaling::Forecaster {
 public:
  explicit PythonForecaster(py::object obj);
  ~PythonForecaster() override;
  std::string name() const override { return name_; }
  std::vector<double> forecast(const std::vector<scaling::HourlyLoad>& history, std::int64_t first_hour_unix, int hours) override;

 private:
  py::object obj_;
  std::string name_;
};

void bind_core(py::module_& m);
void bind_placement(py::module_& m);
void bind_scaling(py::module_& m);
void bind_scenarios(py::module_& m);

}  // namespace ecsim::bindings
