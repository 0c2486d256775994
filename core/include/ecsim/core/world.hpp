// The entity stores of one run: what every component reads and the owning components change.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/core/instance_placer.hpp"
#include "ecsim/core/metric_alarm.hpp"
#include "ecsim/core/state.hpp"

namespace ecsim {

/// Tasks live in recycled slots (a STOPPED task frees its slot); ids count from 1 in creation
/// order and are never reused. Services, providers, batch groups and clusters are indexed as
/// in the config; container instances by id - 1.
struct World {
  explicit World(const ScenarioConfig& c) : config(c) {}
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const ScenarioConfig& config;
  std::vector<MetricAlarm> alarms;  ///< the scenario's CloudWatch alarms (config.alarms), evaluated as datapoints publish
  std::vector<Task> tasks;  ///< slots
  std::vector<std::uint32_t> free_slots;
  std::uint64_t next_task_id = 1;
  std::vector<ServiceState> services;
  std::vector<ProviderState> providers;
  std::vector<RunTaskGroupState> groups;
  std::vector<ClusterState> clusters;
  std::vector<ContainerInstance> instances;
  /// The bill by pricing model: the Fargate usage of stopped tasks per UTC hour of the run,
  /// On-Demand then Spot (x86 vCPU-h, x86 GB-h, ARM vCPU-h, ARM GB-h each), then ephemeral
  /// storage GB-h above the included 20 GiB.
  static constexpr std::size_t kFargateUsageSlots = 9;
  std::vector<std::array<double, kFargateUsageSlots>> fargate_usage_by_hour;
  std::vector<TaskDemand> demands;  ///< per task definition

  const TaskDemand& demand_of(int task_definition) const { return demands[static_cast<std::size_t>(task_definition)]; }
  /// Placement rules index: services first, then batch groups.
  int rules_of(const Task& t) const { return t.service >= 0 ? t.service : static_cast<int>(services.size()) + t.group; }
  int cluster_of(const Task& t) const {
    return t.service >= 0 ? config.services[static_cast<std::size_t>(t.service)].cluster
                          : config.run_tasks[static_cast<std::size_t>(t.group)].cluster;
  }
  /// The cluster a capacity provider is associated with (an Auto Scaling group belongs to one),
  /// or -1 when none uses it.
  int cluster_of_provider(int provider) const {
    for (std::size_t c = 0; c < config.clusters.size(); ++c)
      for (int p : config.clusters[c].providers)
        if (p == provider) return static_cast<int>(c);
    return -1;
  }
  const std::vector<StrategyItem>& strategy_of(const Task& t) const {
    return t.service >= 0 ? config.services[static_cast<std::size_t>(t.service)].strategy
                          : config.run_tasks[static_cast<std::size_t>(t.group)].strategy;
  }
  double vcpus(const Task& t) const { return config.task_definitions[static_cast<std::size_t>(t.task_definition)].cpu_units / 1024.0; }
  /// A live task (not STOPPED, slot in use).
  static bool live(const Task& t) { return t.id != 0 && t.phase != TaskPhase::kStopped; }
};

}  // namespace ecsim
