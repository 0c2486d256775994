// Shared declarations of the Python bindings (ecsim._core).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <pybind11/pybind11.h>

namespace ecsim::bindings {

namespace py = pybind11;

void bind_core(py::module_& m);
void bind_placement(py::module_& m);
void bind_scaling(py::module_& m);
void bind_scenarios(py::module_& m);

}  // namespace ecsim::bindings
