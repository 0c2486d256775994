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

/// The deployment lifecycle stages a hook may run at (DeploymentLifecycleHook.lifecycleStages).
enum class LifecycleStage {
  kReconcileService,
  kPreScaleUp,
  kPostScaleUp,
  kTestTrafficShift,
  kPostTestTrafficShift,
  kPreProductionTrafficShift,
  kProductionTrafficShift,
  kPostProductionTrafficShift,
};
const char* lifecycle_stage_name(LifecycleStage s);

/// A deployment lifecycle hook (deploymentConfiguration.lifecycleHooks[]). What the hook
/// answers and when is the scenario's (its `ecsim` block): ecsim runs no Lambda function.
struct LifecycleHookConfig {
  std::string name;       ///< hookTargetArn, or PAUSE#<index> for a PAUSE hook
  bool pause = false;     ///< targetType PAUSE (else AWS_LAMBDA)
  std::vector<LifecycleStage> stages;
  SimDuration timeout = 1440min;   ///< timeoutConfiguration.timeoutInMinutes (1-20160, default 1440)
  bool timeout_rolls_back = true;  ///< timeoutConfiguration.action ROLLBACK (default) or CONTINUE
  bool succeeds = true;            ///< ecsim.outcome: SUCCEEDED/CONTINUE (true) or FAILED/ROLLBACK
  std::optional<SimDuration> after;  ///< ecsim.afterSeconds; none: the hook never answers (it times out)
};

/// How a service deploys: deploymentConfiguration.strategy and what goes with it, or the
/// CodeDeploy deployment configuration of a CODE_DEPLOY service mapped onto the same stages.
struct DeploymentStrategyConfig {
  std::string name = "ROLLING";  ///< ROLLING, BLUE_GREEN, LINEAR, CANARY
  SimDuration bake_time = 0s;    ///< bakeTimeInMinutes; CODE_DEPLOY: terminationWaitTimeInMinutes
  int step_tenths = 100;         ///< linearConfiguration.stepPercent in tenths of a percent (default 10.0)
  SimDuration step_bake = 6min;  ///< linearConfiguration.stepBakeTimeInMinutes (default 6)
  int canary_tenths = 50;        ///< canaryConfiguration.canaryPercent in tenths (default 5.0)
  SimDuration canary_bake = 10min;  ///< canaryConfiguration.canaryBakeTimeInMinutes (default 10)
  std::vector<LifecycleHookConfig> hooks;
  std::string code_deploy_config;  ///< deploymentController CODE_DEPLOY: its deploymentConfigName
  std::vector<int> alarms;         ///< alarms.alarmNames with alarms.enable: indices into ScenarioConfig::alarms
  bool alarms_rollback = false;    ///< alarms.rollback
  bool shifts_traffic() const { return name != "ROLLING"; }
  /// Production traffic to the new revision after each shift, in tenths of a percent:
  /// BLUE_GREEN {1000}; LINEAR step, 2 x step, ... below 1000, then 1000; CANARY {canary, 1000}.
  std::vector<int> shifts() const;
  /// The wait after shift k before the next (none after the last).
  SimDuration wait_after_shift(std::size_t k) const;
};

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
  DeploymentStrategyConfig deployment;  ///< strategy, bake, linear/canary steps, hooks
  /// availabilityZoneRebalancing: ENABLED by default for services that spread over zones first
  /// (Fargate; EC2 with spread attribute:ecs.availability-zone first), DISABLED otherwise.
  bool az_rebalancing = false;
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
