// Batch groups (runTasks).
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/batch_groups.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "overloaded.hpp"

namespace ecsim {

using detail::Overloaded;

BatchGroups::BatchGroups(World& w, ModelScheduler& sched, const Recorder& rec, const RngStreams& streams,
                         std::function<std::uint32_t(int)> create_task, std::function<bool(int)> capped)
    : w_(w), sched_(sched), rec_(rec), create_task_(std::move(create_task)), capped_(std::move(capped)),
      horizon_(SimTime{w.config.duration}) {
  for (const auto& gc : w_.config.run_tasks) {
    arrival_rng_.push_back(streams.stream("runTasks/" + gc.name + "/arrivals"));
    duration_rng_.push_back(streams.stream("runTasks/" + gc.name + "/durations"));
  }
}

void BatchGroups::start() {
  w_.groups.resize(w_.config.run_tasks.size());
  traces_.resize(w_.groups.size());
  trace_pos_.assign(w_.groups.size(), 0);
  next_arrival_s_.assign(w_.groups.size(), 0.0);
  for (std::size_t g = 0; g < w_.groups.size(); ++g) {
    const auto& gc = w_.config.run_tasks[g];
    w_.groups[g].per_item.assign(gc.strategy.size(), 0);
    if (const auto* poisson = std::get_if<PoissonArrivals>(&gc.arrivals)) {
      if (poisson->rate_per_second > 0) {
        next_arrival_s_[g] = to_seconds(sched_.now()) + arrival_rng_[g].exponential(1.0 / arrival_rate(*poisson));
        schedule_poisson(static_cast<int>(g));
      }
    } else {
      traces_[g] = read_batch_trace(std::get<TraceArrivals>(gc.arrivals), w_.config.start_unix_seconds);
      next_trace_arrival(static_cast<int>(g));
    }
  }
}

void BatchGroups::on(const events::RunTaskArrival& e) {
  const auto& gc = w_.config.run_tasks[e.group];
  if (const auto* poisson = std::get_if<PoissonArrivals>(&gc.arrivals)) {
    Rng& dr = duration_rng_[e.group];
    const double now_s = to_seconds(sched_.now());
    do {  // every arrival whose exact time falls in this millisecond
      // One RunTask call starts `count` tasks, each with its own amount of work.
      for (int k = 0; k < gc.tasks_per_call; ++k) {
        SimDuration work = std::visit(Overloaded{[&](const ExponentialDuration& d) { return seconds(dr.exponential(to_seconds(d.mean))); },
                                                 [](const FixedDuration& d) { return d.value; }},
                                      poisson->duration);
        submit(e.group, work);
      }
      next_arrival_s_[e.group] += arrival_rng_[e.group].exponential(1.0 / arrival_rate(*poisson));
    } while (next_arrival_s_[e.group] <= now_s);
    schedule_poisson(e.group);
    return;
  }
  const auto& row = traces_[e.group][trace_pos_[e.group]++];
  for (int k = 0; k < row.count; ++k) submit(e.group, row.work);
  next_trace_arrival(e.group);
}

double BatchGroups::arrival_rate(const PoissonArrivals& a) const {
  if (a.amplitude == 0.0) return a.rate_per_second;
  const double x = to_seconds(sched_.now() + a.phase) / to_seconds(a.period);
  // A rate of zero would never arrive again: keep a floor of 1e-9 of the mean.
  return std::max(a.rate_per_second * 1e-9, a.rate_per_second * (1.0 + a.amplitude * std::sin(2.0 * std::numbers::pi * x)));
}

void BatchGroups::schedule_poisson(int group) {
  // The millisecond that holds the arrival: (ms - 1, ms] in seconds, so an exact time of
  // 1.0004 s fires at 1.001 s and one of 1.001 s at 1.001 s. Nothing past the horizon.
  const double t_ms = std::ceil(next_arrival_s_[group] * 1000.0);
  if (t_ms > static_cast<double>(horizon_.time_since_epoch().count())) return;
  sched_.at(at_millis(static_cast<std::int64_t>(t_ms)), events::RunTaskArrival{group});
}

void BatchGroups::next_trace_arrival(int group) {
  const auto& rows = traces_[group];
  const auto pos = trace_pos_[group];
  if (pos < rows.size() && rows[pos].at <= horizon_) sched_.at(rows[pos].at, events::RunTaskArrival{group});
}

// One RunTask call. On Auto Scaling group capacity a full cluster (the PROVISIONING cap)
// defers it: the caller retries when there is room, in submission order.
void BatchGroups::submit(int group, SimDuration work) {
  const auto& gc = w_.config.run_tasks[group];
  auto& c = w_.clusters[gc.cluster];
  const bool on_asg = std::any_of(gc.strategy.begin(), gc.strategy.end(), [&](const StrategyItem& it) { return capped_(it.provider); });
  if (on_asg && (c.asg_provisioning >= w_.config.account.provisioning_tasks_per_cluster || !c.backlog.empty())) {
    c.backlog.push_back({group, work, sched_.now()});
    return;
  }
  ++w_.groups[group].submitted;
  const std::uint32_t slot = create_task_(group);
  w_.tasks[slot].work = work;
  rec_.emit_task_detail(RecordKind::kRunTaskSubmitted, w_.tasks[slot], -1);
}

void BatchGroups::submit_deferred(int cluster) {
  auto& c = w_.clusters[cluster];
  const int cap = w_.config.account.provisioning_tasks_per_cluster;
  while (!c.backlog.empty() && c.asg_provisioning < cap) {
    const auto d = c.backlog.front();
    c.backlog.pop_front();
    ++w_.groups[d.group].submitted;
    const std::uint32_t slot = create_task_(d.group);
    w_.tasks[slot].work = d.work;
    w_.tasks[slot].created = d.at;
    rec_.emit_task_detail(RecordKind::kRunTaskSubmitted, w_.tasks[slot], -1);
  }
}

}  // namespace ecsim
