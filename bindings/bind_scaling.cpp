// Bindings of ecsim::scaling: the capacity arithmetic of the scaling policies.
// SPDX-License-Identifier: Apache-2.0
#include "bindings.hpp"
#include "ecsim/scaling/scaling_policy.hpp"

namespace ecsim::bindings {

void bind_scaling(py::module_& m) {
  m.def("proportional_capacity", &scaling::proportional_capacity, py::arg("current"), py::arg("metric"), py::arg("target"),
        "Target tracking's new capacity: ceil(current * metric / target).");
  m.def("clamp_capacity", &scaling::clamp_capacity, py::arg("requested"), py::arg("min_capacity"), py::arg("max_capacity"),
        "Clamps a capacity into [min_capacity, max_capacity].");
}

}  // namespace ecsim::bindings
