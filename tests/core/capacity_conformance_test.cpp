// Every capacity provider kind must pass these checks through the whole model: it grants
// capacity until the service is whole, never beyond its limits, gives everything back when
// the service goes to zero, and replays exactly.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace ecsim {
namespace {

struct Kind {
  std::string name;
  std::string strategy;   ///< the service's capacityProviderStrategy
  std::string providers;  ///< extra capacityProviders section
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
      {"FARGATE", "[{capacityProvider: FARGATE, weight: 1}]", ""},
      {"FARGATE_SPOT", "[{capacityProvider: FARGATE_SPOT, weight: 1}]", ""},
      {"ASG_MANAGED", "[{capacityProvider: grp, weight: 1}]",
       R"(capacityProviders:
  - name: grp
    autoScalingGroupProvider:
      managedScaling: {status: ENABLED, targetCapacity: 100, instanceWarmupPeriod: 60}
      managedTerminationProtection: ENABLED
      managedDraining: ENABLED
    autoScalingGroup: {MinSize: 0, MaxSize: 20, InstanceType: m5.large, AvailabilityZones: [us-east-1a, us-east-1b],
                       NewInstancesProtectedFromScaleIn: true}
)"},
      {"MANAGED_INSTANCES", "[{capacityProvider: grp, weight: 1}]",
       R"(capacityProviders:
  - name: grp
    managedInstancesProvider:
      instanceLaunchTemplate:
        networkConfiguration: {subnets: [subnet-1, subnet-2]}
        instanceRequirements: {vCpuCount: {min: 2, max: 4}, memoryMiB: {min: 4096}}
      infrastructureOptimization: {scaleInAfter: 120}
)"},
  };
  return k;
}

std::string scenario(const Kind& k) {
  return R"(ecsim: 1
name: capacity-conformance
seed: 3
duration: 90m
account: {fargateVcpuQuota: {onDemand: 4, spot: 4}, fargateLaunchRate: {burst: 3, perSecond: 0.5}}
)" + k.providers + R"(clusters: [{clusterName: c, capacityProviders: [FARGATE, FARGATE_SPOT)" +
         (k.providers.empty() ? "" : ", grp") + R"(]}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE, EC2, MANAGED_INSTANCES], networkMode: awsvpc, cpu: "512", memory: "1024",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100}}
services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 4, capacityProviderStrategy: )" + k.strategy + R"(}
timeline:
  - {at: 10m, updateService: {service: web, desiredCount: 12}}
  - {at: 40m, updateService: {service: web, desiredCount: 0}}
)";
}

// At every record: a Fargate provider never uses more vCPU than its quota.
struct QuotaWatch final : Observer {
  std::vector<std::string> problems;
  void on_record(const Simulator& sim, const Record& r) override {
    for (std::size_t p = 0; p < 2; ++p) {
      const auto& ps = sim.providers()[p];
      if (ps.vcpu_quota && ps.vcpu_in_use > *ps.vcpu_quota + 1e-9)
        problems.push_back("t=" + format_seconds(r.time) + " " + sim.config().provider_name(static_cast<int>(p)) + " uses " +
                           std::to_string(ps.vcpu_in_use) + " vCPU");
    }
  }
};

class CapacityConformance : public ::testing::TestWithParam<Kind> {};

TEST_P(CapacityConformance, GrantsWithinLimitsReleasesEverythingAndReplays) {
  const auto cfg = testing::load_yaml(scenario(GetParam()));
  auto sim = scenarios::build(cfg);
  sim->set_check_invariants(true, /*full_every=*/16);  // counters, reservations, no over-commit
  QuotaWatch watch;
  sim->add_observer(&watch);
  std::ostringstream log;
  EventCsvWriter w(log);
  sim->add_observer(&w);
  // 30 minutes in, the service is whole at 12 (Fargate: the 4-vCPU quota holds 8 tasks of 0.5).
  sim->run_until(at_millis(30 * 60'000));
  const auto& s = sim->services()[0];
  const bool fargate = GetParam().name.rfind("FARGATE", 0) == 0;
  EXPECT_EQ(s.running, fargate ? 8 : 12);
  EXPECT_EQ(s.healthy, s.running);
  sim->run();
  EXPECT_TRUE(watch.problems.empty()) << watch.problems.front();
  // At zero everything is given back.
  EXPECT_EQ(s.running, 0);
  EXPECT_TRUE(s.live.empty());
  int provider = -1;
  for (int p = 0; p < cfg.num_providers(); ++p)
    if (sim->providers()[p].tasks_launched > 0) provider = p;
  ASSERT_GE(provider, 0);
  const auto& ps = sim->providers()[provider];
  EXPECT_EQ(ps.tasks_launched, s.tasks_started);
  EXPECT_EQ(ps.provisioning + ps.pending + ps.running, 0);
  EXPECT_NEAR(ps.vcpu_in_use, 0.0, 1e-9);
  for (const auto& in : sim->instances()) {
    EXPECT_EQ(in.reserved_cpu_units, 0);
    EXPECT_TRUE(in.task_slots.empty());
  }
  if (!fargate) {
    EXPECT_GT(ps.asg->instances_launched, 0);
    EXPECT_LT(ps.asg->in_service, ps.asg->instance_stats.max());  // managed scaling scaled in after
  }
  EXPECT_GT(sim->provider_cost(provider, sim->now()), 0.0);
  EXPECT_EQ(log.str(), testing::events_csv(cfg)) << "the same scenario and seed must replay exactly";
}

INSTANTIATE_TEST_SUITE_P(Kinds, CapacityConformance, ::testing::ValuesIn(kinds()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace ecsim
