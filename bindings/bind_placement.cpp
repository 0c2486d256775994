// Bindings of ecsim::placement: the capacity provider strategy, for notebooks and checks.
// SPDX-License-Identifier: Apache-2.0
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ecsim/placement/fargate_placer.hpp"

namespace ecsim::bindings {

void bind_placement(py::module_& m) {
  m.def(
      "distribute_tasks",
      [](const std::vector<std::tuple<int, int>>& base_weight, int tasks) {
        std::vector<StrategyItem> strategy;
        for (std::size_t i = 0; i < base_weight.size(); ++i)
          strategy.push_back(StrategyItem{static_cast<int>(i), std::get<0>(base_weight[i]), std::get<1>(base_weight[i])});
        placement::FargatePlacer p;
        std::vector<int> counts(strategy.size(), 0);
        if (strategy.empty()) return counts;
        for (int k = 0; k < tasks; ++k) ++counts[p.choose_provider(strategy, counts)];
        return counts;
      },
      py::arg("base_weight"), py::arg("tasks"),
      "How a capacityProviderStrategy of (base, weight) items splits `tasks` tasks, as the simulator does.");
}

}  // namespace ecsim::bindings
