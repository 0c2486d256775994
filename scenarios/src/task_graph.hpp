// Private: container dependsOn ordering with Boost.Graph.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <utility>
#include <vector>

namespace ecsim::scenarios::detail {

struct StartOrder {
  bool acyclic = true;
  std::vector<int> order;        ///< containers, dependencies first (when acyclic)
  int chain_length = 1;          ///< containers on the longest dependency chain
  std::vector<int> cycle;        ///< containers on a cycle (when not acyclic), ascending
};

/// `edges` are (container, dependency) pairs over containers 0..n-1.
StartOrder container_start_order(int n, const std::vector<std::pair<int, int>>& edges);

}  // namespace ecsim::scenarios::detail
