// Load and metrics of services, and the scaling driver over their ServiceScalers.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>

#include "ecsim/core/events.hpp"
#include "ecsim/core/recorder.hpp"
#include "ecsim/core/service_scaler.hpp"
#include "ecsim/core/world.hpp"

namespace ecsim {

/// A service's load now, from each running task's own revision (capacity, CPU, memory).
struct LoadShape {
  double served_rps = 0;      ///< requests/s the healthy tasks serve
  double busy_share = 0;      ///< CPU: used over reserved CPU units of the running tasks
  double idle_memory = 0;     ///< memory % at idle, weighted by reserved memory
  double full_memory = 0;     ///< memory % at full load, weighted by reserved memory
  bool has_capacity = false;  ///< some running revision declares requests/s per task
  double primary_served_rps = 0;  ///< of served_rps, by the primary revision's tasks (not forced out)
  double failed_rps = 0;          ///< of served_rps, answered with an error (ecsim.errorRate)
  double primary_failed_rps = 0;  ///< of failed_rps, by the primary revision's tasks
};

/// Where a service's desired count is set (the service scheduler).
class DesiredCount {
 public:
  virtual ~DesiredCount() = default;
  virtual void set_desired(int service, int desired, const char* why) = 0;
};

/// Where a scenario alarm in ALARM is reported (the service scheduler: deployments watch them).
class AlarmSink {
 public:
  virtual ~AlarmSink() = default;
  virtual void on_alarm(int alarm) = 0;
};

/// Hands published datapoints and scheduled actions to each service's ServiceScaler and
/// applies what they decide (capped at the account's tasks per service); evaluates the
/// scenario's CloudWatch alarms on the same datapoints.
class ScalingDriver {
 public:
  ScalingDriver(World& w, ModelScheduler& sched, const Recorder& rec, DesiredCount& desired, AlarmSink& alarms)
      : w_(w), sched_(sched), rec_(rec), desired_(desired), alarms_(alarms), horizon_(SimTime{w.config.duration}) {}
  void on(const events::MetricPublish& e);
  void on(const events::ScheduledScaling& e);
  /// Schedules the service's next scheduled action (within the horizon).
  void schedule_next(int service);
  /// Schedules its first one, at or after t=0 (a predictive forecast is due at creation).
  void schedule_first(int service);

 private:
  void apply(int service, const std::optional<ScalingAction>& action);
  void emit_notes(int service);
  void evaluate_alarms(int service, const MetricDatapoint& d);
  World& w_;
  ModelScheduler& sched_;
  const Recorder& rec_;
  DesiredCount& desired_;
  AlarmSink& alarms_;
  SimTime horizon_;
};

/// Integrates each service's load exactly between changes (demand, running or healthy
/// counts) and closes a CloudWatch datapoint every metric period.
class LoadMetrics {
 public:
  LoadMetrics(World& w, ModelScheduler& sched, ScalingDriver& published) : w_(w), sched_(sched), published_(published) {}
  LoadShape shape(int service) const;
  /// shape() while a blue/green, linear or canary deployment splits production traffic
  /// between the primary revision's target group and the other tasks'.
  LoadShape split_shape(int service) const;
  /// Brings the service's integrals up to now; call before any change to its load state.
  void accumulate(int service);
  void on(const events::LoadChange& e);
  void on(const events::MetricTick& e);

 private:
  World& w_;
  ModelScheduler& sched_;
  ScalingDriver& published_;
};

}  // namespace ecsim
