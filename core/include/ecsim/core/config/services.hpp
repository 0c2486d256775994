// Scenario configuration: services (CreateService).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/auto_scaling.hpp"

namespace ecsim {

using namespace std::chrono_literals;

struct ServiceConfig {
  std::string name;
  int cluster = 0;
  int task_definition = 0;
  int desired_count = 0;
  std::vector<StrategyItem> strategy;  ///< resolved: launchType, own strategy or cluster default
  std::vector<int> zones;              ///< from networkConfiguration's subnets; empty: every zone
  int maximum_percent = 200;
  int minimum_healthy_percent = 100;
  bool circuit_breaker = false;  ///< deploymentCircuitBreaker.enable
  bool rollback = false;         ///< deploymentCircuitBreaker.rollback
  bool reset_on_healthy_task = true;  ///< deploymentCircuitBreaker.resetOnHealthyTask
  /// deploymentCircuitBreaker.thresholdConfiguration: BOUNDED_PERCENT (value % of desired,
  /// clamped to the min/max thresholds), UNBOUNDED_PERCENT (not clamped) or COUNT.
  enum class BreakerThreshold { kBoundedPercent, kUnboundedPercent, kCount };
  BreakerThreshold breaker_threshold_type = BreakerThreshold::kBoundedPercent;
  std::optional<int> breaker_threshold_value;  ///< default: timings.service.circuitBreakerPercent
  SimDuration health_check_grace_period = 0s;
  bool load_balanced = false;
  bool daemon = false;  ///< schedulingStrategy DAEMON: one task per active container instance
  PlacementRulesConfig placement;
  LoadConfig load;
  LoadHistory load_history;
  std::optional<AutoScalingConfig> auto_scaling;
  /// monitoring.metricConfigurations: CPUUtilization / MemoryUtilization at 20 s.
  bool cpu_high_resolution = false, memory_high_resolution = false;
  /// The service's datapoints come every timings.autoScaling.highResolutionPeriod.
  bool high_resolution_metrics() const { return cpu_high_resolution || memory_high_resolution; }
};

}  // namespace ecsim
