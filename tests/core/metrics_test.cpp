// The metrics ECS publishes to CloudWatch, as a service's scaler sees them, and other
// behaviours a mutation run showed the suite did not pin (see .ci/mutants).
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "ecsim/core/load_source.hpp"
#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/core/stats.hpp"
#include "ecsim/placement/fargate_placer.hpp"
#include "test_util.hpp"

namespace ecsim {
namespace {

// Records every datapoint it is shown and never acts.
class SpyScaler final : public ServiceScaler {
 public:
  std::vector<MetricDatapoint>* seen;
  explicit SpyScaler(std::vector<MetricDatapoint>* s) : seen(s) {}
  int min_capacity() const override { return 0; }
  int max_capacity() const override { return 100; }
  std::optional<ScalingAction> on_datapoint(const MetricDatapoint& d, SimTime, int) override {
    seen->push_back(d);
    return std::nullopt;
  }
  std::optional<SimTime> next_scheduled(SimTime) const override { return std::nullopt; }
  std::optional<ScalingAction> on_scheduled(SimTime, int) override { return std::nullopt; }
};

// Two services on a task of 100 requests/s at 100 % CPU, memory 20 % idle and 80 % at full
// load: `web` with 4 tasks and 300 requests/s, `empty` with none.
std::vector<std::vector<MetricDatapoint>> datapoints_of_two_services() {
  auto cfg = testing::load_yaml(testing::fargate_scenario("10m", R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 4, launchType: FARGATE, load: {constant: {requestsPerSecond: 300}}}
  - {serviceName: empty, taskDefinition: web:1, desiredCount: 0, launchType: FARGATE, load: {constant: {requestsPerSecond: 300}}}
)", ", capacity: {requestsPerSecond: 100}, memoryUtilization: {idlePercent: 20, fullLoadPercent: 80}"));
  std::vector<std::vector<MetricDatapoint>> seen(2);
  std::vector<std::unique_ptr<ServiceScaler>> scalers;
  scalers.push_back(std::make_unique<SpyScaler>(&seen[0]));
  scalers.push_back(std::make_unique<SpyScaler>(&seen[1]));
  Simulator sim(cfg, placement::make_default_placer(), std::move(scalers));
  sim.run();
  return seen;
}

TEST(Metrics, AFullPeriodOfFourHealthyTasksGivesCpuMemoryAndRequestsPerTarget) {
  const auto seen = datapoints_of_two_services();
  ASSERT_GE(seen[0].size(), 5u);
  // The datapoint of [120 s, 180 s): all four tasks healthy throughout. CPU = 300 / 400 =
  // 75 %; memory = 20 + (80 - 20) x 0.75 = 65 %; requests per target = 300 x 60 / 4 = 4,500.
  const auto& d = seen[0][2];
  EXPECT_EQ(to_seconds(d.start), 120.0);
  EXPECT_EQ(to_seconds(d.period), 60.0);
  ASSERT_TRUE(d.cpu_percent && d.memory_percent && d.requests_per_target);
  EXPECT_DOUBLE_EQ(*d.cpu_percent, 75.0);
  EXPECT_DOUBLE_EQ(*d.memory_percent, 65.0);
  EXPECT_DOUBLE_EQ(*d.requests_per_target, 4500.0);
}

TEST(Metrics, NoRunningTaskAndNoHealthyTargetPublishNoMetric) {
  const auto seen = datapoints_of_two_services();
  ASSERT_GE(seen[1].size(), 5u);
  for (const auto& d : seen[1]) {
    EXPECT_FALSE(d.cpu_percent.has_value());
    EXPECT_FALSE(d.memory_percent.has_value());
    EXPECT_FALSE(d.requests_per_target.has_value());  // no healthy target: no request count per target
  }
}

TEST(ServiceScheduler, ScaleInStopsTasksNotYetRunningBeforeRunningOnes) {
  // 4 tasks RUNNING at 2 min; desired 8 then, a second later, 5: the three newest of the four
  // new tasks (not running yet) stop at once; no running task is touched.
  auto r = testing::run_yaml(testing::fargate_scenario("10m", R"(services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 4, launchType: FARGATE}
timeline:
  - {at: 120s, updateService: {service: web, desiredCount: 8}}
  - {at: 121s, updateService: {service: web, desiredCount: 5}}
)"));
  EXPECT_EQ(r.tasks("TASK_STOPPED"), (std::vector<std::uint64_t>{8, 7, 6}));
  EXPECT_EQ(r.times("TASK_STOPPED"), (std::vector<double>{121, 121, 121}));
  EXPECT_EQ(r.sim->services()[0].running, 5);
}

TEST(BatchArrivals, ADiurnalPoissonRateAveragesToItsMeanAndPeaksWhereTheSineDoes) {
  // rate(t) = 1/s x (1 + 0.9 sin(2 pi t / 1000 s)) for 20,000 s: about 20,000 arrivals
  // (Poisson: sd ~141, so 5 % is 7 sd), and the first half of each period (sin > 0) gets
  // 1 + 0.9 x 2/pi = 1.57 times the mean rate, the second half 0.43 times.
  auto r = testing::run_yaml(testing::fargate_scenario("20000s", R"(runTasks:
  - name: jobs
    cluster: c
    taskDefinition: web:1
    capacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}]
    arrivals: {poisson: {ratePerSecond: 1, diurnal: {amplitude: 0.9, period: 1000s}, duration: {fixed: 1s}}}
account: {fargateLaunchRate: {burst: 100000, perSecond: 100000}, fargateVcpuQuota: {onDemand: 100000}}
)"));
  const auto submitted = r.times("RUN_TASK_SUBMITTED");
  EXPECT_NEAR(static_cast<double>(submitted.size()), 20000.0, 1000.0);
  std::size_t first_half = 0;
  for (double t : submitted) first_half += std::fmod(t, 1000.0) < 500.0;
  EXPECT_NEAR(static_cast<double>(first_half) / static_cast<double>(submitted.size()), 1.573 / 2.0, 0.02);
}

TEST(BinnedSamples, ZeroIsKeptAsZero) {
  BinnedSamples cpu(0.01, 100.0);
  cpu.add(0.0);
  cpu.add(0.0);
  cpu.add(50.0);
  EXPECT_DOUBLE_EQ(cpu.percentile(50), 0.0);
  EXPECT_DOUBLE_EQ(cpu.percentile(100), 50.0);
  EXPECT_NEAR(cpu.mean(), 50.0 / 3.0, 1e-12);
}

TEST(CivilDate, EveryDayFrom1970To2400RoundTripsIncludingLeapDays) {
  std::int64_t day = days_from_civil(1970, 1, 1);
  EXPECT_EQ(day, 0);
  for (; day < days_from_civil(2400, 12, 31); ++day) {
    const auto c = civil_from_days(day);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), day) << c.year << "-" << c.month << "-" << c.day;
  }
  const auto leap = civil_from_days(days_from_civil(2000, 2, 29));  // the last day of a 400-year era
  EXPECT_EQ((std::vector<int>{leap.year, leap.month, leap.day}), (std::vector<int>{2000, 2, 29}));
  const auto next = civil_from_days(days_from_civil(2000, 2, 29) + 1);
  EXPECT_EQ((std::vector<int>{next.year, next.month, next.day}), (std::vector<int>{2000, 3, 1}));
}

TEST(TraceCsv, QuotedFieldsKeepCommasQuotesAndSpaces) {
  EXPECT_EQ(split_csv_line(R"(a b,"c, d","say ""hi""",!x)"),
            (std::vector<std::string>{"a b", "c, d", "say \"hi\"", "!x"}));
}

TEST(BatchArrivals, FailedTasksOfTheFirstGroupAreCounted) {
  // A revision whose essential container exits at start: every batch task of group 0 fails
  // (no retries), and each failure is counted as failed, not completed.
  auto r = testing::run_yaml(testing::fargate_scenario("10m", R"(runTasks:
  - name: jobs
    cluster: c
    taskDefinition: web:1
    capacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}]
    arrivals: {poisson: {ratePerSecond: 0.05, duration: {fixed: 30s}}}
)", ", appStartTime: 2s, failToStart: true"));
  const auto& g = r.sim->run_task_groups().at(0);
  ASSERT_GT(g.submitted, 5);
  EXPECT_EQ(g.completed, 0);
  EXPECT_EQ(g.failed + g.live, g.submitted);
  EXPECT_GT(g.failed, 0);
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

// A service at 75 % CPU against a 50 % target from t = 0 (4 tasks, RUNNING at 24.5 s).
std::string busy_service(const std::string& metric, const std::string& monitoring, const std::string& extra = "") {
  return testing::fargate_scenario("10m", R"(services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 4
    launchType: FARGATE
    load: {constant: {requestsPerSecond: 300}})" + monitoring + R"(
    autoScaling:
      MinCapacity: 1
      MaxCapacity: 50
      policies:
        - {PolicyName: cpu50, PolicyType: TargetTrackingScaling,
           TargetTrackingScalingPolicyConfiguration: {TargetValue: 50, ScaleOutCooldown: 600,
             PredefinedMetricSpecification: {PredefinedMetricType: )" + metric + R"(}}}
)" + extra, ", capacity: {requestsPerSecond: 100}");
}

const char* kFast = "\n    monitoring: {metricConfigurations: [{metricNames: [CPUUtilization], resolutionSeconds: 20}]}";

TEST(HighResolutionMetrics, TargetTrackingActsOnThree20SecondDatapointsPlusTheirLag) {
  // 20-second periods: 0-20 s has no running task (no datapoint); 20-40, 40-60 and 60-80 s
  // average 75 % over the running tasks' time: the third closes at 80 s, visible 20 s later.
  auto fast = testing::run_yaml(busy_service("ECSServiceAverageCPUUtilizationHighResolution", kFast));
  ASSERT_FALSE(fast.times("SERVICE_SCALING_ACTIVITY").empty());
  EXPECT_EQ(fast.times("SERVICE_SCALING_ACTIVITY")[0], 100);
  // The 60-second metric of the same service: 3 minutes + 60 s.
  auto slow = testing::run_yaml(busy_service("ECSServiceAverageCPUUtilization", ""));
  EXPECT_EQ(slow.times("SERVICE_SCALING_ACTIVITY")[0], 240);
  // The lag is a setting: 60 s instead of 20 s moves the action 40 s later.
  auto lagged = testing::run_yaml(busy_service("ECSServiceAverageCPUUtilizationHighResolution", kFast,
                                               "timings: {autoScaling: {highResolutionPublicationLag: 60s}}\n"));
  EXPECT_EQ(lagged.times("SERVICE_SCALING_ACTIVITY")[0], 140);
  // 20-second metrics with a standard policy: the alarms still take 1-minute periods (closing
  // at 60, 120, 180 s), but the datapoints arrive 20 s after their period.
  auto mixed = testing::run_yaml(busy_service("ECSServiceAverageCPUUtilization", kFast));
  EXPECT_EQ(mixed.times("SERVICE_SCALING_ACTIVITY")[0], 200);
}

TEST(HighResolutionMetrics, AHighResolutionPolicyNeedsTheServicesMetricAt20Seconds) {
  EXPECT_THROW(testing::load_yaml(busy_service("ECSServiceAverageCPUUtilizationHighResolution", "")), scenarios::ScenarioError);
  EXPECT_THROW(testing::load_yaml(busy_service("ECSServiceAverageMemoryUtilizationHighResolution", kFast)), scenarios::ScenarioError);
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

// 10 tasks at 20 % CPU against a 50 % target: AlarmLow (< 45 %) holds its 15 datapoints at
// 960 s, the first scale-in. web:2 (120 s app start) is deployed at 900 s: its tasks are
// healthy and the old ones gone at 1046.5 s.
std::string idle_service(const std::string& extra) {
  return testing::fargate_scenario("30m", testing::second_revision(", appStartTime: 120s, capacity: {requestsPerSecond: 100}") + R"(services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 10
    launchType: FARGATE
    load: {constant: {requestsPerSecond: 200}}
    autoScaling:
      MinCapacity: 1
      MaxCapacity: 50
      policies:
        - {PolicyName: cpu50, PolicyType: TargetTrackingScaling,
           TargetTrackingScalingPolicyConfiguration: {TargetValue: 50, ScaleInCooldown: 300,
             PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}}}
)" + extra, ", capacity: {requestsPerSecond: 100}");
}

const char* kDeployAt900 = "timeline:\n  - {at: 15m, updateService: {service: web, taskDefinition: \"web:2\"}}\n";

TEST(ScaleInDuringDeployments, IsSuspendedUntilTheDeploymentCompletesThenActsAtTheNextDatapoint) {
  auto none = testing::run_yaml(idle_service(""));
  ASSERT_FALSE(none.times("SERVICE_SCALING_ACTIVITY").empty());
  EXPECT_EQ(none.times("SERVICE_SCALING_ACTIVITY")[0], 960);
  auto held = testing::run_yaml(idle_service(kDeployAt900));
  ASSERT_EQ(held.times("SERVICE_DEPLOYMENT_COMPLETED").size(), 1u);
  EXPECT_EQ(held.times("SERVICE_DEPLOYMENT_COMPLETED")[0], 1046.5);
  // The datapoints visible at 960 and 1020 s ask for a scale-in and are held; 1080 s is the
  // first one after the deployment: the alarm is still in ALARM, and it scales in from 10.
  ASSERT_FALSE(held.times("SERVICE_SCALING_ACTIVITY").empty());
  EXPECT_EQ(held.times("SERVICE_SCALING_ACTIVITY")[0], 1080);
  const auto summary = nlohmann::json::parse(scenarios::summary_json(*held.sim, 0));
  EXPECT_EQ(summary["services"]["web"]["scaleInsSuspendedDuringDeployments"], 2);
  EXPECT_EQ(nlohmann::json::parse(scenarios::summary_json(*none.sim, 0))["services"]["web"]["scaleInsSuspendedDuringDeployments"], 0);
  // The setting off (a what-if): the deployment holds nothing back.
  auto off = testing::run_yaml(idle_service(std::string(kDeployAt900) + "timings: {autoScaling: {suspendScaleInDuringDeployments: false}}\n"));
  EXPECT_EQ(off.times("SERVICE_SCALING_ACTIVITY")[0], 960);
}

TEST(ScaleInDuringDeployments, IsSuspendedThroughABlueGreenBakeToo) {
  // BLUE_GREEN with a 5-min bake: green (120 s app start) is healthy at 1044.5 s, all traffic
  // moves then, the bake ends at 1344.5 s and blue is gone 2 s later. The datapoints visible
  // at 960, 1020, ..., 1320 s (7) are held; 1380 s scales in.
  auto held = testing::run_yaml(idle_service("    deploymentConfiguration: {strategy: BLUE_GREEN, bakeTimeInMinutes: 5}\n" +
                                             std::string(kDeployAt900)));
  ASSERT_EQ(held.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), std::vector<double>{1044.5});
  ASSERT_EQ(held.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{1346.5});
  ASSERT_FALSE(held.times("SERVICE_SCALING_ACTIVITY").empty());
  EXPECT_EQ(held.times("SERVICE_SCALING_ACTIVITY")[0], 1380);
  EXPECT_EQ(nlohmann::json::parse(scenarios::summary_json(*held.sim, 0))["services"]["web"]["scaleInsSuspendedDuringDeployments"], 7);
}

TEST(ScaleInDuringDeployments, ScaleOutContinues) {
  // busy_service scales out at 240 s; a forced deployment in progress from 220 s (done at 246.5 s) does not stop it.
  auto plain = testing::run_yaml(busy_service("ECSServiceAverageCPUUtilization", ""));
  auto deploying = testing::run_yaml(busy_service("ECSServiceAverageCPUUtilization", "",
                                                  "timeline:\n  - {at: 220s, updateService: {service: web, forceNewDeployment: true}}\n"));
  ASSERT_FALSE(deploying.times("SERVICE_DEPLOYMENT_IN_PROGRESS").empty());
  EXPECT_EQ(deploying.times("SERVICE_DEPLOYMENT_IN_PROGRESS")[0], 220);
  ASSERT_FALSE(deploying.times("SERVICE_DEPLOYMENT_COMPLETED").empty());
  EXPECT_GT(deploying.times("SERVICE_DEPLOYMENT_COMPLETED")[0], 240);
  EXPECT_EQ(plain.times("SERVICE_SCALING_ACTIVITY")[0], 240);
  EXPECT_EQ(deploying.times("SERVICE_SCALING_ACTIVITY")[0], 240);
}

}  // namespace
}  // namespace ecsim
