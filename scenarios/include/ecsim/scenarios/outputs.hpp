// Run outputs: summary.json, timeseries.csv, events.csv, tasks.csv.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "ecsim/core/event_log.hpp"
#include "ecsim/core/observer.hpp"
#include "ecsim/core/simulator.hpp"

namespace ecsim::scenarios {

/// Header of timeseries.csv: the contract's columns, then ecsim's additions.
inline constexpr const char* kTimeseriesCsvHeader =
    "t,service,desired,pending,running,healthy,cpu,requestsPerSecond,costUsd,capacityProvider,servedRequestsPerSecond,"
    "forecastLoad,forecastCapacity,scheduledCapacity";

/// Writes one timeseries.csv row per sample per service and per capacity provider.
class TimeseriesCsvWriter : public Observer {
 public:
  explicit TimeseriesCsvWriter(std::ostream& out);
  void on_sample(const Simulator& sim, SimTime now) override;

 private:
  std::ostream& out_;
};

/// Writes tasks.csv: one row per task when it stops, and the live ones at the end.
class TasksCsvWriter : public Observer {
 public:
  explicit TasksCsvWriter(std::ostream& out);
  void on_record(const Simulator& sim, const Record& r) override;
  void on_run_end(const Simulator& sim) override;

 private:
  void write(const Simulator& sim, const Task& t);
  std::ostream& out_;
  std::string line_;
  const Simulator* names_for_ = nullptr;
  std::optional<CsvNames> names_;
};

// --- column tables: the same rows as the CSV files, column by column (for Python) ------------

/// A text column, dictionary-encoded: codes index `categories`; -1 is missing.
struct TextColumn {
  std::vector<std::int32_t> codes;
  std::vector<std::string> categories;
  void push(std::string_view text);  ///< empty text is missing
 private:
  std::unordered_map<std::string, std::int32_t> index_;
};
/// An integer column with a missing mask (1 = missing).
struct IntColumn {
  std::vector<std::int64_t> values;
  std::vector<std::uint8_t> missing;
  void push(std::int64_t v) { values.push_back(v), missing.push_back(0); }
  void push_missing() { values.push_back(0), missing.push_back(1); }
};

/// events.csv as columns. `detail` stays one string per row (free text).
class EventTable : public Observer {
 public:
  void on_record(const Simulator& sim, const Record& r) override;
  std::vector<double> t;
  TextColumn kind, service, instance;
  IntColumn task;
  std::vector<std::string> detail;
};

/// timeseries.csv as columns; missing numbers are NaN (real columns) or masked (integers).
class TimeseriesTable : public Observer {
 public:
  void on_sample(const Simulator& sim, SimTime now) override;
  std::vector<double> t, cpu, requests_per_second, cost_usd, served_requests_per_second, forecast_load;
  TextColumn service, capacity_provider;
  IntColumn desired, pending, running, healthy, forecast_capacity, scheduled_capacity;
};

/// tasks.csv as columns; times are seconds, NaN when the task never got there.
class TasksTable : public Observer {
 public:
  void on_record(const Simulator& sim, const Record& r) override;
  void on_run_end(const Simulator& sim) override;
  IntColumn task, attempt;
  TextColumn service, task_definition, capacity_provider, availability_zone, last_status, container_instance;
  std::vector<double> created_at, pull_started_at, running_at, healthy_at, stopped_at, cost_usd;
  std::vector<std::string> stopped_reason;

 private:
  void add(const Simulator& sim, const Task& t);
};

/// The outputs of one run as column tables (null when not asked for).
struct RunTables {
  std::string summary_json;
  std::unique_ptr<EventTable> events;
  std::unique_ptr<TimeseriesTable> timeseries;
  std::unique_ptr<TasksTable> tasks;
  std::string billing_csv;  ///< always (small: one row per hour)
};
RunTables run_to_tables(Simulator& sim, bool events, bool timeseries, bool tasks);

/// billing.csv: one row per UTC hour of the run, `t` the hour's start in seconds since t = 0
/// (the first may be negative when the run starts inside an hour), then the six pricing models
/// in USD (they sum to summary.json's cost.totalUsd).
inline constexpr const char* kBillingCsvHeader = "t,reservedInstanceUsd,savingsPlanCoveredUsd,unusedCommitmentUsd,onDemandUsd,spotUsd,otherUsd";
std::string billing_csv(const Simulator& sim);

/// Runs a simulator to its horizon; returns the wall seconds the run took (summary.json's
/// wallSeconds).
double run_timed(Simulator& sim);

/// summary.json's content for a finished simulator, as JSON text (2-space indent);
/// `run_notices` are appended to the scenario's notices (outputs cut short, ...).
std::string summary_json(const Simulator& sim, double wall_seconds, const std::vector<std::string>& run_notices = {});
/// A run's flattened summary: ("a.b.c", text) pairs in the order the summary wrote them (the
/// same for every run of a scenario). Not a map: a sweep builds one per point (hundreds of
/// leaves) and only walks it or looks a few paths up; sweep_csv() sorts the columns once.
class SummaryMetrics {
 public:
  using Entry = std::pair<std::string, std::string>;
  SummaryMetrics() = default;
  explicit SummaryMetrics(std::vector<Entry> entries) : entries_(std::move(entries)) {}
  SummaryMetrics(std::initializer_list<Entry> entries) : entries_(entries) {}
  /// The value at `path` (of equal paths, the last given), or null.
  const std::string* find(std::string_view path) const;
  std::size_t count(std::string_view path) const { return find(path) ? 1 : 0; }
  /// The value at `path`; throws std::out_of_range when there is none.
  const std::string& at(std::string_view path) const;
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
};

/// summary.json's leaves flattened to "a.b.c" -> text, lists left out (a sweep's columns):
/// what parsing summary_json() and flattening it gives, without the text in between.
SummaryMetrics summary_metrics(const Simulator& sim, double wall_seconds);
/// A leaf of summary.json as parsing its text gives it (null: std::monostate).
using SummaryValue = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string>;
/// summary.json's leaves in document order, paths "a.b.c", lists left out: what Python's
/// json.loads of summary_json() and flattening gives (ecsim.sweep's columns).
std::vector<std::pair<std::string, SummaryValue>> summary_leaves(const Simulator& sim, double wall_seconds);

/// Runs a simulator with the outputs its config asks for written into `dir`.
/// Returns summary.json's text. `progress` (may be null) is called with the fraction done.
std::string run_to_directory(Simulator& sim, const std::filesystem::path& dir,
                             const std::function<void(double)>& progress = {});

/// The outputs of one run, kept in memory (for Python and sweeps).
struct RunOutputs {
  std::string summary_json;
  std::string events_csv;      ///< empty unless asked for
  std::string timeseries_csv;  ///< empty unless asked for
  std::string tasks_csv;       ///< empty unless asked for
  std::string billing_csv;     ///< always (small: one row per hour)
};
/// Runs a simulator to its horizon and returns its outputs as text.
RunOutputs run_in_memory(Simulator& sim, bool events, bool timeseries, bool tasks);

}  // namespace ecsim::scenarios
