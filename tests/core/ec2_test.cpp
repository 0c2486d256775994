// EC2 capacity: Auto Scaling group providers, placement, cluster auto scaling, EC2 Spot,
// DAEMON services. Hand-computed timelines and costs.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "test_util.hpp"

namespace ecsim {
namespace {

// One cluster with one Auto Scaling group capacity provider `ec2` (m5.large unless the
// group says otherwise). An m5.large registers 2048 CPU units and 8192 - 256 = 7936 MiB and
// becomes ACTIVE 31.5 s after launch (16.5 s EC2 launch + 10 s boot + 5 s registration).
// The web task: 0.25 vCPU / 512 MiB, bridge mode, 100 MiB image (1.25 s pull at 80 MiB/s,
// 0 s when cached), 2 s container start.
std::string ec2_scenario(const std::string& duration, const std::string& group, const std::string& services,
                         const std::string& managed = "{status: DISABLED}", const std::string& provider_extra = "",
                         const std::string& extra_task_definitions = "") {
  return R"(ecsim: 1
name: ec2
seed: 7
duration: )" + duration + R"(
capacityProviders:
  - name: ec2
    autoScalingGroupProvider:
      managedScaling: )" + managed + provider_extra + R"(
    autoScalingGroup: )" + group + R"(
clusters:
  - clusterName: prod
    capacityProviders: [ec2]
    defaultCapacityProviderStrategy: [{capacityProvider: ec2, weight: 1}]
taskDefinitions:
  - family: web
    requiresCompatibilities: [EC2]
    networkMode: bridge
    cpu: "256"
    memory: "512"
    containerDefinitions: [{name: web, image: web:1}]
    ecsim: {imageSizeMiB: 100}
)" + extra_task_definitions + services;
}

const char* kThreeZones = R"({MinSize: 3, MaxSize: 3, DesiredCapacity: 3, InstanceType: m5.large,
                             AvailabilityZones: [us-east-1a, us-east-1b, us-east-1c]})";

std::map<std::string, int> tasks_per_instance(const testing::Ran& r) {
  std::map<std::string, int> out;
  for (const Task* t : r.sim->live_tasks())
    if (t->state == TaskState::kRunning) ++out[instance_name(t->instance)];
  return out;
}

TEST(Ec2, DistinctInstanceOnThreeInstancesRunsThreeAndReportsTheFourth) {
  auto r = testing::run_yaml(ec2_scenario("10m", kThreeZones, R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 4, placementConstraints: [{type: distinctInstance}]}
)"));
  EXPECT_EQ(r.times("CONTAINER_INSTANCE_ACTIVE"), (std::vector<double>{31.5, 31.5, 31.5}));
  // Placed as instances register; RUNNING after a 1.25 s pull and a 2 s container start.
  EXPECT_EQ(r.times("TASK_RUNNING"), (std::vector<double>{34.75, 34.75, 34.75}));
  const auto per = tasks_per_instance(r);
  EXPECT_EQ(per, (std::map<std::string, int>{{"i-00000001", 1}, {"i-00000002", 1}, {"i-00000003", 1}}));
  EXPECT_EQ(r.sim->services()[0].provisioning, 1);
  // The 4th task is reported once, in ECS's words.
  bool found = false;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "SERVICE_TASK_PLACEMENT_FAILURE" && r.log->task[i] == 4) {
      EXPECT_EQ(r.log->detail[i],
                "(service web) unable to place a task because no container instance met all of its requirements. "
                "The closest matching container-instance i-00000001 encountered error \"DistinctInstance placement "
                "constraint unsatisfied.\"");
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(Ec2, BinpackOnMemoryFillsTheFullestInstanceFirst) {
  // 10 tasks of 512 MiB on 3 instances of 7936 MiB: binpack puts every one on the first
  // instance that registered (all equal at first, then it is the fullest).
  auto r = testing::run_yaml(ec2_scenario("5m", kThreeZones, R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 10, placementStrategy: [{type: binpack, field: memory}]}
)"));
  EXPECT_EQ(tasks_per_instance(r), (std::map<std::string, int>{{"i-00000001", 8}, {"i-00000002", 2}}));
}

TEST(Ec2, BinpackRespectsCpuAndMemory) {
  // 2048 CPU units per m5.large: eight 256-unit tasks fill one; the 9th and 10th go next door.
  auto r = testing::run_yaml(ec2_scenario("5m", kThreeZones, R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 10, placementStrategy: [{type: binpack, field: cpu}]}
)"));
  const auto per = tasks_per_instance(r);
  EXPECT_EQ(per.at("i-00000001"), 8);
  EXPECT_EQ(per.at("i-00000002"), 2);
}

TEST(Ec2, SpreadOverZonesBalancesThreeZonesWithinOneTask) {
  auto r = testing::run_yaml(ec2_scenario("5m", kThreeZones, R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 7,
     placementStrategy: [{type: spread, field: "attribute:ecs.availability-zone"}, {type: binpack, field: memory}]}
)"));
  std::map<int, int> per_zone;
  for (const Task* t : r.sim->live_tasks()) ++per_zone[t->zone];
  ASSERT_EQ(per_zone.size(), 3u);
  EXPECT_EQ(per_zone[0], 3);  // 7 = 3 + 2 + 2, the extra one in the first zone
  EXPECT_EQ(per_zone[1], 2);
  EXPECT_EQ(per_zone[2], 2);
}

TEST(Ec2, DefaultServiceStrategySpreadsOverZonesThenInstances) {
  auto r = testing::run_yaml(ec2_scenario("5m", R"({MinSize: 6, MaxSize: 6, DesiredCapacity: 6, InstanceType: m5.large,
                                                   AvailabilityZones: [us-east-1a, us-east-1b, us-east-1c]})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 6}
)"));
  const auto per = tasks_per_instance(r);
  EXPECT_EQ(per.size(), 6u);  // one per instance: zones balanced, then instances
  for (const auto& [id, n] : per) EXPECT_EQ(n, 1) << id;
}

TEST(Ec2, HostPortConflictKeepsTasksApart) {
  auto r = testing::run_yaml(ec2_scenario("5m", R"({MinSize: 1, MaxSize: 1, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:2, desiredCount: 2, placementStrategy: [{type: binpack, field: memory}]}
)", "{status: DISABLED}", "", R"(  - family: web
    requiresCompatibilities: [EC2]
    networkMode: bridge
    memory: "512"
    containerDefinitions: [{name: web, image: web:1, portMappings: [{containerPort: 80, hostPort: 8080}]}]
)"));
  EXPECT_EQ(r.count("TASK_RUNNING"), 1u);
  bool port = false;
  for (const auto& d : r.log->detail) port = port || d.find("is already using a port required by your task") != std::string::npos;
  EXPECT_TRUE(port);
}

// The scale-out bound counts static host ports: one task per port per instance. 10 tasks of
// 256 CPU with hostPort 8080: from zero the first step launches 2; after the 300 s warm-up 2
// run and 8 wait, and although their CPU would fit one m5.large, they need 8 instances:
// M = 2 + 8, reservation 500 %, step 8.
TEST(Ec2, ManagedScalingCountsOneTaskPerHostPortPerInstance) {
  auto r = testing::run_yaml(ec2_scenario("7m", R"({MinSize: 0, MaxSize: 20, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:2, desiredCount: 10}
)", "{status: ENABLED}", "", R"(  - family: web
    requiresCompatibilities: [EC2]
    networkMode: bridge
    cpu: "256"
    memory: "512"
    containerDefinitions: [{name: web, image: web:1, portMappings: [{containerPort: 80, hostPort: 8080}]}]
)"));
  std::vector<double> want(2, 60.0);
  want.insert(want.end(), 8, 360.0);
  EXPECT_EQ(r.times("INSTANCE_LAUNCHED"), want);
}

// The smallest instance type is the protection: a task it cannot run is left out of the
// scale-out estimate, and when every waiting task is, the reservation stays at the target.
// m5.large (2048 CPU) and m5.xlarge (4096): tasks of 3072 CPU fit only the xlarge, so from
// zero nothing launches and they wait; the notice says why.
TEST(Ec2, ManagedScalingLeavesOutTasksTooBigForTheSmallestType) {
  auto r = testing::run_yaml(ec2_scenario("10m", R"({MinSize: 0, MaxSize: 20, AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 100},
                             LaunchTemplate: {Overrides: [{InstanceType: m5.large}, {InstanceType: m5.xlarge}]}}})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:2, desiredCount: 4}
)", "{status: ENABLED}", "", R"(  - family: web
    requiresCompatibilities: [EC2]
    networkMode: bridge
    cpu: "3072"
    memory: "1024"
    containerDefinitions: [{name: web, image: web:1}]
)"));
  EXPECT_EQ(r.count("INSTANCE_LAUNCHED"), 0u);
  EXPECT_EQ(r.sim->services()[0].provisioning, 4);
  const auto& notices = r.sim->config().notices;
  EXPECT_TRUE(std::any_of(notices.begin(), notices.end(), [](const std::string& n) {
    return n.find("needs more than the smallest instance types of capacity provider 'ec2' offer (cpu 2048") != std::string::npos;
  })) << ::testing::PrintToString(notices);
}

TEST(Ec2, AwsvpcTasksAreLimitedByTheInstanceEnis) {
  // m5.large: 3 network interfaces, one of them primary -> 2 awsvpc tasks.
  auto r = testing::run_yaml(ec2_scenario("5m", R"({MinSize: 1, MaxSize: 1, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:2, desiredCount: 3}
)", "{status: DISABLED}", "", R"(  - {family: web, requiresCompatibilities: [EC2], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100}}
)"));
  EXPECT_EQ(r.count("TASK_RUNNING"), 2u);
  // awsvpc on EC2: ENI attach 10 s, then the 1.25 s pull and the 2 s start.
  EXPECT_EQ(r.times("TASK_RUNNING"), (std::vector<double>{31.5 + 10 + 1.25 + 2, 31.5 + 10 + 1.25 + 2}));
}

TEST(Ec2, ImagesPulledOnAnInstanceAreCached) {
  // Two tasks on one instance, the second created later: it starts without a pull.
  auto r = testing::run_yaml(ec2_scenario("10m", R"({MinSize: 1, MaxSize: 1, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 1}
timeline:
  - {at: 5m, updateService: {service: web, desiredCount: 2}}
)"));
  EXPECT_EQ(r.times("TASK_RUNNING"), (std::vector<double>{34.75, 300 + 2}));
}

TEST(Ec2, OneTaskOnAnEmptyClusterLaunchesTwoInstancesOnTheFirstStep) {
  auto r = testing::run_yaml(ec2_scenario("40m", R"({MinSize: 0, MaxSize: 10, InstanceType: m5.large, AvailabilityZones: [us-east-1a],
                                                     NewInstancesProtectedFromScaleIn: true})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 1}
timeline:
  - {at: 20m, updateService: {service: web, desiredCount: 0}}
)",
                                          "{status: ENABLED, targetCapacity: 100}", "\n      managedTerminationProtection: ENABLED"));
  // First datapoint at 60 s: N = 0, M > 0 -> reservation 200 % -> 2 instances.
  EXPECT_EQ(r.times("INSTANCE_LAUNCHED"), (std::vector<double>{60, 60}));
  EXPECT_EQ(r.times("TASK_RUNNING"), (std::vector<double>{60 + 31.5 + 3.25}));
  // M = 1 of N = 2 (50 %) from the 120 s datapoint on: the 15th low datapoint is at 960 s.
  // After the service scales to 0 at 1200 s (task gone at 1202 s), reservation 0 % from the
  // 1260 s datapoint: the last instance goes at 1260 + 14 * 60 = 2100 s.
  EXPECT_EQ(r.times("INSTANCE_TERMINATED"), (std::vector<double>{960, 2100}));
  // Cost to the cent: m5.large at 0.096 USD/h for 900 s + 2040 s = 0.0784 USD.
  EXPECT_NEAR(r.sim->provider_cost(2, r.sim->now()), 0.0784, 1e-9);
}

TEST(Ec2, InstanceCostIsSplitAmongItsTasksByReservedCpuAndMemory) {
  // AWS split cost allocation: an m5.large (2 vCPU, 8 GB, 0.096 USD/h) costs
  // 0.096 / (9 * 2 + 1 * 8) = 0.0036923 USD per weighted unit-hour: its CPU part is
  // 18 units (0.0664615 USD/h), its memory part 8 units (0.0295385 USD/h). Task a reserves
  // 512 CPU / 3072 MiB, task b 1024 CPU / 1024 MiB: a gets 1/3 of the CPU part and 3/4 of
  // the memory part, b 2/3 and 1/4, from placement at 31.5 s to the end (3568.5 s).
  auto r = testing::run_yaml(ec2_scenario("1h", R"({MinSize: 1, MaxSize: 1, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: a, taskDefinition: small:1, desiredCount: 1}
  - {serviceName: b, taskDefinition: big:1, desiredCount: 1}
)",
                                          "{status: DISABLED}", "",
                                          R"(  - {family: small, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "512", memory: "3072",
     containerDefinitions: [{name: s, image: s:1}]}
  - {family: big, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "1024", memory: "1024",
     containerDefinitions: [{name: b, image: b:1}]}
)"));
  ASSERT_EQ(r.times("TASK_PENDING"), (std::vector<double>{31.5, 31.5}));
  const SimTime end = r.sim->now();
  const double hours = 3568.5 / 3600;
  // a: (0.0664615 / 3 + 0.0295385 * 3 / 4) * 0.99125 = 0.043920 USD
  EXPECT_NEAR(r.sim->service_cost(0, end), 0.043920, 1e-9);
  // b: (0.0664615 * 2 / 3 + 0.0295385 / 4) * 0.99125 = 0.051240 USD
  EXPECT_NEAR(r.sim->service_cost(1, end), 0.051240, 1e-9);
  // The instance's first 31.5 s (launch, boot, registration) belong to no task.
  EXPECT_NEAR(r.sim->unallocated_cost(2, end), 0.096 * 31.5 / 3600, 1e-9);
  EXPECT_NEAR(r.sim->provider_cost(2, end), 0.096 * hours + 0.096 * 31.5 / 3600, 1e-9);
}

TEST(Ec2, AStoppedTasksShareGoesToTheTasksThatRemain) {
  // Two equal tasks (256 CPU / 512 MiB) from 31.5 s; one stops at 1800 s (2 s to exit):
  // from then on the other is allocated the whole instance.
  auto r = testing::run_yaml(ec2_scenario("1h", R"({MinSize: 1, MaxSize: 1, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 2}
timeline:
  - {at: 30m, updateService: {service: web, desiredCount: 1}}
)"));
  const auto stopped = r.times("TASK_STOPPED");
  ASSERT_EQ(stopped.size(), 1u);
  const double rate = 0.096 / 3600;  // USD per second for the whole instance
  const double both = stopped[0] - 31.5, alone = 3600 - stopped[0];
  const Task* live = r.sim->live_tasks().at(0);
  EXPECT_NEAR(r.sim->accrued_cost(*live, r.sim->now()), rate * (both / 2 + alone), 1e-9);
  EXPECT_NEAR(r.sim->service_cost(0, r.sim->now()), rate * (3600 - 31.5), 1e-9);
}

TEST(Ec2, ScaleOutIsBlockedDuringInstanceWarmup) {
  // 40 tasks of 1 vCPU need 20 m5.large; one type and one zone, so steps follow demand:
  // 60 s: N = 0 -> 2 instances; the next step waits for the 300 s warm-up (from 60 s).
  auto r = testing::run_yaml(ec2_scenario("15m", R"({MinSize: 0, MaxSize: 100, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:2, desiredCount: 40}
)",
                                          "{status: ENABLED, targetCapacity: 100}", "",
                                          R"(  - {family: web, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "1024", memory: "1024",
     containerDefinitions: [{name: web, image: web:1}]}
)"));
  const auto launches = r.times("INSTANCE_LAUNCHED");
  ASSERT_GE(launches.size(), 3u);
  EXPECT_EQ(launches[0], 60);
  EXPECT_EQ(launches[1], 60);
  // Blocked at 120..300 s (warm-up until 360 s); at 360 s: N = 2 full, 36 waiting tasks of
  // 1 vCPU/1 GiB need ceil(36 * 1024 / 2048) = 18 more -> M = 20 -> 1000 % -> 18 launched.
  EXPECT_EQ(launches[2], 360);
  EXPECT_EQ(std::count(launches.begin(), launches.end(), 360.0), 18);
  EXPECT_EQ(r.sim->services()[0].running, 40);
}

TEST(Ec2, TheBinpackingBoundCountsTaskEnisToo) {
  // 10 awsvpc tasks of 0.25 vCPU / 512 MiB; an m5.large takes 2 of them (3 ENIs, one primary).
  // 60 s: N = 0 -> 2 instances; they take 4 tasks. 360 s (after the 300 s warm-up): 6 wait;
  // by CPU and memory one more instance would do, by ENIs 3 -> M = 5, 250 % -> 3 launched.
  auto r = testing::run_yaml(ec2_scenario("15m", R"({MinSize: 0, MaxSize: 20, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:2, desiredCount: 10}
)",
                                          "{status: ENABLED}", "",
                                          R"(  - {family: web, requiresCompatibilities: [EC2], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}]}
)"));
  EXPECT_EQ(r.times("INSTANCE_LAUNCHED"), (std::vector<double>{60, 60, 360, 360, 360}));
  EXPECT_EQ(r.sim->services()[0].running, 10);
}

// A group over two zones scales out by the demand, as every group does in the current guide
// ("Amazon ECS managed scaling behavior"). 160 tasks of 0.25 vCPU fit 8 to an m5.large (2048
// CPU units). From zero the first step reports 200 % and launches 2; after the 300 s warm-up,
// 16 run and 144 wait: 18 more instances, M = 20, reservation 1000 %, step 20 - 2 = 18.
TEST(Ec2, MultiZoneGroupsStepByTheDemand) {
  const std::string group = R"({MinSize: 0, MaxSize: 100, InstanceType: m5.large, AvailabilityZones: [us-east-1a, us-east-1b]})";
  const std::string services = "services:\n  - {serviceName: web, taskDefinition: web:1, desiredCount: 160}\n";
  auto r = testing::run_yaml(ec2_scenario("7m", group, services, "{status: ENABLED}"));
  std::vector<double> want(2, 60.0);
  want.insert(want.end(), 18, 360.0);
  EXPECT_EQ(r.times("INSTANCE_LAUNCHED"), want);
  // The older API reference's rule, kept as a setting: exactly minimumScalingStepSize (1).
  auto old = testing::run_yaml(ec2_scenario("7m", group, services + "timings: {ec2: {mixedGroupsStepByMinimum: true}}\n", "{status: ENABLED}"));
  EXPECT_EQ(old.times("INSTANCE_LAUNCHED"), (std::vector<double>{60, 360}));
}

TEST(Ec2, MultiTypeGroupsStepByExactlyTheMinimumStepSizeUnderTheOlderRule) {
  auto r = testing::run_yaml(ec2_scenario("8m", R"({MinSize: 0, MaxSize: 100, AvailabilityZones: [us-east-1a, us-east-1b],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 100},
                             LaunchTemplate: {Overrides: [{InstanceType: m5.large}, {InstanceType: m6i.large}]}}})",
                                          R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 80}
timings: {ec2: {mixedGroupsStepByMinimum: true}}
)",
                                          "{status: ENABLED, minimumScalingStepSize: 3}"));
  // 80 tasks need 10 instances, but each step is exactly 3 (by the demand: 3, then 7).
  EXPECT_EQ(r.times("INSTANCE_LAUNCHED"), (std::vector<double>{60, 60, 60, 360, 360, 360}));
}

TEST(Ec2, MixedInstancesPolicyFillsTheOnDemandBaseThenSpot) {
  auto r = testing::run_yaml(ec2_scenario("5m", R"({MinSize: 4, MaxSize: 4, AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandBaseCapacity: 1, OnDemandPercentageAboveBaseCapacity: 0,
                                                     SpotAllocationStrategy: lowest-price},
                             LaunchTemplate: {Overrides: [{InstanceType: m5.large}, {InstanceType: m6i.large}]}}})",
                                          "services: []\n"));
  std::vector<std::string> details;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "INSTANCE_LAUNCHED") details.push_back(r.log->detail[i]);
  ASSERT_EQ(details.size(), 4u);
  EXPECT_NE(details[0].find("instanceType=m5.large lifecycle=on-demand"), std::string::npos);
  // Spot, lowest price: m5.large 0.03264 < m6i.large 0.03552 USD/h (bundled 2025-06 estimates).
  for (int k = 1; k < 4; ++k) EXPECT_NE(details[k].find("instanceType=m5.large lifecycle=spot"), std::string::npos) << details[k];
  // 5 min: 1 On-Demand at 0.096 + 3 Spot at 0.03264 USD/h.
  EXPECT_NEAR(r.sim->provider_cost(2, r.sim->now()), (0.096 + 3 * 0.03264) * 300 / 3600, 1e-9);
}

TEST(Ec2, ProvisioningCapHoldsTasksBack) {
  auto cfg = testing::load_yaml(ec2_scenario("3m", R"({MinSize: 0, MaxSize: 0, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                             R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 10}
account: {provisioningTasksPerCluster: 4}
)"));
  auto r = testing::run_config(cfg);
  EXPECT_EQ(r.count("TASK_PROVISIONING"), 4u);
  EXPECT_EQ(r.sim->services()[0].provisioning, 4);
}

// EC2 Spot: the 2-minute notice and managed draining. One of two Spot instances is reclaimed
// at 10 min (a timeline what-if; the band's own rate is set to 0 here).
std::string spot_scenario(bool draining) {
  return ec2_scenario("30m", R"({MinSize: 2, MaxSize: 2, AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 0},
                             LaunchTemplate: {Overrides: [{InstanceType: m5.xlarge}]}}})",
                      R"(services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 4}
timings:
  ec2: {spotInterruptionPercentPerMonth: [0, 0, 0, 0, 0]}
timeline:
  - {at: 10m, spotInterruptions: {capacityProvider: ec2, fraction: 0.5}}
)",
                      "{status: DISABLED}", std::string("\n      managedDraining: ") + (draining ? "ENABLED" : "DISABLED"));
}

TEST(Ec2, SpotInterruptionWithManagedDrainingReplacesTasksBeforeTheInstanceGoes) {
  auto r = testing::run_yaml(spot_scenario(true));
  const auto warnings = r.times("EC2_SPOT_INTERRUPTION_WARNING");
  ASSERT_EQ(warnings, std::vector<double>{600});
  const double w = warnings.front();
  // Replacements are created at the warning (PROVISIONING at w), the old tasks get SIGTERM
  // and the instance is terminated once drained, well inside the 2-minute notice.
  bool replaced = false;
  for (double t : r.times("TASK_PROVISIONING")) replaced = replaced || t == w;
  EXPECT_TRUE(replaced);
  const auto term = r.times("INSTANCE_TERMINATED");
  ASSERT_FALSE(term.empty());
  EXPECT_GE(term.front(), w);
  EXPECT_LT(term.front(), w + 120);
  EXPECT_GE(r.sim->services()[0].spot_interruptions, 1);
}

TEST(Ec2, SpotInterruptionWithoutDrainingKillsTasksAtTheEndOfTheNotice) {
  auto r = testing::run_yaml(spot_scenario(false));
  const auto warnings = r.times("EC2_SPOT_INTERRUPTION_WARNING");
  ASSERT_EQ(warnings, std::vector<double>{600});
  const double w = warnings.front();
  const auto term = r.times("INSTANCE_TERMINATED");
  ASSERT_FALSE(term.empty());
  EXPECT_EQ(term.front(), w + 120);
  // The tasks there stop when the instance goes, not before.
  const auto stopped = r.times("TASK_STOPPED");
  const std::set<double> stops(stopped.begin(), stopped.end());
  EXPECT_TRUE(stops.count(w + 120));
  EXPECT_FALSE(stops.count(w + 2));
}

TEST(Ec2, ASpotNoticeLeavesTasksThatAreAlreadyLeavingAlone) {
  // 4 tasks spread over two Spot instances; at 10 min the service scales to 2, so one task
  // per instance deregisters for 30 min. Both instances are reclaimed at 15 min: the two
  // serving tasks are interrupted (and replaced), the two deregistering ones are not, keep
  // deregistering and go with their instance at the end of the 2-minute notice.
  auto r = testing::run_yaml(ec2_scenario("1h", R"({MinSize: 2, MaxSize: 2, DesiredCapacity: 2, AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 0},
                             LaunchTemplate: {Overrides: [{InstanceType: m5.large}]}}})",
                                          R"(services:
  - serviceName: web
    taskDefinition: web:2
    desiredCount: 4
    placementStrategy: [{type: spread, field: instanceId}]
    loadBalancers: [{targetGroupArn: tg, containerName: web, containerPort: 80}]
timings:
  loadBalancer: {deregistrationDelay: 30m}
  ec2: {spotInterruptionPercentPerMonth: [0, 0, 0, 0, 0]}
timeline:
  - {at: 10m, updateService: {service: web, desiredCount: 2}}
  - {at: 15m, spotInterruptions: {capacityProvider: ec2, fraction: 1}}
)",
                                          "{status: DISABLED}", "\n      managedDraining: ENABLED",
                                          R"(  - {family: web, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1, portMappings: [{containerPort: 80}]}], ecsim: {imageSizeMiB: 100}}
)"));
  const auto deregistering = r.tasks("TASK_DEACTIVATING");
  ASSERT_EQ(deregistering.size(), 2u);
  EXPECT_EQ(r.tasks("SPOT_INTERRUPTION_WARNING").size(), 2u);
  EXPECT_EQ(r.sim->services()[0].spot_interruptions, 2);
  for (auto id : deregistering) {
    EXPECT_TRUE(r.times("SPOT_INTERRUPTION_WARNING", id).empty()) << id;
    EXPECT_EQ(r.times("TASK_STOPPED", id), std::vector<double>{1020}) << id;  // 900 + 120 s
  }
  EXPECT_EQ(r.times("INSTANCE_TERMINATED"), (std::vector<double>{1020, 1020}));
  EXPECT_EQ(r.count("TASK_RUNNING"), 6u);  // 4, then 2 replacements for the interrupted ones
}

// The cluster's container-instance quota (3 here, 5,000 by default): a Spot group of 2 and an
// On-Demand group of 3 in one cluster, all booting at 31.5 s. The Spot pair and the first
// On-Demand instance register; the other two run unregistered (billed, no tasks). When the
// Spot pair is reclaimed at 10 min (managed draining, on by default, lets empty instances go at
// once), the two waiting ones register then, and the Spot replacements, booting at 631.5 s,
// find the cluster full.
TEST(Ec2Quota, InstancesPastTheClusterQuotaWaitToRegister) {
  auto r = testing::run_yaml(R"(ecsim: 1
name: quota
seed: 7
duration: 20m
account: {containerInstancesPerCluster: 3}
capacityProviders:
  - name: spot
    autoScalingGroupProvider: {managedScaling: {status: DISABLED}}
    autoScalingGroup: {MinSize: 2, MaxSize: 2, DesiredCapacity: 2, AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 0},
                             LaunchTemplate: {Overrides: [{InstanceType: m5.large}]}}}
  - name: od
    autoScalingGroupProvider: {managedScaling: {status: DISABLED}}
    autoScalingGroup: {MinSize: 3, MaxSize: 3, DesiredCapacity: 3, InstanceType: m5.large, AvailabilityZones: [us-east-1a]}
clusters:
  - clusterName: prod
    capacityProviders: [spot, od]
    defaultCapacityProviderStrategy: [{capacityProvider: od, weight: 1}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}]}
timings:
  ec2: {spotInterruptionPercentPerMonth: [0, 0, 0, 0, 0]}
timeline:
  - {at: 10m, spotInterruptions: {capacityProvider: spot, fraction: 1}}
)");
  EXPECT_EQ(r.times("CONTAINER_INSTANCE_ACTIVE"), (std::vector<double>{31.5, 31.5, 31.5, 600, 600}));
  EXPECT_EQ(r.times("CONTAINER_INSTANCE_REGISTRATION_FAILED"), (std::vector<double>{31.5, 31.5, 631.5, 631.5}));
  std::vector<std::string> refused;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "CONTAINER_INSTANCE_REGISTRATION_FAILED") refused.push_back(r.log->instance[i]);
  EXPECT_EQ(refused, (std::vector<std::string>{"i-00000004", "i-00000005", "i-00000006", "i-00000007"}));
  EXPECT_EQ(r.sim->providers()[3].asg->registrations_refused, 2);  // od: ids 4 and 5
  EXPECT_EQ(r.sim->providers()[2].asg->registrations_refused, 2);  // spot: the replacements 6 and 7
}

TEST(Ec2, BatchTasksReclaimedBeforeTheyRunLoseNoWork) {
  // The image takes 1,250 s to pull, so at the 5-minute reclaim every batch task is still
  // PENDING: each counts as interrupted, none has done work to lose.
  auto r = testing::run_yaml(ec2_scenario("10m", R"({MinSize: 1, MaxSize: 1, AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 0},
                             LaunchTemplate: {Overrides: [{InstanceType: m5.xlarge}]}}})",
                                          R"(runTasks:
  - {cluster: prod, taskDefinition: web:2, arrivals: {poisson: {ratePerSecond: 0.05, duration: {fixed: 1m}}}}
timings:
  ec2: {spotInterruptionPercentPerMonth: [0, 0, 0, 0, 0]}
timeline:
  - {at: 5m, spotInterruptions: {capacityProvider: ec2, fraction: 1}}
)",
                                          "{status: DISABLED}", "\n      managedDraining: ENABLED",
                                          R"(  - {family: web, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100000}}
)"));
  const auto& g = r.sim->run_task_groups()[0];
  EXPECT_GT(g.interrupted, 0);
  EXPECT_EQ(g.lost_task_seconds, 0.0);
}

TEST(Ec2, SpotBandSetsTheInterruptionRate) {
  // m5.xlarge is in the >20 % band: 25 %/month by default, i.e. -ln(0.75)/730 per hour.
  // Over 2 instances x 2000 h, expect about 4000 * 0.000394 = 1.58 interruptions.
  auto cfg = testing::load_yaml(ec2_scenario("2000h", R"({MinSize: 200, MaxSize: 200, AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 0},
                             LaunchTemplate: {Overrides: [{InstanceType: m5.xlarge}]}}})",
                                             "services: []\nrun: {sample: 1h}\n"));
  auto r = testing::run_config(cfg);
  // 200 instances in service for 2000 h (replacements keep it at 200): expected
  // 200 * 2000 * -ln(0.75)/730 = 157.6 interruptions; Poisson sd ~12.6.
  const auto n = static_cast<double>(r.count("EC2_SPOT_INTERRUPTION_WARNING"));
  EXPECT_NEAR(n, 157.6, 4 * 12.6);
}

TEST(Ec2, DaemonServiceRunsOneTaskPerInstanceBeforeOthers) {
  auto r = testing::run_yaml(ec2_scenario("5m", kThreeZones, R"(services:
  - {serviceName: agent, taskDefinition: web:1, schedulingStrategy: DAEMON}
  - {serviceName: web, taskDefinition: web:1, desiredCount: 2}
)"));
  std::map<std::uint32_t, int> agents;
  for (const Task* t : r.sim->live_tasks())
    if (t->service == 0) ++agents[t->instance];
  EXPECT_EQ(agents.size(), 3u);
  for (const auto& [id, n] : agents) EXPECT_EQ(n, 1);
  EXPECT_EQ(r.sim->services()[0].desired, 3);
  // On each registration the daemon task is placed first: tasks 2,3 of web were waiting
  // but the agent task on i-1 has the lower pending order.
  EXPECT_EQ(r.sim->services()[1].running, 2);
}

TEST(Ec2, DaemonDeploymentReplacesTheTaskOnEveryInstance) {
  // A new revision of a DAEMON service: each instance's task is stopped (minimum healthy 0)
  // and its replacement placed on the same instance once the old one has gone.
  auto r = testing::run_yaml(ec2_scenario("20m", kThreeZones, R"(services:
  - {serviceName: agent, taskDefinition: web:1, schedulingStrategy: DAEMON}
timeline:
  - {at: 10m, updateService: {service: agent, taskDefinition: "web:2"}}
)",
                                          "{status: DISABLED}", "", R"(  - {family: web, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:2}]}
)"));
  std::map<std::uint32_t, int> revision2;
  for (const Task* t : r.sim->live_tasks()) {
    EXPECT_EQ(t->task_definition, 1) << "task " << t->id << " still runs the old revision";
    ++revision2[t->instance];
  }
  EXPECT_EQ(revision2.size(), 3u);
  for (const auto& [id, n] : revision2) EXPECT_EQ(n, 1);
  ASSERT_EQ(r.sim->services()[0].deployments.size(), 1u);
  EXPECT_EQ(r.sim->services()[0].deployments[0].rollout, Deployment::Rollout::kCompleted);
}

TEST(Ec2, SameSeedSameEventsWithRandomPlacement) {
  const auto yaml = ec2_scenario("30m", R"({MinSize: 5, MaxSize: 5, InstanceType: m5.large, AvailabilityZones: [us-east-1a, us-east-1b]})",
                                 R"(runTasks:
  - cluster: prod
    taskDefinition: web:1
    arrivals: {poisson: {ratePerSecond: 0.5, duration: {exponentialMean: 2m}}}
)");
  const auto cfg = testing::load_yaml(yaml);
  const auto a = testing::events_csv(cfg), b = testing::events_csv(cfg);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, testing::events_csv(cfg, 1));  // another replication draws other numbers
  EXPECT_NE(a.find("i-00000005"), std::string::npos);  // random spreads over the instances
}

// Each mechanism draws from its own named stream with its own setting (D3): Fargate jitter
// once moved EC2 instance start times (one shared stream and one setting). A cluster with an
// EC2 group (3 instances, ACTIVE at 31.5 s without jitter) and a Fargate service of 3 tasks.
std::string mixed_capacity(const std::string& timings) {
  return R"(ecsim: 1
name: streams
seed: 7
duration: 10m
timings: )" + timings + R"(
capacityProviders:
  - name: ec2
    autoScalingGroupProvider: {managedScaling: {status: DISABLED}}
    autoScalingGroup: {MinSize: 3, MaxSize: 3, DesiredCapacity: 3, InstanceType: m5.large,
                       AvailabilityZones: [us-east-1a, us-east-1b, us-east-1c]}
clusters:
  - clusterName: prod
    capacityProviders: [ec2, FARGATE]
taskDefinitions:
  - {family: web, requiresCompatibilities: [EC2, FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100}}
services:
  - {serviceName: on-ec2, taskDefinition: web:1, desiredCount: 3, capacityProviderStrategy: [{capacityProvider: ec2, weight: 1}]}
  - {serviceName: on-fargate, taskDefinition: web:1, desiredCount: 3, launchType: FARGATE}
)";
}

std::vector<double> service_times(const testing::Ran& r, const std::string& kind, const std::string& service) {
  std::vector<double> out;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == kind && r.log->service[i] == service) out.push_back(r.log->t[i]);
  return out;
}

TEST(RandomStreams, FargateJitterMovesNoEc2TimeAndEc2JitterNoFargateTime) {
  const auto plain = testing::run_yaml(mixed_capacity("{}"));
  const auto fargate = testing::run_yaml(mixed_capacity("{fargate: {jitterCv: 0.3}}"));
  const auto ec2 = testing::run_yaml(mixed_capacity("{ec2: {jitterCv: 0.3}}"));
  EXPECT_EQ(plain.times("CONTAINER_INSTANCE_ACTIVE"), (std::vector<double>{31.5, 31.5, 31.5}));
  // Fargate jitter: instance and EC2-task times unchanged, Fargate task times moved.
  EXPECT_EQ(fargate.times("CONTAINER_INSTANCE_ACTIVE"), plain.times("CONTAINER_INSTANCE_ACTIVE"));
  EXPECT_EQ(service_times(fargate, "TASK_RUNNING", "on-ec2"), service_times(plain, "TASK_RUNNING", "on-ec2"));
  EXPECT_NE(service_times(fargate, "TASK_RUNNING", "on-fargate"), service_times(plain, "TASK_RUNNING", "on-fargate"));
  // EC2 jitter: instance and EC2-task times moved, Fargate task times unchanged.
  EXPECT_NE(ec2.times("CONTAINER_INSTANCE_ACTIVE"), plain.times("CONTAINER_INSTANCE_ACTIVE"));
  EXPECT_NE(service_times(ec2, "TASK_RUNNING", "on-ec2"), service_times(plain, "TASK_RUNNING", "on-ec2"));
  EXPECT_EQ(service_times(ec2, "TASK_RUNNING", "on-fargate"), service_times(plain, "TASK_RUNNING", "on-fargate"));
}

TEST(RandomStreams, InstanceTimesDoNotDependOnHowManyTasksJitter) {
  // Instance launch and boot draw from their own stream: more tasks on the instances (more
  // task-phase draws) leave every instance's time as it was.
  auto three = testing::run_yaml(mixed_capacity("{ec2: {jitterCv: 0.3}}"));
  auto nine = testing::run_yaml(mixed_capacity("{ec2: {jitterCv: 0.3}}"), {"services[on-ec2].desiredCount=9"});
  EXPECT_EQ(nine.times("CONTAINER_INSTANCE_ACTIVE"), three.times("CONTAINER_INSTANCE_ACTIVE"));
}

TEST(Ec2Cost, TheSixtySecondMinimumAppliesOnlyOnceAnInstanceIsTerminated) {
  // One m5.large (0.096 USD/h) launched at 0: 30 s in, it has cost 30 s, not the minimum 60 s.
  auto cfg = testing::load_yaml(ec2_scenario("10m", R"({MinSize: 1, MaxSize: 1, InstanceType: m5.large, AvailabilityZones: [us-east-1a]})",
                                             "services: []\n"));
  auto sim = scenarios::build(cfg);
  sim->run_until(at_millis(30'000));
  EXPECT_NEAR(sim->provider_cost(2, sim->now()), 0.096 * 30 / 3600, 1e-12);
  EXPECT_NEAR(sim->instance_cost(sim->instances().at(0), sim->now()), 0.096 * 30 / 3600, 1e-12);
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

// The EC2 Auto Scaling guide's weighted group: DesiredCapacity 480 capacity units over
// m4.16xlarge (weight 16) and m5.24xlarge (weight 24). Prioritized On-Demand launches the
// first override: 480 / 16 = 30 instances. lowest-price compares price per unit:
// m4.16xlarge 3.200 / 16 = 0.200 USD, m5.24xlarge 4.608 / 24 = 0.192 USD, so 480 / 24 = 20
// m5.24xlarge. Without weights the group would launch 480 instances.
std::map<std::string, int> weighted_group(const std::string& allocation) {
  auto r = testing::run_yaml(ec2_scenario("5m", R"({MinSize: 0, MaxSize: 960, DesiredCapacity: 480,
      AvailabilityZones: [us-east-1a, us-east-1b],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandAllocationStrategy: )" + allocation + R"(},
        LaunchTemplate: {Overrides: [{InstanceType: m4.16xlarge, WeightedCapacity: "16"},
                                     {InstanceType: m5.24xlarge, WeightedCapacity: "24"}]}}})",
                                          "services: []\n"));
  std::map<std::string, int> types;
  for (const auto& in : r.sim->instances()) ++types[r.sim->config().instance_types[static_cast<std::size_t>(in.type)].name];
  return types;
}

TEST(Ec2Weights, DesiredCapacityCountsUnits) {
  EXPECT_EQ(weighted_group("prioritized"), (std::map<std::string, int>{{"m4.16xlarge", 30}}));
  EXPECT_EQ(weighted_group("lowest-price"), (std::map<std::string, int>{{"m5.24xlarge", 20}}));
}

// A launch may overshoot the desired units by less than one instance's weight: 40 units of
// weight-24 instances is 2 instances (48 units), and no instance is then taken away.
TEST(Ec2Weights, LaunchesOvershootRatherThanFallShort) {
  auto r = testing::run_yaml(ec2_scenario("5m", R"({MinSize: 0, MaxSize: 100, DesiredCapacity: 40,
      AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {LaunchTemplate: {Overrides: [{InstanceType: m5.24xlarge, WeightedCapacity: "24"}]}}})",
                                          "services: []\n"));
  EXPECT_EQ(r.sim->instances().size(), 2u);
  EXPECT_EQ(r.count("INSTANCE_TERMINATED"), 0u);
  EXPECT_EQ(r.sim->providers()[2].asg->in_service_units, 48);
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

// GPUs: a task of 2 GPUs (resourceRequirements) reserves them on its instance. One
// g4dn.12xlarge has 4: two tasks run, the third cannot be placed (RESOURCE:GPU), although
// CPU and memory would hold 24 such tasks.
TEST(Ec2Gpus, TasksReserveWholeGpus) {
  auto r = testing::run_yaml(ec2_scenario("10m", R"({MinSize: 1, MaxSize: 1, InstanceType: g4dn.12xlarge, AvailabilityZones: [us-east-1a]})",
                                          R"(services:
  - {serviceName: gpu, taskDefinition: train:1, desiredCount: 3}
)",
                                          "{status: DISABLED}", "", R"(  - family: train
    requiresCompatibilities: [EC2]
    networkMode: bridge
    cpu: "1024"
    memory: "4096"
    containerDefinitions: [{name: t, image: t:1, resourceRequirements: [{type: GPU, value: "2"}]}]
)"));
  EXPECT_EQ(r.count("TASK_RUNNING"), 2u);
  ASSERT_GE(r.count("SERVICE_TASK_PLACEMENT_FAILURE"), 1u);
  bool gpu_reason = false;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "SERVICE_TASK_PLACEMENT_FAILURE" && r.log->detail[i].find("RESOURCE:GPU") != std::string::npos) gpu_reason = true;
  EXPECT_TRUE(gpu_reason);
}

TEST(Ec2Gpus, AGpuTaskThatNoInstanceTypeCanHoldIsRefused) {
  try {
    testing::load_yaml(ec2_scenario("10m", R"({MinSize: 1, MaxSize: 1, InstanceType: m5.4xlarge, AvailabilityZones: [us-east-1a]})",
                                    "services:\n  - {serviceName: gpu, taskDefinition: train:1, desiredCount: 1}\n", "{status: DISABLED}",
                                    "", R"(  - {family: train, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "1024", memory: "4096",
     containerDefinitions: [{name: t, image: t:1, resourceRequirements: [{type: GPU, value: "2"}]}]}
)"));
    FAIL() << "accepted";
  } catch (const scenarios::ScenarioError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].message, "task definition train:1 needs 2 GPUs; the instance types of capacity provider 'ec2' have at most 0, so it could never be placed");
  }
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

// Task-definition placementConstraints are merged with the service's: a task constrained to
// c5.xlarge runs on the group's c5.xlarge instance, never on its m5.large ones.
TEST(Ec2Placement, TaskDefinitionConstraintsApply) {
  auto r = testing::run_yaml(ec2_scenario("10m", R"({MinSize: 3, MaxSize: 3, DesiredCapacity: 3, AvailabilityZones: [us-east-1a],
      MixedInstancesPolicy: {InstancesDistribution: {OnDemandBaseCapacity: 3},
        LaunchTemplate: {Overrides: [{InstanceType: m5.large}, {InstanceType: c5.xlarge}]}}})",
                                          R"(services:
  - {serviceName: pinned, taskDefinition: pinned:1, desiredCount: 2}
)",
                                          "{status: DISABLED}", "", R"(  - family: pinned
    requiresCompatibilities: [EC2]
    networkMode: bridge
    cpu: "256"
    memory: "512"
    placementConstraints: [{type: memberOf, expression: "attribute:ecs.instance-type == c5.xlarge"}]
    containerDefinitions: [{name: p, image: p:1}]
)"));
  // Prioritized On-Demand launches three m5.large: no c5.xlarge, so nothing may run.
  EXPECT_EQ(r.count("TASK_RUNNING"), 0u);
  ASSERT_GE(r.count("SERVICE_TASK_PLACEMENT_FAILURE"), 1u);
}

}  // namespace
}  // namespace ecsim
