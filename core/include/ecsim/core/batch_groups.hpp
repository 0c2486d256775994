// Batch work (runTasks): RunTask calls arriving by a Poisson process (optionally diurnal) or
// replayed from a trace, each starting up to 10 tasks that run for their work and exit. Each
// call takes a token of the account's RunTask API bucket; a throttled call is retried as the
// caller's SDK does in standard mode, or given up. On Auto Scaling group capacity, accepted
// tasks wait while the cluster's PROVISIONING cap is reached.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "ecsim/core/events.hpp"
#include "ecsim/core/load_source.hpp"
#include "ecsim/core/recorder.hpp"
#include "ecsim/core/rng.hpp"
#include "ecsim/core/token_bucket.hpp"
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
  void on(const events::RunTaskRetry& e);
  /// Room under the cluster's PROVISIONING cap: deferred RunTask calls go, oldest first.
  void submit_deferred(int cluster);

 private:
  /// One RunTask call: the tasks it starts, the attempt it is on, when it was first made.
  struct Call {
    int group = 0;
    int attempt = 1;
    int count = 0;
    int last_retry_cost = 0;  ///< quota taken by the latest retry (given back on success)
    SimTime first_at{};
    std::array<SimDuration, kRunTaskMaxCount> work{};
  };
  /// Makes attempt `c.attempt` of a call now: accepted, retried after a backoff, or given up.
  void attempt(Call c);
  void submit(int group, SimDuration work, SimTime first_at);
  void start(int group, SimDuration work, SimTime first_at);
  /// Writes the calls given up by the event being handled (RUN_TASK_THROTTLED).
  void report_given_up(int group);
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
  TokenBucket api_;                    ///< account.runTaskApiRate, shared by every group
  std::vector<Rng> retry_rng_;         ///< runTasks/<name>/retryJitter
  std::vector<Call> waiting_;          ///< calls waiting to be retried (slots)
  std::vector<std::uint32_t> free_;    ///< free slots of waiting_
  struct GivenUp {
    std::int64_t calls = 0, tasks = 0;
  };
  GivenUp given_up_[2];                ///< by the current event: [0] max attempts, [1] retry quota empty
};

}  // namespace ecsim
