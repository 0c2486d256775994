// The narrow interface through which the simulator asks a service's auto scaling what to do.
// Implemented in the scaling component (ecsim::scaling) and injected when a simulator is built.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

#include "ecsim/core/time.hpp"

namespace ecsim {

/// One CloudWatch datapoint of a service's metrics over [start, start + period).
/// A metric is absent when ECS would publish none (no running task, no healthy target).
struct MetricDatapoint {
  SimTime start;
  SimDuration period;
  std::optional<double> cpu_percent;
  std::optional<double> memory_percent;
  std::optional<double> requests_per_target;  ///< ALBRequestCountPerTarget: requests per healthy target in the period
};

/// What a scaling policy or scheduled action did: the new desired count and why.
struct ScalingAction {
  int desired = 0;
  std::string policy;  ///< PolicyName or ScheduledActionName
  std::string reason;
};

/// A service's scalable target with its policies and scheduled actions. The simulator calls
/// it as datapoints become visible and at scheduled times; the scaler applies cooldowns and
/// the [MinCapacity, MaxCapacity] bounds and returns a new desired count when it acts.
class ServiceScaler {
 public:
  virtual ~ServiceScaler() = default;
  virtual int min_capacity() const = 0;
  virtual int max_capacity() const = 0;
  /// A datapoint became visible at `now`; `desired` is the service's desired count.
  virtual std::optional<ScalingAction> on_datapoint(const MetricDatapoint& d, SimTime now, int desired) = 0;
  /// The first scheduled action time strictly after `after`, if any.
  virtual std::optional<SimTime> next_scheduled(SimTime after) const = 0;
  /// Runs the scheduled actions due at `now`.
  virtual std::optional<ScalingAction> on_scheduled(SimTime now, int desired) = 0;
};

}  // namespace ecsim
