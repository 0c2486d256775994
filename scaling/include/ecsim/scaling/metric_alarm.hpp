// A CloudWatch metric alarm over a service's 1-minute datapoints.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <deque>
#include <optional>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/core/service_scaler.hpp"

namespace ecsim::scaling {

/// The value of `metric` in a datapoint, if ECS published one.
std::optional<double> metric_value(const MetricDatapoint& d, MetricType metric);

/// Evaluates an alarm the way CloudWatch does: each period (period_minutes of 1-minute
/// datapoints, aligned to t=0) yields one statistic; the alarm is in ALARM when at least
/// datapoints_to_alarm of the last evaluation_periods statistics breach the threshold.
/// Missing data (no datapoint in a period) counts as not breaching.
class MetricAlarm {
 public:
  explicit MetricAlarm(AlarmConfig config) : config_(config) {}
  /// Feeds the next 1-minute datapoint. Returns true when it closed a period (the alarm was evaluated).
  bool add(const MetricDatapoint& d);
  bool in_alarm() const { return in_alarm_; }
  /// The statistic of the last closed period.
  std::optional<double> last_statistic() const { return periods_.empty() ? std::nullopt : periods_.back(); }
  const AlarmConfig& config() const { return config_; }
  /// Clears the evaluation history (Application Auto Scaling does not; used by tests).
  void reset();

 private:
  bool breaches(double v) const;
  AlarmConfig config_;
  std::vector<double> partial_;
  std::deque<std::optional<double>> periods_;
  bool in_alarm_ = false;
};

}  // namespace ecsim::scaling
