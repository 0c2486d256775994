// ECS Managed Instances: instance selection, packing, idle scale-in, consolidation, the
// day-14 replacement, Spot and the management fee. Hand-computed from the bundled us-east-1
// table: m5.large 2 vCPU / 8 GiB $0.096, m5.xlarge 4 vCPU / 16 GiB $0.192, r5.large 2 vCPU /
// 16 GiB $0.126 (Spot estimate m5.large $0.03264). An instance registers 256 MiB less memory
// than it has and is ACTIVE 31.5 s after launch (16.5 s launch + 10 s boot + 5 s
// registration); an awsvpc task placed on it is RUNNING 13.25 s later (10 s ENI attach,
// 1.25 s pull of 100 MiB at 80 MiB/s, 2 s container start).
#include <gtest/gtest.h>

#include <map>

#include "test_util.hpp"

namespace ecsim {
namespace {

std::string mi_scenario(const std::string& duration, const std::string& template_extra, const std::string& task,
                        const std::string& services, const std::string& provider_extra = "", const std::string& top = "") {
  return R"(ecsim: 1
name: mi
seed: 11
duration: )" + duration + R"(
)" + top + R"(subnets:
  - {SubnetId: subnet-a, AvailabilityZone: us-east-1a}
  - {SubnetId: subnet-b, AvailabilityZone: us-east-1b}
capacityProviders:
  - name: mi
    managedInstancesProvider:
      instanceLaunchTemplate:
        networkConfiguration: {subnets: [subnet-a, subnet-b]}
)" + template_extra + provider_extra + R"(
clusters:
  - clusterName: prod
    capacityProviders: [mi]
    defaultCapacityProviderStrategy: [{capacityProvider: mi, weight: 1}]
taskDefinitions:
  - family: web
    requiresCompatibilities: [MANAGED_INSTANCES]
    networkMode: awsvpc
)" + task + R"(
    containerDefinitions: [{name: web, image: web:1}]
    ecsim: {imageSizeMiB: 100}
)" + services;
}

const char* kThreeTypes = R"(        instanceRequirements:
          vCpuCount: {min: 2}
          memoryMiB: {min: 4096}
          allowedInstanceTypes: [m5.large, m5.xlarge, r5.large]
)";
const char* kLargeOnly = R"(        instanceRequirements:
          vCpuCount: {min: 2}
          memoryMiB: {min: 4096}
          allowedInstanceTypes: [m5.large]
)";

std::vector<std::string> launched_types(const testing::Ran& r) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "INSTANCE_LAUNCHED") {
      const auto& d = r.log->detail[i];
      const auto at = d.find("instanceType=") + 13;
      out.push_back(d.substr(at, d.find(' ', at) - at));
    }
  return out;
}

std::string web(int desired, const std::string& extra = "") {
  return "services:\n  - {serviceName: web, taskDefinition: web:1, desiredCount: " + std::to_string(desired) +
         ", networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-a, subnet-b]}}" + extra + "}\n";
}

TEST(ManagedInstances, ChoosesTheTypeWithTheLowestPricePerTask) {
  // 256 CPU / 4096 MiB tasks: an m5.large holds 1 (7936 MiB), an m5.xlarge 3 (16128 MiB), an
  // r5.large 3 (16128 MiB). Per task: m5.large 0.096, m5.xlarge 0.064, r5.large 0.042 (the fee
  // is the same share of each price): 3 tasks take one r5.large.
  auto r = testing::run_yaml(mi_scenario("5m", kThreeTypes, "    cpu: \"256\"\n    memory: \"4096\"", web(3)));
  EXPECT_EQ(launched_types(r), (std::vector<std::string>{"r5.large"}));
  EXPECT_EQ(r.times("INSTANCE_LAUNCHED"), (std::vector<double>{0}));
  EXPECT_EQ(r.times("CONTAINER_INSTANCE_ACTIVE"), (std::vector<double>{31.5}));
  EXPECT_EQ(r.times("TASK_RUNNING"), (std::vector<double>{44.75, 44.75, 44.75}));
  // A 4th task: the r5.large takes 3 (0.042 a task); the one left costs 0.096 on an m5.large,
  // 0.126 on an r5.large, 0.192 on an m5.xlarge.
  auto four = testing::run_yaml(mi_scenario("5m", kThreeTypes, "    cpu: \"256\"\n    memory: \"4096\"", web(4)));
  EXPECT_EQ(launched_types(four), (std::vector<std::string>{"r5.large", "m5.large"}));
}

TEST(ManagedInstances, PacksSeveralTasksPerInstanceWithTrunkedEnis) {
  // 256 CPU / 512 MiB awsvpc tasks on m5.large: CPU holds 8, memory 15, and ENI trunking gives
  // 5 task ENIs per vCPU = 10: 16 tasks take 2 instances, 8 each.
  auto r = testing::run_yaml(mi_scenario("5m", kLargeOnly, "    cpu: \"256\"\n    memory: \"512\"", web(16)));
  EXPECT_EQ(launched_types(r), (std::vector<std::string>{"m5.large", "m5.large"}));
  std::map<std::uint32_t, int> per;
  for (const Task* t : r.sim->live_tasks()) ++per[t->instance];
  EXPECT_EQ(per, (std::map<std::uint32_t, int>{{1, 8}, {2, 8}}));
  // ENIs bind when CPU does not: 1 task ENI per instance without trunking (maxNetworkInterfaces 2).
  auto one = testing::run_yaml(mi_scenario("5m", kLargeOnly, "    cpu: \"256\"\n    memory: \"512\"", web(3),
                                           "    ecsim: {maxNetworkInterfaces: 2}\n"));
  EXPECT_EQ(one.count("INSTANCE_LAUNCHED"), 3u);
  // 12 tasks of 128 CPU: CPU holds 16 and memory 15, trunking 10: 2 instances (10 + 2).
  auto enis = testing::run_yaml(mi_scenario("5m", kLargeOnly, "    cpu: \"128\"\n    memory: \"512\"", web(12)));
  EXPECT_EQ(enis.count("INSTANCE_LAUNCHED"), 2u);
}

TEST(ManagedInstances, TasksOfTwoQueuesShareOneInstance) {
  // Two services, two task definitions (two queues), one 1-vCPU task each: one m5.large
  // (2 vCPU) takes both in the same decision.
  const std::string two = web(1) + R"(  - {serviceName: api, taskDefinition: api:1, desiredCount: 1,
     networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-a, subnet-b]}}}
)";
  std::string yaml = mi_scenario("5m", kLargeOnly, "    cpu: \"1024\"\n    memory: \"1024\"", two);
  yaml.replace(yaml.find("services:"), 0, R"(  - {family: api, requiresCompatibilities: [MANAGED_INSTANCES], networkMode: awsvpc, cpu: "1024", memory: "1024",
     containerDefinitions: [{name: api, image: api:1}], ecsim: {imageSizeMiB: 100}}
)");
  auto r = testing::run_yaml(yaml);
  EXPECT_EQ(r.count("INSTANCE_LAUNCHED"), 1u);
  EXPECT_EQ(r.count("TASK_RUNNING"), 2u);
}

TEST(ManagedInstances, LaunchesInTheLeastUsedZoneOfTheSubnets) {
  // 10 tasks of 1 vCPU: 2 per m5.large, one instance after another, zones a, b, a, b, a.
  auto r = testing::run_yaml(mi_scenario("5m", kLargeOnly, "    cpu: \"1024\"\n    memory: \"1024\"", web(10)));
  std::vector<int> zones;
  for (const auto& in : r.sim->instances()) zones.push_back(in.zone);
  EXPECT_EQ(zones, (std::vector<int>{0, 1, 0, 1, 0}));
}

TEST(ManagedInstances, AnIdleInstanceIsTerminatedScaleInAfterItsLastTaskStopped) {
  const std::string yaml = mi_scenario("30m", kLargeOnly, "    cpu: \"256\"\n    memory: \"512\"", web(2) + R"(timeline:
  - {at: 10m, updateService: {service: web, desiredCount: 0}}
)",
                                       "      infrastructureOptimization: {scaleInAfter: 300}\n");
  auto r = testing::run_yaml(yaml);
  const auto stopped = r.times("TASK_STOPPED");
  ASSERT_EQ(stopped.size(), 2u);
  EXPECT_EQ(r.times("INSTANCE_TERMINATED"), (std::vector<double>{stopped.back() + 300}));
  EXPECT_EQ(r.sim->providers()[2].asg->idle_terminations, 1);
  // The terminated instance's fee stays counted: its share of the instance's cost.
  const double fee = 0.096 * 0.037 / 0.306;
  EXPECT_NEAR(r.sim->management_fee(2, r.sim->now()), r.sim->provider_cost(2, r.sim->now()) * fee / (0.096 + fee), 1e-12);
  EXPECT_GT(r.sim->management_fee(2, r.sim->now()), 0.0);
  // scaleInAfter -1: infrastructure optimization is off, the instance stays.
  auto kept = testing::run_yaml(yaml, {"capacityProviders[mi].managedInstancesProvider.infrastructureOptimization.scaleInAfter=-1"});
  EXPECT_EQ(kept.count("INSTANCE_TERMINATED"), 0u);
  // Not given: timings.managedInstances.defaultScaleInAfter (900 s).
  auto dflt = testing::run_yaml(mi_scenario("40m", kLargeOnly, "    cpu: \"256\"\n    memory: \"512\"", web(2) + R"(timeline:
  - {at: 10m, updateService: {service: web, desiredCount: 0}}
)"));
  EXPECT_EQ(dflt.times("INSTANCE_TERMINATED"), (std::vector<double>{dflt.times("TASK_STOPPED").back() + 900}));
}

TEST(ManagedInstances, AnUnderusedInstanceIsConsolidatedStartBeforeStop) {
  // 1 vCPU tasks, 2 per m5.large. 4 tasks on 2 instances; at 10 min the service keeps 2, one
  // on each (the newest task of the fullest zone goes). scaleInAfter later the instance whose
  // timer runs out first moves its task to the other's free room: DRAINING, a replacement
  // starts, and only once it runs is the old task stopped (minimumHealthyPercent 100).
  auto r = testing::run_yaml(mi_scenario("40m", kLargeOnly, "    cpu: \"1024\"\n    memory: \"1024\"", web(4) + R"(timeline:
  - {at: 10m, updateService: {service: web, desiredCount: 2}}
)",
                                         "      infrastructureOptimization: {scaleInAfter: 300}\n"));
  const auto& a = *r.sim->providers()[2].asg;
  EXPECT_EQ(a.instances_launched, 2);
  EXPECT_EQ(a.consolidations, 1);
  EXPECT_EQ(a.idle_terminations, 0);
  EXPECT_EQ(a.in_service, 1);
  const auto draining = r.times("CONTAINER_INSTANCE_DRAINING");
  ASSERT_EQ(draining.size(), 1u);
  // The timer starts at the last task start or stop on the instance: the scale-in's stops.
  const auto stopped = r.times("TASK_STOPPED");
  ASSERT_GE(stopped.size(), 2u);
  EXPECT_EQ(draining[0], stopped[1] + 300);
  // The replacement (task 5) runs before the task it replaces stops.
  const auto running5 = r.times("TASK_RUNNING", 5);
  ASSERT_EQ(running5.size(), 1u);
  const auto stopping = r.times("TASK_STOPPING");
  ASSERT_EQ(stopping.size(), 3u);
  EXPECT_GE(stopping[2], running5[0]);
  EXPECT_EQ(r.sim->services()[0].running, 2);
  // Two tasks of one instance fit in one free slot? No: with 3 tasks (2 + 1) nothing moves.
  auto full = testing::run_yaml(mi_scenario("40m", kLargeOnly, "    cpu: \"1024\"\n    memory: \"1024\"", web(4) + R"(timeline:
  - {at: 10m, updateService: {service: web, desiredCount: 3}}
)",
                                            "      infrastructureOptimization: {scaleInAfter: 300}\n"));
  EXPECT_EQ(full.sim->providers()[2].asg->consolidations, 0);
  EXPECT_EQ(full.sim->providers()[2].asg->in_service, 2);
}

TEST(ManagedInstances, EveryInstanceIsReplacedAtItsMaintenanceAge) {
  // Drained at 1 h of age (the setting; AWS: day 14): a new instance is launched for the
  // replacements, which run before the old tasks stop; the old instance goes when empty.
  auto r = testing::run_yaml(mi_scenario("100m", kLargeOnly, "    cpu: \"256\"\n    memory: \"512\"", web(2),
                                         "      infrastructureOptimization: {scaleInAfter: 300}\n",
                                         "timings: {managedInstances: {maintenanceDrainAfter: 1h, maintenanceTerminateAfter: 2h}}\n"));
  EXPECT_EQ(r.times("CONTAINER_INSTANCE_DRAINING"), (std::vector<double>{3600}));
  EXPECT_EQ(r.times("INSTANCE_LAUNCHED"), (std::vector<double>{0, 3600}));
  EXPECT_EQ(r.sim->providers()[2].asg->maintenance_drains, 1);
  // The replacements (tasks 3 and 4) run 31.5 + 13.25 s later; only then do the old ones stop.
  EXPECT_EQ(r.times("TASK_RUNNING", 3), (std::vector<double>{3644.75}));
  EXPECT_EQ(r.times("TASK_RUNNING", 4), (std::vector<double>{3644.75}));
  const auto stopping = r.times("TASK_STOPPING");
  ASSERT_EQ(stopping.size(), 2u);
  EXPECT_GE(stopping[0], 3644.75);
  ASSERT_EQ(r.times("INSTANCE_TERMINATED").size(), 1u);
  EXPECT_EQ(r.sim->services()[0].running, 2);
}

TEST(ManagedInstances, CostIsTheEc2PricePlusTheManagementFee) {
  // One m5.large for the whole hour: 0.096 + 0.096 x 0.037 / 0.306 = 0.107608 USD.
  const std::string yaml = mi_scenario("1h", kLargeOnly, "    cpu: \"256\"\n    memory: \"512\"", web(1));
  auto r = testing::run_yaml(yaml);
  const double fee = 0.096 * 0.037 / 0.306;
  EXPECT_NEAR(r.sim->provider_cost(2, r.sim->now()), 0.096 + fee, 1e-9);
  EXPECT_NEAR(r.sim->management_fee(2, r.sim->now()), fee, 1e-9);
  // A fee given per type replaces the share.
  auto given = testing::run_yaml(mi_scenario("1h", kLargeOnly, "    cpu: \"256\"\n    memory: \"512\"", web(1), "",
                                             "pricing: {managedInstances: {instanceTypes: {m5.large: {managementFeeUsdPerHour: 0.02}}}}\n"));
  EXPECT_NEAR(given.sim->provider_cost(2, given.sim->now()), 0.116, 1e-9);
  // SPOT: the Spot estimate plus the same fee (the fee follows the type, not the purchase option).
  auto spot = testing::run_yaml(mi_scenario("1h", std::string(kLargeOnly) + "        capacityOptionType: SPOT\n",
                                            "    cpu: \"256\"\n    memory: \"512\"", web(1)));
  EXPECT_TRUE(spot.sim->instances()[0].spot);
  EXPECT_NEAR(spot.sim->provider_cost(2, spot.sim->now()), 0.03264 + fee, 1e-9);
}

TEST(ManagedInstances, ASpotNoticeDrainsAndTheTasksMoveToANewInstance) {
  auto r = testing::run_yaml(mi_scenario("30m", std::string(kLargeOnly) + "        capacityOptionType: SPOT\n",
                                         "    cpu: \"256\"\n    memory: \"512\"", web(2) + R"(timeline:
  - {at: 10m, spotInterruptions: {capacityProvider: mi, fraction: 1}}
)"));
  EXPECT_EQ(r.times("EC2_SPOT_INTERRUPTION_WARNING"), (std::vector<double>{600}));
  EXPECT_EQ(r.times("INSTANCE_LAUNCHED"), (std::vector<double>{0, 600}));
  EXPECT_EQ(r.sim->services()[0].running, 2);
}

}  // namespace
}  // namespace ecsim
