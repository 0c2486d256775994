// Scenario configuration: what-if actions at given times.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/run_tasks.hpp"

namespace ecsim {

using namespace std::chrono_literals;

struct UpdateServiceAction {
  int service = 0;
  std::optional<int> desired_count;
  std::optional<int> task_definition;  ///< a new revision starts a deployment
  bool force_new_deployment = false;   ///< redeploy the current revision
};
/// Reclaims a fraction of the provider's running Spot tasks now (each gets the warning).
struct SpotInterruptionsAction {
  int provider = 1;
  double fraction = 0.0;
};
/// Makes Spot capacity unavailable (new tasks wait in PROVISIONING) or available again.
struct SpotCapacityAction {
  int provider = 1;
  bool available = false;
  std::optional<SimDuration> duration;  ///< `for`: back to available after this long
};
/// UpdateTaskProtection on the service's `count` oldest RUNNING tasks (a scenario has no task
/// ids): protection on for `expires` (re-protecting resets it), or off.
struct UpdateTaskProtectionAction {
  int service = 0;
  int count = 0;
  bool enabled = true;
  SimDuration expires = 120min;  ///< expiresInMinutes: 1-2880, default 120
};
struct TimelineEntry {
  SimTime at;
  std::variant<UpdateServiceAction, SpotInterruptionsAction, SpotCapacityAction, UpdateTaskProtectionAction> action;
};

}  // namespace ecsim
