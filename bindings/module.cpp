// The compiled module ecsim._core: one PYBIND11_MODULE calling each component's binder.
// SPDX-License-Identifier: Apache-2.0
#include "bindings.hpp"

PYBIND11_MODULE(_core, m, pybind11::mod_gil_not_used()) {
  m.doc() = "ecsim's compiled core: scenario loading and the simulator. Use the `ecsim` package.";
  ecsim::bindings::bind_core(m);
  ecsim::bindings::bind_placement(m);
  ecsim::bindings::bind_scaling(m);
  ecsim::bindings::bind_scenarios(m);
}
