// Scenario configuration: a service's offered load: constant, diurnal or a trace.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ecsim/core/time.hpp"
#include "ecsim/core/config/capacity.hpp"

namespace ecsim {

using namespace std::chrono_literals;

struct ConstantLoad {
  double requests_per_second = 0.0;
};
/// rate(t) = mean * (1 + amplitude * sin(2 pi (t + phase) / period)), held constant over
/// each `resolution` step (evaluated at the step's start).
struct DiurnalLoad {
  double mean_requests_per_second = 0.0;
  double amplitude = 0.0;
  SimDuration period = 24h;
  SimDuration phase = 0s;
  SimDuration resolution = 1min;
};
/// A CSV trace replayed from the scenario's `start`, streamed (never held in memory).
/// With a value column, each row's value is a count per `per`, held until the next row;
/// without one, each row is one request and rows are counted in bins of `per`.
struct TraceLoad {
  std::string path;          ///< resolved file path
  std::string time_column;   ///< ISO 8601 UTC timestamps, or seconds when numeric
  std::string value_column;  ///< empty: one request per row
  SimDuration per = 1min;
  double scale = 1.0;
};
using LoadConfig = std::variant<std::monostate, ConstantLoad, DiurnalLoad, TraceLoad>;

/// The load before t=0 that a predictive scaling policy learns from (`load.history`).
struct LoadHistory {
  enum class Kind {
    kDefault,  ///< a trace's rows before `start` (at most predictiveMaxHistory); a formula load: none
    kNone,     ///< no history: the policy learns from the run's own datapoints
    kFrom,     ///< the load from `from_unix_seconds` to `start` (a formula load is evaluated there)
  };
  Kind kind = Kind::kDefault;
  std::int64_t from_unix_seconds = 0;
};

}  // namespace ecsim
