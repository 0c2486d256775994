// Scenario configuration: task definitions, containers, capacity provider strategy items and placement rules.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"

namespace ecsim {

using namespace std::chrono_literals;

enum class CpuArchitecture { kX86_64, kArm64 };
enum class OsFamily { kLinux, kWindows };

/// Built-in capacity providers. Auto Scaling group providers follow them: provider index
/// kNumBuiltinProviders + k is ScenarioConfig::asg_providers[k].
enum class ProviderKind { kFargate, kFargateSpot };
inline constexpr int kNumBuiltinProviders = 2;

/// One item of a capacityProviderStrategy (AWS field names: capacityProvider, base, weight).
struct StrategyItem {
  int provider = 0;  ///< index into Simulator providers (0 FARGATE, 1 FARGATE_SPOT)
  int base = 0;
  int weight = 0;
};

struct HealthCheckConfig {
  SimDuration interval = 30s;
  SimDuration timeout = 5s;
  int retries = 3;
  SimDuration start_period = 0s;
};

struct ContainerConfig {
  std::string name;
  bool essential = true;
  std::optional<HealthCheckConfig> health_check;
  std::optional<SimDuration> stop_timeout;
};

enum class NetworkMode { kAwsvpc, kBridge, kHost, kNone };

struct TaskDefinitionConfig {
  std::string family;
  int revision = 1;
  int cpu_units = 0;   ///< task-level cpu, else the sum of the containers' (EC2)
  int memory_mib = 0;  ///< task-level memory, else the sum of the containers' memory/memoryReservation
  NetworkMode network_mode = NetworkMode::kAwsvpc;
  std::vector<int> host_ports;  ///< bridge/host: host ports the task binds
  CpuArchitecture architecture = CpuArchitecture::kX86_64;
  OsFamily os_family = OsFamily::kLinux;
  int ephemeral_storage_gib = 20;
  int gpus = 0;  ///< resourceRequirements type GPU, summed over the containers
  std::vector<ContainerConfig> containers;
  /// Container indices in a start order that respects dependsOn (dependencies first).
  std::vector<int> start_order;
  /// Containers on the longest dependsOn chain: each one adds timings.containerStart.
  int start_chain_length = 1;
  // ecsim-only properties of the revision
  double image_size_mib = 100.0;
  SimDuration app_start_time = 0s;
  bool fail_to_start = false;
  double requests_per_second = 0.0;  ///< load one task serves at 100% CPU (0: none given)
  double unhealthy_fraction = 0.0;   ///< share of tasks that run but fail their health checks
  double error_rate = 0.0;           ///< share of the requests it serves that it answers with an error (HTTP 5XX)
  double memory_idle_percent = 25.0;       ///< memory utilisation with no load
  double memory_full_load_percent = 60.0;  ///< memory utilisation at 100% CPU

  std::string key() const { return family + ":" + std::to_string(revision); }
  /// The health check of the first essential container that has one, if any.
  const HealthCheckConfig* health_check() const;
  /// stopTimeout of the task: the largest container stopTimeout, else the default.
  SimDuration stop_timeout(SimDuration default_timeout) const;
};

/// placementStrategy item: binpack (field cpu|memory), spread (instanceId|host|attribute:NAME), random.
enum class PlacementStrategyType { kBinpack, kSpread, kRandom };
struct PlacementStrategyConfig {
  PlacementStrategyType type = PlacementStrategyType::kRandom;
  std::string field;
};
enum class PlacementConstraintType { kDistinctInstance, kMemberOf };
struct PlacementConstraintConfig {
  PlacementConstraintType type = PlacementConstraintType::kDistinctInstance;
  std::string expression;  ///< memberOf: cluster query language
};
/// Resolved rules for EC2 placement (the documented defaults already filled in).
struct PlacementRulesConfig {
  std::vector<PlacementStrategyConfig> strategies;
  std::vector<PlacementConstraintConfig> constraints;
};

}  // namespace ecsim
