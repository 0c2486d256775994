// Predictive scaling: the service's hourly load history, forecasts every predictive_refresh,
// capacity scheduled per hour, and the built-in same-hour-mean forecaster.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scaling/predictive.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace ecsim::scaling {

namespace {

constexpr std::int64_t kHour = 3600;

std::string utc_hour(std::int64_t at_unix) { return format_utc(at_unix * 1000); }

class SameHourMean final : public Forecaster {
 public:
  explicit SameHourMean(int days) : days_(std::max(1, days)) {}
  std::string name() const override { return fmt::format("sameHourMean({}d)", days_); }
  std::vector<double> forecast(const std::vector<HourlyLoad>& history, std::int64_t first_hour_unix, int hours) override {
    std::map<std::int64_t, double> by_hour;
    double total = 0;
    for (const auto& h : history) {
      by_hour[h.hour_unix] = h.load;
      total += h.load;
    }
    const double fallback = history.empty() ? 0.0 : total / static_cast<double>(history.size());
    const std::int64_t last = history.empty() ? first_hour_unix : history.back().hour_unix;
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(std::max(0, hours)));
    for (int i = 0; i < hours; ++i) {
      const std::int64_t target = first_hour_unix + i * kHour;
      double sum = 0;
      int n = 0;
      // The same hour on earlier days, newest first, among the hours the history has.
      for (std::int64_t t = target - 24 * kHour; n < days_ && !by_hour.empty() && t >= by_hour.begin()->first; t -= 24 * kHour) {
        if (t > last) continue;
        if (auto it = by_hour.find(t); it != by_hour.end()) {
          sum += it->second;
          ++n;
        }
      }
      out.push_back(n > 0 ? sum / n : fallback);
    }
    return out;
  }

 private:
  int days_;
};

const char* metric_pair_name(PredictiveMetric m) {
  switch (m) {
    case PredictiveMetric::kCpu: return "ECSServiceCPUUtilization";
    case PredictiveMetric::kMemory: return "ECSServiceMemoryUtilization";
    case PredictiveMetric::kAlbRequestCount: return "ALBRequestCount";
  }
  return "?";
}

class PredictiveScaling final : public ScalingPolicy {
 public:
  PredictiveScaling(std::string name, const PredictiveScalingConfig& c, PolicyContext ctx)
      : name_(std::move(name)), config_(c), ctx_(std::move(ctx)) {
    if (!ctx_.forecaster) ctx_.forecaster = make_same_hour_mean_forecaster(c.forecaster_days);
    for (const auto& h : ctx_.history) add(h.hour_unix, h.load, h.covered_seconds);
  }

  const std::string& name() const override { return name_; }
  SimDuration scale_out_cooldown() const override { return SimDuration{0}; }
  SimDuration scale_in_cooldown() const override { return SimDuration{0}; }
  bool scales_in() const override { return false; }  // "predictive scaling will not scale in"

  ScalingDecision evaluate(const MetricDatapoint& d, SimTime, int, int) override {
    if (auto v = predictive_load(d, config_.metric)) {
      const std::int64_t from = unix_ms(d.start);
      // A datapoint that straddles an hour boundary is split between the two hours.
      for_each_utc_hour(from, from + d.period.count(),
                        [&](std::int64_t hour, std::int64_t ms) { add(hour * kHour, *v, static_cast<double>(ms) / 1000.0); });
    }
    return {};
  }

  std::optional<SimTime> next_wakeup(SimTime after, bool inclusive) const override {
    std::optional<SimTime> best;
    auto consider = [&](SimTime t) {
      if ((inclusive ? t >= after : t > after) && (!best || t < *best)) best = t;
    };
    // Forecast refreshes: at t=0 (the policy is created with the scenario) and every refresh after.
    const auto refresh = ctx_.timings.predictive_refresh.count();
    const auto a = to_millis(after);
    std::int64_t k = a <= 0 ? 0 : a / refresh;
    if (k * refresh < a || (!inclusive && k * refresh == a)) ++k;
    consider(at_millis(k * refresh));
    // The start of each forecast hour less the buffer (ForecastAndScale only).
    if (config_.forecast_and_scale)
      for (std::size_t i = 0; i < capacity_.size(); ++i) consider(action_time(i));
    return best;
  }

  ScalingDecision on_wakeup(SimTime now, int desired, int min, int max) override {
    const auto refresh = ctx_.timings.predictive_refresh.count();
    if (to_millis(now) % refresh == 0) make_forecast(now);
    if (!config_.forecast_and_scale) return {};
    const auto c = scheduled(now);
    if (!c) return {};
    ScalingDecision d;
    int ceiling = max;
    if (config_.increase_max_capacity) {
      // "If the buffer is 10 ... forecast capacity is 50, and the maximum capacity is 40, then
      // the effective maximum capacity is 55"; with 0 the maximum may reach the forecast.
      const int raised = static_cast<int>(std::ceil(*c * (1.0 + config_.max_capacity_buffer_percent / 100.0) - 1e-9));
      if (raised > max) {
        d.raise_max_capacity = raised;
        ceiling = raised;
      }
    }
    const int to = std::clamp(*c, min, std::max(min, ceiling));
    const std::size_t i = index_at(now);
    const std::string why = fmt::format("forecast capacity {} for the hour from {} (load {:.4g} / target {:.4g}){}", *c,
                                        utc_hour(first_hour_ + static_cast<std::int64_t>(i) * kHour), load_[i],
                                        config_.target_value,
                                        config_.scheduling_buffer.count() > 0
                                            ? fmt::format(", {} s early", config_.scheduling_buffer.count() / 1000)
                                            : std::string());
    if (d.raise_max_capacity) {
      notes_.push_back(fmt::format("policy={} raises MaxCapacity from {} to {}", name_, max, *d.raise_max_capacity));
      stats_.max_capacity_raised_to = d.raise_max_capacity;
    }
    if (to > desired) {
      ++stats_.capacity_raises;
      d.direction = ScalingDecision::Direction::kOut;
      d.new_capacity = to;
      d.reason = why;
    }
    return d;
  }

  std::optional<int> scale_in_floor(SimTime now) const override {
    if (!config_.forecast_and_scale) return std::nullopt;
    return scheduled(now);
  }

  std::optional<ForecastView> forecast(SimTime now) const override {
    ForecastView v;
    const std::int64_t hour = floor_div(unix_ms(now), kHour * 1000) * kHour;
    if (!capacity_.empty() && hour >= first_hour_ && hour < first_hour_ + static_cast<std::int64_t>(capacity_.size()) * kHour) {
      const auto i = static_cast<std::size_t>((hour - first_hour_) / kHour);
      v.load = load_[i];
      v.capacity = capacity_[i];
    }
    if (config_.forecast_and_scale) v.scheduled = scheduled(now);
    return v;
  }

  std::vector<std::string> take_notes() override { return std::exchange(notes_, {}); }

  std::optional<ForecastStats> forecast_stats() const override {
    ForecastStats out = stats_;
    Score s = scored_;
    for (const auto& [hour, b] : history_) score(s, hour, b);
    out.hours_compared = s.hours;
    out.mean_absolute_percent_error = s.hours > 0 ? s.ape_sum / s.hours : 0.0;
    return out;
  }

 private:
  struct Bucket {
    double weighted = 0;  // load x seconds
    double seconds = 0;
  };
  struct Score {
    int hours = 0;
    double ape_sum = 0;  // absolute percentage errors, summed
  };

  // A whole hour with a forecast in force when it began and a non-zero load adds its error.
  void score(Score& s, std::int64_t hour, const Bucket& b) const {
    auto it = predicted_.find(hour);
    if (it == predicted_.end() || b.seconds < 3600.0 - 1e-6 || b.weighted <= 0) return;
    const double actual = b.weighted / b.seconds;
    ++s.hours;
    s.ape_sum += 100.0 * std::abs(it->second - actual) / actual;
  }

  std::int64_t unix_ms(SimTime t) const { return ctx_.start_unix_seconds * 1000 + to_millis(t); }
  SimTime sim_time(std::int64_t unix_ms) const { return at_millis(unix_ms - ctx_.start_unix_seconds * 1000); }
  SimTime action_time(std::size_t i) const {
    return sim_time((first_hour_ + static_cast<std::int64_t>(i) * kHour) * 1000) - config_.scheduling_buffer;
  }

  void add(std::int64_t hour, double load, double seconds) {
    if (seconds <= 0) return;
    auto& b = history_[hour];
    b.weighted += load * seconds;
    b.seconds += seconds;
  }

  // The hour whose capacity applies at `now`: the last one whose action time has come.
  std::size_t index_at(SimTime now) const {
    std::size_t i = 0;
    while (i + 1 < capacity_.size() && action_time(i + 1) <= now) ++i;
    return i;
  }
  std::optional<int> scheduled(SimTime now) const {
    if (capacity_.empty() || action_time(0) > now) return std::nullopt;
    const std::size_t i = index_at(now);
    if (now >= action_time(i) + std::chrono::hours(1)) return std::nullopt;  // past the forecast's end
    return capacity_[i];
  }

  void make_forecast(SimTime now) {
    const std::int64_t now_unix = floor_div(unix_ms(now), 1000);
    const std::int64_t window_start = now_unix - ctx_.timings.predictive_max_history.count() / 1000;
    // Hours wholly before the window are forgotten.
    while (!history_.empty() && history_.begin()->first + kHour <= window_start) {
      score(scored_, history_.begin()->first, history_.begin()->second);
      predicted_.erase(history_.begin()->first);
      history_.erase(history_.begin());
    }
    std::vector<HourlyLoad> history;
    double covered = 0;
    for (const auto& [hour, b] : history_) {
      if (hour >= now_unix) break;
      history.push_back(HourlyLoad{hour, b.weighted / b.seconds, b.seconds});
      covered += b.seconds;
    }
    const double needed = static_cast<double>(ctx_.timings.predictive_min_history.count()) / 1000.0;
    if (covered < needed) {
      notes_.push_back(fmt::format("policy={} no forecast: {:.4g} h of history, {:.4g} h needed", name_, covered / 3600.0,
                                   needed / 3600.0));
      return;
    }
    const int hours = ctx_.timings.predictive_forecast_hours;
    first_hour_ = floor_div(now_unix, kHour) * kHour;
    load_ = ctx_.forecaster->forecast(history, first_hour_, hours);
    load_.resize(static_cast<std::size_t>(hours), load_.empty() ? 0.0 : load_.back());
    capacity_.clear();
    for (double l : load_) capacity_.push_back(predictive_capacity(l, config_.target_value));
    ++stats_.forecasts;
    // The forecast in force when an hour begins is the one its error is measured against.
    for (std::size_t i = 0; i < load_.size(); ++i) {
      const std::int64_t hour = first_hour_ + static_cast<std::int64_t>(i) * kHour;
      if (hour >= now_unix || !predicted_.count(hour)) predicted_[hour] = load_[i];
    }
    const auto peak = std::max_element(capacity_.begin(), capacity_.end()) - capacity_.begin();
    notes_.push_back(fmt::format("policy={} metric={} forecaster={} history={:.4g}h from={} hours={} capacity={}..{} peak={}", name_,
                                 metric_pair_name(config_.metric), ctx_.forecaster->name(), covered / 3600.0, utc_hour(first_hour_),
                                 hours, *std::min_element(capacity_.begin(), capacity_.end()), capacity_[peak],
                                 utc_hour(first_hour_ + peak * kHour)));
  }

  std::string name_;
  PredictiveScalingConfig config_;
  PolicyContext ctx_;
  std::map<std::int64_t, Bucket> history_;  // hour start (Unix s) -> its data
  std::int64_t first_hour_ = 0;             // the current forecast's first hour
  std::vector<double> load_;
  std::vector<int> capacity_;
  std::vector<std::string> notes_;
  std::map<std::int64_t, double> predicted_;  // hour -> the load forecast in force when it began
  Score scored_;                              // hours already forgotten
  ForecastStats stats_;
};

}  // namespace

std::unique_ptr<Forecaster> make_same_hour_mean_forecaster(int days) { return std::make_unique<SameHourMean>(days); }

std::optional<double> predictive_load(const MetricDatapoint& d, PredictiveMetric metric) {
  switch (metric) {
    case PredictiveMetric::kCpu: return d.cpu_total_percent;
    case PredictiveMetric::kMemory: return d.memory_total_percent;
    case PredictiveMetric::kAlbRequestCount: {
      const double minutes = static_cast<double>(d.period.count()) / 60'000.0;
      return minutes > 0 ? std::optional<double>(d.requests / minutes) : std::nullopt;
    }
  }
  return std::nullopt;
}

int predictive_capacity(double load, double target) {
  if (target <= 0 || !(load > 0)) return 0;
  return static_cast<int>(std::ceil(load / target - 1e-9));
}

std::unique_ptr<ScalingPolicy> make_predictive_scaling(std::string name, const PredictiveScalingConfig& config,
                                                       PolicyContext context) {
  return std::make_unique<PredictiveScaling>(std::move(name), config, std::move(context));
}

}  // namespace ecsim::scaling
