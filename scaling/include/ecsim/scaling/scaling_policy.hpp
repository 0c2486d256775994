// Service auto scaling policies: metrics and `now` in, a ScalingDecision out. The kernel,
// not the policy, applies cooldowns and the [MinCapacity, MaxCapacity] bounds.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string_view>

#include "ecsim/core/time.hpp"

namespace ecsim::scaling {

/// What a policy asks for at one evaluation.
struct ScalingDecision {
  enum class Direction { kNone, kOut, kIn };
  Direction direction = Direction::kNone;
  int new_capacity = 0;  ///< requested capacity before clamping
};

/// Target tracking's proportional rule: ceil(current * metric / target). Integer-exact for
/// metrics given in hundredths so that e.g. 10 tasks at 77% for target 70 gives 11, not 12.
int proportional_capacity(int current, double metric, double target);

/// Clamps a requested capacity into [min_capacity, max_capacity].
int clamp_capacity(int requested, int min_capacity, int max_capacity);

}  // namespace ecsim::scaling
