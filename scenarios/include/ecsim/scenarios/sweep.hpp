// Parameter sweeps: a grid of --set overrides x replications, run on local threads.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::scenarios {

/// A grid: each YAML path with the values (YAML text) it takes; every combination runs.
struct SweepGrid {
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  int replications = 1;
};

/// Reads GRID.yaml: `grid: {PATH: [values...]}` and optional `replications: N`.
/// Throws ScenarioError with located messages.
SweepGrid read_sweep_grid(const std::filesystem::path& file);

/// One row per grid point and replication: the grid values, replication, error (empty when
/// the run worked) and the flattened summary ("cost.totalUsd", ...).
struct SweepRow {
  std::vector<std::string> point;
  int replication = 0;
  std::string error;
  SummaryMetrics metrics;
};

/// Runs the sweep on `jobs` threads (0: all cores). A failing point records its error in its
/// row instead of stopping the sweep. `progress` is called with (done, total).
/// While `*interrupt` is true (SIGINT), points not started are not run and running ones stop
/// at their current time; both keep an `error` saying so, finished points keep their results.
std::vector<SweepRow> run_sweep(const ScenarioSource& base, const SweepGrid& grid, unsigned jobs,
                                const std::function<void(std::size_t, std::size_t)>& progress = {},
                                const std::atomic<bool>* interrupt = nullptr);
/// Same, from a scenario already parsed (the command line loads it once to check it first).
std::vector<SweepRow> run_sweep(const PreparedScenario& base, const SweepGrid& grid, unsigned jobs,
                                const std::function<void(std::size_t, std::size_t)>& progress = {},
                                const std::atomic<bool>* interrupt = nullptr);

/// Runs several scenarios (the options a planner compares) x replications on `jobs` threads.
/// Each row's point is the option's file name.
std::vector<SweepRow> run_compare(const std::vector<ScenarioSource>& options, int replications, unsigned jobs,
                                  const std::function<void(std::size_t, std::size_t)>& progress = {},
                                  const std::atomic<bool>* interrupt = nullptr);

/// One line of a comparison: means over replications, summed over services.
struct CompareLine {
  std::string file, name, error;
  int replications = 0;
  double cost_usd = 0, unserved_requests = 0, overloaded_seconds = 0, task_interruptions = 0,
         instances_launched = 0, mean_running_tasks = 0;
};
std::vector<CompareLine> compare_table(const std::vector<SweepRow>& rows);

/// Writes rows as CSV: grid paths, replication, error, then the sorted union of metric names.
std::string sweep_csv(const SweepGrid& grid, const std::vector<SweepRow>& rows);

}  // namespace ecsim::scenarios
