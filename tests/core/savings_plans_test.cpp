// Savings Plans: hand-computed bills. Rates are overridden to round numbers: Fargate On-Demand
// 0.04 USD per vCPU-hour and 0.005 per GB-hour; a task of 1 vCPU / 2 GB costs 0.05 an hour.
// Tasks are billed from their image pull, 20 s after the start (provisioning 10 s + ENI 10 s).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ecsim/scenarios/outputs.hpp"
#include "test_util.hpp"

namespace ecsim {
namespace {

std::string fargate(const std::string& plans, const std::string& extra = "", const std::string& launch = "launchType: FARGATE") {
  return R"(ecsim: 1
name: sp
duration: 2h
start: "2024-03-01T00:00:00Z"
pricing:
  fargate: {usdPerVcpuHour: 0.04, usdPerGbHour: 0.005}
  ec2: {instanceTypes: {m5.large: {onDemandUsdPerHour: 0.1}, c5.large: {onDemandUsdPerHour: 0.1}}}
  savingsPlans:
)" + plans + R"(
clusters: [{clusterName: c, capacityProviders: [FARGATE, FARGATE_SPOT]}]
taskDefinitions:
  - family: web
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "1024"
    memory: "2048"
    containerDefinitions: [{name: web, image: w}]
    ecsim: {imageSizeMiB: 100}
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 4, )" + launch + R"(}
)" + extra;
}

// One instance (On-Demand 0.1 USD/h) per group, running the whole 2 h from t = 0.
const std::string kGroups = R"(capacityProviders:
  - name: m5
    autoScalingGroupProvider: {managedScaling: {status: DISABLED}}
    autoScalingGroup: {MinSize: 1, MaxSize: 1, DesiredCapacity: 1, InstanceType: m5.large, AvailabilityZones: [us-east-1a]}
  - name: c5
    autoScalingGroupProvider: {managedScaling: {status: DISABLED}}
    autoScalingGroup: {MinSize: 1, MaxSize: 1, DesiredCapacity: 1, InstanceType: c5.large, AvailabilityZones: [us-east-1a]}
)";

nlohmann::json cost(const std::string& yaml) {
  auto cfg = testing::load_yaml(yaml);
  return nlohmann::json::parse(scenarios::run_in_memory(*scenarios::build(cfg), false, false, false).summary_json)["cost"];
}

// Hour 0 has 4 x 3580/3600 task-hours, hour 1 has 4.
constexpr double kHour0 = 4.0 * 3580 / 3600;

TEST(SavingsPlans, ACommitmentBelowUsageIsUsedWholeOnTheBestSavingsFirst) {
  // Rates 0.03 (vCPU, 25 % off) and 0.004 (GB, 20 % off): the 0.1 USD an hour covers vCPU only,
  // 0.1 / 0.03 = 3.333 vCPU-h; the rest of the vCPU and all the GB at On-Demand.
  auto c = cost(fargate(R"(    - {planType: Compute, commitment: 0.1, rates: {fargate: {vcpuHour: 0.03, gbHour: 0.004}}})"));
  const double od0 = (kHour0 - 0.1 / 0.03) * 0.04 + 2 * kHour0 * 0.005;
  const double od1 = (4 - 0.1 / 0.03) * 0.04 + 8 * 0.005;
  EXPECT_NEAR(c["byPricingModel"]["savingsPlanCoveredUsd"].get<double>(), 0.2, 1e-6);
  EXPECT_NEAR(c["byPricingModel"]["unusedCommitmentUsd"].get<double>(), 0, 1e-6);
  EXPECT_NEAR(c["byPricingModel"]["onDemandUsd"].get<double>(), od0 + od1, 1e-6);
  EXPECT_NEAR(c["totalUsd"].get<double>(), 0.2 + od0 + od1, 1e-6);
  EXPECT_NEAR(c["listPriceUsd"].get<double>(), 0.05 * (kHour0 + 4), 1e-6);
  const auto& p = c["savingsPlans"][0];
  EXPECT_EQ(p["hours"], 2);
  EXPECT_NEAR(p["utilizationPercent"].get<double>(), 100, 1e-4);
  EXPECT_NEAR(p["coveredOnDemandEquivalentUsd"].get<double>(), 2 * 0.1 / 0.03 * 0.04, 1e-6);
}

TEST(SavingsPlans, ACommitmentAboveUsageIsPaidInFull) {
  // 0.5 an hour against 0.038 a task-hour at the plan's rates: all usage covered, the rest unused.
  auto c = cost(fargate(R"(    - {planType: Compute, commitment: 0.5, rates: {fargate: {vcpuHour: 0.03, gbHour: 0.004}}})"));
  const double used = 0.038 * (kHour0 + 4);
  EXPECT_NEAR(c["byPricingModel"]["savingsPlanCoveredUsd"].get<double>(), used, 1e-6);
  EXPECT_NEAR(c["byPricingModel"]["unusedCommitmentUsd"].get<double>(), 1.0 - used, 1e-6);
  EXPECT_NEAR(c["byPricingModel"]["onDemandUsd"].get<double>(), 0, 1e-6);
  EXPECT_NEAR(c["totalUsd"].get<double>(), 1.0, 1e-6);
  EXPECT_NEAR(c["savingsPlanCoveragePercent"].get<double>(), 100, 1e-4);
}

TEST(SavingsPlans, AZeroCommitmentBillsTheListPrice) {
  auto c = cost(fargate(R"(    - {planType: Compute, commitment: 0, savingsPercent: {fargate: 20}})"));
  EXPECT_NEAR(c["totalUsd"].get<double>(), c["listPriceUsd"].get<double>(), 1e-9);
  EXPECT_NEAR(c["byPricingModel"]["onDemandUsd"].get<double>(), 0.05 * (kHour0 + 4), 1e-6);
}

TEST(SavingsPlans, HighestSavingsFirstAcrossFargateAndEc2) {
  // EC2 at 0.05 (50 % off) goes before Fargate vCPU (25 %): 0.06 an hour covers the m5 instance
  // (0.05) and a fifth of the c5 one (0.01 / 0.05), nothing of Fargate. With EC2 at 0.09 (10 %
  // off) Fargate vCPU (25 %) takes it all.
  const std::string both = R"(    - {planType: Compute, commitment: 0.06,
       rates: {fargate: {vcpuHour: 0.03, gbHour: 0.004}, ec2: {m5.large: EC2RATE, c5.large: EC2RATE}}})";
  auto with = [&](const char* rate) {
    std::string plans = both;
    for (auto pos = plans.find("EC2RATE"); pos != std::string::npos; pos = plans.find("EC2RATE")) plans.replace(pos, 7, rate);
    return cost(fargate(plans, kGroups));
  };
  auto c = with("0.05");
  EXPECT_NEAR(c["savingsPlans"][0]["coveredOnDemandEquivalentUsd"].get<double>(), 2 * (0.1 + 0.01 / 0.05 * 0.1), 1e-6);
  EXPECT_NEAR(c["byPricingModel"]["onDemandUsd"].get<double>(), 2 * (0.2 - 0.12) + (kHour0 + 4) * 0.05, 1e-6);
  auto d = with("0.09");
  EXPECT_NEAR(d["savingsPlans"][0]["coveredOnDemandEquivalentUsd"].get<double>(), 2 * 0.06 / 0.03 * 0.04, 1e-6);
  EXPECT_NEAR(d["byPricingModel"]["onDemandUsd"].get<double>(),
              0.2 * 2 + (kHour0 + 4) * 0.05 - 2 * 0.06 / 0.03 * 0.04, 1e-6);
}

TEST(SavingsPlans, AnEc2InstancePlanCoversItsFamilyOnlyAndGoesFirst) {
  // m5 plan at 0.06 (40 % off), 0.06 an hour: the m5 instance only; c5 and Fargate at On-Demand.
  auto c = cost(fargate(R"(    - {planType: EC2Instance, commitment: 0.06, rates: {ec2: {m5.large: 0.06}}, ecsim: {instanceFamily: m5, region: us-east-1}})",
                        kGroups));
  EXPECT_NEAR(c["savingsPlans"][0]["coveredOnDemandEquivalentUsd"].get<double>(), 0.2, 1e-6);
  EXPECT_NEAR(c["byPricingModel"]["onDemandUsd"].get<double>(), 0.2 + 0.05 * (kHour0 + 4), 1e-6);
  EXPECT_EQ(c["savingsPlans"][0]["instanceFamily"], "m5");
  // With a Compute plan beside it at a better rate for m5 (0.03), the EC2 Instance plan still
  // takes m5 first; the Compute plan then covers c5 (0.05, 50 %) before Fargate.
  auto d = cost(fargate(R"(    - {planType: Compute, commitment: 0.05, rates: {fargate: {vcpuHour: 0.03, gbHour: 0.004}, ec2: {m5.large: 0.03, c5.large: 0.05}}}
    - {planType: EC2Instance, commitment: 0.06, rates: {ec2: {m5.large: 0.06}}, ecsim: {instanceFamily: m5}})",
                        kGroups));
  EXPECT_NEAR(d["savingsPlans"][1]["coveredOnDemandEquivalentUsd"].get<double>(), 0.2, 1e-6);
  EXPECT_NEAR(d["savingsPlans"][0]["coveredOnDemandEquivalentUsd"].get<double>(), 0.2, 1e-6);
  EXPECT_NEAR(d["byPricingModel"]["onDemandUsd"].get<double>(), 0.05 * (kHour0 + 4), 1e-6);
}

TEST(SavingsPlans, SpotIsNeverCovered) {
  auto c = cost(fargate(R"(    - {planType: Compute, commitment: 1, savingsPercent: {fargate: 20}})", "",
                        "capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]"));
  EXPECT_NEAR(c["byPricingModel"]["savingsPlanCoveredUsd"].get<double>(), 0, 1e-9);
  EXPECT_GT(c["byPricingModel"]["spotUsd"].get<double>(), 0);
  EXPECT_NEAR(c["byPricingModel"]["unusedCommitmentUsd"].get<double>(), 2.0, 1e-6);
}

TEST(SavingsPlans, ThePlanTermLimitsTheHoursCharged) {
  // A 1-year term from 2023-03-02T00:30 ends 365 days later, 2024-03-01T00:30 (2024 is a leap
  // year): 30 minutes into the run, so 0.5 hours of commitment, in 1 hour of the run.
  auto c = cost(fargate(R"(    - {planType: Compute, commitment: 1, start: "2023-03-02T00:30:00Z", durationSeconds: 31536000, savingsPercent: {fargate: 20}})"));
  EXPECT_NEAR(c["savingsPlans"][0]["committedUsd"].get<double>(), 0.5, 1e-6);
  EXPECT_EQ(c["savingsPlans"][0]["hours"], 1);
}

// Reserved Instances: the same two instances (m5.large and c5.large at 0.1 USD/h On-Demand).
std::string with_reservations(const std::string& ris, const std::string& plans = "") {
  std::string yaml = fargate(plans.empty() ? "    []" : plans, kGroups);
  const std::string anchor = "  savingsPlans:\n";
  return yaml.replace(yaml.find(anchor), anchor.size(), "  reservedInstances:\n" + ris + "\n" + anchor);
}

TEST(ReservedInstances, ARegionalReservationCoversItsTypeAndIsPaidEveryHour) {
  auto c = cost(with_reservations("    - {instanceType: m5.large, count: 1, usdPerHour: 0.06}"));
  EXPECT_NEAR(c["byPricingModel"]["reservedInstanceUsd"].get<double>(), 0.12, 1e-6);
  EXPECT_NEAR(c["byPricingModel"]["onDemandUsd"].get<double>(), 0.2 + 0.05 * (kHour0 + 4), 1e-6);  // c5 and Fargate
  const auto& r = c["reservedInstances"][0];
  EXPECT_NEAR(r["utilizationPercent"].get<double>(), 100, 1e-6);
  EXPECT_NEAR(r["coveredOnDemandEquivalentUsd"].get<double>(), 0.2, 1e-6);
  EXPECT_NEAR(r["savingsUsd"].get<double>(), 0.08, 1e-6);
  EXPECT_NEAR(c["totalUsd"].get<double>(), 0.12 + 0.2 + 0.05 * (kHour0 + 4), 1e-6);
}

TEST(ReservedInstances, SizeFlexibilityCoversSmallerSizesByNormalizedUnits) {
  // An m5.xlarge reservation is 8 units; the m5.large instance uses 4: half of it is used.
  auto c = cost(with_reservations("    - {instanceType: m5.xlarge, count: 1, usdPerHour: 0.12}"));
  EXPECT_NEAR(c["reservedInstances"][0]["utilizationPercent"].get<double>(), 50, 1e-6);
  EXPECT_NEAR(c["reservedInstances"][0]["coveredOnDemandEquivalentUsd"].get<double>(), 0.2, 1e-6);
  EXPECT_NEAR(c["byPricingModel"]["reservedInstanceUsd"].get<double>(), 0.24, 1e-6);
  EXPECT_EQ(normalization_factor("m5.2xlarge"), 16.0);
  EXPECT_EQ(normalization_factor("t3.nano"), 0.25);
  EXPECT_FALSE(normalization_factor("m5.metal"));
}

TEST(ReservedInstances, ApplyBeforeSavingsPlans) {
  // The m5 instance is the reservation's: the m5 EC2 Instance plan finds nothing and is unused.
  auto c = cost(with_reservations("    - {instanceType: m5.large, count: 1, usdPerHour: 0.06}",
                                  "    - {planType: EC2Instance, commitment: 0.06, rates: {ec2: {m5.large: 0.06}}, ecsim: {instanceFamily: m5}}"));
  EXPECT_NEAR(c["savingsPlans"][0]["usedUsd"].get<double>(), 0, 1e-9);
  EXPECT_NEAR(c["byPricingModel"]["unusedCommitmentUsd"].get<double>(), 0.12, 1e-6);
  EXPECT_NEAR(c["reservedInstances"][0]["coveredOnDemandEquivalentUsd"].get<double>(), 0.2, 1e-6);
}

TEST(ReservedInstances, TheBundledRateIsTheTablesOneYearNoUpfront) {
  auto c = cost(with_reservations("    - {instanceType: m5.large, count: 2}"));
  const auto& r = c["reservedInstances"][0];
  EXPECT_DOUBLE_EQ(r["usdPerHour"].get<double>(), 0.061);
  EXPECT_NE(r["rateSource"].get<std::string>().find("1-year Standard RI, No Upfront, snapshot of 2019-04-05"), std::string::npos);
  EXPECT_NEAR(r["utilizationPercent"].get<double>(), 50, 1e-6);  // two reserved, one m5.large runs
}

}  // namespace
}  // namespace ecsim
