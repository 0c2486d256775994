// Token bucket in integer arithmetic: launch tokens, per-service launch pace.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "ecsim/core/time.hpp"

namespace ecsim {

/// A bucket holding at most `burst` tokens, refilled continuously at `per_second`.
/// One token is kToken units and the refill adds round(per_second * 60000) units per ms,
/// so any rate that is a whole number of tokens per 1000 minutes (20/s, 500/min, 1/3 per
/// second) is exact; all arithmetic is integer, so results never depend on rounding.
class TokenBucket {
 public:
  static constexpr std::int64_t kToken = 60'000'000;  // units per token

  /// Starts full. `burst` >= 1 token, `per_second` > 0.
  TokenBucket(double burst, double per_second);

  /// Takes one token if one is available at `now`.
  bool try_take(SimTime now);
  /// Earliest time >= now at which one whole token is available.
  SimTime next_available(SimTime now);
  /// Whole tokens available at `now` (for reports and tests).
  std::int64_t available(SimTime now);

 private:
  void refill(SimTime now);
  std::int64_t capacity_;       // units
  std::int64_t rate_per_ms_;    // units per millisecond
  std::int64_t tokens_;         // units
  SimTime last_ = kTimeZero;
};

}  // namespace ecsim
