// Scenario configuration: documented timings of each mechanism (the settings behind every delay).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/account.hpp"

namespace ecsim {

using namespace std::chrono_literals;

struct FargateTimings {
  SimDuration provisioning = 10s;   ///< launch token -> PENDING
  SimDuration eni_attach = 10s;     ///< awsvpc ENI attach before the pull
  double pull_mib_per_second = 40;  ///< image pull throughput
  SimDuration container_start = 2s; ///< per container on the dependsOn critical path
  double jitter_cv = 0.0;           ///< lognormal jitter on each phase (0: deterministic)
};
struct TaskTimings {
  SimDuration stop_timeout = 30s;   ///< SIGTERM -> SIGKILL default (stopTimeout)
  SimDuration sigterm_exit = 2s;    ///< how long the app takes to exit after SIGTERM
};
struct ServiceTimings {
  SimDuration restart_backoff_initial = 10s;  ///< delay after the first failed task
  SimDuration restart_backoff_max = 15min;    ///< backoff cap (ECS: up to 15 minutes)
  int circuit_breaker_min_threshold = 3;      ///< current API reference; older guides: 10
  int circuit_breaker_max_threshold = 200;
  double circuit_breaker_percent = 50;        ///< threshold = percent/100 x desired count
  /// How long a rolling deployment with deployment alarms stays IN_PROGRESS after the new
  /// revision is complete (ECS computes it from the alarms and does not publish how); none:
  /// the longest watched alarm's Period x EvaluationPeriods.
  std::optional<SimDuration> deployment_alarm_bake;
  /// Availability zone rebalancing: after a round whose new task could not land in the
  /// emptiest zone, the next try waits this long (ECS does not publish its pacing).
  SimDuration rebalancing_retry = 5min;
};
struct LoadBalancerTimings {
  SimDuration deregistration_delay = 300s;
  SimDuration health_check_interval = 30s;
  SimDuration health_check_timeout = 5s;  ///< ALB default
  int unhealthy_threshold = 2;            ///< ALB default: consecutive failed checks
};
struct SpotTimings {
  double interruptions_per_task_hour = 0.0;  ///< AWS publishes no rate: a setting
  SimDuration warning = 2min;
};
/// CloudWatch metrics and the alarms Application Auto Scaling creates.
struct AutoScalingTimings {
  SimDuration metric_period = 1min;        ///< ECS service metrics: 1-minute datapoints
  SimDuration publication_lag = 60s;       ///< datapoint end -> visible to alarms
  /// Services with monitoring.metricConfigurations at resolutionSeconds 20 (CreateService).
  SimDuration high_resolution_period = 20s;
  /// Their datapoints' lag: AWS publishes none ("optimized metric publishing"); assumption:
  /// one period, as the standard lag is one 60-second period.
  SimDuration high_resolution_publication_lag = 20s;
  int target_tracking_scale_out_datapoints = 3;  ///< 3 of 3 above target
  int target_tracking_scale_in_datapoints = 15;  ///< 15 of 15 below the low threshold
  double target_tracking_scale_in_factor = 0.9;  ///< low threshold = factor * target
  /// "Application Auto Scaling turns off scale-in processes while Amazon ECS deployments are in
  /// progress ... However, scale-out processes continue" (ECS developer guide, troubleshooting
  /// service auto scaling). Off only for what-ifs.
  bool suspend_scale_in_during_deployments = true;
  /// Predictive scaling (Application Auto Scaling user guide, "How predictive scaling works"):
  /// "at least 24 hours of data" before the first forecast, "up to the past 14 days" analysed,
  /// "an hourly forecast ... for the next 48 hours", "updated every 6 hours".
  SimDuration predictive_min_history = 24h;
  SimDuration predictive_max_history = 14 * 24h;
  int predictive_forecast_hours = 48;
  SimDuration predictive_refresh = 6h;
};
/// EC2 container instances and cluster auto scaling.
struct Ec2Timings {
  SimDuration instance_launch = 16500ms;      ///< EC2 pending -> running (one study: 16.5 s)
  SimDuration boot = 10s;                     ///< running -> ECS agent started
  SimDuration agent_registration = 5s;        ///< agent start -> ACTIVE (unpublished: a setting)
  int reserved_memory_mib = 256;              ///< not registered with ECS (OS + ECS_RESERVED_MEMORY)
  double pull_mib_per_second = 80;            ///< image pull throughput on an instance
  SimDuration eni_attach = 10s;               ///< awsvpc task ENI attach
  SimDuration spot_warning = 2min;            ///< EC2 Spot interruption notice
  /// Monthly interruption frequency per Spot Advisor band (<5, 5-10, 10-15, 15-20, >20 %):
  /// band midpoints, 25 % for the open band.
  double spot_interruption_percent_per_month[5] = {2.5, 7.5, 12.5, 17.5, 25.0};
  SimDuration instance_shutdown = 0s;         ///< terminate -> billing stops
  SimDuration managed_scaling_period = 1min;  ///< CapacityProviderReservation datapoints
  int scale_out_datapoints = 1;               ///< high alarm: 1 of 1
  int scale_in_datapoints = 15;               ///< low alarm: 15 of 15
  double first_step_percent = 200;            ///< reservation reported when N = 0 and M > 0
  double scale_in_max_fraction = 0.5;         ///< a scale-in step removes at most this share
  /// The older ManagedScaling API reference's rule: a group with more than one instance type
  /// or zone scales out by exactly minimumScalingStepSize, ignoring the demand. The current
  /// API reference and developer guide ("Amazon ECS managed scaling behavior") no longer say
  /// so, and size every group's step from the demand: off unless asked for.
  bool mixed_groups_step_by_minimum = false;
  SimDuration draining_timeout = 48h;         ///< managed draining gives up after this
  double jitter_cv = 0.0;                     ///< lognormal jitter on instance launch/boot and task phases on instances
};

/// ECS Managed Instances: what AWS leaves unpublished is a named setting here.
struct ManagedInstancesTimings {
  /// scaleInAfter when infrastructureOptimization is not given ("default behaviour"; AWS
  /// publishes no figure). Assumption: cluster auto scaling's 15 one-minute datapoints.
  SimDuration default_scale_in_after = 900s;
  /// Every instance is drained from this age on (AWS Batch "ECS Managed Instances instance
  /// draining": "initiates draining at day 14 from instance launch").
  SimDuration maintenance_drain_after = std::chrono::hours(24 * 14);
  /// A draining instance still running tasks is terminated at this age (21 days: read in an AWS
  /// sample citing the patching page; unconfirmed).
  SimDuration maintenance_terminate_after = std::chrono::hours(24 * 21);
  /// ENI trunking (on for Managed Instances): task ENIs per vCPU of the instance. The ECS
  /// guide's one example: c5.large (2 vCPU) takes 10 awsvpc tasks with trunking.
  double trunk_task_enis_per_vcpu = 5.0;
  int trunk_task_enis_max = 120;  ///< cap on task ENIs per instance (assumption)
};

struct TimingsConfig {
  AutoScalingTimings auto_scaling;
  FargateTimings fargate;
  TaskTimings task;
  ServiceTimings service;
  LoadBalancerTimings load_balancer;
  SpotTimings spot;
  Ec2Timings ec2;
  ManagedInstancesTimings managed_instances;
};

}  // namespace ecsim
