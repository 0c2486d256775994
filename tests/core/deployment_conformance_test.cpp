// Every DeploymentStrategy in the registry must pass these checks (add a strategy to
// deployment_strategies() and it is run here); and the circuit breaker's arithmetic.
#include <gtest/gtest.h>

#include "ecsim/core/deployment.hpp"
#include "test_util.hpp"

namespace ecsim {
namespace {

struct Case {
  std::string strategy;
  int desired, maximum_percent, minimum_healthy_percent;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const auto& c = info.param;
  return c.strategy + "_" + std::to_string(c.desired) + "_" + std::to_string(c.maximum_percent) + "_" +
         std::to_string(c.minimum_healthy_percent);
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const auto& kind : deployment_strategies())
    for (int desired : {1, 5, 10})
      for (auto [maxp, minp] : std::vector<std::pair<int, int>>{{200, 100}, {100, 50}, {150, 50}, {100, 0}, {200, 0}, {125, 75}})
        out.push_back({std::string(kind.name), desired, maxp, minp});
  return out;
}

// Checks the service at every record while its deployment is in progress.
struct DeploymentWatch final : Observer {
  int lower = 0, upper = 0;
  bool started = false, done = false;
  std::vector<std::string> problems;
  void on_record(const Simulator& sim, const Record& r) override {
    const auto& s = sim.services()[0];
    if (r.kind == RecordKind::kDeploymentInProgress) started = true;
    if (r.kind == RecordKind::kDeploymentCompleted) done = true;
    if (!started || done) return;
    if (s.counted > upper)
      problems.push_back("t=" + format_seconds(r.time) + " counted " + std::to_string(s.counted) + " > " + std::to_string(upper));
    if (s.healthy < lower)
      problems.push_back("t=" + format_seconds(r.time) + " healthy " + std::to_string(s.healthy) + " < " + std::to_string(lower));
  }
};

class StrategyConformance : public ::testing::TestWithParam<Case> {};

TEST_P(StrategyConformance, KeepsTheFloorAndTheCeilingAndCompletes) {
  const auto& c = GetParam();
  ASSERT_NE(make_deployment_strategy(c.strategy), nullptr);
  EXPECT_EQ(make_deployment_strategy(c.strategy)->name(), c.strategy);
  auto cfg = testing::load_yaml(R"(ecsim: 1
name: conformance
duration: 2h
clusters: [{clusterName: c}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100}}
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:2}], ecsim: {imageSizeMiB: 150}}
services:
  - serviceName: web
    taskDefinition: web:1
    desiredCount: )" + std::to_string(c.desired) + R"(
    launchType: FARGATE
    loadBalancers: [{targetGroupArn: tg, containerName: web, containerPort: 80}]
    deploymentConfiguration: {strategy: )" + c.strategy + ", maximumPercent: " + std::to_string(c.maximum_percent) +
                                R"(, minimumHealthyPercent: )" + std::to_string(c.minimum_healthy_percent) +
                                (c.strategy == "BLUE_GREEN" ? ", bakeTimeInMinutes: 2" : "") + R"(}
timeline:
  - {at: 10m, updateService: {service: web, taskDefinition: "web:2"}}
)");
  auto sim = scenarios::build(cfg);
  DeploymentWatch watch;
  const auto strategy = make_deployment_strategy(c.strategy);
  watch.lower = strategy->floor(cfg.services[0], c.desired);
  watch.upper = strategy->ceiling(cfg.services[0], c.desired);
  sim->add_observer(&watch);
  sim->run();
  EXPECT_TRUE(watch.started);
  EXPECT_TRUE(watch.problems.empty()) << watch.problems.front();
  const auto& s = sim->services()[0];
  EXPECT_EQ(s.healthy, c.desired);
  ASSERT_EQ(s.deployments.size(), 1u);
  // With no room either way (the floor, rounded up, and the ceiling, rounded down, both equal
  // the desired count: 1 task at 100/50, 150/50 or 125/75) ECS can neither start a new task
  // nor stop an old one, and the deployment stays IN_PROGRESS on the old revision.
  // Blue/green, linear and canary always have room: green starts beside blue.
  const bool room = watch.upper > c.desired || watch.lower < c.desired;
  EXPECT_EQ(watch.done, room);
  EXPECT_EQ(s.deployments[0].rollout, room ? Deployment::Rollout::kCompleted : Deployment::Rollout::kInProgress);
  for (const Task* t : sim->live_tasks()) EXPECT_EQ(t->task_definition, room ? 1 : 0);
}

INSTANTIATE_TEST_SUITE_P(Registered, StrategyConformance, ::testing::ValuesIn(cases()), case_name);

TEST(DeploymentStrategies, AnUnknownNameMakesNoStrategy) { EXPECT_EQ(make_deployment_strategy("RECREATE"), nullptr); }

ServiceConfig breaker(ServiceConfig::BreakerThreshold type, std::optional<int> value, bool reset = true) {
  ServiceConfig sc;
  sc.circuit_breaker = true;
  sc.breaker_threshold_type = type;
  sc.breaker_threshold_value = value;
  sc.reset_on_healthy_task = reset;
  return sc;
}

TEST(CircuitBreaker, ThresholdsAsDocumented) {
  const ServiceTimings st;  // 50 %, clamped to [3, 200]
  using T = ServiceConfig::BreakerThreshold;
  EXPECT_EQ(circuit_breaker::threshold(breaker(T::kBoundedPercent, std::nullopt), st, 10), 5);
  EXPECT_EQ(circuit_breaker::threshold(breaker(T::kBoundedPercent, std::nullopt), st, 11), 6);  // ceil(5.5)
  EXPECT_EQ(circuit_breaker::threshold(breaker(T::kBoundedPercent, std::nullopt), st, 2), 3);    // the floor of 3
  EXPECT_EQ(circuit_breaker::threshold(breaker(T::kBoundedPercent, std::nullopt), st, 1000), 200);  // the cap
  EXPECT_EQ(circuit_breaker::threshold(breaker(T::kCount, 7), st, 1000), 7);
  EXPECT_EQ(circuit_breaker::threshold(breaker(T::kUnboundedPercent, 10), st, 25), 3);    // ceil(2.5)
  EXPECT_EQ(circuit_breaker::threshold(breaker(T::kUnboundedPercent, 10), st, 1000), 100);  // no cap
}

TEST(CircuitBreaker, AHealthyTaskResetsTheCountUnlessResetOnHealthyTaskIsOff) {
  using T = ServiceConfig::BreakerThreshold;
  for (bool reset : {true, false}) {
    const auto sc = breaker(T::kCount, 3, reset);
    Deployment d;
    EXPECT_FALSE(circuit_breaker::on_task_failed(d, sc, 3));
    EXPECT_FALSE(circuit_breaker::on_task_failed(d, sc, 3));
    circuit_breaker::on_task_healthy(d, sc);
    EXPECT_EQ(circuit_breaker::on_task_failed(d, sc, 3), !reset) << "reset=" << reset;
    EXPECT_EQ(d.failed_tasks, 3);  // the total is kept either way
    EXPECT_EQ(d.breaker_count, reset ? 1 : 3);
  }
}

TEST(CircuitBreaker, DisabledNeverTrips) {
  auto sc = breaker(ServiceConfig::BreakerThreshold::kCount, 1);
  sc.circuit_breaker = false;
  Deployment d;
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(circuit_breaker::on_task_failed(d, sc, 1));
  EXPECT_EQ(d.failed_tasks, 10);
}

}  // namespace
}  // namespace ecsim
