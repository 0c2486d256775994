// Typed, validated scenario configuration: what the scenario loader produces and the
// Simulator consumes. Plain structs; every default is the documented one (docs/MODEL.md).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/tasks.hpp"
#include "ecsim/core/config/capacity.hpp"
#include "ecsim/core/config/load.hpp"
#include "ecsim/core/config/auto_scaling.hpp"
#include "ecsim/core/config/services.hpp"
#include "ecsim/core/config/run_tasks.hpp"
#include "ecsim/core/config/timeline.hpp"
#include "ecsim/core/config/account.hpp"
#include "ecsim/core/config/timings.hpp"
#include "ecsim/core/config/pricing.hpp"

namespace ecsim {

using namespace std::chrono_literals;


struct RunConfig {
  SimDuration sample = 1min;
  bool write_summary = true;
  bool write_timeseries = true;
  bool write_events = true;
  bool write_tasks = false;
  bool write_billing = false;  ///< billing.csv: the bill by pricing model, hour by hour
  int replications = 1;
  /// The run stops (outputs complete up to then) when more tasks than this are live at once:
  /// a backlog of millions of waiting tasks would otherwise grow until the machine kills the
  /// process. About 250 bytes per task: 2,000,000 tasks hold about 0.5 GB.
  std::int64_t max_live_tasks = 2'000'000;
  /// The run stops (outputs complete up to then, exit 1) when the process's resident memory
  /// passes this many bytes; 0: `memory_limit_fraction` of the memory the machine (or its
  /// cgroup) allows, found when the run starts. Checked between chunks of 4,096 events, at
  /// most every 50 ms of wall time.
  std::uint64_t memory_limit_bytes = 0;
  double memory_limit_fraction = 0.8;
  /// events.csv and tasks.csv each stop growing at this size (whole rows; a notice says so).
  std::uint64_t max_output_bytes = std::uint64_t{10} << 30;
};

struct ScenarioConfig {
  std::string name;
  std::uint64_t seed = 0;
  SimDuration duration = 1h;
  std::int64_t start_unix_seconds = 0;
  std::string region = "us-east-1";
  std::vector<std::string> availability_zones;
  AccountConfig account;
  TimingsConfig timings;
  PricingConfig pricing;
  std::vector<ClusterConfig> clusters;
  std::vector<InstanceTypeConfig> instance_types;  ///< the types the scenario's groups use
  std::vector<AsgProviderConfig> asg_providers;
  std::vector<TaskDefinitionConfig> task_definitions;
  std::vector<ServiceConfig> services;
  std::vector<CloudWatchAlarmConfig> alarms;  ///< cloudWatchAlarms
  std::vector<RunTaskGroupConfig> run_tasks;
  std::vector<TimelineEntry> timeline;
  RunConfig run;
  std::vector<std::string> notices;  ///< e.g. AWS-only fields that were ignored

  int num_providers() const { return kNumBuiltinProviders + static_cast<int>(asg_providers.size()); }
  bool is_asg(int provider) const { return provider >= kNumBuiltinProviders; }
  const AsgProviderConfig& asg(int provider) const { return asg_providers[provider - kNumBuiltinProviders]; }
  /// FARGATE, FARGATE_SPOT, or the Auto Scaling group capacity provider's name.
  std::string provider_name(int provider) const;
  /// The same name without a copy (valid as long as the configuration).
  std::string_view provider_label(int provider) const;
};

/// Names of the built-in providers, indexed by ProviderKind.
const char* provider_name(int provider);
/// The Spot Instance Advisor band's name as AWS writes it (0 "<5%" ... 4 ">20%").
const char* spot_band_name(int band);

}  // namespace ecsim
