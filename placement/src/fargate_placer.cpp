// Capacity provider strategy and AZ spread.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/placement/fargate_placer.hpp"

#include "ecsim/placement/ec2_placer.hpp"

#include <algorithm>
#include <cstdint>

namespace ecsim::placement {

std::size_t FargatePlacer::choose_provider(std::span<const StrategyItem> strategy,
                                           std::span<const int> tasks_per_item) const {
  // 1. base first (at most one item has base > 0; validation enforces it).
  for (std::size_t i = 0; i < strategy.size(); ++i)
    if (tasks_per_item[i] < strategy[i].base) return i;
  // 2. weight: pick the item minimising (tasks above base + 1) / weight, compared exactly
  //    by cross-multiplication: (a+1)/wa < (b+1)/wb  <=>  (a+1)*wb < (b+1)*wa.
  std::size_t best = SIZE_MAX;
  for (std::size_t i = 0; i < strategy.size(); ++i) {
    if (strategy[i].weight <= 0) continue;
    if (best == SIZE_MAX) {
      best = i;
      continue;
    }
    const std::int64_t a = std::max(0, tasks_per_item[i] - strategy[i].base) + 1;
    const std::int64_t b = std::max(0, tasks_per_item[best] - strategy[best].base) + 1;
    if (a * strategy[best].weight < b * strategy[i].weight) best = i;
  }
  // No weight anywhere: ECS then keeps using the base provider.
  if (best == SIZE_MAX) {
    for (std::size_t i = 0; i < strategy.size(); ++i)
      if (strategy[i].base > 0) return i;
    return 0;
  }
  return best;
}

std::size_t FargatePlacer::choose_provider_to_shrink(std::span<const StrategyItem> strategy,
                                                     std::span<const int> tasks_per_item) const {
  // Take from the item furthest above its weighted share, keeping `base` as long as possible.
  // Tiers: 2 = above base with weight 0 (should hold none), 1 = above base, 0 = within base.
  auto tier = [&](std::size_t i) {
    if (tasks_per_item[i] <= strategy[i].base) return 0;
    return strategy[i].weight <= 0 ? 2 : 1;
  };
  std::size_t best = SIZE_MAX;
  for (std::size_t i = 0; i < strategy.size(); ++i) {
    if (tasks_per_item[i] <= 0) continue;
    if (best == SIZE_MAX) {
      best = i;
      continue;
    }
    const int ti = tier(i), tb = tier(best);
    if (ti != tb) {
      if (ti > tb) best = i;
      continue;
    }
    if (ti == 1) {  // (above_i / w_i) > (above_b / w_b), exactly
      const std::int64_t ai = tasks_per_item[i] - strategy[i].base, ab = tasks_per_item[best] - strategy[best].base;
      if (ai * strategy[best].weight > ab * strategy[i].weight) best = i;
    } else if (tasks_per_item[i] > tasks_per_item[best]) {
      best = i;
    }
  }
  return best == SIZE_MAX ? 0 : best;
}

std::size_t FargatePlacer::choose_zone(std::span<const int> tasks_per_zone, std::span<const int> allowed) const {
  // The allowed zone with the fewest tasks, the first of them on a tie.
  if (allowed.empty()) {
    std::size_t best = 0;
    for (std::size_t z = 1; z < tasks_per_zone.size(); ++z)
      if (tasks_per_zone[z] < tasks_per_zone[best]) best = z;
    return best;
  }
  auto best = static_cast<std::size_t>(allowed.front());
  for (int z : allowed)
    if (tasks_per_zone[static_cast<std::size_t>(z)] < tasks_per_zone[best]) best = static_cast<std::size_t>(z);
  return best;
}

std::unique_ptr<CapacityPlacer> make_default_placer() { return std::make_unique<FargatePlacer>(); }

std::unique_ptr<InstancePlacer> FargatePlacer::make_instance_placer(const ScenarioConfig& config) const {
  return make_ec2_placer(config);
}

}  // namespace ecsim::placement
