// Task scale-in protection (UpdateTaskProtection on the timeline): hand-computed timelines.
// Four Fargate tasks RUNNING at 24.5 s; a stop takes 2 s (SIGTERM to exit); the oldest two
// (tasks 1 and 2) are protected at 300 s.
#include <gtest/gtest.h>

#include <string>

#include "test_util.hpp"

namespace ecsim {
namespace {

std::string four_tasks(const std::string& timeline, const std::string& placement = "    launchType: FARGATE\n") {
  return testing::fargate_scenario("30m", testing::second_revision() + R"(services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 4
)" + placement + "timeline:\n" + timeline);
}

TEST(TaskProtection, ScaleInStopsTheUnprotectedTasksAndTheRestWhenProtectionEnds) {
  auto r = testing::run_yaml(four_tasks(R"(  - {at: 5m, updateTaskProtection: {service: web, count: 2, protectionEnabled: true, expiresInMinutes: 10}}
  - {at: 6m, updateService: {service: web, desiredCount: 1}}
)"));
  // desired 1 at 360 s: tasks 4 and 3 stop (362 s); 1 and 2 are protected until 900 s, when
  // the newest of them goes.
  EXPECT_EQ(r.tasks("TASK_STOPPED"), (std::vector<std::uint64_t>{4, 3, 2}));
  EXPECT_EQ(r.times("TASK_STOPPED"), (std::vector<double>{362, 362, 902}));
  EXPECT_TRUE(r.times("TASK_STOPPED", 1).empty());
}

TEST(TaskProtection, ARollingDeploymentLeavesProtectedTasksUntilTheyExpire) {
  auto r = testing::run_yaml(four_tasks(R"(  - {at: 5m, updateTaskProtection: {service: web, count: 2, protectionEnabled: true, expiresInMinutes: 10}}
  - {at: 6m, updateService: {service: web, taskDefinition: "web:2"}}
)"));
  // 100/200 %: four web:2 tasks start at once (RUNNING 384.5 s); the unprotected old tasks
  // go when the new ones are healthy; the protected ones at 900 s, and only then is the
  // deployment complete.
  EXPECT_EQ(r.times("TASK_STOPPED", 3).size(), 1u);
  EXPECT_LT(r.times("TASK_STOPPED", 3)[0], 900);
  EXPECT_EQ(r.times("TASK_STOPPED", 1), (std::vector<double>{902}));
  EXPECT_EQ(r.times("TASK_STOPPED", 2), (std::vector<double>{902}));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), (std::vector<double>{902}));
  // Without the protection the deployment is done when the old tasks have stopped.
  auto plain = testing::run_yaml(four_tasks(R"(  - {at: 6m, updateService: {service: web, taskDefinition: "web:2"}}
)"));
  ASSERT_EQ(plain.count("SERVICE_DEPLOYMENT_COMPLETED"), 1u);
  EXPECT_LT(plain.times("SERVICE_DEPLOYMENT_COMPLETED")[0], 900);
}

TEST(TaskProtection, MoreProtectedThanDesiredIsRefusedAndUnprotectingReleasesATask) {
  auto r = testing::run_yaml(four_tasks(R"(  - {at: 5m, updateTaskProtection: {service: web, count: 2, protectionEnabled: true}}
  - {at: 6m, updateService: {service: web, desiredCount: 1}}
  - {at: 7m, updateTaskProtection: {service: web, count: 2, protectionEnabled: true}}
  - {at: 8m, updateTaskProtection: {service: web, count: 1, protectionEnabled: false}}
)"));
  // 420 s: two protected tasks against a desired count of 1: DEPLOYMENT_BLOCKED, nothing
  // changes. 480 s: task 1 loses its protection and the scale-in stops it; task 2 is held
  // for the default 2 hours, past the end of the run.
  ASSERT_EQ(r.count("TASK_PROTECTION_UPDATED"), 3u);
  bool blocked = false;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "TASK_PROTECTION_UPDATED" && r.log->t[i] == 420)
      blocked = r.log->detail[i].find("failed=DEPLOYMENT_BLOCKED") != std::string::npos;
  EXPECT_TRUE(blocked);
  EXPECT_EQ(r.tasks("TASK_STOPPED"), (std::vector<std::uint64_t>{4, 3, 1}));
  EXPECT_EQ(r.times("TASK_STOPPED", 1), (std::vector<double>{482}));
  EXPECT_TRUE(r.times("TASK_STOPPED", 2).empty());
}

TEST(TaskProtection, AProviderWhoseTasksAreAllProtectedLeavesTheScaleInToTheOther) {
  // FARGATE runs tasks 1 and 3, FARGATE_SPOT 2 and 4; 1, 2 and 3 are protected. Desired 3:
  // FARGATE's tasks are all protected, so the one task to stop is FARGATE_SPOT's task 4.
  auto r = testing::run_yaml(four_tasks(R"(  - {at: 5m, updateTaskProtection: {service: web, count: 3, protectionEnabled: true, expiresInMinutes: 10}}
  - {at: 6m, updateService: {service: web, desiredCount: 3}}
)", "    capacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}, {capacityProvider: FARGATE_SPOT, weight: 1}]\n"));
  EXPECT_EQ(r.tasks("TASK_STOPPED"), (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(r.times("TASK_STOPPED"), (std::vector<double>{362}));
}

TEST(TaskProtection, ReprotectingResetsTheExpiry) {
  auto r = testing::run_yaml(four_tasks(R"(  - {at: 5m, updateTaskProtection: {service: web, count: 2, protectionEnabled: true, expiresInMinutes: 5}}
  - {at: 6m, updateService: {service: web, desiredCount: 2}}
  - {at: 8m, updateTaskProtection: {service: web, count: 1, protectionEnabled: true, expiresInMinutes: 5}}
  - {at: 11m, updateService: {service: web, desiredCount: 0}}
)"));
  // Tasks 1 and 2 are protected until 600 s; task 1 again at 480 s, until 780 s. At 660 s
  // task 2 is free and stops; task 1 stops when its second protection ends.
  EXPECT_EQ(r.times("TASK_STOPPED", 2), (std::vector<double>{662}));
  EXPECT_EQ(r.times("TASK_STOPPED", 1), (std::vector<double>{782}));
}

}  // namespace
}  // namespace ecsim
