// Every scaling policy kind (each alternative of ScalingPolicyConfig::kind, built through the
// make_policy registry) must pass these checks over a seeded stream of datapoints.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "ecsim/core/rng.hpp"
#include "ecsim/scaling/auto_scaler.hpp"

namespace ecsim::scaling {
namespace {

struct Sample {
  std::string name;
  ScalingPolicyConfig config;
};

ScalingPolicyConfig tt(MetricType m, double target, bool disable_in = false) {
  TargetTrackingConfig c;
  c.metric = m;
  c.target_value = target;
  c.disable_scale_in = disable_in;
  return {"tt", c};
}

ScalingPolicyConfig step(AdjustmentType type, Comparison cmp, double threshold, std::vector<StepAdjustment> steps) {
  StepScalingConfig c;
  c.adjustment_type = type;
  c.steps = std::move(steps);
  c.alarm.threshold = threshold;
  c.alarm.comparison = cmp;
  c.alarm.evaluation_periods = c.alarm.datapoints_to_alarm = 2;
  return {"step", c};
}

ScalingPolicyConfig predictive(PredictiveMetric m, double target) {
  PredictiveScalingConfig c;
  c.metric = m;
  c.target_value = target;
  c.forecast_and_scale = true;
  return {"predictive", c};
}

std::vector<Sample> samples() {
  return {
      {"PredictiveCpu", predictive(PredictiveMetric::kCpu, 50)},
      {"PredictiveAlbRequests", predictive(PredictiveMetric::kAlbRequestCount, 100)},
      {"TargetTrackingCpu", tt(MetricType::kCpuUtilization, 50)},
      {"TargetTrackingMemory", tt(MetricType::kMemoryUtilization, 60)},
      {"TargetTrackingAlbRequests", tt(MetricType::kAlbRequestCountPerTarget, 1000)},
      {"TargetTrackingNoScaleIn", tt(MetricType::kCpuUtilization, 50, /*disable_in=*/true)},
      {"StepOutChange", step(AdjustmentType::kChangeInCapacity, Comparison::kGreaterThan, 70,
                             {{0.0, 20.0, 1}, {20.0, std::nullopt, 3}})},
      {"StepOutPercent", step(AdjustmentType::kPercentChangeInCapacity, Comparison::kGreaterThanOrEqual, 60,
                              {{0.0, std::nullopt, 50}})},
      {"StepInChange", step(AdjustmentType::kChangeInCapacity, Comparison::kLessThan, 30, {{std::nullopt, 0.0, -2}})},
      {"StepExact", step(AdjustmentType::kExactCapacity, Comparison::kGreaterThan, 80, {{0.0, std::nullopt, 25}})},
  };
}

// Every kind gets the same context: a day of history before t=0 whose hour h held 100 h
// (CPU: percent summed over tasks; ALB: requests a minute), so clock-driven kinds act too.
std::unique_ptr<ScalingPolicy> build(const ScalingPolicyConfig& c) {
  PolicyContext ctx;
  for (int h = 0; h < 24; ++h) ctx.history.push_back(HourlyLoad{(h - 24) * 3600LL, 100.0 * h + 100.0, 3600});
  return std::visit([&](const auto& kind) { return make_policy(c.name, kind, ctx); }, c.kind);
}

// A day of one-minute datapoints: metrics swing between idle and overload (seeded), with
// gaps (no running task: no metric) one minute in twenty.
std::vector<MetricDatapoint> datapoints(std::uint64_t seed) {
  Rng r(seed);
  std::vector<MetricDatapoint> out;
  for (int m = 0; m < 1440; ++m) {
    MetricDatapoint d = MetricDatapoint::over(at_millis(m * 60'000LL), SimDuration{60'000});
    if (m % 20 != 7) {
      const double load = 50 + 45 * std::sin(m / 90.0) + 10 * (r.uniform01() - 0.5);
      d.cpu_percent = std::clamp(load, 0.0, 100.0);
      d.memory_percent = 20 + 0.6 * *d.cpu_percent;
      d.requests_per_target = 20 * *d.cpu_percent;
      d.cpu_total_percent = 10 * *d.cpu_percent;
      d.memory_total_percent = 10 * *d.memory_percent;
      d.requests = 10 * *d.requests_per_target;
    }
    out.push_back(d);
  }
  return out;
}

std::vector<std::tuple<int, int, std::string>> run(ScalingPolicy& p, const std::vector<MetricDatapoint>& ds) {
  std::vector<std::tuple<int, int, std::string>> out;
  const int desired = 10;
  SimTime clock{};
  bool first = true;
  for (const auto& d : ds) {
    const SimTime now = d.start + d.period + SimDuration{60'000};
    // A kind on its own clock wakes at the times it names, in order, up to this datapoint.
    for (auto w = p.next_wakeup(clock, first); w && *w <= now; w = p.next_wakeup(clock, false)) {
      EXPECT_GE(*w, clock) << "wake-ups must not go back in time";
      first = false;
      clock = *w;
      const auto dec = p.on_wakeup(*w, desired, 1, 100);
      out.emplace_back(static_cast<int>(dec.direction), dec.new_capacity, dec.reason.str());
    }
    const auto dec = p.evaluate(d, now, desired, desired);
    out.emplace_back(static_cast<int>(dec.direction), dec.new_capacity, dec.reason.str());
  }
  return out;
}

class PolicyConformance : public ::testing::TestWithParam<Sample> {};

TEST_P(PolicyConformance, DecisionsAreConsistentBoundedAndDeterministic) {
  const auto& c = GetParam().config;
  auto a = build(c);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name(), c.name);
  EXPECT_GE(a->scale_out_cooldown().count(), 0);
  EXPECT_GE(a->scale_in_cooldown().count(), 0);
  const auto ds = datapoints(11);
  const auto got = run(*a, ds);
  auto b = build(c);
  EXPECT_EQ(run(*b, ds), got) << "a fresh policy fed the same datapoints must decide the same";
  int outs = 0, ins = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto [dir, cap, reason] = got[i];
    const auto d = static_cast<ScalingDecision::Direction>(dir);
    if (d == ScalingDecision::Direction::kOut) {
      ++outs;
      EXPECT_GT(cap, 10) << "a scale-out must ask for more than the desired count (minute " << i << ")";
    }
    if (d == ScalingDecision::Direction::kIn) {
      ++ins;
      EXPECT_LT(cap, 10) << "a scale-in must ask for less (minute " << i << ")";
      EXPECT_GE(cap, 0);
      EXPECT_TRUE(a->scales_in()) << "a policy that never scales in asked to";
    }
    if (d != ScalingDecision::Direction::kNone) {
      EXPECT_FALSE(reason.empty());
    }
  }
  EXPECT_GT(outs + ins, 0) << "a day of swinging load should move every sample policy at least once";
}

TEST_P(PolicyConformance, NoMetricMeansNoDecision) {
  auto p = build(GetParam().config);
  for (int m = 0; m < 30; ++m) {
    const MetricDatapoint d = MetricDatapoint::over(at_millis(m * 60'000LL), SimDuration{60'000});
    EXPECT_EQ(p->evaluate(d, d.start + SimDuration{120'000}, 10, 10).direction, ScalingDecision::Direction::kNone);
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, PolicyConformance, ::testing::ValuesIn(samples()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace ecsim::scaling
