// Rolling deployments and the circuit breaker: hand-computed timelines.
#include <gtest/gtest.h>

#include <set>

#include "test_util.hpp"

namespace ecsim {
namespace {

// A one-hour scenario with two revisions of the same shape (revision 2 gets `v2_extra` in its
// ecsim block), up to `services:`.
std::string two_revisions(const std::string& name, const std::string& v2_extra) {
  return R"(ecsim: 1
name: )" + name + R"(
duration: 1h
clusters: [{clusterName: c}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "512", memory: "1024",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100}}
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "512", memory: "1024",
     containerDefinitions: [{name: web, image: web:2}], ecsim: {imageSizeMiB: 100)" + v2_extra + R"(}}
services:
)";
}

// Two revisions of the same shape: a task is RUNNING and healthy 24.5 s after it is created.
std::string deploy_scenario(int desired, int max_percent, int min_percent, const std::string& v2_extra = "",
                            const std::string& breaker = "{enable: false, rollback: false}") {
  return two_revisions("deploy", v2_extra) + R"(  - serviceName: web
    taskDefinition: web:1
    desiredCount: )" + std::to_string(desired) + R"(
    launchType: FARGATE
    deploymentConfiguration:
      maximumPercent: )" + std::to_string(max_percent) + R"(
      minimumHealthyPercent: )" + std::to_string(min_percent) + R"(
      deploymentCircuitBreaker: )" + breaker + R"(
timeline:
  - {at: 10m, updateService: {service: web, taskDefinition: "web:2"}}
)";
}

TEST(Deployment, TwoHundredOneHundredStartsAllNewTasksThenStopsTheOld) {
  auto r = testing::run_yaml(deploy_scenario(4, 200, 100));
  // 4 new tasks at 600 s, healthy at 624.5 s; each lets one old task go (SIGTERM exit 2 s).
  EXPECT_EQ(r.times("TASK_PROVISIONING"), (std::vector<double>{0, 0, 0, 0, 600, 600, 600, 600}));
  EXPECT_EQ(r.times("TASK_STOPPING"), (std::vector<double>{624.5, 624.5, 624.5, 624.5}));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_IN_PROGRESS"), std::vector<double>{600});
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{626.5});
  const auto& d = r.sim->services()[0].deployments;
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].rollout, Deployment::Rollout::kCompleted);
  EXPECT_EQ(r.sim->services()[0].primary_task_definition, 1);
}

// forceNewDeployment of the running revision replaces every task as a new revision would:
// the same 200/100 timeline as above, all in web:1, and the four original tasks stop.
TEST(Deployment, ForceNewDeploymentReplacesEveryTaskOfTheSameRevision) {
  std::string y = deploy_scenario(4, 200, 100);
  y.replace(y.find("taskDefinition: \"web:2\""), std::string("taskDefinition: \"web:2\"").size(), "forceNewDeployment: true");
  auto r = testing::run_yaml(y);
  EXPECT_EQ(r.times("TASK_PROVISIONING"), (std::vector<double>{0, 0, 0, 0, 600, 600, 600, 600}));
  EXPECT_EQ(r.times("TASK_STOPPING"), (std::vector<double>{624.5, 624.5, 624.5, 624.5}));
  EXPECT_EQ(r.tasks("TASK_STOPPING"), (std::vector<std::uint64_t>{4, 3, 2, 1}));  // newest first
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{626.5});
  EXPECT_EQ(r.sim->services()[0].primary_task_definition, 0);
  EXPECT_EQ(r.sim->services()[0].forced_out_counted, 0);
}

TEST(Deployment, OneHundredFiftyRunsInTwoBatchesAndKeepsHalfHealthy) {
  auto r = testing::run_yaml(deploy_scenario(10, 100, 50));
  // Batch 1: 5 old stop at 600, 5 new start; healthy at 624.5 they let the other 5 old go
  // and 5 more new start, healthy at 649 s: the deployment completes.
  const auto prov = r.times("TASK_PROVISIONING");
  ASSERT_EQ(prov.size(), 20u);
  EXPECT_EQ(std::vector<double>(prov.begin() + 10, prov.begin() + 15), std::vector<double>(5, 600));
  EXPECT_EQ(std::vector<double>(prov.begin() + 15, prov.end()), std::vector<double>(5, 624.5));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{649});
  // Healthy tasks never drop below 5: replay the log.
  int healthy = 0, min_after_start = 10;
  std::set<std::uint64_t> is_healthy;
  for (std::size_t i = 0; i < r.log->t.size(); ++i) {
    const auto& k = r.log->kind[i];
    if (k == "TASK_HEALTHY") {
      ++healthy;
      is_healthy.insert(r.log->task[i]);
    } else if ((k == "TASK_STOPPING" || k == "TASK_STOPPED") && is_healthy.erase(r.log->task[i])) {
      --healthy;
    }
    if (r.log->t[i] >= 600) min_after_start = std::min(min_after_start, healthy);
  }
  EXPECT_EQ(min_after_start, 5);
}

TEST(Deployment, OneHundredZeroLeavesAGap) {
  auto r = testing::run_yaml(deploy_scenario(4, 100, 0));
  // All old tasks stop at once; the new ones are healthy 24.5 s later: no healthy task between.
  EXPECT_EQ(r.times("TASK_STOPPING"), std::vector<double>(4, 600));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{624.5});
}

TEST(CircuitBreaker, FailingRevisionFailsAndRollsBack) {
  auto r = testing::run_yaml(deploy_scenario(10, 200, 100, ", appStartTime: 5s, failToStart: true",
                                             "{enable: true, rollback: true}"));
  ASSERT_EQ(r.times("SERVICE_DEPLOYMENT_FAILED"), std::vector<double>{629.5});
  const auto& svc = r.sim->services()[0];
  ASSERT_EQ(svc.deployments.size(), 2u);
  EXPECT_EQ(svc.deployments[0].rollout, Deployment::Rollout::kFailed);
  EXPECT_TRUE(svc.deployments[0].rolled_back);
  EXPECT_GE(svc.deployments[0].failed_tasks, 5);   // threshold max(3, 0.5 x 10)
  EXPECT_LE(svc.deployments[0].failed_tasks, 10);  // 5 + the tasks in flight
  EXPECT_TRUE(svc.deployments[1].is_rollback);
  EXPECT_EQ(svc.deployments[1].rollout, Deployment::Rollout::kCompleted);
  EXPECT_EQ(svc.primary_task_definition, 0);
  EXPECT_EQ(svc.healthy, 10);
  for (auto id : r.tasks("TASK_HEALTHY")) EXPECT_EQ(r.sim->find_task(id) ? r.sim->find_task(id)->task_definition : 0, 0);
}

TEST(CircuitBreaker, WithoutTheBreakerTheSchedulerKeepsRetryingWithBackoff) {
  auto r = testing::run_yaml(deploy_scenario(4, 200, 100, ", appStartTime: 5s, failToStart: true"));
  EXPECT_TRUE(r.times("SERVICE_DEPLOYMENT_FAILED").empty());
  EXPECT_EQ(r.sim->services()[0].deployments.back().rollout, Deployment::Rollout::kInProgress);
  EXPECT_GT(r.sim->services()[0].deployments.back().failed_tasks, 8);
  EXPECT_EQ(r.sim->services()[0].healthy, 4);  // the old revision keeps serving (min 100%)
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

TEST(DeploymentWhatIf, ExampleOutcomes) {
  auto cfg = scenarios::load(scenarios::read_scenario_file(std::string(ECSIM_SOURCE_DIR) +
                                                           "/scenarios/examples/deployment_what_if.yaml"));
  auto r = testing::run_config(cfg);
  const auto& fast = r.sim->services()[0];
  const auto& frugal = r.sim->services()[1];
  ASSERT_EQ(fast.deployments.size(), 1u);
  EXPECT_EQ(fast.deployments[0].rollout, Deployment::Rollout::kCompleted);
  // 100/50 serves 700 requests/s with 5 tasks (500/s) during each batch: more overload.
  EXPECT_GT(frugal.overloaded_ms, fast.overloaded_ms);
  ASSERT_EQ(frugal.deployments.size(), 3u);
  EXPECT_EQ(frugal.deployments[1].rollout, Deployment::Rollout::kFailed);
  EXPECT_TRUE(frugal.deployments[1].rolled_back);
  EXPECT_EQ(frugal.deployments[1].failed_tasks, 5);
  EXPECT_TRUE(frugal.deployments[2].is_rollback);
  EXPECT_EQ(frugal.deployments[2].rollout, Deployment::Rollout::kCompleted);
  EXPECT_EQ(frugal.primary_task_definition, 1);  // back on web:2
  EXPECT_EQ(frugal.healthy, 10);
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

// A load-balanced service whose revision 2 runs but fails its health checks.
std::string unhealthy_scenario(const std::string& v2_extra, const std::string& breaker, const std::string& grace = "0") {
  return two_revisions("unhealthy", v2_extra) + R"(  - serviceName: web
    taskDefinition: web:1
    desiredCount: 10
    launchType: FARGATE
    healthCheckGracePeriodSeconds: )" + grace + R"(
    loadBalancers: [{targetGroupArn: tg, containerName: web, containerPort: 80}]
    deploymentConfiguration: {maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: )" + breaker + R"(}
timeline:
  - {at: 10m, updateService: {service: web, taskDefinition: "web:2"}}
)";
}

TEST(HealthChecks, UnhealthyTargetsFailAfterTheUnhealthyThresholdAndTheGracePeriod) {
  // RUNNING at 624.5 s; target checks every 30 s from registration; 2 consecutive failures
  // (each known after the 5 s timeout): unhealthy at 624.5 + 2 x 30 + 5 = 689.5 s.
  auto r = testing::run_yaml(unhealthy_scenario(", unhealthyFraction: 1", "{enable: false, rollback: false}"));
  const auto stops = r.times("TASK_STOPPED");
  ASSERT_FALSE(stops.empty());
  EXPECT_EQ(stops.front(), 689.5);
  // With a 120 s grace period the first check that counts is at 120 s (the 4th): 624.5 +
  // (4 + 2 - 1) x 30 + 5 = 779.5 s.
  auto g = testing::run_yaml(unhealthy_scenario(", unhealthyFraction: 1", "{enable: false, rollback: false}", "120"));
  EXPECT_EQ(g.times("TASK_STOPPED").front(), 779.5);
  bool reason = false;
  for (const auto& d : r.log->detail) reason = reason || d == "stoppedReason=Task failed ELB health checks";
  EXPECT_TRUE(reason);
  // The old revision keeps serving: minimum healthy 100 %.
  EXPECT_EQ(r.sim->services()[0].healthy, 10);
}

TEST(CircuitBreaker, StageTwoHealthCheckFailuresTripTheBreaker) {
  auto r = testing::run_yaml(unhealthy_scenario(", unhealthyFraction: 1", "{enable: true, rollback: true}"));
  const auto& svc = r.sim->services()[0];
  ASSERT_GE(svc.deployments.size(), 2u);
  EXPECT_EQ(svc.deployments[0].rollout, Deployment::Rollout::kFailed);
  EXPECT_EQ(svc.deployments[0].failed_tasks, 5);  // 10 tasks fail together at 689.5 s; the 5th trips it
  bool stage2 = false;
  for (const auto& d : r.log->detail) stage2 = stage2 || d.find("threshold=5 stage=2") != std::string::npos;
  EXPECT_TRUE(stage2);
  EXPECT_EQ(svc.deployments[1].rollout, Deployment::Rollout::kCompleted);
  EXPECT_EQ(svc.primary_task_definition, 0);
}

TEST(CircuitBreaker, ThresholdConfigurationCountAndUnboundedPercent) {
  auto count = testing::run_yaml(unhealthy_scenario(", unhealthyFraction: 1",
                                                    "{enable: true, rollback: false, thresholdConfiguration: {type: COUNT, value: 2}}"));
  EXPECT_EQ(count.sim->services()[0].deployments[0].failed_tasks, 2);
  // UNBOUNDED_PERCENT 10 of 10 tasks = 1 (the bounded default would clamp it to 3).
  auto unbounded = testing::run_yaml(unhealthy_scenario(
      ", unhealthyFraction: 1", "{enable: true, rollback: false, thresholdConfiguration: {type: UNBOUNDED_PERCENT, value: 10}}"));
  EXPECT_EQ(unbounded.sim->services()[0].deployments[0].failed_tasks, 1);
  auto bounded = testing::run_yaml(unhealthy_scenario(
      ", unhealthyFraction: 1", "{enable: true, rollback: false, thresholdConfiguration: {type: BOUNDED_PERCENT, value: 10}}"));
  EXPECT_EQ(bounded.sim->services()[0].deployments[0].failed_tasks, 3);
}

TEST(CircuitBreaker, AHealthyTaskResetsTheCountUnlessTurnedOff) {
  // Half of revision 2's tasks fail their checks. With resetOnHealthyTask (the default) the
  // healthy ones keep resetting the count; without it the failures add up to the threshold.
  const std::string half = ", unhealthyFraction: 0.5";
  auto reset = testing::run_yaml(unhealthy_scenario(half, "{enable: true, rollback: true, thresholdConfiguration: {type: COUNT, value: 3}}"));
  auto no_reset = testing::run_yaml(unhealthy_scenario(
      half, "{enable: true, rollback: true, resetOnHealthyTask: false, thresholdConfiguration: {type: COUNT, value: 3}}"));
  const auto& d_reset = reset.sim->services()[0].deployments[0];
  const auto& d_no = no_reset.sim->services()[0].deployments[0];
  EXPECT_EQ(d_no.rollout, Deployment::Rollout::kFailed);
  EXPECT_EQ(d_no.failed_tasks, 3);
  // Same seed, same draws: with the reset the breaker needs 3 failures in a row.
  EXPECT_GE(d_reset.failed_tasks, d_no.failed_tasks);
}

// D2: capacity, CPU and served load come from each task's own revision, not the service's
// first one. Revision 1 serves 100 requests/s per task at 100 % CPU, revision 2 serves 200
// (same CPU units). 4 tasks, deployed 200/100 at 10 min; healthy 24.5 s after creation.
std::string capacity_revisions(int requests_per_second) {
  return R"(ecsim: 1
name: capacity
duration: 1h
clusters: [{clusterName: c}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "512", memory: "1024",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100, capacity: {requestsPerSecond: 100}}}
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "512", memory: "1024",
     containerDefinitions: [{name: web, image: web:2}], ecsim: {imageSizeMiB: 100, capacity: {requestsPerSecond: 200}}}
services:
  - serviceName: web
    taskDefinition: web:1
    desiredCount: 4
    launchType: FARGATE
    deploymentConfiguration: {maximumPercent: 200, minimumHealthyPercent: 100}
    load: {constant: {requestsPerSecond: )" + std::to_string(requests_per_second) + R"(}}
timeline:
  - {at: 10m, updateService: {service: web, taskDefinition: "web:2"}}
run: {sample: 5m}
)";
}

TEST(DeploymentCapacity, ARevisionThatServesTwiceAsMuchHalvesTheCpu) {
  auto r = testing::run_yaml(capacity_revisions(300));
  ASSERT_EQ(r.sim->services()[0].deployments.at(0).rollout, Deployment::Rollout::kCompleted);
  // At the end: 4 tasks of revision 2, 300 / (4 x 200) = 37.5 % (it was 75 % on revision 1).
  EXPECT_DOUBLE_EQ(r.sim->services()[0].cpu_percent, 37.5);
  EXPECT_DOUBLE_EQ(r.sim->load_shape(0).busy_share, 0.375);
  EXPECT_DOUBLE_EQ(r.sim->services()[0].served_rps, 300.0);
}

TEST(DeploymentCapacity, OverloadEndsWhenTheBiggerRevisionIsHealthy) {
  // 600 requests/s: revision 1 serves 4 x 100 = 400 (200 unserved every second from 24.5 s,
  // when all four are healthy, to 624.5 s, when revision 2 is), revision 2 serves all 600 at 75 %.
  auto r = testing::run_yaml(capacity_revisions(600));
  const auto& s = r.sim->services()[0];
  EXPECT_DOUBLE_EQ(s.cpu_percent, 75.0);
  EXPECT_DOUBLE_EQ(s.served_rps, 600.0);
  // Unserved: 600/s for the first 24.5 s (nothing healthy), then 200/s until 624.5 s.
  EXPECT_NEAR(s.unserved_requests, 600.0 * 24.5 + 200.0 * 600.0, 1e-6);
}

TEST(DeploymentCapacity, MixedRevisionsShareTheLoadAndEachUsesItsOwnCapacity) {
  // At 624.5 s the first new task turns healthy and one old task goes: 3 old + 1 new healthy
  // and 3 more new RUNNING. 300 requests/s over 4 targets = 75 each: an old task at 75/100,
  // the new one at 75/200. CPU = (3 x 0.75 + 1 x 0.375) x 512 / (7 x 512) = 37.5 %, where one
  // capacity for all (100) would say 300 / 700 = 42.9 %.
  auto cfg = testing::load_yaml(capacity_revisions(300));
  auto sim = scenarios::build(cfg);
  sim->run_until(at_millis(624'000));
  const auto& s = sim->services()[0];
  while (s.healthy_by_revision[1] == 0) ASSERT_EQ(sim->step(1), 1u);
  EXPECT_EQ(to_seconds(sim->now()), 624.5);
  ASSERT_EQ(s.healthy_by_revision, (std::vector<int>{3, 1}));
  ASSERT_EQ(s.running_by_revision, (std::vector<int>{3, 4}));
  const auto shape = sim->load_shape(0);
  EXPECT_DOUBLE_EQ(shape.busy_share, 0.375);
  EXPECT_DOUBLE_EQ(shape.served_rps, 300.0);
}

}  // namespace
}  // namespace ecsim
