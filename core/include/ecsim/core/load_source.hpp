// A service's demand over time: piecewise constant, streamed.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/core/time.hpp"

namespace ecsim {

/// Demand in requests per second, constant between change points.
class LoadSource {
 public:
  virtual ~LoadSource() = default;
  /// Requests per second from the last change point on.
  virtual double rate() const = 0;
  /// The next time the rate changes, if it ever does.
  virtual std::optional<SimTime> next_change() const = 0;
  /// Moves to the segment that starts at `now` (== next_change()).
  virtual void advance(SimTime now) = 0;
};

/// Makes the source for a load config; `start_unix_seconds` is the wall-clock time of t=0.
/// Throws std::runtime_error if a trace cannot be read.
std::unique_ptr<LoadSource> make_load_source(const LoadConfig& load, std::int64_t start_unix_seconds);

/// One UTC hour of demand before t=0: the mean requests/s over the part of the hour with data.
struct HourlyDemand {
  std::int64_t hour_unix = 0;
  double mean_rps = 0;
  double covered_seconds = 0;
};
/// The demand of a load over [from, start) (Unix seconds), per UTC hour, replayed exactly as a
/// run from `from` would replay it. A trace has data from its first row on; a constant or
/// diurnal load everywhere (the diurnal curve keeps its phase relative to `start`).
std::vector<HourlyDemand> demand_history(const LoadConfig& load, std::int64_t start_unix_seconds, std::int64_t from_unix_seconds);

/// Reads a CSV trace row by row: the time column (ms since the Unix epoch) and a value.
class CsvTraceReader {
 public:
  /// Opens the file and finds the columns (value_column may be empty). Throws on failure.
  CsvTraceReader(const std::string& path, const std::string& time_column, const std::string& value_column);
  /// The next row, or nullopt at the end. Throws std::runtime_error on a malformed row.
  bool next(std::int64_t* unix_ms, double* value);
  std::int64_t line() const { return line_; }
  /// "path:line" of the row read last.
  std::string where() const { return path_ + ":" + std::to_string(line_); }
  const std::vector<std::string>& header() const { return header_; }

 private:
  std::string path_;
  std::ifstream in_;
  std::vector<std::string> header_;
  int time_index_ = -1, value_index_ = -1;
  std::int64_t line_ = 1;
  std::string buf_;
};

/// One row of a batch trace after filtering and scaling: `count` tasks submitted at `at`,
/// each running for `work`.
struct BatchArrival {
  SimTime at;
  int count = 0;
  SimDuration work{};
};
/// Reads a runTasks trace (TraceArrivals) whole and sorts it by time (public batch traces,
/// such as Alibaba 2017's, are not in time order). Numeric times count `time_unit` seconds
/// from the earliest kept row, which lands at t = 0; ISO 8601 times are placed relative to
/// `start_unix_seconds`. Counts are scaled with carried rounding, so the total is kept.
/// Throws std::runtime_error naming the file and line on a malformed row.
std::vector<BatchArrival> read_batch_trace(const TraceArrivals& trace, std::int64_t start_unix_seconds);

/// Splits one CSV line (RFC 4180 quotes).
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace ecsim
