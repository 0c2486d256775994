// Capacity arithmetic shared by the scaling policies.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scaling/scaling_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ecsim::scaling {

int proportional_capacity(int current, double metric, double target) {
  if (target <= 0 || current <= 0) return current;
  // Work in hundredths to avoid 0.1+0.2 style drift pushing an exact ratio over an integer.
  const auto m = static_cast<std::int64_t>(std::llround(metric * 100.0));
  const auto t = static_cast<std::int64_t>(std::llround(target * 100.0));
  const std::int64_t num = static_cast<std::int64_t>(current) * m;
  return static_cast<int>((num + t - 1) / t);
}

int clamp_capacity(int requested, int min_capacity, int max_capacity) {
  return std::clamp(requested, min_capacity, std::max(min_capacity, max_capacity));
}

}  // namespace ecsim::scaling
