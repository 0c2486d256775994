// Predictive scaling (Application Auto Scaling PolicyType PredictiveScaling): an hourly load
// forecast from the service's history, capacity = ceil(load / target) scheduled at the start
// of each hour less SchedulingBufferTime, never scaling in. AWS does not publish its
// forecasting model: the forecaster is an interface, with one documented built-in.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/scaling/scaling_policy.hpp"

namespace ecsim::scaling {

/// One UTC hour of a load metric: its mean over the part of the hour that has data.
struct HourlyLoad {
  std::int64_t hour_unix = 0;    ///< the hour's start, Unix seconds (a multiple of 3600)
  double load = 0;               ///< mean load over the covered part
  double covered_seconds = 0;    ///< how much of the hour has data (0, 3600]
};

/// Makes the hourly load forecast. `history` holds the hours with data within the policy's
/// history window (at most 14 days), oldest first; the result has one value per hour from
/// `first_hour_unix` on, `hours` of them. Implementations must be deterministic.
class Forecaster {
 public:
  virtual ~Forecaster() = default;
  virtual std::string name() const = 0;
  virtual std::vector<double> forecast(const std::vector<HourlyLoad>& history, std::int64_t first_hour_unix, int hours) = 0;
};

/// ecsim's built-in forecaster, an assumption (AWS's model is not published): each hour's
/// load is the mean of the same hour of the day on the last `days` days of history that have
/// it (seasonal naive with a daily season, averaged); an hour no day has gets the mean of the
/// whole history.
std::unique_ptr<Forecaster> make_same_hour_mean_forecaster(int days);

/// What a policy is built with besides its configuration (the registry passes it to every kind).
struct PolicyContext {
  AutoScalingTimings timings;
  std::int64_t start_unix_seconds = 0;
  /// The load metric before t=0, per UTC hour (from the service's load history).
  std::vector<HourlyLoad> history;
  /// Replaces the built-in forecaster (for example one written in Python); null: built-in.
  std::shared_ptr<Forecaster> forecaster;
};

/// The load-metric value of one datapoint for a predictive metric (CPU and memory: the sum over
/// the tasks of their utilization, percent; ALB: requests per minute), if it has one.
std::optional<double> predictive_load(const MetricDatapoint& d, PredictiveMetric metric);

/// The capacity a load needs at a target: ceil(load / target), never negative.
int predictive_capacity(double load, double target);

std::unique_ptr<ScalingPolicy> make_predictive_scaling(std::string name, const PredictiveScalingConfig& config,
                                                       PolicyContext context);

}  // namespace ecsim::scaling
