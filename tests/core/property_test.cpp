// Property tests: randomly generated scenarios (fixed seeds) mixing Fargate, Fargate Spot,
// EC2 groups with managed scaling and Spot, services with auto scaling and deployments,
// batch tasks and what-if events, run with the invariant checker on every event. Each must
// finish without a violation and replay to the same event log.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "ecsim/placement/fargate_placer.hpp"
#include "test_util.hpp"

namespace ecsim {
namespace {

// `scale` multiplies the counts (desired counts, group and scalable-target bounds, batch
// arrivals); at scale > 1 the run lasts days and the load's period is a day.
std::string random_scenario(std::uint64_t seed, int scale = 1) {
  Rng r(seed);
  auto pick = [&](int n) { return static_cast<int>(r.uniform_index(static_cast<std::uint64_t>(n))); };
  auto times = [&](int n) { return std::to_string(n * scale); };
  const bool ec2 = r.bernoulli(0.6);
  std::string y = "ecsim: 1\nname: prop-" + std::to_string(seed) + "\nseed: " + std::to_string(seed) + "\nduration: " +
                  (scale > 1 ? std::to_string(1 + pick(3)) + "d" : std::to_string(20 + pick(60)) + "m") + "\n";
  y += "timings:\n  spot: {interruptionsPerTaskHour: " + std::to_string(pick(3) * 0.5) + "}\n";
  y += "  ec2: {spotInterruptionPercentPerMonth: [90, 90, 90, 90, 90]}\n";
  if (r.bernoulli(0.3)) y += "account: {fargateLaunchRate: {burst: 5, perSecond: 0.5}, provisioningTasksPerCluster: " + times(5 + pick(20)) + "}\n";
  if (ec2) {
    const int max = (1 + pick(8)) * scale;
    y += "capacityProviders:\n  - name: grp\n    autoScalingGroupProvider:\n      managedScaling: {status: " +
         std::string(r.bernoulli(0.7) ? "ENABLED" : "DISABLED") + ", targetCapacity: " + std::to_string(50 + pick(51)) +
         ", instanceWarmupPeriod: " + std::to_string(pick(300)) + "}\n      managedDraining: " +
         (r.bernoulli(0.5) ? "ENABLED" : "DISABLED") + "\n    autoScalingGroup:\n      MinSize: 0\n      MaxSize: " +
         std::to_string(max) + "\n      DesiredCapacity: " + std::to_string(pick(max + 1)) +
         "\n      AvailabilityZones: [us-east-1a, us-east-1b]\n      MixedInstancesPolicy:\n        InstancesDistribution: "
         "{OnDemandBaseCapacity: " + std::to_string(pick(2)) + ", OnDemandPercentageAboveBaseCapacity: " + std::to_string(pick(101)) +
         "}\n        LaunchTemplate: {Overrides: [{InstanceType: m5.large}, {InstanceType: c5.large}]}\n";
  }
  y += "clusters:\n  - clusterName: c\n    capacityProviders: [FARGATE, FARGATE_SPOT" + std::string(ec2 ? ", grp" : "") + "]\n";
  y += "taskDefinitions:\n";
  for (int v = 1; v <= 2; ++v)
    y += "  - {family: web, requiresCompatibilities: [FARGATE, EC2], networkMode: awsvpc, cpu: \"512\", memory: \"1024\",\n"
         "     containerDefinitions: [{name: web, image: web:" + std::to_string(v) + "}],\n"
         "     ecsim: {imageSizeMiB: " + std::to_string(50 + pick(500)) + ", appStartTime: " + std::to_string(pick(20)) +
         "s, failToStart: " + (v == 2 && r.bernoulli(0.3) ? "true" : "false") + ", capacity: {requestsPerSecond: 50}}}\n";
  y += "  - {family: agent, requiresCompatibilities: [EC2], networkMode: bridge, cpu: \"128\", memory: \"256\",\n"
       "     containerDefinitions: [{name: a, image: a:1}]}\n";
  y += "services:\n";
  const int services = 1 + pick(3);
  for (int i = 0; i < services; ++i) {
    const bool on_ec2 = ec2 && r.bernoulli(0.5);
    const int desired = pick(8) * scale;
    y += "  - serviceName: s" + std::to_string(i) + "\n    taskDefinition: web:1\n    desiredCount: " + std::to_string(desired) + "\n";
    if (on_ec2) {
      y += "    capacityProviderStrategy: [{capacityProvider: grp, weight: 1}]\n";
      const char* strategies[] = {"[{type: binpack, field: memory}]", "[{type: spread, field: instanceId}]", "[{type: random}]",
                                  "[{type: spread, field: \"attribute:ecs.availability-zone\"}, {type: binpack, field: cpu}]"};
      y += "    placementStrategy: " + std::string(strategies[pick(4)]) + "\n";
      if (r.bernoulli(0.3)) y += "    placementConstraints: [{type: distinctInstance}]\n";
    } else {
      y += "    capacityProviderStrategy: [{capacityProvider: FARGATE, base: " + std::to_string(pick(2)) +
           ", weight: 1}, {capacityProvider: FARGATE_SPOT, weight: " + std::to_string(pick(4)) + "}]\n";
    }
    y += "    deploymentConfiguration: {maximumPercent: " + std::to_string(100 + pick(101)) + ", minimumHealthyPercent: " +
         std::to_string(pick(101)) + ", deploymentCircuitBreaker: {enable: " + (r.bernoulli(0.5) ? "true" : "false") +
         ", rollback: true}}\n";
    if (r.bernoulli(0.4)) y += "    loadBalancers: [{targetGroupArn: tg, containerName: web, containerPort: 80}]\n";
    y += "    load: {diurnal: {meanRequestsPerSecond: " + times(50 + pick(300)) + ", amplitude: 0.8, period: " + (scale > 1 ? "1d" : "30m") + "}}\n";
    if (r.bernoulli(0.6))
      y += "    autoScaling:\n      MinCapacity: 1\n      MaxCapacity: " + times(2 + pick(15)) +
           "\n      policies:\n        - {PolicyName: t, PolicyType: TargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: "
           "{TargetValue: " + std::to_string(30 + pick(60)) + ", ScaleOutCooldown: 60, ScaleInCooldown: 120,"
           " PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}}}\n";
  }
  if (ec2 && r.bernoulli(0.5)) y += "  - {serviceName: daemon, taskDefinition: agent:1, schedulingStrategy: DAEMON}\n";
  if (r.bernoulli(0.6))
    y += "runTasks:\n  - cluster: c\n    taskDefinition: web:1\n    capacityProviderStrategy: [{capacityProvider: " +
         std::string(ec2 && r.bernoulli(0.5) ? "grp" : "FARGATE_SPOT") + ", weight: 1}]\n    retry: {attempts: " +
         std::to_string(pick(3)) + "}\n    arrivals: {poisson: {ratePerSecond: " + std::to_string(0.05 * std::min(scale, 10)) + ", duration: {exponentialMean: 3m}}}\n";
  y += "timeline:\n";
  y += "  - {at: 5m, updateService: {service: s0, taskDefinition: \"web:2\"}}\n";
  y += "  - {at: 8m, updateService: {service: s0, desiredCount: " + times(pick(10)) + "}}\n";
  y += "  - {at: 10m, spotInterruptions: {capacityProvider: FARGATE_SPOT, fraction: 0.5}}\n";
  y += "  - {at: 12m, spotCapacity: {capacityProvider: FARGATE_SPOT, available: false, for: 3m}}\n";
  return y;
}

class RandomScenarios : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(RandomScenarios, InvariantsHoldAndRunsReplay) {
  const std::string yaml = random_scenario(GetParam());
  ScenarioConfig cfg;
  ASSERT_NO_THROW(cfg = testing::load_yaml(yaml)) << yaml;
  auto sim = scenarios::build(cfg, 0);
  sim->set_check_invariants(true, /*full_every=*/64);
  std::ostringstream a;
  EventCsvWriter w(a);
  sim->add_observer(&w);
  ASSERT_NO_THROW(sim->run()) << yaml;
  EXPECT_NO_THROW(sim->check_invariants_now());
  EXPECT_EQ(a.str(), testing::events_csv(cfg)) << "the same scenario and seed must replay exactly";
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomScenarios, ::testing::Range<std::uint64_t>(1, 121));

// The same generator at 100x the counts over 1-3 days: thousands of tasks and hundreds of
// instances, with the invariant checker (a full recount every 4,096 events). Six seeds run
// in the suite; .ci/soak runs more (ECSIM_SOAK_SEEDS) outside it.
std::uint64_t scale_seeds() {
  const char* soak = std::getenv("ECSIM_SOAK_SEEDS");
  return soak ? std::max<std::uint64_t>(1, std::strtoull(soak, nullptr, 10)) : 6;
}

class RandomScenariosAtScale : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(RandomScenariosAtScale, InvariantsHold) {
  const std::string yaml = random_scenario(GetParam(), /*scale=*/100);
  if (std::getenv("ECSIM_PROPERTY_DUMP")) std::cerr << yaml;
  ScenarioConfig cfg;
  ASSERT_NO_THROW(cfg = testing::load_yaml(yaml)) << yaml;
  auto sim = scenarios::build(cfg, 0);
  sim->set_check_invariants(true, /*full_every=*/4096);
  ASSERT_NO_THROW(sim->run()) << yaml;
  EXPECT_NO_THROW(sim->check_invariants_now());
  std::int64_t started = 0;
  for (const auto& sv : sim->services()) started += sv.tasks_started;
  EXPECT_GT(started, 0) << yaml;
  RecordProperty("tasksStarted", static_cast<int>(started));
  RecordProperty("instancesLaunched", static_cast<int>(sim->instances().size()));
  RecordProperty("events", static_cast<int>(sim->events_processed()));
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomScenariosAtScale, ::testing::Range<std::uint64_t>(1001, 1001 + scale_seeds()));

// A scaler that ignores its own bounds: it returns 50 for a scalable target of [1, 10] at the
// first datapoint. The cheap check must name the service, the bounds and the time: the first
// datapoint covers [0, 60 s) and is published 60 s after it ends, at t = 120 s.
class OutOfBoundsScaler final : public ServiceScaler {
 public:
  int min_capacity() const override { return 1; }
  int max_capacity() const override { return 10; }
  std::optional<ScalingAction> on_datapoint(const MetricDatapoint&, SimTime, int) override {
    return ScalingAction{50, "rogue", "test"};
  }
  std::optional<SimTime> next_scheduled(SimTime) const override { return std::nullopt; }
  std::optional<ScalingAction> on_scheduled(SimTime, int) override { return std::nullopt; }
};

// A 3-task Fargate service whose scaler is the rogue one.
std::unique_ptr<Simulator> with_rogue_scaler() {
  auto cfg = testing::load_yaml(testing::fargate_scenario("10m", R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 3, launchType: FARGATE}
)"));
  std::vector<std::unique_ptr<ServiceScaler>> scalers;
  scalers.push_back(std::make_unique<OutOfBoundsScaler>());
  return std::make_unique<Simulator>(cfg, placement::make_default_placer(), std::move(scalers));
}

TEST(Invariants, AViolationIsReportedWithItsTime) {
  auto owned = with_rogue_scaler();
  Simulator& sim = *owned;
  EXPECT_NO_THROW(sim.check_invariants_now());  // consistent before the rogue action
  sim.set_check_invariants(true, 1);
  try {
    sim.run();
    FAIL() << "the out-of-bounds desired count was not reported";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "invariant violated at t=120s: service web desired count 50 outside [1, 10]");
  }
}

// One scaler slot per service, or none: a short list is refused, not read past its end.
TEST(Invariants, ScalerSlotsMustMatchTheServices) {
  auto cfg = testing::load_yaml(testing::fargate_scenario("10m", R"(services:
  - {serviceName: a, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
  - {serviceName: b, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
)"));
  std::vector<std::unique_ptr<ServiceScaler>> one;
  one.push_back(std::make_unique<OutOfBoundsScaler>());
  EXPECT_THROW(Simulator(cfg, placement::make_default_placer(), std::move(one)), std::invalid_argument);
}

TEST(Invariants, OffMeansNoCheckDuringTheRun) {
  auto owned = with_rogue_scaler();
  Simulator& sim = *owned;
  sim.set_check_invariants(false);
  EXPECT_NO_THROW(sim.run());
  EXPECT_EQ(sim.services()[0].desired, 50);
  EXPECT_THROW(sim.check_invariants_now(), std::logic_error);  // asked for explicitly, it still checks
}

}  // namespace
}  // namespace ecsim
