// Run outputs: summary.json, timeseries.csv, events.csv, tasks.csv.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <functional>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>

#include "ecsim/core/observer.hpp"
#include "ecsim/core/simulator.hpp"

namespace ecsim::scenarios {

/// Header of timeseries.csv: the contract's columns, then ecsim's additions.
inline constexpr const char* kTimeseriesCsvHeader =
    "t,service,desired,pending,running,healthy,cpu,requestsPerSecond,costUsd,capacityProvider";

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
};

/// summary.json's content for a finished simulator, as JSON text (2-space indent).
std::string summary_json(const Simulator& sim, double wall_seconds);

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
};
/// Runs a simulator to its horizon and returns its outputs as text.
RunOutputs run_in_memory(Simulator& sim, bool events, bool timeseries, bool tasks);

}  // namespace ecsim::scenarios
