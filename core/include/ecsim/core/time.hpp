// Integer simulated time: the only clock the model uses.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecsim {

/// Resolution of simulated time: one millisecond, fixed at compile time.
using SimDuration = std::chrono::duration<std::int64_t, std::milli>;

/// The simulation's clock. t=0 is the scenario's `start`.
struct SimClock {
  using rep = std::int64_t;
  using period = std::milli;
  using duration = SimDuration;
  using time_point = std::chrono::time_point<SimClock, SimDuration>;
  static constexpr bool is_steady = true;
};

/// A point in simulated time (milliseconds since t=0).
using SimTime = SimClock::time_point;

inline constexpr SimTime kTimeZero{SimDuration{0}};

/// Milliseconds since t=0.
constexpr std::int64_t to_millis(SimTime t) { return t.time_since_epoch().count(); }
constexpr std::int64_t to_millis(SimDuration d) { return d.count(); }
/// Seconds as a double: for reports only, never for model decisions.
constexpr double to_seconds(SimDuration d) { return static_cast<double>(d.count()) / 1000.0; }
constexpr double to_seconds(SimTime t) { return to_seconds(t.time_since_epoch()); }
constexpr SimTime at_millis(std::int64_t ms) { return SimTime{SimDuration{ms}}; }
/// Converts seconds from an edge (YAML, Python) to simulated time, rounding to the nearest ms.
inline SimDuration seconds(double s) { return SimDuration{std::llround(s * 1000.0)}; }

/// Division that rounds toward minus infinity (times before 1970 stay in the right hour).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

inline constexpr std::int64_t kMsPerUtcHour = 3'600'000;

/// Calls f(hour, overlap_ms) for each UTC hour that [from_ms, to_ms) (Unix ms) overlaps, in
/// order; `hour` is the hour's index (its start is hour x 3600 s).
template <class F>
void for_each_utc_hour(std::int64_t from_ms, std::int64_t to_ms, F&& f) {
  while (from_ms < to_ms) {
    const std::int64_t hour = floor_div(from_ms, kMsPerUtcHour);
    const std::int64_t cut = to_ms < (hour + 1) * kMsPerUtcHour ? to_ms : (hour + 1) * kMsPerUtcHour;
    f(hour, cut - from_ms);
    from_ms = cut;
  }
}

/// Formats seconds since t=0 with millisecond precision and no trailing zeros ("12.5", "60").
std::string format_seconds(SimTime t);
/// The same text written into `out` (at least 32 bytes); returns its length.
std::size_t append_seconds(char* out, SimDuration d);
std::string format_seconds(SimDuration d);

/// Parses an ISO 8601 UTC time ("1998-06-22T00:00:00Z", "1998-04-30T21:30Z",
/// "2023-11-16 18:17:03.9799600", "1998-06-22") to milliseconds since the Unix epoch.
/// Offsets other than Z/+00:00 are rejected.
std::optional<std::int64_t> parse_utc_millis(std::string_view text);

/// Civil date of a day number since 1970-01-01 (proleptic Gregorian).
struct CivilDate {
  int year, month, day;  ///< month 1..12, day 1..31
};
CivilDate civil_from_days(std::int64_t days);
std::int64_t days_from_civil(int year, int month, int day);
/// "1998-06-22T00:00:00Z" (whole seconds, UTC) for milliseconds since the Unix epoch.
std::string format_utc(std::int64_t unix_ms);

}  // namespace ecsim
