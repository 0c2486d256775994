// Rolling deployments and the circuit breaker: hand-computed timelines.
#include <gtest/gtest.h>

#include <set>

#include "test_util.hpp"

namespace ecsim {
namespace {

// Two revisions of the same shape: a task is RUNNING and healthy 24.5 s after it is created.
std::string deploy_scenario(int desired, int max_percent, int min_percent, const std::string& v2_extra = "",
                            const std::string& breaker = "{enable: false, rollback: false}") {
  return R"(ecsim: 1
name: deploy
duration: 1h
clusters: [{clusterName: c}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "512", memory: "1024",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100}}
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "512", memory: "1024",
     containerDefinitions: [{name: web, image: web:2}], ecsim: {imageSizeMiB: 100)" + v2_extra + R"(}}
services:
  - serviceName: web
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
