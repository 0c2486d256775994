// A CloudWatch metric alarm over a service's datapoints: the alarms Application Auto Scaling
// creates, a step scaling policy's, and the scenario's own (deployment alarms).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <optional>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/core/service_scaler.hpp"

namespace ecsim {

/// The value of `metric` in a datapoint, if ECS published one.
std::optional<double> metric_value(const MetricDatapoint& d, MetricType metric);

/// Evaluates an alarm the way CloudWatch does: each period (a whole number of the service's
/// datapoints, aligned to t=0) yields one statistic; the alarm is in ALARM when at least
/// datapoints_to_alarm of the last evaluation_periods statistics breach the threshold.
/// Missing data (no datapoint in a period) counts as not breaching.
class MetricAlarm {
 public:
  explicit MetricAlarm(AlarmConfig config)
      : config_(config), ring_(static_cast<std::size_t>(std::max(1, config.evaluation_periods))) {}
  /// Feeds the next 1-minute datapoint. Returns true when it closed a period (the alarm was evaluated).
  bool add(const MetricDatapoint& d);
  bool in_alarm() const { return in_alarm_; }
  /// The statistic of the last closed period.
  std::optional<double> last_statistic() const { return count_ == 0 ? std::nullopt : ring_[last_].statistic; }
  const AlarmConfig& config() const { return config_; }
  /// Clears the evaluation history (Application Auto Scaling does not; used by tests).
  void reset();

 private:
  bool breaches(double v) const;
  AlarmConfig config_;
  std::vector<double> partial_;
  struct Period {
    std::optional<double> statistic;
    bool breaching = false;
  };
  std::vector<Period> ring_;  ///< the last evaluation_periods closed periods, a ring
  std::size_t last_ = 0;      ///< the newest of ring_
  std::size_t count_ = 0;     ///< periods in ring_ (at most its size)
  int breaching_ = 0;         ///< how many of them breach (kept as they come and go)
  bool in_alarm_ = false;
};

}  // namespace ecsim
