// Formatting of simulated time for reports.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/time.hpp"

#include <cstdio>

namespace ecsim {

std::string format_seconds(SimDuration d) {
  const std::int64_t ms = d.count();
  const bool neg = ms < 0;
  const std::int64_t a = neg ? -ms : ms;
  char buf[40];
  const std::int64_t frac = a % 1000;
  if (frac == 0) {
    std::snprintf(buf, sizeof buf, "%s%lld", neg ? "-" : "", static_cast<long long>(a / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%s%lld.%03lld", neg ? "-" : "", static_cast<long long>(a / 1000),
                  static_cast<long long>(frac));
    // trim trailing zeros of the fraction
    std::string s(buf);
    while (s.back() == '0') s.pop_back();
    return s;
  }
  return buf;
}

std::string format_seconds(SimTime t) { return format_seconds(t.time_since_epoch()); }

}  // namespace ecsim
