// Container start order: topological sort and longest chain over the dependsOn graph.
// SPDX-License-Identifier: Apache-2.0
#include "task_graph.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>

namespace ecsim::scenarios::detail {

StartOrder container_start_order(int n, const std::vector<std::pair<int, int>>& edges) {
  // Edge dependency -> dependent: a topological order then starts dependencies first.
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph g(static_cast<std::size_t>(n));
  for (auto [container, dependency] : edges) boost::add_edge(dependency, container, g);

  StartOrder out;
  std::vector<int> component(static_cast<std::size_t>(n));
  const int num_components = boost::strong_components(g, component.data());
  std::vector<int> size(static_cast<std::size_t>(num_components), 0);
  for (int c : component) ++size[c];
  for (int v = 0; v < n; ++v) {
    const bool self_loop = boost::edge(v, v, g).second;
    if (size[component[v]] > 1 || self_loop) out.cycle.push_back(v);
  }
  if (!out.cycle.empty()) {
    out.acyclic = false;
    return out;
  }
  std::vector<Graph::vertex_descriptor> reversed;
  boost::topological_sort(g, std::back_inserter(reversed));
  out.order.assign(reversed.rbegin(), reversed.rend());
  // Longest chain: depth[v] = 1 + max depth of its dependencies.
  std::vector<int> depth(static_cast<std::size_t>(n), 1);
  for (auto v : out.order) {
    auto [ei, ee] = boost::out_edges(v, g);
    for (; ei != ee; ++ei) {
      auto w = boost::target(*ei, g);
      depth[w] = std::max(depth[w], depth[v] + 1);
    }
  }
  out.chain_length = n > 0 ? *std::max_element(depth.begin(), depth.end()) : 1;
  return out;
}

}  // namespace ecsim::scenarios::detail
