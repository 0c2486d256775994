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
      horizon_(SimTime{w.config.duration}),
      api_(w.config.account.run_task_api.burst, w.config.account.run_task_api.per_second) {
  for (const auto& gc : w_.config.run_tasks) {
    arrival_rng_.push_back(streams.stream("runTasks/" + gc.name + "/arrivals"));
    duration_rng_.push_back(streams.stream("runTasks/" + gc.name + "/durations"));
    retry_rng_.push_back(streams.stream("runTasks/" + gc.name + "/retryJitter"));
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
    w_.groups[g].retry_quota = gc.client.quota_capacity;
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
  Call c;
  c.group = e.group;
  c.first_at = sched_.now();
  if (const auto* poisson = std::get_if<PoissonArrivals>(&gc.arrivals)) {
    Rng& dr = duration_rng_[e.group];
    const double now_s = to_seconds(sched_.now());
    do {  // every arrival whose exact time falls in this millisecond
      // One RunTask call starts `count` tasks, each with its own amount of work.
      c.count = gc.tasks_per_call;
      for (int k = 0; k < gc.tasks_per_call; ++k)
        c.work[k] = std::visit(Overloaded{[&](const ExponentialDuration& d) { return seconds(dr.exponential(to_seconds(d.mean))); },
                                          [](const FixedDuration& d) { return d.value; }},
                               poisson->duration);
      attempt(c);
      next_arrival_s_[e.group] += arrival_rng_[e.group].exponential(1.0 / arrival_rate(*poisson));
    } while (next_arrival_s_[e.group] <= now_s);
    report_given_up(e.group);
    schedule_poisson(e.group);
    return;
  }
  // A trace row asks for `count` tasks at once: the caller makes as few calls as RunTask
  // allows, kRunTaskMaxCount tasks each and the rest in the last.
  const auto& row = traces_[e.group][trace_pos_[e.group]++];
  for (int left = row.count; left > 0; left -= kRunTaskMaxCount) {
    c.count = std::min(left, kRunTaskMaxCount);
    std::fill_n(c.work.begin(), c.count, row.work);
    attempt(c);
  }
  report_given_up(e.group);
  next_trace_arrival(e.group);
}

void BatchGroups::on(const events::RunTaskRetry& e) {
  const Call c = waiting_[e.call];
  free_.push_back(e.call);
  attempt(c);
  report_given_up(c.group);
}

// The API takes one token per call (not per task). Refused, the SDK retries while attempts
// and its retry quota allow, after a jittered exponential backoff; otherwise the call fails
// and its tasks are never started.
void BatchGroups::attempt(Call c) {
  const auto& client = w_.config.run_tasks[c.group].client;
  auto& gs = w_.groups[c.group];
  if (c.attempt == 1) {
    ++gs.api_calls;
    gs.tasks_requested += c.count;
  } else {
    gs.tasks_retrying -= c.count;
  }
  if (api_.try_take(sched_.now())) {
    gs.retry_quota = std::min(client.quota_capacity, gs.retry_quota + (c.attempt == 1 ? client.no_retry_increment : c.last_retry_cost));
    for (int k = 0; k < c.count; ++k) submit(c.group, c.work[k], c.first_at);
    return;
  }
  ++gs.throttled_attempts;
  const bool attempts_left = c.attempt < client.max_attempts;
  if (attempts_left && gs.retry_quota >= client.retry_cost) {
    gs.retry_quota -= client.retry_cost;
    c.last_retry_cost = client.retry_cost;
    // rand(0,1) x min(base x 2^(attempt-1), max), to the millisecond above (time's resolution)
    const double cap = std::min(to_seconds(client.base_delay) * std::ldexp(1.0, c.attempt - 1), to_seconds(client.max_backoff));
    const SimDuration delay{static_cast<std::int64_t>(std::ceil(retry_rng_[c.group].uniform01() * cap * 1000.0))};
    ++gs.retries;
    gs.tasks_retrying += c.count;
    gs.retry_delay_seconds += to_seconds(delay);
    gs.max_retry_delay_seconds = std::max(gs.max_retry_delay_seconds, to_seconds(delay));
    ++c.attempt;
    std::uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<std::uint32_t>(waiting_.size());
      waiting_.push_back(c);
    } else {
      slot = free_.back();
      free_.pop_back();
      waiting_[slot] = c;
    }
    sched_.at(sched_.now() + delay, events::RunTaskRetry{slot});
    return;
  }
  ++gs.calls_given_up;
  gs.tasks_given_up += c.count;
  auto& g = given_up_[attempts_left ? 1 : 0];
  ++g.calls;
  g.tasks += c.count;
}

// One RUN_TASK_THROTTLED row per group, millisecond and reason, however many calls it covers
// (at a million calls a second one row per call would be most of events.csv).
void BatchGroups::report_given_up(int group) {
  static constexpr const char* kReason[2] = {"max attempts", "retry quota empty"};
  for (int k = 0; k < 2; ++k) {
    auto& g = given_up_[k];
    if (g.calls == 0) continue;
    if (rec_.enabled())
      rec_.emit_group(RecordKind::kRunTaskThrottled, group,
                      "calls=" + std::to_string(g.calls) + " tasks=" + std::to_string(g.tasks) + " reason=" + kReason[k]);
    g = {};
  }
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

// One task of an accepted RunTask call. On Auto Scaling group capacity a full cluster (the PROVISIONING cap)
// defers it: the caller retries when there is room, in submission order.
void BatchGroups::submit(int group, SimDuration work, SimTime first_at) {
  const auto& gc = w_.config.run_tasks[group];
  auto& c = w_.clusters[gc.cluster];
  const bool on_asg = std::any_of(gc.strategy.begin(), gc.strategy.end(), [&](const StrategyItem& it) { return capped_(it.provider); });
  if (on_asg && (c.asg_provisioning >= w_.config.account.provisioning_tasks_per_cluster || !c.backlog.empty())) {
    c.backlog.push_back({group, work, first_at});
    return;
  }
  start(group, work, first_at);
}

// Creates the task; its wait counts from the call's first attempt.
void BatchGroups::start(int group, SimDuration work, SimTime first_at) {
  ++w_.groups[group].submitted;
  const std::uint32_t slot = create_task_(group);
  w_.tasks[slot].work = work;
  w_.tasks[slot].created = first_at;
  rec_.emit_task_detail(RecordKind::kRunTaskSubmitted, w_.tasks[slot], -1);
}

void BatchGroups::submit_deferred(int cluster) {
  auto& c = w_.clusters[cluster];
  const int cap = w_.config.account.provisioning_tasks_per_cluster;
  while (!c.backlog.empty() && c.asg_provisioning < cap) {
    const auto d = c.backlog.front();
    c.backlog.pop_front();
    start(d.group, d.work, d.at);
  }
}

}  // namespace ecsim
