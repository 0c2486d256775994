// Scenario configuration: account quotas and rate limits.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/timeline.hpp"

namespace ecsim {

using namespace std::chrono_literals;

struct TokenBucketConfig {
  double burst = 100;
  double per_second = 20;
};

struct AccountConfig {
  TokenBucketConfig fargate_launch{/*burst=*/100, /*per_second=*/20};
  TokenBucketConfig fargate_spot_launch{/*burst=*/100, /*per_second=*/20};
  double service_launch_per_minute_fargate = 500;
  double service_launch_per_minute_ec2 = 250;
  std::optional<double> fargate_vcpu_quota;       ///< On-Demand vCPUs running at once
  std::optional<double> fargate_spot_vcpu_quota;  ///< Spot vCPUs running at once
  int tasks_per_service = 5000;
  int provisioning_tasks_per_cluster = 300;  ///< ASG capacity providers only
  /// Container instances registered to one cluster at once (ECS service quota "Container
  /// instances per cluster", 5,000; "Handle Amazon ECS service quotas and API throttling
  /// limits", developer guide). An instance past it boots but cannot register.
  int container_instances_per_cluster = 5000;
  /// RunTask API request rate, per account per Region, one token per call ("AWS Fargate
  /// throttling quotas", developer guide, section "Throttling the RunTask API": 20 calls/s
  /// burst and sustained, at most 10 tasks per call).
  TokenBucketConfig run_task_api{/*burst=*/20, /*per_second=*/20};
};

}  // namespace ecsim
