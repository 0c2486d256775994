// Service auto scaling policies: metrics and `now` in, a ScalingDecision out. The kernel,
// not the policy, applies cooldowns and the [MinCapacity, MaxCapacity] bounds.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ecsim/core/service_scaler.hpp"
#include "ecsim/core/time.hpp"

namespace ecsim::scaling {

/// A policy's request at one evaluation, before bounds and the other policies are applied.
struct ScalingDecision {
  enum class Direction { kNone, kOut, kIn };
  Direction direction = Direction::kNone;
  int new_capacity = 0;
  LazyText reason;  ///< formatted only for the event log
  /// A new MaxCapacity for the scalable target (predictive IncreaseMaxCapacity), kept after.
  std::optional<int> raise_max_capacity;
  /// A decision to go `direction` to `capacity`.
  static ScalingDecision to(Direction direction, int capacity, LazyText why) {
    ScalingDecision d;
    d.direction = direction;
    d.new_capacity = capacity;
    d.reason = std::move(why);
    return d;
  }
};

/// The behaviour every scaling policy implements: datapoints and `now` in, a decision out.
/// Policies keep their alarms' history; cooldown state is kept by the AutoScaler.
class ScalingPolicy {
 public:
  virtual ~ScalingPolicy() = default;
  virtual const std::string& name() const = 0;
  /// Feeds one datapoint. `base` is the capacity proportional rules scale from (the desired
  /// count, or the capacity before the scale-out that started a running scale-out cooldown).
  virtual ScalingDecision evaluate(const MetricDatapoint& d, SimTime now, int desired, int base) = 0;
  virtual SimDuration scale_out_cooldown() const = 0;
  virtual SimDuration scale_in_cooldown() const = 0;
  /// Target tracking policies scale in only when all of them agree; step policies act alone.
  virtual bool needs_consensus_to_scale_in() const { return false; }
  /// Whether this policy can ever ask for scale-in (DisableScaleIn: no).
  virtual bool scales_in() const { return true; }

  /// Policies that act on a clock of their own (predictive scaling's hourly schedule and its
  /// forecast refreshes): the first wake-up strictly after `after` (at or after it when
  /// `inclusive`), and what to do then. `min`/`max` are the scalable target's bounds now.
  virtual std::optional<SimTime> next_wakeup(SimTime /*after*/, bool /*inclusive*/) const { return std::nullopt; }
  virtual ScalingDecision on_wakeup(SimTime /*now*/, int /*desired*/, int /*min*/, int /*max*/) { return {}; }
  /// The capacity below which no other policy may scale in now (predictive: the capacity it
  /// has scheduled for this hour, "the larger wins").
  virtual std::optional<int> scale_in_floor(SimTime /*now*/) const { return std::nullopt; }
  /// The forecast in force at `now` (outputs), for a predictive policy.
  virtual std::optional<ForecastView> forecast(SimTime /*now*/) const { return std::nullopt; }
  virtual std::optional<ForecastStats> forecast_stats() const { return std::nullopt; }
  /// Notes for the event log since the last call (a forecast was made).
  virtual std::vector<std::string> take_notes() { return {}; }
};

/// Target tracking's proportional rule: ceil(current * metric / target). Integer-exact for
/// metrics given in hundredths so that e.g. 10 tasks at 77% for target 70 gives 11, not 12.
int proportional_capacity(int current, double metric, double target);

/// Clamps a requested capacity into [min_capacity, max_capacity].
int clamp_capacity(int requested, int min_capacity, int max_capacity);

}  // namespace ecsim::scaling
