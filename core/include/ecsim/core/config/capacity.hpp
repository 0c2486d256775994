// Scenario configuration: EC2 instance types, Auto Scaling group capacity providers with managed scaling, clusters.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/tasks.hpp"

namespace ecsim {

using namespace std::chrono_literals;

/// One row of the bundled EC2 table (us-east-1 Linux), possibly overridden under pricing.ec2.
struct InstanceTypeConfig {
  std::string name;
  int vcpu = 0;
  int memory_mib = 0;
  int gpus = 0;  ///< GPUs ECS can reserve for tasks (the table's gpu_count)
  CpuArchitecture architecture = CpuArchitecture::kX86_64;
  double on_demand_usd_per_hour = 0.0;
  double spot_usd_per_hour = 0.0;
  int spot_band = 0;  ///< Spot Instance Advisor band: 0 "<5%", 1 "5-10%", 2 "10-15%", 3 "15-20%", 4 ">20%"
  int max_enis = 3;   ///< network interfaces of the type, the primary one included
  std::string price_source;  ///< the table row or override the prices came from
  /// ECS Managed Instances management fee per instance-hour (0 for Auto Scaling groups).
  double management_fee_usd_per_hour = 0.0;
  int network_bandwidth_mbps = 0;  ///< the table's network_bandwidth_mbps (instanceRequirements)
};

enum class SpotAllocation { kPriceCapacityOptimized, kCapacityOptimized, kLowestPrice };

/// ManagedScaling of an Auto Scaling group capacity provider (CreateCapacityProvider).
struct ManagedScalingConfig {
  bool enabled = false;
  int target_capacity = 100;
  int minimum_step = 1;
  int maximum_step = 10000;
  SimDuration instance_warmup = 300s;
};

/// An ECS Managed Instances capacity provider (CreateCapacityProvider managedInstancesProvider).
/// ECS chooses, launches, packs and retires the instances; ecsim runs them as a group whose
/// candidate instance types are AsgProviderConfig::instance_types (the bundled table's types
/// that satisfy instanceRequirements).
struct ManagedInstancesConfig {
  bool spot = false;  ///< capacityOptionType SPOT (else ON_DEMAND)
  /// infrastructureOptimization.scaleInAfter: how long an idle or underutilized instance is
  /// kept before it is optimized; nullopt: optimization off (-1).
  std::optional<SimDuration> scale_in_after = 900s;
  int task_enis_per_instance_override = 0;  ///< ecsim.maxNetworkInterfaces - 1 when given, else trunking
};

/// An Auto Scaling group capacity provider and its group (CreateAutoScalingGroup fields).
struct AsgProviderConfig {
  std::string name;        ///< capacity provider name
  std::string group_name;  ///< AutoScalingGroupName
  std::vector<int> instance_types;  ///< indices into ScenarioConfig::instance_types, override order
  std::vector<int> zones;           ///< indices into ScenarioConfig::availability_zones
  int min_size = 0, max_size = 0, desired_capacity = 0;
  bool mixed = false;                    ///< MixedInstancesPolicy given
  int on_demand_base = 0;                ///< OnDemandBaseCapacity
  int on_demand_percent_above_base = 100;///< OnDemandPercentageAboveBaseCapacity
  SpotAllocation spot_allocation = SpotAllocation::kPriceCapacityOptimized;
  bool on_demand_lowest_price = false;   ///< OnDemandAllocationStrategy lowest-price (else prioritized)
  std::vector<int> weights;              ///< WeightedCapacity per instance_types entry; empty: 1 each
  /// Capacity units one instance of instance_types[k] counts for.
  int weight(std::size_t k) const { return weights.empty() ? 1 : weights[k]; }
  ManagedScalingConfig managed_scaling;
  bool managed_termination_protection = false;
  bool managed_draining = true;  ///< ECS default for new capacity providers
  std::vector<std::pair<std::string, std::string>> attributes;  ///< custom container instance attributes
  /// Set for an ECS Managed Instances provider (no Auto Scaling group, no managed scaling).
  std::optional<ManagedInstancesConfig> managed_instances;
};

struct ClusterConfig {
  std::string name;
  std::vector<int> providers;  ///< capacity providers associated with the cluster
  std::vector<StrategyItem> default_strategy;
};

}  // namespace ecsim
