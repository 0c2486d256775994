// Scenario configuration: service auto scaling: scalable target, target tracking and step policies, scheduled actions.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/load.hpp"

namespace ecsim {

using namespace std::chrono_literals;

/// Predefined metrics of ECS services (Application Auto Scaling names).
/// The metrics an alarm or a policy reads from a service's datapoints. The first three are
/// Application Auto Scaling's predefined metrics; the others are CloudWatch metrics a
/// scenario's own alarms may watch: the load balancer's RequestCount, HTTPCode_Target_5XX_Count
/// (requests a revision answers with an error) and HTTPCode_ELB_5XX_Count (requests no healthy
/// target could take).
enum class MetricType { kCpuUtilization, kMemoryUtilization, kAlbRequestCountPerTarget, kRequestCount, kTargetErrors, kUnserved };

struct TargetTrackingConfig {
  double target_value = 70;
  MetricType metric = MetricType::kCpuUtilization;
  SimDuration scale_out_cooldown = 300s;
  SimDuration scale_in_cooldown = 300s;
  bool disable_scale_in = false;
  /// An ...HighResolution predefined metric: the alarms read the service's 20-second datapoints.
  bool high_resolution = false;
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
  SimDuration period = 60s;  ///< a whole number of the service's datapoints, aligned to t=0
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;
};
/// A CloudWatch metric alarm of the scenario (cloudWatchAlarms[], PutMetricAlarm's fields) on
/// one service's metrics; deploymentConfiguration.alarms names it.
struct CloudWatchAlarmConfig {
  std::string name;
  int service = 0;
  std::string metric_name;  ///< as given (events.csv)
  AlarmConfig alarm;
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

/// The load metric a predictive scaling policy forecasts, with its scaling metric: a predefined
/// metric pair (or the same family's load and scaling metrics given one by one).
enum class PredictiveMetric {
  kCpu,              ///< ECSServiceCPUUtilization: load ECSServiceTotalCPUUtilization, scaling ...AverageCPUUtilization
  kMemory,           ///< ECSServiceMemoryUtilization: load ...TotalMemoryUtilization, scaling ...AverageMemoryUtilization
  kAlbRequestCount,  ///< ALBRequestCount: load TotalALBRequestCount, scaling ALBRequestCountPerTarget (per minute)
};

/// PutScalingPolicy with PolicyType PredictiveScaling (PredictiveScalingPolicyConfiguration).
struct PredictiveScalingConfig {
  PredictiveMetric metric = PredictiveMetric::kCpu;
  double target_value = 70;        ///< the scaling metric's target: capacity = ceil(load / target)
  bool forecast_and_scale = false;  ///< Mode: ForecastOnly (default) or ForecastAndScale
  SimDuration scheduling_buffer = 300s;  ///< SchedulingBufferTime: capacity applied this much before each hour
  bool increase_max_capacity = false;    ///< MaxCapacityBreachBehavior IncreaseMaxCapacity
  int max_capacity_buffer_percent = 0;   ///< MaxCapacityBuffer
  /// ecsim's built-in forecaster (AWS does not publish its model): the mean of the same hour of
  /// the day over the last `forecaster_days` days of history.
  int forecaster_days = 7;
};

struct ScalingPolicyConfig {
  std::string name;
  std::variant<TargetTrackingConfig, StepScalingConfig, PredictiveScalingConfig> kind;
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

}  // namespace ecsim
