// Service auto scaling: hand-computed timelines through the whole simulator, and the
// AutoScaler, alarms and schedules on crafted datapoints.
#include <gtest/gtest.h>

#include "ecsim/scaling/auto_scaler.hpp"
#include "ecsim/scaling/metric_alarm.hpp"
#include "ecsim/scaling/schedule.hpp"
#include "test_util.hpp"

namespace ecsim::scaling {
namespace {

const std::string kTraces = std::string(ECSIM_SOURCE_DIR) + "/tests/data/traces/";

std::string step_scenario(const std::string& policy_extra = "") {
  // 5 tasks of 100 requests/s; demand 300 -> 900 at 1800 s -> 300 at 5400 s. Tasks are
  // RUNNING and healthy 24.5 s after launch (no app start time, no health checks).
  return R"(ecsim: 1
name: step
duration: 3h
start: "1970-01-01T00:00:00Z"
clusters: [{clusterName: c}]
taskDefinitions:
  - family: web
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "512"
    memory: "1024"
    containerDefinitions: [{name: web, image: w}]
    ecsim: {imageSizeMiB: 100, capacity: {requestsPerSecond: 100}}
services:
  - serviceName: web
    taskDefinition: web:1
    desiredCount: 5
    launchType: FARGATE
    load:
      trace: {file: )" + kTraces + R"(step_300_900_300.csv, time: t, value: rps, per: 1s}
    autoScaling:
      MinCapacity: )" + (policy_extra.empty() ? "5" : policy_extra) + R"(
      MaxCapacity: 50
      policies:
        - PolicyName: cpu70
          PolicyType: TargetTrackingScaling
          TargetTrackingScalingPolicyConfiguration:
            TargetValue: 70
            PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}
            ScaleOutCooldown: 300
            ScaleInCooldown: 300
)";
}

TEST(TargetTrackingTimeline, StepFrom300To900ScalesOutAfterThreeFullDatapointsAndLandsOn13) {
  auto r = ecsim::testing::run_yaml(step_scenario());
  const auto acts = r.times("SERVICE_SCALING_ACTIVITY");
  ASSERT_GE(acts.size(), 4u);
  // Datapoints [1800,1860), [1860,1920), [1920,1980) are at 100% and visible 60 s after
  // they end: the third at 2040 s. 5 -> ceil(5*100/70) = 8.
  EXPECT_DOUBLE_EQ(acts[0], 2040);
  // Scale-out cooldown (300 s) ends at 2340: 8 -> ceil(8*100/70) = 12.
  EXPECT_DOUBLE_EQ(acts[1], 2340);
  // At 12 tasks CPU is 75%; at 2640 the cooldown is over: 12 -> ceil(12*75/70) = 13.
  EXPECT_DOUBLE_EQ(acts[2], 2640);
  const auto& desired = r.sim->services()[0].desired_stats;
  EXPECT_EQ(desired.max(), 13);
  // Load falls to 300 at 5400: 15 datapoints below 63% ([5400,6300)), the last visible at
  // 6360: 13 -> max(MinCapacity 5, ceil(13*23.08/70) = 5).
  EXPECT_DOUBLE_EQ(acts[3], 6360);
  EXPECT_EQ(acts.size(), 4u);
  EXPECT_EQ(r.sim->services()[0].desired, 5);
  EXPECT_EQ(r.sim->services()[0].scaling_actions, 4);
}

TEST(TargetTrackingTimeline, NoDatapointsLagMeansDecisionsAtTheMinuteBoundary) {
  auto cfg = ecsim::testing::load_yaml(step_scenario(), {"timings.autoScaling.metricPublicationLag=0s"});
  auto r = ecsim::testing::run_config(cfg);
  EXPECT_DOUBLE_EQ(r.times("SERVICE_SCALING_ACTIVITY").at(0), 1980);
}

TEST(TargetTrackingTimeline, AOneMillisecondLagDelaysTheDecisionByOneMillisecond) {
  auto cfg = ecsim::testing::load_yaml(step_scenario(), {"timings.autoScaling.metricPublicationLag=1ms"});
  auto r = ecsim::testing::run_config(cfg);
  EXPECT_DOUBLE_EQ(r.times("SERVICE_SCALING_ACTIVITY").at(0), 1980.001);
}

TEST(TargetTrackingTimeline, HighResolutionDatapointsAverageIntoMinuteAlarms) {
  auto cfg = ecsim::testing::load_yaml(step_scenario(), {"timings.autoScaling.metricPeriod=10s"});
  auto r = ecsim::testing::run_config(cfg);
  const auto acts = r.times("SERVICE_SCALING_ACTIVITY");
  ASSERT_GE(acts.size(), 1u);
  EXPECT_DOUBLE_EQ(acts[0], 2040);  // the same three full minutes, visible 60 s later
  EXPECT_EQ(r.sim->services()[0].desired_stats.max(), 13);
}

// A 2-task service from 2024-03-01 00:00 UTC (a Friday) with one scheduled action raising
// MinCapacity to 6; `extra` adds fields to the action.
ecsim::testing::Ran run_scheduled(const std::string& schedule, const std::string& extra = "") {
  return ecsim::testing::run_yaml(ecsim::testing::fargate_scenario("10h", R"Y(
start: "2024-03-01T00:00:00Z"
services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 2
    launchType: FARGATE
    autoScaling:
      MinCapacity: 2
      MaxCapacity: 20
      scheduledActions:
        - ScheduledActionName: raise
          Schedule: ")Y" + schedule + R"Y("
          ScalableTargetAction: {MinCapacity: 6, MaxCapacity: 20}
)Y" + extra, ", capacity: {requestsPerSecond: 10}"));
}

TEST(ScheduledActions, CronRaisesMinCapacityOnTime) {
  // 2024-03-01 is a Friday: cron(0 8 ? * MON-FRI *) fires at 08:00 UTC = 28800 s.
  auto r = run_scheduled("cron(0 8 ? * MON-FRI *)");
  EXPECT_EQ(r.times("SERVICE_SCALING_ACTIVITY"), std::vector<double>{28800});
  EXPECT_EQ(r.sim->services()[0].desired, 6);
  EXPECT_EQ(r.sim->services()[0].running, 6);
}

TEST(ScheduledActions, CronFiresNoEarlierThanItsStartTime) {
  // Every hour on the hour, from StartTime 05:30: the first firing is 06:00 (21600 s); the
  // 01:00 to 05:00 ones are before StartTime.
  auto r = run_scheduled("cron(0 * * * ? *)", "          StartTime: \"2024-03-01T05:30:00Z\"\n");
  EXPECT_EQ(r.times("SERVICE_SCALING_ACTIVITY"), std::vector<double>{21600});
}

// A user's UpdateService left the desired count above MaxCapacity; a scheduled time at which
// no action fires changes nothing (only a firing action clamps to the new bounds).
TEST(AutoScaler, NoScheduledActionFiringMeansNoAction) {
  AutoScalingConfig cfg;
  cfg.min_capacity = 1;
  cfg.max_capacity = 10;
  ScheduledActionConfig sa;
  sa.name = "night";
  sa.schedule = "cron(0 2 * * ? *)";
  sa.min_capacity = 1;
  sa.max_capacity = 5;
  cfg.scheduled_actions.push_back(sa);
  AutoScalingTimings timings;
  AutoScaler scaler(cfg, timings, 0);
  EXPECT_EQ(scaler.on_scheduled(at_millis(3600'000), 50), std::nullopt);  // 01:00: nothing fires
  auto a = scaler.on_scheduled(at_millis(7200'000), 50);                   // 02:00: night fires
  ASSERT_TRUE(a);
  EXPECT_EQ(a->desired, 5);
  EXPECT_EQ(a->policy, "night");
}

MetricDatapoint dp(int minute, double cpu) {
  MetricDatapoint d = MetricDatapoint::over(at_millis(minute * 60'000LL), std::chrono::minutes(1));
  d.cpu_percent = cpu;
  return d;
}

TEST(AutoScaler, ScaleInWaitsForItsCooldown) {
  AutoScalingConfig cfg;
  cfg.min_capacity = 1;
  cfg.max_capacity = 20;
  AutoScalingTimings timings;
  auto scaler = std::make_unique<AutoScaler>(cfg, timings, 0);
  scaler->add_policy(make_target_tracking("tt", TargetTrackingConfig{70, MetricType::kCpuUtilization, 300s, 300s, false}, timings));
  int desired = 10;
  std::vector<std::pair<int, int>> actions;  // minute, new desired
  for (int m = 0; m < 40; ++m) {
    auto a = scaler->on_datapoint(dp(m, 50), at_millis((m + 1) * 60'000LL), desired);
    if (a) {
      desired = a->desired;
      actions.emplace_back(m, desired);
    }
  }
  // 15th low datapoint (m = 14): 10 -> ceil(10*50/70) = 8; cooldown 300 s, so the next at
  // m = 19: 8 -> ceil(8*50/70) = 6, then m = 24: 6 -> 5, m = 29: 5 -> 4, m = 34: 4 -> 3.
  EXPECT_EQ(actions, (std::vector<std::pair<int, int>>{{14, 8}, {19, 6}, {24, 5}, {29, 4}, {34, 3}}));
}

TEST(AutoScaler, DisableScaleInAndConsensusAmongTargetTrackingPolicies) {
  AutoScalingConfig cfg;
  cfg.min_capacity = 1;
  cfg.max_capacity = 20;
  AutoScalingTimings timings;
  // Policy B never scales in: it abstains, so A alone decides scale-in.
  AutoScaler s(cfg, timings, 0);
  s.add_policy(make_target_tracking("A", {70, MetricType::kCpuUtilization, 300s, 300s, false}, timings));
  s.add_policy(make_target_tracking("B", {50, MetricType::kCpuUtilization, 300s, 300s, true}, timings));
  std::optional<ScalingAction> a;
  for (int m = 0; m < 15; ++m) a = s.on_datapoint(dp(m, 30), at_millis((m + 1) * 60'000LL), 10);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->desired, 5);  // ceil(10*30/70)
  // Two policies that both scale in: the smaller reduction wins (the larger capacity).
  AutoScaler t(cfg, timings, 0);
  t.add_policy(make_target_tracking("A", {70, MetricType::kCpuUtilization, 300s, 300s, false}, timings));
  t.add_policy(make_target_tracking("C", {40, MetricType::kCpuUtilization, 300s, 300s, false}, timings));
  for (int m = 0; m < 15; ++m) a = t.on_datapoint(dp(m, 30), at_millis((m + 1) * 60'000LL), 10);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->desired, 8);  // C asks ceil(10*30/40) = 8, A asks 5: scale in to 8
  EXPECT_EQ(a->policy, "C");
}

TEST(AutoScaler, ScaleOutDuringCooldownOnlyWhenLarger) {
  AutoScalingConfig cfg;
  cfg.min_capacity = 1;
  cfg.max_capacity = 100;
  AutoScalingTimings timings;
  AutoScaler s(cfg, timings, 0);
  s.add_policy(make_target_tracking("A", {50, MetricType::kCpuUtilization, 300s, 300s, false}, timings));
  int desired = 10;
  std::vector<std::pair<int, int>> acts;
  const double cpu[] = {60, 60, 60, 100, 100, 100, 100, 100, 100, 100};
  for (int m = 0; m < 10; ++m) {
    if (auto a = s.on_datapoint(dp(m, cpu[m]), at_millis((m + 1) * 60'000LL), desired)) {
      desired = a->desired;
      acts.emplace_back(m, desired);
    }
  }
  // m=2: 10 -> 12 (ceil(10*60/50)); inside the cooldown the base stays 10: at m=3,
  // ceil(10*100/50) = 20 > 12 is a larger scale-out, so it happens; later ones are not larger.
  // The cooldown started at m=2 ends 300 s later (m=7): 20 -> 40.
  EXPECT_EQ(acts, (std::vector<std::pair<int, int>>{{2, 12}, {3, 20}, {7, 40}}));
}

TEST(StepScaling, AdjustmentTypesAndBounds) {
  AutoScalingConfig cfg;
  cfg.min_capacity = 1;
  cfg.max_capacity = 100;
  AutoScalingTimings timings;
  StepScalingConfig st;
  st.alarm = AlarmConfig{MetricType::kCpuUtilization, Statistic::kAverage, 80, Comparison::kGreaterThan, std::chrono::minutes(1), 1, 1};
  st.steps = {{0.0, 10.0, 1}, {10.0, std::nullopt, 3}};
  st.cooldown = 60s;
  auto run_one = [&](AdjustmentType type, std::vector<StepAdjustment> steps, double cpu, int desired, int magnitude = 0) {
    StepScalingConfig c = st;
    c.adjustment_type = type;
    c.steps = std::move(steps);
    c.min_adjustment_magnitude = magnitude;
    AutoScaler s(cfg, timings, 0);
    s.add_policy(make_step_scaling("steps", c));
    auto a = s.on_datapoint(dp(0, cpu), at_millis(60'000), desired);
    return a ? a->desired : desired;
  };
  EXPECT_EQ(run_one(AdjustmentType::kChangeInCapacity, st.steps, 85, 10), 11);   // 85-80 = 5 in [0,10)
  EXPECT_EQ(run_one(AdjustmentType::kChangeInCapacity, st.steps, 90, 10), 13);   // 10 in [10,inf)
  EXPECT_EQ(run_one(AdjustmentType::kChangeInCapacity, st.steps, 80, 10), 10);   // not above 80: no alarm
  EXPECT_EQ(run_one(AdjustmentType::kPercentChangeInCapacity, {{0.0, std::nullopt, 25}}, 95, 10), 12);  // 2.5 -> 2
  EXPECT_EQ(run_one(AdjustmentType::kPercentChangeInCapacity, {{0.0, std::nullopt, 5}}, 95, 10), 11);   // 0.5 -> 1
  EXPECT_EQ(run_one(AdjustmentType::kPercentChangeInCapacity, {{0.0, std::nullopt, 10}}, 95, 10, 4), 14);  // magnitude 4
  EXPECT_EQ(run_one(AdjustmentType::kExactCapacity, {{0.0, std::nullopt, 30}}, 95, 10), 30);
  EXPECT_EQ(run_one(AdjustmentType::kExactCapacity, {{0.0, std::nullopt, 300}}, 95, 10), 100);  // MaxCapacity
}

TEST(MetricAlarm, DatapointsToAlarmOutOfEvaluationPeriodsOverFiveMinutePeriods) {
  MetricAlarm a(AlarmConfig{MetricType::kCpuUtilization, Statistic::kAverage, 50, Comparison::kGreaterThan, std::chrono::minutes(5), 3, 2});
  // Periods of 5 datapoints: averages 40, 60, 45, 70 -> breaching: no, yes, no, yes.
  const double v[] = {40, 40, 40, 40, 40, 60, 60, 60, 60, 60, 45, 45, 45, 45, 45, 70, 70, 70, 70, 70};
  std::vector<bool> closed, alarm;
  for (int m = 0; m < 20; ++m) {
    if (a.add(dp(m, v[m]))) alarm.push_back(a.in_alarm());
  }
  EXPECT_EQ(alarm, (std::vector<bool>{false, false, false, true}));  // 2 of the last 3 at the 4th period
  EXPECT_EQ(a.last_statistic(), 70.0);
}

// M of N counts at least M: three breaching periods of three still alarm at 2 of 3, and the
// count follows the window as periods leave it (the ring of the last N).
TEST(MetricAlarm, MoreBreachingPeriodsThanDatapointsToAlarmStillAlarm) {
  MetricAlarm a(AlarmConfig{MetricType::kCpuUtilization, Statistic::kAverage, 50, Comparison::kGreaterThan, std::chrono::minutes(1), 3, 2});
  std::vector<bool> alarm;
  for (int m = 0; m < 7; ++m) {
    a.add(dp(m, m < 4 ? 90 : 10));  // breaching 4 periods, then 3 not
    alarm.push_back(a.in_alarm());
  }
  // windows: [b], [b b], [b b b], [b b b], [b b n], [b n n], [n n n]
  EXPECT_EQ(alarm, (std::vector<bool>{false, true, true, true, true, false, false}));
  a.reset();
  EXPECT_FALSE(a.in_alarm());
  a.add(dp(7, 90));
  EXPECT_FALSE(a.in_alarm());  // the count restarted with the history
}

TEST(MetricAlarm, MissingDataDoesNotBreach) {
  MetricAlarm a(AlarmConfig{MetricType::kCpuUtilization, Statistic::kMaximum, 50, Comparison::kGreaterThan, std::chrono::minutes(1), 2, 2});
  a.add(dp(0, 90));
  a.add(MetricDatapoint::over(at_millis(60'000), std::chrono::minutes(1)));
  EXPECT_FALSE(a.in_alarm());
  a.add(dp(2, 90));
  EXPECT_FALSE(a.in_alarm());
  a.add(dp(3, 90));
  EXPECT_TRUE(a.in_alarm());
}

std::int64_t unix_of(const char* iso) { return *parse_utc_millis(iso) / 1000; }

TEST(Schedule, CronWeekdayMornings) {
  std::string err;
  auto s = Schedule::parse("cron(0 8 ? * MON-FRI *)", &err);
  ASSERT_TRUE(s) << err;
  // Friday 2024-03-01 00:00 -> Fri 08:00; after that -> Mon 03-04 08:00.
  EXPECT_EQ(s->next_after(unix_of("2024-03-01T00:00:00Z"), 0), unix_of("2024-03-01T08:00:00Z"));
  EXPECT_EQ(s->next_after(unix_of("2024-03-01T08:00:00Z"), 0), unix_of("2024-03-04T08:00:00Z"));
}

// Each named day of the week, from Friday 2024-03-01: the next one is 1..7 days on (Sunday is
// 1 and Saturday 7 in AWS's cron; the names and the numbers agree).
TEST(Schedule, CronEveryDayOfTheWeekByNameAndNumber) {
  const char* names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  const char* next[] = {"2024-03-03", "2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08", "2024-03-02"};
  for (int i = 0; i < 7; ++i) {
    std::string err;
    auto by_name = Schedule::parse(std::string("cron(0 12 ? * ") + names[i] + " *)", &err);
    auto by_number = Schedule::parse("cron(0 12 ? * " + std::to_string(i + 1) + " *)", &err);
    ASSERT_TRUE(by_name && by_number) << err;
    const auto want = unix_of((std::string(next[i]) + "T12:00:00Z").c_str());
    EXPECT_EQ(by_name->next_after(unix_of("2024-03-01T12:00:00Z"), 0), want) << names[i];
    EXPECT_EQ(by_number->next_after(unix_of("2024-03-01T12:00:00Z"), 0), want) << names[i];
  }
}

TEST(Schedule, CronStepsListsNamesAndYears) {
  std::string err;
  auto s = Schedule::parse("cron(*/15 9-17 1,15 JAN,JUL ? 2025)", &err);
  ASSERT_TRUE(s) << err;
  EXPECT_EQ(s->next_after(unix_of("2024-12-31T00:00:00Z"), 0), unix_of("2025-01-01T09:00:00Z"));
  EXPECT_EQ(s->next_after(unix_of("2025-01-01T09:00:00Z"), 0), unix_of("2025-01-01T09:15:00Z"));
  EXPECT_EQ(s->next_after(unix_of("2025-01-01T17:45:00Z"), 0), unix_of("2025-01-15T09:00:00Z"));
  EXPECT_EQ(s->next_after(unix_of("2025-07-15T17:45:00Z"), 0), std::nullopt);
}

TEST(Schedule, RateAndAt) {
  std::string err;
  auto r = Schedule::parse("rate(2 hours)", &err);
  ASSERT_TRUE(r) << err;
  EXPECT_EQ(r->next_after(1000, 1000), 1000 + 7200);
  EXPECT_EQ(r->next_after(1000 + 7200, 1000), 1000 + 14400);
  auto a = Schedule::parse("at(2024-03-01T12:30:00)", &err);
  ASSERT_TRUE(a) << err;
  EXPECT_EQ(a->next_after(0, 0), unix_of("2024-03-01T12:30:00Z"));
  EXPECT_EQ(a->next_after(unix_of("2024-03-01T12:30:00Z"), 0), std::nullopt);
}

TEST(Schedule, InvalidExpressionsExplainTheForms) {
  std::string err;
  EXPECT_FALSE(Schedule::parse("cron(0 8 * * MON-FRI *)", &err));
  EXPECT_EQ(err, "cron(): exactly one of day-of-month and day-of-week must be '?'");
  EXPECT_FALSE(Schedule::parse("rate(0 minutes)", &err));
  EXPECT_FALSE(Schedule::parse("every day", &err));
  EXPECT_NE(err.find("expected at("), std::string::npos);
  EXPECT_FALSE(Schedule::parse("cron(61 8 ? * * *)", &err));
  EXPECT_EQ(err, "'61' is outside 0-59 in the minutes field");
}

}  // namespace
}  // namespace ecsim::scaling
