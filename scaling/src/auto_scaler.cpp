// Target tracking, step scaling, scheduled actions, and the scalable target that combines them.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scaling/auto_scaler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace ecsim::scaling {

namespace {

const char* metric_name(MetricType m) {
  switch (m) {
    case MetricType::kCpuUtilization: return "ECSServiceAverageCPUUtilization";
    case MetricType::kMemoryUtilization: return "ECSServiceAverageMemoryUtilization";
    case MetricType::kAlbRequestCountPerTarget: return "ALBRequestCountPerTarget";
    case MetricType::kRequestCount: return "RequestCount";
    case MetricType::kTargetErrors: return "HTTPCode_Target_5XX_Count";
    case MetricType::kUnserved: return "HTTPCode_ELB_5XX_Count";
  }
  return "?";
}

// The generated alarms' period: one datapoint, 60 s, or 20 s for a HighResolution metric (how
// many 20-second datapoints AWS's alarms take is not published: ecsim keeps the counts).
SimDuration alarm_period(const TargetTrackingConfig& c, const AutoScalingTimings& t) {
  return c.high_resolution ? t.high_resolution_period : SimDuration{60'000};
}

class TargetTracking final : public ScalingPolicy {
 public:
  TargetTracking(std::string name, const TargetTrackingConfig& c, const AutoScalingTimings& t)
      : name_(std::move(name)),
        config_(c),
        high_(AlarmConfig{c.metric, Statistic::kAverage, c.target_value, Comparison::kGreaterThan, alarm_period(c, t),
                          t.target_tracking_scale_out_datapoints, t.target_tracking_scale_out_datapoints}),
        low_(AlarmConfig{c.metric, Statistic::kAverage, c.target_value * t.target_tracking_scale_in_factor,
                         Comparison::kLessThan, alarm_period(c, t), t.target_tracking_scale_in_datapoints,
                         t.target_tracking_scale_in_datapoints}) {}

  const std::string& name() const override { return name_; }
  SimDuration scale_out_cooldown() const override { return config_.scale_out_cooldown; }
  SimDuration scale_in_cooldown() const override { return config_.scale_in_cooldown; }
  bool needs_consensus_to_scale_in() const override { return true; }
  bool scales_in() const override { return !config_.disable_scale_in; }

  ScalingDecision evaluate(const MetricDatapoint& d, SimTime, int desired, int base) override {
    // Alarms evaluate their periods (1 minute, or 20 s on a HighResolution metric); finer
    // datapoints are averaged into them.
    const bool closed = high_.add(d);
    low_.add(d);
    if (!closed) return {};
    const auto v = high_.last_statistic();
    if (!v) return {};
    if (high_.in_alarm()) {
      const int p = proportional_capacity(base, *v, config_.target_value);
      if (p > desired)
        return ScalingDecision::to(ScalingDecision::Direction::kOut, p, LazyText::deferred([this, v = *v] {
                  return fmt::format("AlarmHigh {} {:.4g} > {:.4g} for {} datapoints", metric_label(), v, config_.target_value,
                                     high_.config().evaluation_periods);
                }));
    } else if (!config_.disable_scale_in && low_.in_alarm()) {
      const int p = proportional_capacity(desired, *v, config_.target_value);
      if (p < desired)
        return ScalingDecision::to(ScalingDecision::Direction::kIn, p, LazyText::deferred([this, v = *v] {
                  return fmt::format("AlarmLow {} {:.4g} < {:.4g} for {} datapoints", metric_label(), v, low_.config().threshold,
                                     low_.config().evaluation_periods);
                }));
    }
    return {};
  }

 private:
  std::string metric_label() const { return std::string(metric_name(config_.metric)) + (config_.high_resolution ? "HighResolution" : ""); }
  std::string name_;
  TargetTrackingConfig config_;
  MetricAlarm high_, low_;
};

class StepScaling final : public ScalingPolicy {
 public:
  StepScaling(std::string name, const StepScalingConfig& c) : name_(std::move(name)), config_(c), alarm_(c.alarm) {}
  const std::string& name() const override { return name_; }
  SimDuration scale_out_cooldown() const override { return config_.cooldown; }
  SimDuration scale_in_cooldown() const override { return config_.cooldown; }

  ScalingDecision evaluate(const MetricDatapoint& d, SimTime, int desired, int base) override {
    if (!alarm_.add(d) || !alarm_.in_alarm()) return {};
    const auto stat = alarm_.last_statistic();
    if (!stat) return {};
    const double diff = *stat - config_.alarm.threshold;
    const StepAdjustment* step = nullptr;
    for (const auto& s : config_.steps) {
      const double lo = s.lower.value_or(-std::numeric_limits<double>::infinity());
      const double hi = s.upper.value_or(std::numeric_limits<double>::infinity());
      // Above the threshold the lower bound is inclusive; below it the upper bound is.
      const bool in = diff >= 0 ? (lo <= diff && diff < hi) : (lo < diff && diff <= hi);
      if (in) {
        step = &s;
        break;
      }
    }
    if (!step) return {};
    int target = desired;
    switch (config_.adjustment_type) {
      case AdjustmentType::kExactCapacity: target = step->adjustment; break;
      case AdjustmentType::kChangeInCapacity: target = (step->adjustment > 0 ? base : desired) + step->adjustment; break;
      case AdjustmentType::kPercentChangeInCapacity: {
        const int from = step->adjustment > 0 ? base : desired;
        const double raw = from * step->adjustment / 100.0;
        // Application Auto Scaling rounds toward zero, but a change between -1 and 1 becomes +-1.
        int delta = static_cast<int>(std::trunc(raw));
        if (delta == 0 && raw != 0) delta = raw > 0 ? 1 : -1;
        if (config_.min_adjustment_magnitude > 0 && std::abs(delta) < config_.min_adjustment_magnitude)
          delta = delta > 0 ? config_.min_adjustment_magnitude : -config_.min_adjustment_magnitude;
        target = from + delta;
        break;
      }
    }
    target = std::max(0, target);
    const auto reason = LazyText::deferred([this, v = *stat] {
      return fmt::format("alarm {} {:.4g} vs threshold {:.4g}", metric_name(config_.alarm.metric), v, config_.alarm.threshold);
    });
    if (target > desired) return ScalingDecision::to(ScalingDecision::Direction::kOut, target, reason);
    if (target < desired) return ScalingDecision::to(ScalingDecision::Direction::kIn, target, reason);
    return {};
  }

 private:
  std::string name_;
  StepScalingConfig config_;
  MetricAlarm alarm_;
};

}  // namespace

std::unique_ptr<ScalingPolicy> make_target_tracking(std::string name, const TargetTrackingConfig& config,
                                                    const AutoScalingTimings& timings) {
  return std::make_unique<TargetTracking>(std::move(name), config, timings);
}

std::unique_ptr<ScalingPolicy> make_step_scaling(std::string name, const StepScalingConfig& config) {
  return std::make_unique<StepScaling>(std::move(name), config);
}

AutoScaler::AutoScaler(const AutoScalingConfig& config, const AutoScalingTimings&, std::int64_t start_unix_seconds)
    : min_(config.min_capacity), max_(config.max_capacity), start_unix_(start_unix_seconds) {
  for (const auto& a : config.scheduled_actions) {
    std::string error;
    auto schedule = Schedule::parse(a.schedule, &error);
    if (!schedule) throw std::invalid_argument("scheduled action " + a.name + ": " + error);
    scheduled_.push_back(Scheduled{a, *schedule});
  }
}

void AutoScaler::add_policy(std::unique_ptr<ScalingPolicy> policy) { policies_.push_back(PolicyState{std::move(policy)}); }

int AutoScaler::clamp(int v) const { return clamp_capacity(v, min_, max_); }

std::optional<ScalingAction> AutoScaler::on_datapoint(const MetricDatapoint& d, SimTime now, int desired) {
  struct Vote {
    int capacity;
    std::size_t policy;
    LazyText reason;
  };
  std::vector<Vote> outs, consensus_ins, step_ins;
  bool any_consensus = false, consensus = true;
  for (std::size_t i = 0; i < policies_.size(); ++i) {
    auto& ps = policies_[i];
    const int base = ps.in_out_cooldown(now) ? ps.capacity_before_out : desired;
    ScalingDecision dec = ps.policy->evaluate(d, now, desired, base);
    const bool consensus_policy = ps.policy->needs_consensus_to_scale_in() && ps.policy->scales_in();
    const bool may_scale_in = now >= ps.in_until;
    if (consensus_policy) {
      any_consensus = true;
      if (dec.direction != ScalingDecision::Direction::kIn || !may_scale_in) consensus = false;
    }
    if (dec.direction == ScalingDecision::Direction::kOut) {
      outs.push_back({dec.new_capacity, i, dec.reason});
    } else if (dec.direction == ScalingDecision::Direction::kIn && may_scale_in) {
      (consensus_policy ? consensus_ins : step_ins).push_back({dec.new_capacity, i, dec.reason});
    }
  }
  auto largest = [](const std::vector<Vote>& v) {
    return *std::max_element(v.begin(), v.end(), [](const Vote& a, const Vote& b) { return a.capacity < b.capacity; });
  };
  if (!outs.empty()) {
    const Vote w = largest(outs);
    const int to = clamp(w.capacity);
    if (to <= desired) return std::nullopt;
    for (const auto& v : outs) {
      auto& ps = policies_[v.policy];
      if (!ps.in_out_cooldown(now)) {  // a running cooldown keeps its start and its base capacity
        ps.out_until = now + ps.policy->scale_out_cooldown();
        ps.capacity_before_out = desired;
      }
    }
    return ScalingAction{to, policies_[w.policy].policy->name(), w.reason};
  }
  const std::vector<Vote>* ins = nullptr;
  if (any_consensus && consensus && !consensus_ins.empty()) ins = &consensus_ins;
  else if (!step_ins.empty()) ins = &step_ins;
  if (!ins) return std::nullopt;
  // Suspended (an ECS deployment in progress): the policies are triggered but remove no
  // capacity and start no cooldown; their alarms stay in ALARM and act once it resumes.
  if (scale_in_suspended_) {
    ++suspended_scale_ins_;
    return std::nullopt;
  }
  const Vote w = largest(*ins);  // the smallest reduction any policy asks for
  int to = clamp(w.capacity);
  // "The larger wins": no scale-in below the capacity predictive scaling holds for this hour.
  if (auto floor = scale_in_floor(now)) to = std::max(to, clamp(*floor));
  if (to >= desired) return std::nullopt;
  for (const auto& v : *ins) policies_[v.policy].in_until = now + policies_[v.policy].policy->scale_in_cooldown();
  return ScalingAction{to, policies_[w.policy].policy->name(), w.reason};
}

std::optional<std::int64_t> AutoScaler::fire_time(const Scheduled& s, std::int64_t after_unix) const {
  const std::int64_t anchor = s.config.start_unix_seconds.value_or(start_unix_);
  std::int64_t after = after_unix;
  if (s.config.start_unix_seconds && after < *s.config.start_unix_seconds - 1) after = *s.config.start_unix_seconds - 1;
  auto t = s.schedule.next_after(after, anchor);
  if (!t || (s.config.end_unix_seconds && *t > *s.config.end_unix_seconds)) return std::nullopt;
  return t;
}

std::optional<SimTime> AutoScaler::next_time(SimTime after, bool inclusive) const {
  const std::int64_t after_unix = start_unix_ + to_millis(after) / 1000;
  std::optional<SimTime> best;
  for (const auto& s : scheduled_) {
    auto t = fire_time(s, after_unix);
    if (t && (!best || at_millis((*t - start_unix_) * 1000) < *best)) best = at_millis((*t - start_unix_) * 1000);
  }
  for (const auto& ps : policies_) {
    auto t = ps.policy->next_wakeup(after, inclusive);
    if (t && (!best || *t < *best)) best = t;
  }
  return best;
}

std::optional<SimTime> AutoScaler::next_scheduled(SimTime after) const { return next_time(after, false); }

std::optional<SimTime> AutoScaler::first_scheduled() const { return next_time(SimTime{}, true); }

std::optional<int> AutoScaler::scale_in_floor(SimTime now) const {
  std::optional<int> floor;
  for (const auto& ps : policies_)
    if (auto f = ps.policy->scale_in_floor(now); f && (!floor || *f > *floor)) floor = f;
  return floor;
}

std::optional<ForecastView> AutoScaler::forecast(SimTime now) const {
  for (const auto& ps : policies_)
    if (auto f = ps.policy->forecast(now)) return f;
  return std::nullopt;
}

std::optional<ForecastStats> AutoScaler::forecast_stats() const {
  for (const auto& ps : policies_)
    if (auto f = ps.policy->forecast_stats()) return f;
  return std::nullopt;
}

std::vector<std::string> AutoScaler::take_notes() {
  std::vector<std::string> out;
  for (auto& ps : policies_)
    for (auto& n : ps.policy->take_notes()) out.push_back(std::move(n));
  return out;
}

std::optional<ScalingAction> AutoScaler::on_scheduled(SimTime now, int desired) {
  const std::int64_t now_unix = start_unix_ + to_millis(now) / 1000;
  std::string name;
  LazyText reason;
  for (const auto& s : scheduled_) {
    auto t = fire_time(s, now_unix - 1);
    if (!t || *t != now_unix) continue;
    if (s.config.min_capacity) min_ = *s.config.min_capacity;
    if (s.config.max_capacity) max_ = *s.config.max_capacity;
    name = s.config.name;
    reason = fmt::format("{} sets MinCapacity={} MaxCapacity={}", s.config.schedule, min_, max_);
  }
  // Policies on their own clock (predictive scaling): they raise capacity, never lower it.
  int to = clamp(desired);
  for (auto& ps : policies_) {
    auto w = ps.policy->next_wakeup(now, true);
    if (!w || *w != now) continue;
    ScalingDecision d = ps.policy->on_wakeup(now, desired, min_, max_);
    if (d.raise_max_capacity && *d.raise_max_capacity > max_) max_ = *d.raise_max_capacity;
    if (d.direction == ScalingDecision::Direction::kOut && clamp(d.new_capacity) > to) {
      to = clamp(d.new_capacity);
      name = ps.policy->name();
      reason = d.reason;
    }
  }
  if (name.empty() || to == desired) return std::nullopt;
  return ScalingAction{to, name, reason};
}

std::unique_ptr<ScalingPolicy> make_policy(std::string name, const TargetTrackingConfig& config, const PolicyContext& context) {
  return make_target_tracking(std::move(name), config, context.timings);
}

std::unique_ptr<ScalingPolicy> make_policy(std::string name, const StepScalingConfig& config, const PolicyContext&) {
  return make_step_scaling(std::move(name), config);
}

std::unique_ptr<ScalingPolicy> make_policy(std::string name, const PredictiveScalingConfig& config, const PolicyContext& context) {
  return make_predictive_scaling(std::move(name), config, context);
}

std::unique_ptr<AutoScaler> make_auto_scaler(const AutoScalingConfig& config, const PolicyContext& context) {
  auto scaler = std::make_unique<AutoScaler>(config, context.timings, context.start_unix_seconds);
  for (const auto& p : config.policies) {
    // One make_policy overload per policy kind: a kind added to ScalingPolicyConfig::kind
    // without one does not compile (never a silent fallback to another kind).
    std::visit([&](const auto& kind) { scaler->add_policy(make_policy(p.name, kind, context)); }, p.kind);
  }
  return scaler;
}

std::unique_ptr<AutoScaler> make_auto_scaler(const AutoScalingConfig& config, const AutoScalingTimings& timings,
                                             std::int64_t start_unix_seconds) {
  PolicyContext context;
  context.timings = timings;
  context.start_unix_seconds = start_unix_seconds;
  return make_auto_scaler(config, context);
}

}  // namespace ecsim::scaling
