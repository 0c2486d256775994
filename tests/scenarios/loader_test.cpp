// The scenario loader: defaults, AWS value forms, --set, notices, error collection.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ecsim/scenarios/scenario.hpp"
#include "test_util.hpp"

namespace ecsim::scenarios {
namespace {

using ecsim::testing::fargate_scenario;
using ecsim::testing::load_yaml;

const std::string kService = R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 3, launchType: FARGATE}
)";

std::vector<std::string> errors_of(const std::string& yaml, std::vector<std::string> sets = {}) {
  try {
    load_yaml(yaml, std::move(sets));
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.errors()) out.push_back(d.str());
    return out;
  }
  return {};
}

TEST(Loader, DocumentedDefaultsApply) {
  const auto cfg = load_yaml(fargate_scenario("1h", kService));
  EXPECT_EQ(cfg.region, "us-east-1");
  EXPECT_EQ(cfg.availability_zones, (std::vector<std::string>{"us-east-1a", "us-east-1b", "us-east-1c"}));
  EXPECT_EQ(cfg.account.fargate_launch.burst, 100);
  EXPECT_EQ(cfg.account.fargate_launch.per_second, 20);
  EXPECT_EQ(cfg.account.service_launch_per_minute_fargate, 500);
  EXPECT_EQ(cfg.timings.load_balancer.deregistration_delay, std::chrono::seconds(300));
  EXPECT_EQ(cfg.timings.spot.warning, std::chrono::minutes(2));
  EXPECT_DOUBLE_EQ(cfg.pricing.fargate_x86.usd_per_vcpu_hour, 0.04048);
  EXPECT_DOUBLE_EQ(cfg.pricing.fargate_x86.usd_per_gb_hour, 0.004445);
  EXPECT_DOUBLE_EQ(cfg.pricing.fargate_spot_x86.usd_per_vcpu_hour, 0.01264355);  // the latest us-east-1 Spot row
  EXPECT_EQ(cfg.run.sample, std::chrono::minutes(1));
  EXPECT_EQ(cfg.services[0].maximum_percent, 200);
  EXPECT_EQ(cfg.services[0].minimum_healthy_percent, 100);
  ASSERT_EQ(cfg.services[0].strategy.size(), 1u);
  EXPECT_EQ(cfg.services[0].strategy[0].provider, 0);
}

TEST(Loader, AvailabilityZonesGivenReplaceTheDefaults) {
  const auto cfg = load_yaml("region: us-west-2\navailabilityZones: [us-west-2a, us-west-2d]\n" + fargate_scenario("1h", kService));
  EXPECT_EQ(cfg.availability_zones, (std::vector<std::string>{"us-west-2a", "us-west-2d"}));
}

TEST(Loader, FileErrorsComeBeforeOverrideErrorsEachInOrder) {
  // a --set found before the file is read, and an error in the file: the file's first
  const auto errors = errors_of(fargate_scenario("0s", kService), {"services[nope].desiredCount=1"});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].rfind("test.yaml:4:", 0), 0u) << errors[0];
  EXPECT_EQ(errors[1].rfind("--set services[nope].desiredCount=1: ", 0), 0u) << errors[1];
}

TEST(Loader, DurationsAcceptEveryUnit) {
  for (auto [text, ms] : std::vector<std::pair<std::string, std::int64_t>>{
           {"250ms", 250}, {"30s", 30'000}, {"5m", 300'000}, {"2h", 7'200'000}, {"7d", 604'800'000}, {"1.5h", 5'400'000}}) {
    const auto cfg = load_yaml(fargate_scenario(text, kService));
    EXPECT_EQ(cfg.duration.count(), ms) << text;
  }
}

TEST(Loader, CpuAndMemoryAcceptAwsForms) {
  auto yaml = fargate_scenario("1h", kService);
  yaml.replace(yaml.find("cpu: \"512\""), 10, "cpu: \"1 vCPU\"");
  yaml.replace(yaml.find("memory: \"1024\""), 14, "memory: \"3 GB\"");
  const auto cfg = load_yaml(yaml);
  EXPECT_EQ(cfg.task_definitions[0].cpu_units, 1024);
  EXPECT_EQ(cfg.task_definitions[0].memory_mib, 3072);
}

TEST(Loader, FargateMemoryChoicesFollowTheDocumentedTable) {
  EXPECT_EQ(fargate_memory_choices(256), (std::vector<int>{512, 1024, 2048}));
  EXPECT_EQ(fargate_memory_choices(512), (std::vector<int>{1024, 2048, 3072, 4096}));
  EXPECT_EQ(fargate_memory_choices(4096).front(), 8192);
  EXPECT_EQ(fargate_memory_choices(4096).back(), 30720);
  EXPECT_EQ(fargate_memory_choices(8192).size(), 12u);   // 16 GB..60 GB by 4 GB
  EXPECT_EQ(fargate_memory_choices(16384).size(), 12u);  // 32 GB..120 GB by 8 GB
  EXPECT_TRUE(fargate_memory_choices(300).empty());
}

TEST(Loader, RevisionsCountWithinAFamilyAndFamilyAloneMeansLatest) {
  const std::string yaml = R"(ecsim: 1
name: t
duration: 1h
clusters: [{clusterName: c}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512", containerDefinitions: [{name: a, image: a}]}
  - {family: api, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512", containerDefinitions: [{name: a, image: a}]}
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "512", memory: "1024", containerDefinitions: [{name: a, image: a}]}
services:
  - {serviceName: a, taskDefinition: web, desiredCount: 1, launchType: FARGATE}
  - {serviceName: b, taskDefinition: "web:1", desiredCount: 1, launchType: FARGATE}
  - {serviceName: c, taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1", desiredCount: 1, launchType: FARGATE}
)";
  const auto cfg = load_yaml(yaml);
  EXPECT_EQ(cfg.task_definitions[2].key(), "web:2");
  EXPECT_EQ(cfg.services[0].task_definition, 2);
  EXPECT_EQ(cfg.services[1].task_definition, 0);
  EXPECT_EQ(cfg.services[2].task_definition, 1);
}

TEST(Loader, SetOverridesByNameIndexAndNewKey) {
  const auto cfg = load_yaml(fargate_scenario("1h", kService),
                             {"services[web].desiredCount=8", "seed=99", "account.fargateLaunchRate.burst=10",
                              "taskDefinitions[0].ecsim.appStartTime=15s"});
  EXPECT_EQ(cfg.services[0].desired_count, 8);
  EXPECT_EQ(cfg.seed, 99u);
  EXPECT_EQ(cfg.account.fargate_launch.burst, 10);
  EXPECT_EQ(cfg.task_definitions[0].app_start_time, std::chrono::seconds(15));
}

TEST(Loader, SetErrorsNameTheExpression) {
  EXPECT_EQ(errors_of(fargate_scenario("1h", kService), {"services[api].desiredCount=8"}),
            std::vector<std::string>{"--set services[api].desiredCount=8: services[api].desiredCount: no item named 'api' in services; names there: web"});
  EXPECT_EQ(errors_of(fargate_scenario("1h", kService), {"services[web].desiredCount=lots"}),
            std::vector<std::string>{"--set services[web].desiredCount=lots: services[0].desiredCount: expected an integer, got 'lots'"});
  // Values that look plain but YAML reads otherwise: a mapping, null (as if not given)
  EXPECT_EQ(errors_of(fargate_scenario("1h", kService), {"services[web].desiredCount=8:"}),
            std::vector<std::string>{"--set services[web].desiredCount=8:: services[0].desiredCount: expected an integer, got a mapping"});
  EXPECT_EQ(errors_of(fargate_scenario("1h", kService), {"services[web].desiredCount=a:b"}),
            std::vector<std::string>{"--set services[web].desiredCount=a:b: services[0].desiredCount: expected an integer, got 'a:b'"});
  EXPECT_EQ(load_yaml(fargate_scenario("1h", kService), {"services[web].desiredCount=null"}).services[0].desired_count,
            load_yaml(fargate_scenario("1h", kService), {"services[web].desiredCount=~"}).services[0].desired_count);
  EXPECT_EQ(errors_of(fargate_scenario("1h", kService), {"duration.days=1"}),
            std::vector<std::string>{"--set duration.days=1: duration.days: 'duration' is not a mapping, so it has no key 'days'"});
  EXPECT_EQ(errors_of(fargate_scenario("1h", kService), {"duration"}),
            std::vector<std::string>{"--set duration: (--set): expected PATH=VALUE, for example services[web].desiredCount=8"});
}

TEST(Loader, InertAwsFieldsAreAcceptedWithOneNotice) {
  auto yaml = fargate_scenario("1h", R"(
services:
  - serviceName: web
    cluster: c
    taskDefinition: web:1
    desiredCount: 1
    launchType: FARGATE
    platformVersion: LATEST
    enableExecuteCommand: true
    tags: [{key: team, value: a}]
)");
  const auto cfg = load_yaml(yaml);
  ASSERT_EQ(cfg.notices.size(), 1u);
  EXPECT_EQ(cfg.notices[0],
            "AWS fields accepted that change nothing ecsim simulates (IAM, logging, tags, identifiers, describe-* state; "
            "`ecsim fields` gives the reason for each): CreateService {enableExecuteCommand, platformVersion, tags}");
}

// The subnets of an awsvpc service choose its zones: from `subnets` (describe-subnets
// entries), or one zone per undescribed subnet in order of first appearance, with a notice.
TEST(Loader, SubnetsChooseTheZones) {
  auto yaml = fargate_scenario("1h", R"(
subnets:
  - {SubnetId: subnet-b, AvailabilityZone: us-east-1b, VpcId: vpc-1, CidrBlock: 10.0.1.0/24}
services:
  - serviceName: web
    taskDefinition: web:1
    desiredCount: 1
    launchType: FARGATE
    networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-b], securityGroups: [sg-1], assignPublicIp: DISABLED}}
  - serviceName: api
    taskDefinition: web:1
    desiredCount: 1
    launchType: FARGATE
    networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-x, subnet-y]}}
)");
  const auto cfg = load_yaml(yaml);
  EXPECT_EQ(cfg.services[0].zones, (std::vector<int>{1}));
  EXPECT_EQ(cfg.services[1].zones, (std::vector<int>{0, 1}));
  ASSERT_EQ(cfg.notices.size(), 3u);
  EXPECT_EQ(cfg.notices[0],
            "services[1].networkConfiguration.awsvpcConfiguration.subnets[0]: subnet subnet-x is not in `subnets`; ecsim puts it in "
            "us-east-1a (one zone per subnet, in the order they first appear): list it under `subnets` with its AvailabilityZone "
            "to say otherwise");
}

TEST(Loader, StartTimeIsParsedAsUtc) {
  auto yaml = fargate_scenario("1h", kService) + "start: \"1998-06-22T00:00:00Z\"\n";
  EXPECT_EQ(load_yaml(yaml).start_unix_seconds, 898473600);
}

TEST(Loader, PricingOverridesReplaceTheTable) {
  auto yaml = fargate_scenario("1h", kService) + "pricing:\n  fargate: {usdPerVcpuHour: 0.05, usdPerGbHour: 0.005, spotDiscount: 0.5}\n";
  const auto cfg = load_yaml(yaml);
  EXPECT_DOUBLE_EQ(cfg.pricing.fargate_x86.usd_per_vcpu_hour, 0.05);
  EXPECT_DOUBLE_EQ(cfg.pricing.fargate_spot_x86.usd_per_vcpu_hour, 0.025);
  EXPECT_DOUBLE_EQ(cfg.pricing.fargate_spot_x86.usd_per_gb_hour, 0.0025);
}

TEST(Loader, OtherRegionsUseTheirRows) {
  auto yaml = fargate_scenario("1h", kService) + "region: sa-east-1\n";
  const auto cfg = load_yaml(yaml);
  EXPECT_DOUBLE_EQ(cfg.pricing.fargate_x86.usd_per_vcpu_hour, 0.0696);
  EXPECT_EQ(cfg.availability_zones[0], "sa-east-1a");
}

TEST(Loader, EveryErrorIsReportedInOnePass) {
  const auto errs = errors_of(R"(ecsim: 1
name: t
duration: 1h
clusters: [{clusterName: c}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "512", memory: "9999", containerDefinitions: [{name: a, image: a}]}
services:
  - {serviceName: a, taskDefinition: nope, desiredCount: -1, launchType: FARGATE}
)");
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_EQ(errs[0], "test.yaml:6:96: taskDefinitions[0].memory: memory 9999 is not valid with cpu 512 on Fargate; valid memory values (MiB): 1024, 2048, 3072, 4096");
  EXPECT_EQ(errs[1], "test.yaml:8:38: services[0].taskDefinition: no task definition 'nope'; task definitions: web:1");
  EXPECT_EQ(errs[2], "test.yaml:8:58: services[0].desiredCount: must be between 0 and 5000, got -1");
}

}  // namespace
}  // namespace ecsim::scenarios

namespace ecsim::scenarios {
namespace {

// A describe-task-definition paste keeps its revision, so a service naming it runs it; the
// family alone is the highest revision; describe-clusters/-services pastes name clusters by ARN.
TEST(AwsPastes, RevisionsArnsAndClusterArnsAreRead) {
  const std::string yaml = R"(ecsim: 1
name: pastes
duration: 1h
clusters:
  - {clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/prod", status: ACTIVE, capacityProviders: [FARGATE]}
  - {clusterName: dev, capacityProviders: [FARGATE]}
taskDefinitions:
  - taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/hello_world:8"
    revision: 8
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "256"
    memory: "512"
    containerDefinitions: [{name: hello, image: hello:1}]
  - {family: hello_world, revision: 3, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: hello, image: hello:1}]}
  - {family: hello_world, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: hello, image: hello:1}]}
services:
  - {serviceName: a, clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/prod", taskDefinition: "hello_world:8", launchType: FARGATE}
  - {serviceName: b, cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/dev", taskDefinition: hello_world, launchType: FARGATE}
  - {serviceName: c, cluster: dev, taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/hello_world:3", launchType: FARGATE}
)";
  const auto cfg = load_yaml(yaml);
  EXPECT_EQ(cfg.clusters[0].name, "prod");
  EXPECT_EQ(cfg.task_definitions[0].key(), "hello_world:8");
  EXPECT_EQ(cfg.task_definitions[2].key(), "hello_world:9");  // registered after 8: the next number
  EXPECT_EQ(cfg.services[0].cluster, 0);
  EXPECT_EQ(cfg.services[0].task_definition, 0);
  EXPECT_EQ(cfg.services[1].cluster, 1);
  EXPECT_EQ(cfg.services[1].task_definition, 2);  // the family alone: the highest revision
  EXPECT_EQ(cfg.services[2].task_definition, 1);
}

TEST(AwsPastes, InconsistentArnsAreReported) {
  EXPECT_EQ(errors_of(R"(ecsim: 1
name: bad
duration: 1h
clusters:
  - {clusterName: prod, clusterArn: "arn:aws:ecs:us-east-1:1:cluster/other"}
taskDefinitions:
  - {family: web, revision: 2, taskDefinitionArn: "arn:aws:ecs:us-east-1:1:task-definition/web:3", requiresCompatibilities: [FARGATE],
     networkMode: awsvpc, cpu: "256", memory: "512", containerDefinitions: [{name: w, image: w}]}
  - {family: web, revision: 2, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: w, image: w}]}
services:
  - {serviceName: s, cluster: prod, clusterArn: "arn:aws:ecs:us-east-1:1:cluster/dev", taskDefinition: web, launchType: FARGATE}
  - {serviceName: t, cluster: "arn:aws:ecs:us-east-1:1:service/prod", taskDefinition: web, launchType: FARGATE}
)"),
            (std::vector<std::string>{
                "test.yaml:5:37: clusters[0].clusterArn: the ARN names cluster 'other', clusterName 'prod'",
                "test.yaml:7:51: taskDefinitions[0].taskDefinitionArn: the ARN names revision 3, revision is 2",
                "test.yaml:9:29: taskDefinitions[1].revision: two task definitions are web:2",
                "test.yaml:12:49: services[0].clusterArn: clusterArn does not name cluster 'prod'",
                "test.yaml:13:31: services[1].cluster: 'arn:aws:ecs:us-east-1:1:service/prod' is not a cluster ARN "
                "(arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)"}));
}

// RunTask `count`: each call (a Poisson arrival) starts that many tasks.
TEST(AwsPastes, RunTaskCountStartsThatManyTasksPerCall) {
  auto run = [](int count) {
    return ecsim::testing::run_yaml(fargate_scenario("1h", R"(
runTasks:
  - {cluster: c, taskDefinition: web:1, launchType: FARGATE, count: )" + std::to_string(count) + R"(,
     arrivals: {poisson: {ratePerSecond: 0.01, duration: {fixed: 1m}}}}
)"));
  };
  const auto one = run(1), four = run(4);
  const auto calls = one.count("RUN_TASK_SUBMITTED");
  ASSERT_GT(calls, 10u);
  EXPECT_EQ(four.count("RUN_TASK_SUBMITTED"), 4 * calls);  // the same arrival times, 4 tasks each
}

// Subnets put Fargate tasks in their zones, EC2 instances (VPCZoneIdentifier) in theirs, and
// keep an awsvpc service's EC2 tasks on instances in its subnets' zones.
TEST(AwsPastes, SubnetsPlaceTasksAndInstances) {
  auto r = ecsim::testing::run_yaml(R"(ecsim: 1
name: subnets
duration: 20m
subnets:
  - {SubnetId: subnet-a, AvailabilityZone: us-east-1a}
  - {SubnetId: subnet-b, AvailabilityZone: us-east-1b}
  - {SubnetId: subnet-c, AvailabilityZone: us-east-1c}
capacityProviders:
  - name: grp
    autoScalingGroupProvider: {managedScaling: {status: DISABLED}}
    autoScalingGroup: {MinSize: 4, MaxSize: 4, DesiredCapacity: 4, InstanceType: m5.xlarge, VPCZoneIdentifier: "subnet-a,subnet-c"}
clusters:
  - {clusterName: c, capacityProviders: [FARGATE, grp]}
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE, EC2], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}]}
services:
  - serviceName: f
    taskDefinition: web:1
    desiredCount: 6
    launchType: FARGATE
    networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-b]}}
  - serviceName: e
    taskDefinition: web:1
    desiredCount: 3
    capacityProviderStrategy: [{capacityProvider: grp, weight: 1}]
    networkConfiguration: {awsvpcConfiguration: {subnets: [subnet-c]}}
)");
  std::map<std::string, std::set<int>> zones;  // service -> zones of its tasks
  for (const Task* t : r.sim->live_tasks()) zones[r.sim->config().services[static_cast<std::size_t>(t->service)].name].insert(t->zone);
  EXPECT_EQ(zones["f"], (std::set<int>{1}));
  std::set<int> instance_zones;
  for (const auto& in : r.sim->instances()) instance_zones.insert(in.zone);
  EXPECT_EQ(instance_zones, (std::set<int>{0, 2}));
  int on_c = 0;
  for (const Task* t : r.sim->live_tasks())
    if (t->service == 1 && t->state == TaskState::kRunning) on_c += r.sim->instances()[t->instance - 1].zone == 2 ? 1 : 0;
  EXPECT_EQ(on_c, 3);
}

// YAML merge keys: a shared block merged into several mappings, keys given beside it win.
TEST(AwsPastes, YamlMergeKeysApply) {
  const auto cfg = load_yaml(R"(ecsim: 1
name: merge
duration: 1h
clusters: [{clusterName: c}]
x-td: &td {requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512", containerDefinitions: [{name: w, image: w}]}
x-svc: &svc {launchType: FARGATE, desiredCount: 2}
taskDefinitions:
  - {<<: *td, family: web}
  - {<<: *td, family: api, cpu: "512", memory: "1024"}
services:
  - {<<: *svc, serviceName: web, taskDefinition: web}
  - {<<: [*svc], serviceName: api, taskDefinition: api, desiredCount: 5}
)", {});
  ASSERT_EQ(cfg.task_definitions.size(), 2u);
  EXPECT_EQ(cfg.task_definitions[0].cpu_units, 256);
  EXPECT_EQ(cfg.task_definitions[1].cpu_units, 512);
  EXPECT_EQ(cfg.services[0].desired_count, 2);
  EXPECT_EQ(cfg.services[1].desired_count, 5);
}

// Regions: EC2 prices and sizes from the by-region table; Fargate rates checked only when the
// scenario runs Fargate tasks; Spot on EC2 outside us-east-1 from the region's Spot Advisor
// figures, or a given Spot price where the Advisor has none.
TEST(Regions, EachRegionUsesItsOwnRowsAndOnlyWhatIsUsedIsChecked) {
  const std::string ec2_only = R"(ecsim: 1
name: west
duration: 1h
region: REGION
capacityProviders:
  - name: grp
    autoScalingGroupProvider: {managedScaling: {status: DISABLED}}
    autoScalingGroup: {MinSize: 1, MaxSize: 1, InstanceType: m5.large}
clusters: [{clusterName: c, capacityProviders: [grp], defaultCapacityProviderStrategy: [{capacityProvider: grp, weight: 1}]}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "256", memory: "512", containerDefinitions: [{name: w, image: w}]}
services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 1}
)";
  auto in = [&](const std::string& region) {
    std::string y = ec2_only;
    y.replace(y.find("REGION"), 6, region);
    return y;
  };
  const auto west = load_yaml(in("us-west-2"));
  EXPECT_DOUBLE_EQ(west.instance_types[0].on_demand_usd_per_hour, 0.096);
  EXPECT_EQ(west.instance_types[0].price_source,
            "scenarios/data/aws_ec2_linux_prices_by_region.csv row us-west-2 m5.large (On-Demand 2024-04-04; Spot = On-Demand x "
            "(1 - 62% Spot Advisor savings), aws_ec2_spot_advisor_linux_by_region.csv 2025-06)");
  // us-west-2 m5.large in the Advisor's 2025-06 feed: 62 % savings, band "10-15%" (index 2).
  EXPECT_EQ(west.instance_types[0].spot_usd_per_hour, 0.03648);  // 0.096 x 0.38, to 1e-8
  EXPECT_EQ(west.instance_types[0].spot_band, 2);
  const auto ireland = load_yaml(in("eu-west-1"));
  EXPECT_DOUBLE_EQ(ireland.instance_types[0].on_demand_usd_per_hour, 0.107);
  EXPECT_EQ(ireland.instance_types[0].spot_usd_per_hour, 0.04601);  // 0.107 x 0.43 (57 %), "5-10%"
  EXPECT_EQ(ireland.instance_types[0].spot_band, 1);
  // il-central-1 has EC2 rows but no Fargate rates: fine while nothing runs on Fargate.
  EXPECT_NO_THROW(load_yaml(in("il-central-1")));
  // Fargate in eu-west-1: its own row.
  const auto f = load_yaml(fargate_scenario("1h", kService) + "region: eu-west-1\n");
  EXPECT_DOUBLE_EQ(f.pricing.fargate_x86.usd_per_vcpu_hour, 0.04048);
  // A Spot-capable group of a type the region's Advisor figures lack (t2.nano in us-west-2) is
  // refused without a Spot price; m5.large there has one.
  auto spot_group = [&](const std::string& type) {
    std::string y = in("us-west-2");
    y.replace(y.find("InstanceType: m5.large}"), std::string("InstanceType: m5.large}").size(),
              "MixedInstancesPolicy: {InstancesDistribution: {OnDemandPercentageAboveBaseCapacity: 0}, "
              "LaunchTemplate: {Overrides: [{InstanceType: " + type + "}]}}}");
    y.replace(y.find("memory: \"512\""), 13, "memory: \"128\"");  // fits a t2.nano's 512 MiB
    return y;
  };
  EXPECT_TRUE(errors_of(spot_group("m5.large")).empty());
  const std::string spot = spot_group("t2.nano");
  const auto errs = errors_of(spot);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("no Spot price estimate for t2.nano in us-west-2"), std::string::npos) << errs[0];
  const auto given = load_yaml(spot + "pricing: {ec2: {instanceTypes: {t2.nano: {spotUsdPerHour: 0.002}}}}\n");
  EXPECT_DOUBLE_EQ(given.instance_types[0].spot_usd_per_hour, 0.002);
}

}  // namespace
}  // namespace ecsim::scenarios

namespace ecsim::scenarios {
namespace {

const std::string kMiHead = R"(ecsim: 1
name: t
duration: 1h
capacityProviders:
  - name: mi
    managedInstancesProvider:
      instanceLaunchTemplate:
        networkConfiguration: {subnets: [subnet-1]}
)";
const std::string kMiTail = R"(
clusters: [{clusterName: c, capacityProviders: [mi]}]
taskDefinitions: [{family: web, requiresCompatibilities: [MANAGED_INSTANCES], networkMode: awsvpc, cpu: "256", memory: "512",
                   containerDefinitions: [{name: web, image: web:1}]}]
)";

// A Managed Instances provider's candidate types: instanceRequirements over the bundled table.
std::vector<std::string> mi_types(const std::string& requirements, const std::string& extra = "") {
  const auto cfg = load_yaml(kMiHead + requirements + extra + kMiTail);
  std::vector<std::string> out;
  for (int t : cfg.asg_providers.at(0).instance_types) out.push_back(cfg.instance_types[static_cast<std::size_t>(t)].name);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(LoaderManagedInstances, InstanceRequirementsSelectFromTheTable) {
  // m5 2-4 vCPU: m5.large and m5.xlarge; m5d/m5n/m5zn are excluded by the pattern "m5.*".
  EXPECT_EQ(mi_types(R"(        instanceRequirements: {vCpuCount: {min: 2, max: 4}, memoryMiB: {min: 1024}, allowedInstanceTypes: [m5.*]}
)"),
            (std::vector<std::string>{"m5.large", "m5.xlarge"}));
  // Burstable types only when asked for; 1-vCPU types never.
  const auto t3 = mi_types(R"(        instanceRequirements: {vCpuCount: {min: 1, max: 2}, memoryMiB: {min: 1024, max: 8192},
                               allowedInstanceTypes: [t3.*], burstablePerformance: included}
)");
  EXPECT_EQ(t3, (std::vector<std::string>{"t3.large", "t3.medium", "t3.small"}));
  EXPECT_THROW(mi_types(R"(        instanceRequirements: {vCpuCount: {min: 1, max: 2}, memoryMiB: {min: 1024}, allowedInstanceTypes: [t3.*]}
)"),
               ScenarioError);
  // cpuManufacturers from the family: m6a is AMD, m6g Graviton (ARM64), m6i Intel.
  EXPECT_EQ(mi_types(R"(        instanceRequirements: {vCpuCount: {min: 2, max: 2}, memoryMiB: {min: 1024},
                               allowedInstanceTypes: [m6a.*, m6g.*, m6i.*], cpuManufacturers: [amd]}
)"),
            (std::vector<std::string>{"m6a.large"}));
  EXPECT_EQ(mi_types(R"(        instanceRequirements: {vCpuCount: {min: 2, max: 2}, memoryMiB: {min: 1024},
                               allowedInstanceTypes: [m6a.*, m6g.*, m6i.*], cpuManufacturers: [amazon-web-services]}
)"),
            (std::vector<std::string>{"m6g.large"}));
}

TEST(LoaderManagedInstances, DefaultsAreGeneralPurposeTypesOnDemandAndTheDocumentedTimers) {
  const auto cfg = load_yaml(kMiHead + kMiTail);
  const auto& a = cfg.asg_providers.at(0);
  ASSERT_TRUE(a.managed_instances);
  EXPECT_FALSE(a.managed_instances->spot);
  EXPECT_EQ(a.managed_instances->scale_in_after, std::optional<SimDuration>(std::chrono::seconds(900)));
  EXPECT_EQ(cfg.timings.managed_instances.maintenance_drain_after, std::chrono::hours(24 * 14));
  ASSERT_FALSE(a.instance_types.empty());
  for (int t : a.instance_types) {
    const auto& it = cfg.instance_types[static_cast<std::size_t>(t)];
    EXPECT_EQ(it.name[0], 'm') << it.name;
    EXPECT_GE(it.vcpu, 2) << it.name;
    EXPECT_EQ(it.architecture, CpuArchitecture::kX86_64) << it.name;
    EXPECT_NEAR(it.management_fee_usd_per_hour, it.on_demand_usd_per_hour * 0.037 / 0.306, 1e-12) << it.name;
  }
  // No candidate is beaten on every resource by a cheaper one.
  for (int t : a.instance_types)
    for (int o : a.instance_types) {
      const auto& x = cfg.instance_types[static_cast<std::size_t>(t)];
      const auto& y = cfg.instance_types[static_cast<std::size_t>(o)];
      EXPECT_FALSE(y.on_demand_usd_per_hour < x.on_demand_usd_per_hour && y.vcpu >= x.vcpu && y.memory_mib >= x.memory_mib &&
                   y.max_enis >= x.max_enis && y.gpus >= x.gpus)
          << y.name << " dominates " << x.name;
    }
}

}  // namespace
}  // namespace ecsim::scenarios
