// Scenario configuration: batch groups (runTasks): arrivals and task durations.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/services.hpp"

namespace ecsim {

using namespace std::chrono_literals;

struct ExponentialDuration {
  SimDuration mean = 5min;
};
struct FixedDuration {
  SimDuration value = 5min;
};
using TaskDurationConfig = std::variant<ExponentialDuration, FixedDuration>;

struct PoissonArrivals {
  double rate_per_second = 0.0;
  TaskDurationConfig duration;
  /// Optional diurnal rate: rate(t) = rate_per_second * (1 + amplitude * sin(2 pi (t + phase)
  /// / period)); each gap is drawn at the previous arrival with the rate then in force.
  double amplitude = 0.0;
  SimDuration period = 24h;
  SimDuration phase = 0s;
};
/// Batch arrivals replayed from a CSV (streamed): each row submits `count` tasks at its
/// time, each running for `end - time` (or the `duration` column) seconds.
struct TraceArrivals {
  std::string path;
  std::string time_column;
  std::string count_column;     ///< empty: one task per row
  std::string end_column;       ///< task end time (same unit as time), or
  std::string duration_column;  ///< task duration
  std::string where_column, where_value;  ///< keep rows where column == value
  double time_unit_seconds = 1.0;
  double scale = 1.0;  ///< multiplies counts (rounded per row)
};
using ArrivalsConfig = std::variant<PoissonArrivals, TraceArrivals>;

/// RunTask's `count` range, 1 to 10 (RunTask API reference: "You can specify up to 10 tasks
/// for each call"); a trace row of more tasks is split into calls of at most this many.
inline constexpr int kRunTaskMaxCount = 10;

/// The RunTask caller's AWS SDK retry behaviour, standard mode (botocore
/// botocore/retries/standard.py and quota.py, "Retry behavior" in the AWS SDKs and Tools
/// reference guide): at most `max_attempts` attempts per call; before attempt i+1 a throttled
/// call waits rand(0,1) x min(base_delay x 2^(i-1), max_backoff); each retry takes
/// `retry_cost` from a retry quota of `quota_capacity` that a call succeeding at once refills
/// by `no_retry_increment` and a call succeeding after retries by its last retry's cost. An
/// empty quota means no retry. One SDK client (one quota) per runTasks group.
struct SdkRetryConfig {
  int max_attempts = 3;
  SimDuration base_delay = 1s;
  SimDuration max_backoff = 20s;
  int quota_capacity = 500;
  int retry_cost = 5;
  int no_retry_increment = 1;
};

struct RunTaskGroupConfig {
  std::string name;  ///< "runTasks[i]" unless a name is given
  int cluster = 0;
  int task_definition = 0;
  std::vector<StrategyItem> strategy;
  ArrivalsConfig arrivals;
  int retry_attempts = 0;
  int tasks_per_call = 1;  ///< RunTask `count`: tasks each Poisson arrival's call starts (1 to 10)
  std::vector<int> zones;  ///< from networkConfiguration's subnets; empty: every zone (Fargate tasks use the first)
  PlacementRulesConfig placement;
  SdkRetryConfig client;
};

}  // namespace ecsim
