// Scaling policy evaluation: datapoints per second through Application Auto Scaling's
// target tracking (3-of-3 / 15-of-15 alarms) and a step scaling policy, for one service.
#include <benchmark/benchmark.h>

#include <cmath>

#include "ecsim/scaling/auto_scaler.hpp"

namespace {

using namespace ecsim;

AutoScalingConfig config(bool step) {
  AutoScalingConfig c;
  c.min_capacity = 1;
  c.max_capacity = 500;
  ScalingPolicyConfig p;
  p.name = "p";
  if (step) {
    StepScalingConfig s;
    s.alarm.threshold = 70;
    s.alarm.evaluation_periods = 3;
    s.alarm.datapoints_to_alarm = 2;
    s.steps = {{0.0, 10.0, 1}, {10.0, std::nullopt, 3}};
    p.kind = s;
  } else {
    p.kind = TargetTrackingConfig{};
  }
  c.policies.push_back(p);
  return c;
}

void run(benchmark::State& state, bool step) {
  auto scaler = scaling::make_auto_scaler(config(step), AutoScalingTimings{}, 0);
  int desired = 10;
  std::int64_t minute = 0;
  for (auto _ : state) {
    // A diurnal-looking CPU between 30 % and 90 %.
    const double cpu = 60 + 30 * std::sin(static_cast<double>(minute) / 90.0);
    MetricDatapoint d{at_millis(minute * 60'000), std::chrono::minutes(1), cpu, cpu * 0.5, std::nullopt};
    auto action = scaler->on_datapoint(d, at_millis((minute + 2) * 60'000), desired);
    if (action) desired = action->desired;
    benchmark::DoNotOptimize(desired);
    ++minute;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_TargetTrackingDatapoint(benchmark::State& state) { run(state, false); }
void BM_StepScalingDatapoint(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_TargetTrackingDatapoint);
BENCHMARK(BM_StepScalingDatapoint);

}  // namespace

BENCHMARK_MAIN();
