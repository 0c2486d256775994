// Token bucket in integer units (kToken per token).
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace ecsim {

TokenBucket::TokenBucket(double burst, double per_second)
    : capacity_(std::llround(burst * static_cast<double>(kToken))),
      rate_per_ms_(std::max<std::int64_t>(1, std::llround(per_second * 60000.0))),
      tokens_(capacity_) {}

void TokenBucket::refill(SimTime now) {
  if (now <= last_) return;
  const std::int64_t dt = to_millis(now) - to_millis(last_);
  // Saturate before multiplying: a long idle time fills the bucket anyway.
  const std::int64_t room = capacity_ - tokens_;
  if (dt >= room / rate_per_ms_ + 1) {
    tokens_ = capacity_;
  } else {
    tokens_ = std::min(capacity_, tokens_ + dt * rate_per_ms_);
  }
  last_ = now;
}

bool TokenBucket::try_take(SimTime now) {
  refill(now);
  if (tokens_ < kToken) return false;
  tokens_ -= kToken;
  return true;
}

SimTime TokenBucket::next_available(SimTime now) {
  refill(now);
  if (tokens_ >= kToken) return now;
  const std::int64_t missing = kToken - tokens_;
  const std::int64_t ms = (missing + rate_per_ms_ - 1) / rate_per_ms_;
  return now + SimDuration{ms};
}

std::int64_t TokenBucket::available(SimTime now) {
  refill(now);
  return tokens_ / kToken;
}

}  // namespace ecsim
