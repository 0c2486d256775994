// The narrow interface through which the simulator asks where a task goes. Implemented in
// the placement component (ecsim::placement) and injected when a simulator is built.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "ecsim/core/config.hpp"
#include "ecsim/core/instance_placer.hpp"

namespace ecsim {

class CapacityPlacer {
 public:
  virtual ~CapacityPlacer() = default;
  virtual std::string_view name() const = 0;
  /// Index into `strategy` of the provider that gets the next task, given how many of this
  /// service's (or group's) live tasks each strategy item already has. Strategy is non-empty.
  virtual std::size_t choose_provider(std::span<const StrategyItem> strategy,
                                      std::span<const int> tasks_per_item) const = 0;
  /// Index of the strategy item to take a task from when scaling in.
  virtual std::size_t choose_provider_to_shrink(std::span<const StrategyItem> strategy,
                                                std::span<const int> tasks_per_item) const = 0;
  /// Availability zone for a Fargate task, given the service's live tasks per zone and the
  /// zones its subnets allow (empty: every zone).
  virtual std::size_t choose_zone(std::span<const int> tasks_per_zone, std::span<const int> allowed = {}) const = 0;
  /// The placer for EC2 container instances of this scenario (null: no EC2 placement).
  virtual std::unique_ptr<InstancePlacer> make_instance_placer(const ScenarioConfig& /*config*/) const { return nullptr; }
};

}  // namespace ecsim
