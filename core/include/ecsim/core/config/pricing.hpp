// Scenario configuration: rates resolved from the price tables.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/timings.hpp"

namespace ecsim {

using namespace std::chrono_literals;

/// Resolved Fargate rates for one (region, architecture, capacity).
struct FargateRate {
  double usd_per_vcpu_hour = 0.0;
  double usd_per_gb_hour = 0.0;
  std::string source;  ///< the table row or override it came from (reported in summary.json)
};
/// A Savings Plan (`pricing.savingsPlans[]`): a USD-per-hour commitment charged every hour of
/// its term, against which eligible On-Demand usage is charged at the plan's rates.
struct SavingsPlanConfig {
  enum class Type { kCompute, kEc2Instance };
  Type type = Type::kCompute;
  double commitment_usd_per_hour = 0;
  std::int64_t start_unix_seconds = 0;          ///< the term starts (default: the run's start)
  std::int64_t duration_seconds = 31'536'000;  ///< 1 year (or 94,608,000: 3 years)
  std::string payment_option = "NO_UPFRONT";   ///< the rates given are this option's effective rates
  std::string instance_family;                 ///< EC2Instance: the family covered ("m5")
  /// The plan's rates, USD per unit-hour; nullopt: not covered. Fargate (x86 and ARM) vCPU and
  /// GB; EC2 per instance type, indexed like ScenarioConfig::instance_types.
  std::optional<double> fargate_vcpu, fargate_gb, fargate_arm_vcpu, fargate_arm_gb;
  std::vector<std::optional<double>> ec2;
  std::string rates_source;  ///< where the rates came from (the scenario's own or a percentage)
};

/// A regional Standard Reserved Instance, No Upfront, Linux (`pricing.reservedInstances[]`):
/// `count` instances of `instance_type` paid every hour of the term at `usd_per_hour` each,
/// covering On-Demand instance-hours of its family by normalized size (size flexibility).
struct ReservedInstanceConfig {
  std::string instance_type;
  int count = 1;
  std::int64_t start_unix_seconds = 0;
  std::int64_t duration_seconds = 31'536'000;
  double usd_per_hour = 0;  ///< effective hourly rate of one instance
  std::string rate_source;
};

/// EC2's normalization factor of an instance size (nano 0.25 ... large 4, xlarge 8, Nxlarge
/// 8N), the unit of a Reserved Instance's size flexibility; nullopt for metal and unknown sizes.
std::optional<double> normalization_factor(const std::string& instance_type);

/// Whether an EC2 Instance Savings Plan's family covers an instance type: "m5" covers m5.large,
/// not m5a.large.
inline bool in_instance_family(const std::string& type, const std::string& family) {
  return !family.empty() && type.size() > family.size() && type.compare(0, family.size(), family) == 0 && type[family.size()] == '.';
}

struct PricingConfig {
  FargateRate fargate_x86;
  FargateRate fargate_arm;
  FargateRate fargate_spot_x86;
  FargateRate fargate_spot_arm;
  double ephemeral_usd_per_gb_hour = 0.000111;
  std::string ephemeral_source;
  SimDuration fargate_minimum_billed = 60s;
  SimDuration ec2_minimum_billed = 60s;
  /// Split cost allocation weights of a vCPU and of a GB of memory (AWS: 9:1, from
  /// Fargate's per-vCPU and per-GB prices).
  double split_cpu_weight = 9.0, split_memory_weight = 1.0;
  /// ECS Managed Instances management fee as a share of the type's On-Demand price. The one
  /// published figure, c6a.2xlarge $0.037 per instance-hour against its $0.306 On-Demand
  /// price ("Amazon ECS pricing" page, transcribed 2026-09-20), is 12.09 %; that the fee is
  /// that share for every type is an assumption (pricing.managedInstances).
  double managed_instances_fee_fraction = 0.037 / 0.306;
  std::vector<SavingsPlanConfig> savings_plans;
  std::vector<ReservedInstanceConfig> reserved_instances;
};

}  // namespace ecsim
