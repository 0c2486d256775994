// Typed, validated scenario configuration: what the scenario loader produces and the
// Simulator consumes. Plain structs; every default is the documented one (docs/MODEL.md).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"

namespace ecsim {

using namespace std::chrono_literals;

enum class CpuArchitecture { kX86_64, kArm64 };
enum class OsFamily { kLinux, kWindows };

/// Built-in capacity providers. Auto Scaling group providers follow them: provider index
/// kNumBuiltinProviders + k is ScenarioConfig::asg_providers[k].
enum class ProviderKind { kFargate, kFargateSpot };
inline constexpr int kNumBuiltinProviders = 2;

/// One item of a capacityProviderStrategy (AWS field names: capacityProvider, base, weight).
struct StrategyItem {
  int provider = 0;  ///< index into Simulator providers (0 FARGATE, 1 FARGATE_SPOT)
  int base = 0;
  int weight = 0;
};

struct HealthCheckConfig {
  SimDuration interval = 30s;
  SimDuration timeout = 5s;
  int retries = 3;
  SimDuration start_period = 0s;
};

struct ContainerConfig {
  std::string name;
  bool essential = true;
  std::optional<HealthCheckConfig> health_check;
  std::optional<SimDuration> stop_timeout;
};

enum class NetworkMode { kAwsvpc, kBridge, kHost, kNone };

struct TaskDefinitionConfig {
  std::string family;
  int revision = 1;
  int cpu_units = 0;   ///< task-level cpu, else the sum of the containers' (EC2)
  int memory_mib = 0;  ///< task-level memory, else the sum of the containers' memory/memoryReservation
  NetworkMode network_mode = NetworkMode::kAwsvpc;
  std::vector<int> host_ports;  ///< bridge/host: host ports the task binds
  CpuArchitecture architecture = CpuArchitecture::kX86_64;
  OsFamily os_family = OsFamily::kLinux;
  int ephemeral_storage_gib = 20;
  std::vector<ContainerConfig> containers;
  /// Container indices in a start order that respects dependsOn (dependencies first).
  std::vector<int> start_order;
  /// Containers on the longest dependsOn chain: each one adds timings.containerStart.
  int start_chain_length = 1;
  // ecsim-only properties of the revision
  double image_size_mib = 100.0;
  SimDuration app_start_time = 0s;
  bool fail_to_start = false;
  double requests_per_second = 0.0;  ///< load one task serves at 100% CPU (0: none given)
  double unhealthy_fraction = 0.0;   ///< share of tasks that run but fail their health checks
  double memory_idle_percent = 25.0;       ///< memory utilisation with no load
  double memory_full_load_percent = 60.0;  ///< memory utilisation at 100% CPU

  std::string key() const { return family + ":" + std::to_string(revision); }
  /// The health check of the first essential container that has one, if any.
  const HealthCheckConfig* health_check() const;
  /// stopTimeout of the task: the largest container stopTimeout, else the default.
  SimDuration stop_timeout(SimDuration default_timeout) const;
};

/// placementStrategy item: binpack (field cpu|memory), spread (instanceId|host|attribute:NAME), random.
enum class PlacementStrategyType { kBinpack, kSpread, kRandom };
struct PlacementStrategyConfig {
  PlacementStrategyType type = PlacementStrategyType::kRandom;
  std::string field;
};
enum class PlacementConstraintType { kDistinctInstance, kMemberOf };
struct PlacementConstraintConfig {
  PlacementConstraintType type = PlacementConstraintType::kDistinctInstance;
  std::string expression;  ///< memberOf: cluster query language
};
/// Resolved rules for EC2 placement (the documented defaults already filled in).
struct PlacementRulesConfig {
  std::vector<PlacementStrategyConfig> strategies;
  std::vector<PlacementConstraintConfig> constraints;
};

/// One row of the bundled EC2 table (us-east-1 Linux), possibly overridden under pricing.ec2.
struct InstanceTypeConfig {
  std::string name;
  int vcpu = 0;
  int memory_mib = 0;
  CpuArchitecture architecture = CpuArchitecture::kX86_64;
  double on_demand_usd_per_hour = 0.0;
  double spot_usd_per_hour = 0.0;
  int spot_band = 0;  ///< Spot Instance Advisor band: 0 "<5%", 1 "5-10%", 2 "10-15%", 3 "15-20%", 4 ">20%"
  int max_enis = 3;   ///< network interfaces of the type, the primary one included
  std::string price_source;  ///< the table row or override the prices came from
};

enum class SpotAllocation { kPriceCapacityOptimized, kCapacityOptimized, kLowestPrice };

/// ManagedScaling of an Auto Scaling group capacity provider (CreateCapacityProvider).
struct ManagedScalingConfig {
  bool enabled = false;
  int target_capacity = 100;
  int minimum_step = 1;
  int maximum_step = 10000;
  SimDuration instance_warmup = 300s;
};

/// An Auto Scaling group capacity provider and its group (CreateAutoScalingGroup fields).
struct AsgProviderConfig {
  std::string name;        ///< capacity provider name
  std::string group_name;  ///< AutoScalingGroupName
  std::vector<int> instance_types;  ///< indices into ScenarioConfig::instance_types, override order
  std::vector<int> zones;           ///< indices into ScenarioConfig::availability_zones
  int min_size = 0, max_size = 0, desired_capacity = 0;
  bool mixed = false;                    ///< MixedInstancesPolicy given
  int on_demand_base = 0;                ///< OnDemandBaseCapacity
  int on_demand_percent_above_base = 100;///< OnDemandPercentageAboveBaseCapacity
  SpotAllocation spot_allocation = SpotAllocation::kPriceCapacityOptimized;
  ManagedScalingConfig managed_scaling;
  bool managed_termination_protection = false;
  bool managed_draining = true;  ///< ECS default for new capacity providers
  std::vector<std::pair<std::string, std::string>> attributes;  ///< custom container instance attributes
};

struct ClusterConfig {
  std::string name;
  std::vector<int> providers;  ///< capacity providers associated with the cluster
  std::vector<StrategyItem> default_strategy;
};

struct ConstantLoad {
  double requests_per_second = 0.0;
};
/// rate(t) = mean * (1 + amplitude * sin(2 pi (t + phase) / period)), held constant over
/// each `resolution` step (evaluated at the step's start).
struct DiurnalLoad {
  double mean_requests_per_second = 0.0;
  double amplitude = 0.0;
  SimDuration period = 24h;
  SimDuration phase = 0s;
  SimDuration resolution = 1min;
};
/// A CSV trace replayed from the scenario's `start`, streamed (never held in memory).
/// With a value column, each row's value is a count per `per`, held until the next row;
/// without one, each row is one request and rows are counted in bins of `per`.
struct TraceLoad {
  std::string path;          ///< resolved file path
  std::string time_column;   ///< ISO 8601 UTC timestamps, or seconds when numeric
  std::string value_column;  ///< empty: one request per row
  SimDuration per = 1min;
  double scale = 1.0;
};
using LoadConfig = std::variant<std::monostate, ConstantLoad, DiurnalLoad, TraceLoad>;

/// Predefined metrics of ECS services (Application Auto Scaling names).
enum class MetricType { kCpuUtilization, kMemoryUtilization, kAlbRequestCountPerTarget };

struct TargetTrackingConfig {
  double target_value = 70;
  MetricType metric = MetricType::kCpuUtilization;
  SimDuration scale_out_cooldown = 300s;
  SimDuration scale_in_cooldown = 300s;
  bool disable_scale_in = false;
};

enum class Comparison { kGreaterThan, kGreaterThanOrEqual, kLessThan, kLessThanOrEqual };
enum class Statistic { kAverage, kMaximum, kMinimum, kSum, kSampleCount };

/// A CloudWatch alarm on a service metric: `datapoints_to_alarm` of the last
/// `evaluation_periods` period-statistics breach the threshold.
struct AlarmConfig {
  MetricType metric = MetricType::kCpuUtilization;
  Statistic statistic = Statistic::kAverage;
  double threshold = 0;
  Comparison comparison = Comparison::kGreaterThan;
  int period_minutes = 1;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;
};

enum class AdjustmentType { kChangeInCapacity, kPercentChangeInCapacity, kExactCapacity };
struct StepAdjustment {
  std::optional<double> lower;  ///< MetricIntervalLowerBound (relative to the threshold)
  std::optional<double> upper;  ///< MetricIntervalUpperBound
  int adjustment = 0;
};
struct StepScalingConfig {
  AdjustmentType adjustment_type = AdjustmentType::kChangeInCapacity;
  std::vector<StepAdjustment> steps;
  SimDuration cooldown = 300s;
  int min_adjustment_magnitude = 0;
  AlarmConfig alarm;
};

struct ScalingPolicyConfig {
  std::string name;
  std::variant<TargetTrackingConfig, StepScalingConfig> kind;
};

/// PutScheduledAction: `schedule` is at(...), rate(...) or cron(...) in UTC.
struct ScheduledActionConfig {
  std::string name;
  std::string schedule;
  std::optional<std::int64_t> start_unix_seconds, end_unix_seconds;
  std::optional<int> min_capacity, max_capacity;
};

/// RegisterScalableTarget + PutScalingPolicy + PutScheduledAction for one service.
struct AutoScalingConfig {
  int min_capacity = 1;
  int max_capacity = 1;
  std::vector<ScalingPolicyConfig> policies;
  std::vector<ScheduledActionConfig> scheduled_actions;
};

struct ServiceConfig {
  std::string name;
  int cluster = 0;
  int task_definition = 0;
  int desired_count = 0;
  std::vector<StrategyItem> strategy;  ///< resolved: launchType, own strategy or cluster default
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
  std::optional<AutoScalingConfig> auto_scaling;
};

struct ExponentialDuration {
  SimDuration mean = 5min;
};
struct FixedDuration {
  SimDuration value = 5min;
};
using TaskDurationConfig = std::variant<ExponentialDuration, FixedDuration>;

struct PoissonArrivals {
  double rate_per_second = 0.0;
  TaskDurationConfig duration;
  /// Optional diurnal rate: rate(t) = rate_per_second * (1 + amplitude * sin(2 pi (t + phase)
  /// / period)); each gap is drawn at the previous arrival with the rate then in force.
  double amplitude = 0.0;
  SimDuration period = 24h;
  SimDuration phase = 0s;
};
/// Batch arrivals replayed from a CSV (streamed): each row submits `count` tasks at its
/// time, each running for `end - time` (or the `duration` column) seconds.
struct TraceArrivals {
  std::string path;
  std::string time_column;
  std::string count_column;     ///< empty: one task per row
  std::string end_column;       ///< task end time (same unit as time), or
  std::string duration_column;  ///< task duration
  std::string where_column, where_value;  ///< keep rows where column == value
  double time_unit_seconds = 1.0;
  double scale = 1.0;  ///< multiplies counts (rounded per row)
};
using ArrivalsConfig = std::variant<PoissonArrivals, TraceArrivals>;

struct RunTaskGroupConfig {
  std::string name;  ///< "runTasks[i]" unless a name is given
  int cluster = 0;
  int task_definition = 0;
  std::vector<StrategyItem> strategy;
  ArrivalsConfig arrivals;
  int retry_attempts = 0;
  PlacementRulesConfig placement;
};

struct UpdateServiceAction {
  int service = 0;
  std::optional<int> desired_count;
  std::optional<int> task_definition;  ///< a new revision starts a deployment
  bool force_new_deployment = false;   ///< redeploy the current revision
};
/// Reclaims a fraction of the provider's running Spot tasks now (each gets the warning).
struct SpotInterruptionsAction {
  int provider = 1;
  double fraction = 0.0;
};
/// Makes Spot capacity unavailable (new tasks wait in PROVISIONING) or available again.
struct SpotCapacityAction {
  int provider = 1;
  bool available = false;
  std::optional<SimDuration> duration;  ///< `for`: back to available after this long
};
struct TimelineEntry {
  SimTime at;
  std::variant<UpdateServiceAction, SpotInterruptionsAction, SpotCapacityAction> action;
};

struct TokenBucketConfig {
  double burst = 100;
  double per_second = 20;
};

struct AccountConfig {
  TokenBucketConfig fargate_launch{/*burst=*/100, /*per_second=*/20};
  TokenBucketConfig fargate_spot_launch{/*burst=*/100, /*per_second=*/20};
  double service_launch_per_minute_fargate = 500;
  double service_launch_per_minute_ec2 = 250;
  std::optional<double> fargate_vcpu_quota;       ///< On-Demand vCPUs running at once
  std::optional<double> fargate_spot_vcpu_quota;  ///< Spot vCPUs running at once
  int tasks_per_service = 5000;
  int provisioning_tasks_per_cluster = 300;  ///< ASG capacity providers only
};

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
  int target_tracking_scale_out_datapoints = 3;  ///< 3 of 3 above target
  int target_tracking_scale_in_datapoints = 15;  ///< 15 of 15 below the low threshold
  double target_tracking_scale_in_factor = 0.9;  ///< low threshold = factor * target
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
  SimDuration draining_timeout = 48h;         ///< managed draining gives up after this
  double jitter_cv = 0.0;                     ///< lognormal jitter on instance launch/boot and task phases on instances
};

struct TimingsConfig {
  AutoScalingTimings auto_scaling;
  FargateTimings fargate;
  TaskTimings task;
  ServiceTimings service;
  LoadBalancerTimings load_balancer;
  SpotTimings spot;
  Ec2Timings ec2;
};

/// Resolved Fargate rates for one (region, architecture, capacity).
struct FargateRate {
  double usd_per_vcpu_hour = 0.0;
  double usd_per_gb_hour = 0.0;
  std::string source;  ///< the table row or override it came from (reported in summary.json)
};
struct PricingConfig {
  FargateRate fargate_x86;
  FargateRate fargate_arm;
  FargateRate fargate_spot_x86;
  FargateRate fargate_spot_arm;
  double ephemeral_usd_per_gb_hour = 0.000111;
  std::string ephemeral_source;
  SimDuration fargate_minimum_billed = 60s;
  SimDuration ec2_minimum_billed = 60s;
  /// Split cost allocation weights of a vCPU and of a GB of memory (AWS: 9:1, from
  /// Fargate's per-vCPU and per-GB prices).
  double split_cpu_weight = 9.0, split_memory_weight = 1.0;
};

struct RunConfig {
  SimDuration sample = 1min;
  bool write_summary = true;
  bool write_timeseries = true;
  bool write_events = true;
  bool write_tasks = false;
  int replications = 1;
};

struct ScenarioConfig {
  std::string name;
  std::uint64_t seed = 0;
  SimDuration duration = 1h;
  std::int64_t start_unix_seconds = 0;
  std::string region = "us-east-1";
  std::vector<std::string> availability_zones;
  AccountConfig account;
  TimingsConfig timings;
  PricingConfig pricing;
  std::vector<ClusterConfig> clusters;
  std::vector<InstanceTypeConfig> instance_types;  ///< the types the scenario's groups use
  std::vector<AsgProviderConfig> asg_providers;
  std::vector<TaskDefinitionConfig> task_definitions;
  std::vector<ServiceConfig> services;
  std::vector<RunTaskGroupConfig> run_tasks;
  std::vector<TimelineEntry> timeline;
  RunConfig run;
  std::vector<std::string> notices;  ///< e.g. AWS-only fields that were ignored

  int num_providers() const { return kNumBuiltinProviders + static_cast<int>(asg_providers.size()); }
  bool is_asg(int provider) const { return provider >= kNumBuiltinProviders; }
  const AsgProviderConfig& asg(int provider) const { return asg_providers[provider - kNumBuiltinProviders]; }
  /// FARGATE, FARGATE_SPOT, or the Auto Scaling group capacity provider's name.
  std::string provider_name(int provider) const;
  /// The same name without a copy (valid as long as the configuration).
  std::string_view provider_label(int provider) const;
};

/// Names of the built-in providers, indexed by ProviderKind.
const char* provider_name(int provider);
/// The Spot Instance Advisor band's name as AWS writes it (0 "<5%" ... 4 ">20%").
const char* spot_band_name(int band);

}  // namespace ecsim
