// Availability zone rebalancing: an EC2 service whose zones become uneven (no room in one
// zone when it scaled out) gets a task started in the emptiest zone and, once it is healthy,
// one stopped in the fullest; DISABLED (or a binpack-first service) stays uneven.
#include <gtest/gtest.h>

#include <map>

#include "test_util.hpp"

namespace ecsim {
namespace {

// Two zones; tasks of 1 vCPU: an m5.large (2,048 CPU units) holds two. The service starts
// with 4 tasks on 2 instances (us-east-1a, us-east-1b) and goes to 6 at 10 min.
std::string scenario(const std::string& managed_scaling, int max_size, const std::string& service_extra) {
  return R"(ecsim: 1
name: rebalancing
seed: 3
duration: 90m
capacityProviders:
  - name: ec2
    autoScalingGroupProvider: {managedScaling: )" + managed_scaling + R"(}
    autoScalingGroup: {MinSize: 2, MaxSize: )" + std::to_string(max_size) + R"(, DesiredCapacity: 2, InstanceType: m5.large,
                       AvailabilityZones: [us-east-1a, us-east-1b]}
clusters:
  - clusterName: prod
    capacityProviders: [ec2]
    defaultCapacityProviderStrategy: [{capacityProvider: ec2, weight: 1}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "1024", memory: "1024",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100}}
services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 4)" + service_extra + R"(}
timeline:
  - {at: 10m, updateService: {service: web, desiredCount: 6}}
)";
}

std::map<int, int> running_per_zone(const testing::Ran& r) {
  std::map<int, int> out;
  for (const Task* t : r.sim->live_tasks())
    if (t->state == TaskState::kRunning) ++out[t->zone];
  return out;
}

const char* kManaged = "{status: ENABLED, targetCapacity: 100}";

TEST(AzRebalancing, MovesATaskToTheEmptiestZoneOnceThereIsRoom) {
  auto r = testing::run_yaml(scenario(kManaged, 6, ""));
  // 6 tasks: the scale-out's instance came up in us-east-1a (the tie goes to the first zone),
  // so 4/2; rebalancing starts a task for us-east-1b, which waits in PROVISIONING until
  // managed scaling's next instance (us-east-1b, the least used zone) registers.
  ASSERT_EQ(r.count("SERVICE_REBALANCING_STARTED"), 1u);
  EXPECT_EQ(r.sim->services()[0].rebalanced_tasks, 1);
  EXPECT_EQ(running_per_zone(r), (std::map<int, int>{{0, 3}, {1, 3}}));
  ASSERT_EQ(r.count("SERVICE_REBALANCING_COMPLETED"), 1u);
  const double started = r.times("SERVICE_REBALANCING_STARTED")[0], completed = r.times("SERVICE_REBALANCING_COMPLETED")[0];
  EXPECT_GT(started, 600.0);
  // The extra task (created at `started`) is healthy before any task stops, and the task that
  // stops runs in us-east-1a.
  std::uint64_t extra = 0;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "TASK_PROVISIONING" && r.log->t[i] == started) extra = r.log->task[i];
  ASSERT_NE(extra, 0u);
  const auto healthy = r.times("TASK_HEALTHY", extra);
  ASSERT_EQ(healthy.size(), 1u);
  const auto stopping = r.times("TASK_STOPPING");
  ASSERT_EQ(stopping.size(), 1u);
  EXPECT_EQ(stopping[0], healthy[0]);
  const Task* victim = r.sim->find_task(r.tasks("TASK_STOPPING")[0]);
  ASSERT_NE(victim, nullptr);
  EXPECT_EQ(victim->zone, 0);
  EXPECT_GE(completed, healthy[0]);
  EXPECT_EQ(r.sim->find_task(extra)->zone, 1);
}

TEST(AzRebalancing, DisabledOrBinpackFirstLeavesTheZonesUneven) {
  for (const char* extra : {", availabilityZoneRebalancing: DISABLED", ", placementStrategy: [{type: binpack, field: cpu}]"}) {
    auto r = testing::run_yaml(scenario(kManaged, 6, extra));
    EXPECT_EQ(r.count("SERVICE_REBALANCING_STARTED"), 0u) << extra;
    EXPECT_EQ(r.sim->services()[0].rebalanced_tasks, 0) << extra;
    const auto zones = running_per_zone(r);
    EXPECT_EQ(zones.at(0) + zones.at(1), 6) << extra;
    EXPECT_NE(zones.at(0), zones.at(1)) << extra;
  }
}

TEST(AzRebalancing, WithoutRoomTheExtraTaskGivesUpAndTriesAgainLater) {
  // MaxSize 3: after the scale-out's instance there is no room in us-east-1b, ever.
  auto r = testing::run_yaml(scenario(kManaged, 3, ""));
  ASSERT_EQ(r.count("SERVICE_REBALANCING_STARTED"), 1u);
  const double started = r.times("SERVICE_REBALANCING_STARTED")[0];
  // Each try waits in PROVISIONING for timings.service.rebalancingRetry (5 min), gives up with a
  // placement failure, and the next starts 5 min later: one every 10 min.
  std::vector<double> failures;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "SERVICE_TASK_PLACEMENT_FAILURE" && r.log->detail[i].rfind("rebalancing", 0) == 0) failures.push_back(r.log->t[i]);
  ASSERT_GE(failures.size(), 3u);
  EXPECT_EQ(failures[0], started + 300);
  EXPECT_EQ(failures[1], started + 900);
  EXPECT_EQ(failures[2], started + 1500);
  EXPECT_EQ(r.sim->services()[0].rebalanced_tasks, 0);
  EXPECT_EQ(r.count("SERVICE_REBALANCING_COMPLETED"), 0u);
  const auto zones = running_per_zone(r);
  EXPECT_EQ(zones.at(0), 4);
  EXPECT_EQ(zones.at(1), 2);
}

TEST(AzRebalancing, RefusedWhereECSRefusesIt) {
  EXPECT_THROW(testing::load_yaml(scenario(kManaged, 6, ", availabilityZoneRebalancing: ENABLED, placementStrategy: [{type: binpack, field: cpu}]")),
               scenarios::ScenarioError);
  EXPECT_FALSE(testing::load_yaml(scenario(kManaged, 6, ", placementStrategy: [{type: binpack, field: cpu}]")).services[0].az_rebalancing);
  EXPECT_TRUE(testing::load_yaml(scenario(kManaged, 6, "")).services[0].az_rebalancing);
}

}  // namespace
}  // namespace ecsim
