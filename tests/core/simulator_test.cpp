// The Fargate model: hand-computed timelines and costs.
#include "ecsim/core/memory.hpp"
#include "ecsim/core/rng.hpp"
#include "ecsim/core/simulator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include <map>
#include <thread>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include "ecsim/scenarios/outputs.hpp"
#include "test_util.hpp"

namespace ecsim {
namespace {

using testing::fargate_scenario;
using testing::run_yaml;

constexpr double kRateX86 = 0.5 * 0.04048 + 1.0 * 0.004445;  // USD per hour of a 0.5 vCPU / 1 GB task

TEST(FargateCost, OneHalfVcpuOneGbTaskForADayCosts0593) {
  // The task is billed from its image pull (t = 20 s: provisioning 10 s + ENI 10 s) to the
  // horizon; a horizon of 24 h + 20 s bills exactly 24 h: 24 * (0.5*0.04048 + 1*0.004445).
  auto r = run_yaml(fargate_scenario("86420s", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
)"));
  const double cost = r.sim->service_cost(0, r.sim->now());
  EXPECT_NEAR(cost, 0.59244, 1e-9);
  EXPECT_NEAR(cost, 0.593, 0.01);
  EXPECT_NEAR(r.sim->provider_cost(0, r.sim->now()), cost, 1e-12);
}

TEST(FargateCost, ShortTaskIsBilledTheOneMinuteMinimum) {
  // RUNNING at 24.5 s; desired 0 at 40 s -> STOPPING, SIGTERM exit 2 s -> STOPPED at 42 s.
  // Billed from the pull (20 s) to 42 s = 22 s, raised to the 60 s minimum.
  auto r = run_yaml(fargate_scenario("5m", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
timeline:
  - {at: 40s, updateService: {service: web, desiredCount: 0}}
)"));
  EXPECT_EQ(r.times("TASK_STOPPED"), std::vector<double>{42.0});
  EXPECT_NEAR(r.sim->service_cost(0, r.sim->now()), 60.0 / 3600.0 * kRateX86, 1e-12);
}

TEST(FargateCost, ArmAndSpotUseTheirOwnRates) {
  auto cfg = testing::load_yaml(fargate_scenario("3620s", R"(
services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 1
    capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]
)"));
  auto r = testing::run_config(cfg);
  // One hour of FARGATE_SPOT from the bundled table's us-east-1 row (the 2021-01-09 Spot
  // snapshot: 0.01264355 per vCPU-h, 0.00138835 per GB-h).
  EXPECT_NEAR(r.sim->service_cost(0, r.sim->now()), 0.5 * 0.01264355 + 0.00138835, 1e-12);
  EXPECT_NEAR(r.sim->provider_cost(1, r.sim->now()), 0.5 * 0.01264355 + 0.00138835, 1e-12);
  EXPECT_EQ(r.sim->provider_cost(0, r.sim->now()), 0.0);
}

TEST(FargateLaunch, ScaleOutFrom1To100Under2020BucketFollowsTheTokens) {
  // Bucket burst 10, 1 token/s. Task 1 takes a token at t=0; the bucket is full again (10) when
  // desired goes to 100 at 600 s. Tasks 2-11 launch at 600 s, task k >= 12 at 600 + (k-11) s,
  // so task 100 launches at 689 s and is RUNNING 24.5 s later, at 713.5 s.
  auto r = run_yaml(fargate_scenario("20m", R"(
account:
  fargateLaunchRate: {burst: 10, perSecond: 1}
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
timeline:
  - {at: 600s, updateService: {service: web, desiredCount: 100}}
)"));
  const auto running = r.times("TASK_RUNNING");
  ASSERT_EQ(running.size(), 100u);
  EXPECT_DOUBLE_EQ(running[0], 24.5);
  EXPECT_DOUBLE_EQ(running[1], 624.5);
  EXPECT_DOUBLE_EQ(running[10], 624.5);
  EXPECT_DOUBLE_EQ(running[11], 625.5);
  EXPECT_DOUBLE_EQ(running[99], 713.5);
  EXPECT_EQ(r.sim->services()[0].running, 100);
  EXPECT_EQ(r.times("SERVICE_STEADY_STATE").back(), 713.5);
}

TEST(FargateLaunch, ServiceLaunchPaceLimitsOneService) {
  // 2020-era pace of 20 tasks/min per service (burst 20) with an ample account bucket:
  // 20 tasks launch at 0 s, then one every 3 s: the 30th at 30 s -> RUNNING at 54.5 s.
  auto r = run_yaml(fargate_scenario("10m", R"(
account:
  serviceLaunchRatePerMinute: {fargate: 20}
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 30, launchType: FARGATE}
)"));
  const auto prov = r.times("TASK_PROVISIONING");
  ASSERT_EQ(prov.size(), 30u);
  EXPECT_DOUBLE_EQ(prov[19], 0.0);
  EXPECT_DOUBLE_EQ(prov[20], 3.0);
  EXPECT_DOUBLE_EQ(prov[29], 30.0);
  EXPECT_DOUBLE_EQ(r.times("TASK_RUNNING").back(), 54.5);
}

TEST(FargateLaunch, VcpuQuotaKeepsTasksInProvisioning) {
  auto r = run_yaml(fargate_scenario("10m", R"(
account:
  fargateVcpuQuota: {onDemand: 1}
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 4, launchType: FARGATE}
)"));
  const auto& s = r.sim->services()[0];
  EXPECT_EQ(s.running, 2);       // 2 x 0.5 vCPU fill the quota
  EXPECT_EQ(s.provisioning, 2);  // the rest wait for room
  EXPECT_EQ(r.sim->providers()[0].vcpu_in_use, 1.0);
}

TEST(FargateLaunch, DependsOnChainAddsOneContainerStartPerLink) {
  // init -> sidecar -> app: three containers on the chain, 3 x 2 s = 6 s of starts.
  auto r = run_yaml(R"(ecsim: 1
name: t
duration: 5m
clusters: [{clusterName: c}]
taskDefinitions:
  - family: app
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "256"
    memory: "512"
    containerDefinitions:
      - {name: app, image: a, dependsOn: [{containerName: sidecar, condition: START}]}
      - {name: sidecar, image: s, essential: false, dependsOn: [{containerName: init, condition: SUCCESS}]}
      - {name: init, image: i, essential: false}
    ecsim: {imageSizeMiB: 100}
services:
  - {serviceName: app, taskDefinition: app:1, desiredCount: 1, launchType: FARGATE}
)");
  EXPECT_EQ(r.times("TASK_RUNNING"), std::vector<double>{28.5});  // 20 + 2.5 + 6
}

TEST(TaskHealth, LoadBalancedTaskIsHealthyAtTheFirstTargetCheckAfterItIsReady) {
  // RUNNING 24.5 s, app ready 10 s later (34.5 s); target checks every 30 s from
  // registration: 54.5 s passes. Scale-in at 100 s: DEACTIVATING for the 300 s
  // deregistration delay, then STOPPING, then STOPPED 2 s later (SIGTERM exit).
  auto r = run_yaml(fargate_scenario("15m", R"(
services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 2
    launchType: FARGATE
    loadBalancers: [{targetGroupArn: tg, containerName: web, containerPort: 8080}]
timeline:
  - {at: 100s, updateService: {service: web, desiredCount: 1}}
)", ", appStartTime: 10s"));
  EXPECT_EQ(r.times("TASK_HEALTHY"), (std::vector<double>{54.5, 54.5}));
  EXPECT_EQ(r.times("TASK_DEACTIVATING"), std::vector<double>{100.0});
  EXPECT_EQ(r.times("TASK_STOPPING"), std::vector<double>{400.0});
  EXPECT_EQ(r.times("TASK_STOPPED"), std::vector<double>{402.0});
}

TEST(TaskHealth, ContainerHealthCheckPassesAtTheFirstIntervalAfterReady) {
  // RUNNING 24.5 s, ready at 39.5 s (app start 15 s); checks at 34.5, 44.5 -> healthy 44.5.
  auto r = run_yaml(R"(ecsim: 1
name: t
duration: 5m
clusters: [{clusterName: c}]
taskDefinitions:
  - family: web
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "512"
    memory: "1024"
    containerDefinitions:
      - name: web
        image: w
        healthCheck: {command: ["CMD-SHELL", "true"], interval: 10, timeout: 5, retries: 3, startPeriod: 20}
    ecsim: {imageSizeMiB: 100, appStartTime: 15s}
services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
)");
  EXPECT_EQ(r.times("TASK_HEALTHY"), std::vector<double>{44.5});
}

TEST(ServiceScheduler, FailingTasksAreRetriedWithGrowingBackoff) {
  // Each task is RUNNING 24.5 s after creation and exits 5 s later. Retry waits 10 s, 20 s, 40 s.
  auto r = run_yaml(fargate_scenario("5m", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
)", ", appStartTime: 5s, failToStart: true"));
  const auto created = r.times("TASK_PROVISIONING");
  ASSERT_GE(created.size(), 4u);
  EXPECT_DOUBLE_EQ(created[0], 0.0);
  EXPECT_DOUBLE_EQ(created[1], 29.5 + 10);
  EXPECT_DOUBLE_EQ(created[2], 39.5 + 29.5 + 20);
  EXPECT_DOUBLE_EQ(created[3], 89.0 + 29.5 + 40);
  EXPECT_EQ(r.count("TASK_HEALTHY"), 0u);
  EXPECT_EQ(r.sim->services()[0].tasks_failed, static_cast<std::int64_t>(r.count("TASK_STOPPED")));
}

TEST(ServiceScheduler, BackoffIsCappedAt15Minutes) {
  auto r = run_yaml(fargate_scenario("4h", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
)", ", appStartTime: 5s, failToStart: true"));
  const auto created = r.times("TASK_PROVISIONING");
  const auto stopped = r.times("TASK_STOPPED");
  ASSERT_GT(created.size(), 10u);
  for (std::size_t i = 1; i < created.size(); ++i) EXPECT_LE(created[i] - stopped[i - 1], 900.0 + 1e-9);
  EXPECT_DOUBLE_EQ(created.back() - stopped[created.size() - 2], 900.0);
}

TEST(ServiceScheduler, ScaleInStopsNewestTasksFromTheFullestZones) {
  // 6 tasks spread a,b,c,a,b,c. Down to 2: stop 6 (c), 5 (b), 4 (a), then 3 (c).
  auto r = run_yaml(fargate_scenario("10m", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 6, launchType: FARGATE}
timeline:
  - {at: 120s, updateService: {service: web, desiredCount: 2}}
)"));
  EXPECT_EQ(r.tasks("TASK_STOPPING"), (std::vector<std::uint64_t>{6, 5, 4, 3}));
  EXPECT_EQ(r.sim->services()[0].running, 2);
  EXPECT_EQ(r.sim->services()[0].per_zone, (std::vector<int>{1, 1, 0}));
}

// Counts records by kind and keeps the last time of each (a 100,000-task log is not kept).
struct KindTally final : Observer {
  std::map<RecordKind, std::pair<std::uint64_t, double>> by_kind;
  void on_record(const Simulator&, const Record& r) override {
    auto& [n, last] = by_kind[r.kind];
    ++n;
    last = to_seconds(r.time);
  }
};

// A scale-in of a whole large service in one UpdateService once recursed once per stopped
// task (reconcile -> stop_task -> finalize_stop -> reconcile) and overflowed the stack at
// ~60,000 tasks. Reconciles are requested and run by the loop, so depth no longer grows.
// Launch limits raised so that 100,000 tasks are RUNNING at 30 m; each stops 2 s (the SIGTERM
// exit) after the update, so all are STOPPED at 1,802 s.
TEST(ServiceScheduler, HundredThousandTasksScaledToZeroAtOnce) {
  auto cfg = testing::load_yaml(R"(ecsim: 1
name: big-scale-in
seed: 1
duration: 1h
account:
  tasksPerService: 100000
  fargateLaunchRate: {burst: 100000, perSecond: 100000}
  serviceLaunchRatePerMinute: {fargate: 1000000}
  fargateVcpuQuota: {onDemand: 1000000}
clusters: [{clusterName: c, capacityProviders: [FARGATE]}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100}}
services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 100000, launchType: FARGATE}
timeline:
  - {at: 30m, updateService: {service: web, desiredCount: 0}}
)");
  auto sim = scenarios::build(cfg, 0);
  sim->set_check_invariants(true, /*full_every=*/200'000);
  KindTally tally;
  sim->add_observer(&tally);
  ASSERT_NO_THROW(sim->run());
  const auto& s = sim->services()[0];
  EXPECT_EQ(s.tasks_started, 100'000);
  EXPECT_EQ(s.tasks_stopped, 100'000);
  EXPECT_EQ(s.running_stats.max(), 100'000);
  EXPECT_EQ(s.running, 0);
  EXPECT_EQ(s.counted, 0);
  EXPECT_TRUE(s.live.empty());
  EXPECT_EQ(tally.by_kind[RecordKind::kTaskStopping].first, 100'000u);
  EXPECT_EQ(tally.by_kind[RecordKind::kTaskStopped], (std::pair<std::uint64_t, double>{100'000, 1802.0}));
  EXPECT_EQ(tally.by_kind[RecordKind::kServiceSteadyState].second, 1802.0);  // steady at zero once the last one stops
}

TEST(ServiceScheduler, ScaleInBeforeTasksRunStopsPendingOnesAtOnce) {
  auto r = run_yaml(fargate_scenario("5m", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 4, launchType: FARGATE}
timeline:
  - {at: 5s, updateService: {service: web, desiredCount: 1}}
)"));
  EXPECT_EQ(r.times("TASK_STOPPED"), (std::vector<double>{5, 5, 5}));
  EXPECT_EQ(r.count("TASK_RUNNING"), 1u);
  EXPECT_EQ(r.sim->service_cost(0, r.sim->now()), r.sim->accrued_cost(*r.sim->find_task(1), r.sim->now()));
}

TEST(CapacityProviderStrategy, BaseThenWeightsSplitTheService) {
  auto r = run_yaml(fargate_scenario("10m", R"(
services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 9
    capacityProviderStrategy:
      - {capacityProvider: FARGATE, base: 1, weight: 1}
      - {capacityProvider: FARGATE_SPOT, weight: 3}
)"));
  EXPECT_EQ(r.sim->providers()[0].running, 3);  // base 1 + 2 of the remaining 8
  EXPECT_EQ(r.sim->providers()[1].running, 6);
}

TEST(FargateSpot, InterruptedTasksGetAWarningAndAReplacement) {
  auto r = run_yaml(fargate_scenario("10h", R"(
timings:
  spot: {interruptionsPerTaskHour: 0.5}
services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 4
    capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]
)"));
  const auto warned = r.tasks("SPOT_INTERRUPTION_WARNING");
  ASSERT_GT(warned.size(), 5u);  // about 4 tasks * 10 h * 0.5 = 20 expected
  EXPECT_EQ(r.sim->services()[0].spot_interruptions, static_cast<std::int64_t>(warned.size()));
  // Every warning is followed by a replacement task at the same instant and the stop 2 s later.
  const auto warn_t = r.times("SPOT_INTERRUPTION_WARNING");
  for (std::size_t i = 0; i < warned.size(); ++i) {
    const auto stop = r.times("TASK_STOPPED", warned[i]);
    if (warn_t[i] + 2.0 <= to_seconds(r.sim->horizon())) {
      ASSERT_EQ(stop.size(), 1u);
      EXPECT_DOUBLE_EQ(stop[0], warn_t[i] + 2.0);
    }
  }
  EXPECT_EQ(r.count("TASK_PROVISIONING"), 4 + warned.size());
}

TEST(Simulator, SeveralSimulatorsRunInParallelThreadsWithIdenticalResults) {
  const auto cfg = testing::load_yaml(fargate_scenario("2h", R"(
timings:
  fargate: {jitterCv: 0.3}
  spot: {interruptionsPerTaskHour: 1}
services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 10
    capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]
)"));
  const std::string expected = testing::events_csv(cfg);
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { got[i] = testing::events_csv(cfg); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, expected);
}

TEST(Simulator, StepAndRunUntilGiveTheSameLogAsRun) {
  const auto cfg = testing::load_yaml(fargate_scenario("1h", R"(
timings:
  fargate: {jitterCv: 0.2}
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 5, launchType: FARGATE}
timeline:
  - {at: 10m, updateService: {service: web, desiredCount: 12}}
)"));
  const std::string expected = testing::events_csv(cfg);
  std::ostringstream out;
  auto sim = scenarios::build(cfg);
  EventCsvWriter w(out);
  sim->add_observer(&w);
  sim->step(7);
  sim->run_until(at_millis(600'000));
  while (sim->step(3) > 0) {
  }
  sim->finish();
  EXPECT_EQ(out.str(), expected);
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

TEST(BinnedSamples, NearestRankOnTheBinsInFixedMemory) {
  BinnedSamples s(0.01, 100.0);
  for (int i = 1; i <= 100; ++i) s.add(i * 0.5);  // 0.5 .. 50
  EXPECT_EQ(s.count(), 100u);
  EXPECT_DOUBLE_EQ(s.percentile(50), 25.0);
  EXPECT_DOUBLE_EQ(s.percentile(95), 47.5);
  EXPECT_DOUBLE_EQ(s.max(), 50.0);
  EXPECT_DOUBLE_EQ(s.mean(), 25.25);
  s.add(250.0);  // above the range: last bin, exact max
  EXPECT_DOUBLE_EQ(s.percentile(100), 100.0);
  EXPECT_DOUBLE_EQ(s.max(), 250.0);
  // Logarithmic bins keep waits from 1 ms to days within 0.1 %.
  auto w = BinnedSamples::logarithmic(0.001);
  for (double v : {0.0, 0.0, 2.0, 60.0, 86400.0}) w.add(v);
  EXPECT_EQ(w.percentile(40), 0.0);
  EXPECT_NEAR(w.percentile(60), 2.0, 0.002);
  EXPECT_NEAR(w.percentile(80), 60.0, 0.06);
  EXPECT_DOUBLE_EQ(w.max(), 86400.0);
  auto v = BinnedSamples::logarithmic(0.001);
  v.merge(w);
  v.merge(w);
  EXPECT_EQ(v.count(), 10u);
  EXPECT_NEAR(v.percentile(60), 2.0, 0.002);
}

// A sample set is a sorted list up to 65,536 samples and dense bins beyond: the same
// percentiles either way, through adds between reads and merges across the two modes.
TEST(BinnedSamples, TheListAndTheBinsGiveTheSamePercentiles) {
  Rng rng(11);
  auto draw = [&] { return static_cast<double>(rng.uniform_index(1000000)) / 10000.0; };  // 0 .. 100
  std::vector<double> all;
  BinnedSamples s(0.01, 100.0);
  // Reference: nearest rank over the samples rounded to their bins.
  auto reference = [&](double p) {
    std::vector<double> v;
    for (double x : all) v.push_back(std::round(x / 0.01) * 0.01);
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return std::min(v[std::max<std::size_t>(rank, 1) - 1], *std::max_element(all.begin(), all.end()));
  };
  for (int round = 0; round < 3; ++round) {  // 0: list; 1: bins (past 65,536); 2: bins again
    const int n = round == 1 ? 70000 : 5000;
    for (int i = 0; i < n; ++i) {
      all.push_back(draw());
      s.add(all.back());
    }
    for (double p : {1.0, 50.0, 95.0, 99.0, 100.0}) EXPECT_NEAR(s.percentile(p), reference(p), 1e-9) << "round " << round << " p" << p;
  }
  // Merges: list into list, list into bins, bins into list.
  BinnedSamples small(0.01, 100.0), other(0.01, 100.0);
  for (double v : {3.0, 1.0, 2.0}) small.add(v);
  for (double v : {5.0, 4.0}) other.add(v);
  small.merge(other);
  EXPECT_EQ(small.count(), 5u);
  EXPECT_DOUBLE_EQ(small.percentile(40), 2.0);
  EXPECT_DOUBLE_EQ(small.percentile(100), 5.0);
  BinnedSamples big = s;
  big.merge(small);
  EXPECT_EQ(big.count(), s.count() + 5);
  small.merge(s);
  EXPECT_EQ(small.count(), s.count() + 5);
  for (double p : {1.0, 50.0, 99.0}) EXPECT_DOUBLE_EQ(small.percentile(p), big.percentile(p)) << p;
}

// An interrupt stops the run at an event boundary; the run then ends there, not at the
// horizon, and the statistics close at that time.
TEST(Interrupt, StopsAtTheCurrentTimeAndEndsThere) {
  auto cfg = testing::load_yaml(fargate_scenario("1h", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 2, launchType: FARGATE}
)"));
  auto sim = scenarios::build(cfg, 0);
  std::atomic<bool> stop{false};
  sim->set_interrupt_flag(&stop);
  sim->run_until(at_millis(600'000));
  EXPECT_FALSE(sim->interrupted());
  stop = true;
  sim->run();
  EXPECT_TRUE(sim->interrupted());
  EXPECT_EQ(sim->now(), at_millis(600'000));
  EXPECT_EQ(sim->services()[0].running, 2);
  EXPECT_DOUBLE_EQ(sim->services()[0].running_stats.mean(sim->now()), (2 * (600 - 24.5)) / 600.0);  // closed at 600 s
}

// A backlog beyond run.maxLiveTasks stops the run at that time, outputs complete, with the
// reason: 10 tasks a second that cannot launch (one launch token a day) pass 1,000 live tasks
// after about 100 s, and the run stops within the next 4,096 events.
TEST(LiveTaskLimit, ABacklogPastTheLimitStopsTheRunWithTheReason) {
  auto cfg = testing::load_yaml(fargate_scenario("1h", R"(
account: {fargateLaunchRate: {burst: 1, perSecond: 0.00001}}
run: {maxLiveTasks: 1000}
runTasks:
  - {cluster: c, taskDefinition: web:1, launchType: FARGATE, arrivals: {poisson: {ratePerSecond: 10, duration: {fixed: 1m}}}}
)"));
  auto sim = scenarios::build(cfg, 0);
  const auto summary = nlohmann::json::parse(scenarios::run_to_directory(*sim, std::filesystem::path(ECSIM_BINARY_DIR) / "live-limit", {}));
  EXPECT_TRUE(sim->interrupted());
  EXPECT_LT(to_seconds(sim->now()), 3600);
  EXPECT_GT(to_seconds(sim->now()), 90);
  EXPECT_NE(sim->stop_reason().find("more than 1000 tasks were live at once (run.maxLiveTasks"), std::string::npos) << sim->stop_reason();
  EXPECT_EQ(summary["interrupted"]["reason"], sim->stop_reason());
}

// run.memoryLimit: past it (the process's resident memory, checked between chunks of 4,096
// events at most every 50 ms of wall time, and before the first) the run stops with the reason, like run.maxLiveTasks.
TEST(MemoryLimit, ALimitBelowWhatTheProcessHoldsStopsTheRunAtOnce) {
  auto cfg = testing::load_yaml(fargate_scenario("1h", R"(
run: {memoryLimit: 1MiB}
runTasks:
  - {cluster: c, taskDefinition: web:1, launchType: FARGATE, arrivals: {poisson: {ratePerSecond: 1, duration: {fixed: 1m}}}}
)"));
  EXPECT_EQ(cfg.run.memory_limit_bytes, 1u << 20);
  auto sim = scenarios::build(cfg, 0);
  const auto summary = nlohmann::json::parse(scenarios::run_to_directory(*sim, std::filesystem::path(ECSIM_BINARY_DIR) / "memory-limit", {}));
  EXPECT_TRUE(sim->interrupted());
  EXPECT_EQ(sim->now(), kTimeZero);
  EXPECT_NE(sim->stop_reason().find("more than run.memoryLimit (1.0 MiB)"), std::string::npos) << sim->stop_reason();
  EXPECT_EQ(summary["interrupted"]["reason"], sim->stop_reason());
}

// A backlog that grows (1,000 tasks a second that never get a launch token) passes a limit
// 64 MiB above what the process holds now, and the run stops there, well before its horizon.
TEST(MemoryLimit, AGrowingBacklogStopsTheRunBeforeTheMachineKillsIt) {
  const std::uint64_t limit = resident_bytes() + (std::uint64_t{64} << 20);
  auto cfg = testing::load_yaml(fargate_scenario("1h", R"(
account: {fargateLaunchRate: {burst: 1, perSecond: 0.00001}, runTaskApiRate: {burst: 1000, perSecond: 1000}}
run: {memoryLimit: )" + std::to_string(limit) + R"(, outputs: [summary]}
runTasks:
  - {cluster: c, taskDefinition: web:1, launchType: FARGATE, count: 10, arrivals: {poisson: {ratePerSecond: 100, duration: {fixed: 1m}}}}
)"));
  auto sim = scenarios::build(cfg, 0);
  sim->run();
  EXPECT_TRUE(sim->interrupted());
  EXPECT_GT(to_seconds(sim->now()), 10);
  EXPECT_LT(to_seconds(sim->now()), 1900);  // before run.maxLiveTasks (2,000,000 tasks) would stop it
  EXPECT_NE(sim->stop_reason().find("run.memoryLimit"), std::string::npos) << sim->stop_reason();
}

TEST(MemoryLimit, TheDefaultIsEightyPercentOfWhatTheMachineAllows) {
  auto cfg = testing::load_yaml(fargate_scenario("1m", ""));
  EXPECT_EQ(cfg.run.memory_limit_bytes, 0u);
  auto sim = scenarios::build(cfg, 0);
  ASSERT_GT(machine_memory_bytes(), 0u);
  EXPECT_EQ(sim->memory_limit(), static_cast<std::uint64_t>(0.8 * static_cast<double>(machine_memory_bytes())));
  auto half = testing::load_yaml(fargate_scenario("1m", "run: {memoryLimit: 50%}\n"));
  EXPECT_DOUBLE_EQ(half.run.memory_limit_fraction, 0.5);
  EXPECT_EQ(testing::load_yaml(fargate_scenario("1m", "run: {memoryLimit: 8GiB}\n")).run.memory_limit_bytes, std::uint64_t{8} << 30);
  EXPECT_EQ(testing::load_yaml(fargate_scenario("1m", "run: {memoryLimit: 2 GB}\n")).run.memory_limit_bytes, 2'000'000'000u);
}

TEST(MemoryLimit, ACgroupLimitBelowTheMachinesMemoryIsWhatIsAllowed) {
  const std::uint64_t gib = std::uint64_t{1} << 30;
  EXPECT_EQ(memory_allowed(16 * gib, {0, 8 * gib}), 8 * gib);  // cgroup v1 limit under MemTotal
  EXPECT_EQ(memory_allowed(16 * gib, {32 * gib, 0}), 16 * gib);  // a limit above the machine changes nothing
  EXPECT_EQ(memory_allowed(16 * gib, {0, 0}), 16 * gib);         // "max" / no cgroup file
  EXPECT_EQ(memory_allowed(0, {4 * gib}), 4 * gib);              // MemTotal unknown
  EXPECT_EQ(memory_allowed(16 * gib, {12 * gib, 10 * gib}), 10 * gib);
}

TEST(MemoryLimit, ABadSizeSaysWhatIsValid) {
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"12 parsecs", "run.memoryLimit: unknown unit 'parsecs'; expected one of: KiB, MiB"},
           {"1000", "run.memoryLimit: give between 1MiB"},
           {"150%", "at most 100%"},
           {"lots", "'lots' is not a size such as 8GiB"},
           {"[1]", "expected a size such as 8GiB"}}) {
    try {
      testing::load_yaml(fargate_scenario("1m", "run: {memoryLimit: " + text + "}\n"));
      ADD_FAILURE() << text << " accepted";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  }
}

// A disk that fills up (/dev/full behind one output's name): the error names that file and
// says why, and every other output is complete, summary.json saying which file failed.
TEST(DiskFull, OneOutputThatCannotBeWrittenLeavesTheOthersComplete) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto cfg = testing::load_yaml(fargate_scenario("10m", R"(
run: {outputs: [summary, events, timeseries, tasks]}
runTasks:
  - {cluster: c, taskDefinition: web:1, launchType: FARGATE, arrivals: {poisson: {ratePerSecond: 1, duration: {fixed: 1m}}}}
)"));
  for (const std::string name : {"events.csv", "timeseries.csv", "tasks.csv", "summary.json"}) {
    const auto dir = std::filesystem::path(ECSIM_BINARY_DIR) / ("disk-full-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::filesystem::create_symlink("/dev/full", dir / name);
    auto sim = scenarios::build(cfg, 0);
    try {
      scenarios::run_to_directory(*sim, dir, {});
      ADD_FAILURE() << name << ": no error";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "writing " + (dir / name).string() + " failed: No space left on device") << name;
    }
    for (const std::string other : {"events.csv", "timeseries.csv", "tasks.csv", "summary.json"}) {
      if (other == name) continue;
      const std::string text = testing::slurp(dir / other);
      ASSERT_FALSE(text.empty()) << other << " beside a full " << name;
      EXPECT_EQ(text.back(), '\n') << other;
      if (other == "summary.json") {
        const auto j = nlohmann::json::parse(text);
        EXPECT_EQ(j["notices"].back(), "writing " + (dir / name).string() + " failed: No space left on device: that file is incomplete; "
                                       "the other outputs are complete");
      }
    }
  }
}

// run.maxOutputBytes: events.csv and tasks.csv stop before a row would pass the limit (whole
// rows), the run itself goes on to its horizon, and summary.json says which file was cut.
TEST(OutputLimit, EventsAndTasksStopAtTheLimitInWholeRows) {
  auto cfg = testing::load_yaml(fargate_scenario("1h", R"(
run: {maxOutputBytes: 4096, outputs: [summary, events, tasks]}
runTasks:
  - {cluster: c, taskDefinition: web:1, launchType: FARGATE, arrivals: {poisson: {ratePerSecond: 1, duration: {fixed: 1m}}}}
)"));
  auto sim = scenarios::build(cfg, 0);
  const auto dir = std::filesystem::path(ECSIM_BINARY_DIR) / "output-limit";
  const auto summary = nlohmann::json::parse(scenarios::run_to_directory(*sim, dir, {}));
  EXPECT_FALSE(sim->interrupted());
  EXPECT_EQ(to_seconds(sim->now()), 3600);
  for (const char* name : {"events.csv", "tasks.csv"}) {
    const auto size = std::filesystem::file_size(dir / name);
    EXPECT_LE(size, 4096u) << name;
    EXPECT_GT(size, 3000u) << name;  // filled up to the last whole row that fits
    std::ifstream in(dir / name, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.back(), '\n') << name;
  }
  const auto notices = summary["notices"];
  ASSERT_EQ(notices.size(), 2u) << notices.dump();
  EXPECT_EQ(notices[0].get<std::string>().rfind("events.csv stopped at ", 0), 0u) << notices[0];
  EXPECT_NE(notices[0].get<std::string>().find("(run.maxOutputBytes 4096)"), std::string::npos) << notices[0];
  EXPECT_EQ(notices[1].get<std::string>().rfind("tasks.csv stopped at ", 0), 0u) << notices[1];
}

}  // namespace
}  // namespace ecsim
