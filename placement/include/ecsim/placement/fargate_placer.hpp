// Capacity provider strategy (base, then weight) and Fargate's spread over availability zones.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include "ecsim/core/capacity_placer.hpp"

namespace ecsim::placement {

/// Distributes tasks over a capacityProviderStrategy as ECS documents it: the provider with
/// `base` > 0 gets tasks until it holds `base`, then tasks split by `weight` (weight-0
/// providers get none beyond their base). Deterministic: the next task goes to the provider
/// furthest below its weighted share, ties to the earlier item. Fargate tasks spread over
/// the configured availability zones: fewest tasks of this service first, ties to the
/// earlier zone.
class FargatePlacer final : public CapacityPlacer {
 public:
  std::string_view name() const override { return "fargate"; }
  std::size_t choose_provider(std::span<const StrategyItem> strategy, std::span<const int> tasks_per_item) const override;
  std::size_t choose_provider_to_shrink(std::span<const StrategyItem> strategy,
                                        std::span<const int> tasks_per_item) const override;
  std::size_t choose_zone(std::span<const int> tasks_per_zone, std::span<const int> allowed = {}) const override;
  /// An Ec2Placer when the scenario has Auto Scaling group capacity providers.
  std::unique_ptr<InstancePlacer> make_instance_placer(const ScenarioConfig& config) const override;
};

/// The placer a scenario gets unless it asks for another.
std::unique_ptr<CapacityPlacer> make_default_placer();

}  // namespace ecsim::placement
