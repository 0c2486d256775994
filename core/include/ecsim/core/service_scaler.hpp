// The narrow interface through which the simulator asks a service's auto scaling what to do.
// Implemented in the scaling component (ecsim::scaling) and injected when a simulator is built.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ecsim/core/lazy_text.hpp"
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
  /// The load metrics of predictive scaling: the sum over the running tasks of their CPU and
  /// memory utilization (percent, averaged over the period; absent with cpu_percent), and the
  /// requests that reached the service in the period (RequestCount's Sum).
  std::optional<double> cpu_total_percent;
  std::optional<double> memory_total_percent;
  double requests = 0;
  double failed_requests = 0;    ///< answered with an error in the period (HTTPCode_Target_5XX_Count)
  double unserved_requests = 0;  ///< not served in the period (HTTPCode_ELB_5XX_Count)
  /// The datapoint of [start, start + period) with no metric yet.
  static MetricDatapoint over(SimTime start, SimDuration period) {
    MetricDatapoint d{};
    d.start = start;
    d.period = period;
    return d;
  }
};

/// What a predictive scaling policy holds for one instant (timeseries.csv): the forecast of the
/// hour that contains it and the capacity it has scheduled now (SchedulingBufferTime earlier).
struct ForecastView {
  std::optional<double> load;          ///< the load forecast of this hour
  std::optional<int> capacity;         ///< the capacity forecast of this hour
  std::optional<int> scheduled;        ///< the capacity applied now (ForecastAndScale only)
};

/// How a predictive policy's forecasts did over the run (summary.json): forecasts made and, for
/// each whole hour of the run that had one, the error of the load forecast in force when the
/// hour began against the load measured.
struct ForecastStats {
  int forecasts = 0;
  int capacity_raises = 0;      ///< scale-outs the policy made
  int hours_compared = 0;
  double mean_absolute_percent_error = 0;
  std::optional<int> max_capacity_raised_to;  ///< IncreaseMaxCapacity's last raise
};

/// What a scaling policy or scheduled action did: the new desired count and why.
struct ScalingAction {
  int desired = 0;
  std::string policy;  ///< PolicyName or ScheduledActionName
  LazyText reason;
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
  /// The first scheduled time at or after t=0 (a predictive forecast can be due at t=0;
  /// scheduled actions fire strictly after it, as next_scheduled(0) gives).
  virtual std::optional<SimTime> first_scheduled() const { return next_scheduled(SimTime{}); }
  /// The predictive forecast in force at `now`, if the scaler has a predictive policy.
  virtual std::optional<ForecastView> forecast(SimTime) const { return std::nullopt; }
  virtual std::optional<ForecastStats> forecast_stats() const { return std::nullopt; }
  /// Notes for the event log (forecasts made, maximum capacity raised) since the last call.
  virtual std::vector<std::string> take_notes() { return {}; }
  /// DynamicScalingInSuspended: target tracking and step scaling remove no capacity while
  /// set (Application Auto Scaling sets it while an ECS deployment is in progress).
  virtual void suspend_dynamic_scale_in(bool suspended) { (void)suspended; }
  /// Scale-ins a policy asked for while suspended (not carried out, no cooldown started).
  virtual std::int64_t suspended_scale_ins() const { return 0; }
};

}  // namespace ecsim
