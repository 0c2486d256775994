// Token bucket in integer arithmetic: launch tokens, per-service launch pace.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

#include "ecsim/core/time.hpp"

namespace ecsim {

/// A bucket holding at most `burst` tokens, refilled continuously at `per_second`.
/// Tokens are counted in nano-tokens so refill rates like 500/60 per second stay exact to
/// 1e-7; all arithmetic is integer, so results do not depend on floating-point rounding.
class TokenBucket {
 public:
  static constexpr std::int64_t kToken = 1'000'000'000;  // nano-tokens per token

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
  std::int64_t capacity_;       // nano-tokens
  std::int64_t rate_per_ms_;    // nano-tokens per millisecond
  std::int64_t tokens_;         // nano-tokens
  SimTime last_ = kTimeZero;
};

}  // namespace ecsim
