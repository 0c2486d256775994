// Batch work (runTasks): RunTask calls arriving by a Poisson process (optionally diurnal) or
// replayed from a trace, each starting one task that runs for its work and exits; on Auto
// Scaling group capacity, calls wait while the cluster's PROVISIONING cap is reached.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "ecsim/core/events.hpp"
#include "ecsim/core/load_source.hpp"
#include "ecsim/core/recorder.hpp"
#include "ecsim/core/rng.hpp"
#include "ecsim/core/world.hpp"

namespace ecsim {

class BatchGroups {
 public:
  /// `create_task(group)` creates one task of the group (attempt 1) and returns its slot;
  /// `capped(provider)` says whether the cluster PROVISIONING cap applies to a provider.
  BatchGroups(World& w, ModelScheduler& sched, const Recorder& rec, const RngStreams& streams,
              std::function<std::uint32_t(int group)> create_task, std::function<bool(int provider)> capped);
  /// Schedules each group's first arrival (constructor order of the simulator).
  void start();
  void on(const events::RunTaskArrival& e);
  /// Room under the cluster's PROVISIONING cap: deferred RunTask calls go, oldest first.
  void submit_deferred(int cluster);

 private:
  void submit(int group, SimDuration work);
  double arrival_rate(const PoissonArrivals& a) const;
  void next_trace_arrival(int group);
  World& w_;
  ModelScheduler& sched_;
  const Recorder& rec_;
  std::function<std::uint32_t(int)> create_task_;
  std::function<bool(int)> capped_;
  std::vector<std::vector<BatchArrival>> traces_;
  std::vector<std::size_t> trace_pos_;
  std::vector<Rng> arrival_rng_, duration_rng_;  ///< runTasks/<name>/arrivals, .../durations
  /// Poisson groups: the exact time (seconds) of the next arrival. Events fire at the
  /// millisecond that holds it, and one event serves every arrival within its millisecond,
  /// so counts stay exact at any rate (rounding each gap to a millisecond did not).
  std::vector<double> next_arrival_s_;
  void schedule_poisson(int group);
  SimTime horizon_;
};

}  // namespace ecsim
