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
};

}  // namespace ecsim
