// A service's scalable target: target tracking and step scaling policies, scheduled actions,
// cooldowns and capacity bounds, as Application Auto Scaling documents them.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/core/service_scaler.hpp"
#include "ecsim/scaling/metric_alarm.hpp"
#include "ecsim/scaling/predictive.hpp"
#include "ecsim/scaling/schedule.hpp"
#include "ecsim/scaling/scaling_policy.hpp"

namespace ecsim::scaling {

/// Target tracking: an AlarmHigh (metric > target, 3 of 3) and an AlarmLow
/// (metric < factor * target, 15 of 15); new capacity = ceil(base * metric / target).
std::unique_ptr<ScalingPolicy> make_target_tracking(std::string name, const TargetTrackingConfig& config,
                                                    const AutoScalingTimings& timings);
/// Step scaling: one alarm, step adjustments relative to its threshold.
std::unique_ptr<ScalingPolicy> make_step_scaling(std::string name, const StepScalingConfig& config);
/// The policy registry: one overload per alternative of ScalingPolicyConfig::kind.
std::unique_ptr<ScalingPolicy> make_policy(std::string name, const TargetTrackingConfig& config, const PolicyContext& context);
std::unique_ptr<ScalingPolicy> make_policy(std::string name, const StepScalingConfig& config, const PolicyContext& context);
std::unique_ptr<ScalingPolicy> make_policy(std::string name, const PredictiveScalingConfig& config, const PolicyContext& context);

/// The ServiceScaler the simulator drives.
class AutoScaler final : public ServiceScaler {
 public:
  AutoScaler(const AutoScalingConfig& config, const AutoScalingTimings& timings, std::int64_t start_unix_seconds);
  /// Adds a policy (built-in or user-defined). The scaler owns it.
  void add_policy(std::unique_ptr<ScalingPolicy> policy);

  int min_capacity() const override { return min_; }
  int max_capacity() const override { return max_; }
  std::optional<ScalingAction> on_datapoint(const MetricDatapoint& d, SimTime now, int desired) override;
  std::optional<SimTime> next_scheduled(SimTime after) const override;
  std::optional<SimTime> first_scheduled() const override;
  std::optional<ScalingAction> on_scheduled(SimTime now, int desired) override;
  std::optional<ForecastView> forecast(SimTime now) const override;
  std::optional<ForecastStats> forecast_stats() const override;
  std::vector<std::string> take_notes() override;
  void suspend_dynamic_scale_in(bool suspended) override { scale_in_suspended_ = suspended; }
  std::int64_t suspended_scale_ins() const override { return suspended_scale_ins_; }

 private:
  struct PolicyState {
    std::unique_ptr<ScalingPolicy> policy;
    SimTime out_until{}, in_until{};
    int capacity_before_out = 0;
    bool in_out_cooldown(SimTime now) const { return now < out_until; }
  };
  struct Scheduled {
    ScheduledActionConfig config;
    Schedule schedule;
  };
  std::optional<std::int64_t> fire_time(const Scheduled& s, std::int64_t after_unix) const;
  std::optional<SimTime> next_time(SimTime after, bool inclusive) const;
  int clamp(int v) const;
  /// The highest capacity any policy holds as a floor for scale-in now (predictive scaling).
  std::optional<int> scale_in_floor(SimTime now) const;

  int min_, max_;
  std::int64_t start_unix_;
  bool scale_in_suspended_ = false;
  std::int64_t suspended_scale_ins_ = 0;
  std::vector<PolicyState> policies_;
  std::vector<Scheduled> scheduled_;
};

/// Builds the scaler for a service's AutoScalingConfig with the built-in policies.
std::unique_ptr<AutoScaler> make_auto_scaler(const AutoScalingConfig& config, const PolicyContext& context);
std::unique_ptr<AutoScaler> make_auto_scaler(const AutoScalingConfig& config, const AutoScalingTimings& timings,
                                             std::int64_t start_unix_seconds);

}  // namespace ecsim::scaling
