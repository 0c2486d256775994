// The task lifecycle.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/task_lifecycle.hpp"

#include <algorithm>
#include <cmath>

namespace ecsim {

std::uint32_t TaskLifecycle::alloc_task() {
  std::uint32_t slot;
  if (!w_.free_slots.empty()) {
    slot = w_.free_slots.back();
    w_.free_slots.pop_back();
    // A fresh task that keeps the stop reason's buffer: nearly every task is stopped with a
    // reason longer than the short-string buffer, so this saves an allocation and a free per
    // task (with stop_task()'s string_view, a batch task of the reference week allocates none).
    std::string reason = std::move(w_.tasks[slot].stop_reason);
    reason.clear();
    w_.tasks[slot] = Task{};
    w_.tasks[slot].stop_reason = std::move(reason);
  } else {
    slot = static_cast<std::uint32_t>(w_.tasks.size());
    w_.tasks.emplace_back();
  }
  return slot;
}

std::uint32_t TaskLifecycle::create_task(int service, int group, int attempt, std::uint32_t on_instance) {
  const std::uint32_t slot = alloc_task();
  Task& t = w_.tasks[slot];
  t.id = w_.next_task_id++;
  t.service = service;
  t.group = group;
  t.attempt = attempt;
  t.created = sched_.now();
  std::vector<int>* per_item;
  if (service >= 0) {
    auto& s = w_.services[service];
    t.task_definition = s.primary_task_definition;
    per_item = &s.per_item;
    s.live.push_back(slot, t.task_definition, t.id);
    ++s.primary_suffix;  // a new task runs the primary revision
    ++s.counted;
    ++s.counted_by_revision[t.task_definition];
    ++s.provisioning;
    s.steady = false;
  } else {
    auto& g = w_.groups[group];
    t.task_definition = w_.config.run_tasks[group].task_definition;
    per_item = &g.per_item;
    ++g.live;
  }
  const auto& strategy = w_.strategy_of(t);
  if (on_instance != 0) {
    // A DAEMON task: its provider is its instance's (the service's strategy lists them all).
    const int provider = w_.instances[on_instance - 1].provider;
    t.daemon = true;
    t.strategy_item = static_cast<int>(std::find_if(strategy.begin(), strategy.end(),
                                                    [&](const StrategyItem& it) { return it.provider == provider; }) -
                                       strategy.begin());
  } else {
    t.strategy_item = static_cast<int>(placer_.choose_provider(strategy, *per_item));
  }
  ++(*per_item)[t.strategy_item];
  t.provider = strategy[t.strategy_item].provider;
  ++w_.providers[t.provider].provisioning;
  if (capacity_[t.provider]->capped_per_cluster()) ++w_.clusters[w_.cluster_of(t)].asg_provisioning;
  rec_.emit_task_detail(RecordKind::kTaskProvisioning, t, service);
  if (on_instance != 0) {
    fleet_->start_on_instance(slot, on_instance);  // its resources are already reserved there
    return slot;
  }
  capacity_[t.provider]->enqueue(slot);
  pump(t.provider);
  return slot;
}


void TaskLifecycle::pump(int provider) { capacity_[provider]->pump(); }

// Each mechanism jitters from its own stream with its own setting, so a what-if on one never
// moves another: Fargate task phases (timings.fargate.jitterCv), EC2 instance launch and boot,
// and task phases on EC2 instances (both timings.ec2.jitterCv, separate streams).

SimDuration TaskLifecycle::task_jittered(const Task& t, SimDuration d) {
  if (t.instance != 0) return jittered(d, ec2_task_latency_rng_, w_.config.timings.ec2.jitter_cv);
  return jittered(d, latency_rng_, w_.config.timings.fargate.jitter_cv);
}


void TaskLifecycle::schedule_step(std::uint32_t slot, SimDuration after) {
  Task& t = w_.tasks[slot];
  t.next_event = sched_.at(sched_.now() + after, events::TaskStep{slot, t.id});
}

// A task already on its way out (stopped, deregistering from its target groups or stopping):
// a second stop or a Spot interruption changes nothing about it.
static bool leaving(const Task& t) {
  return t.state == TaskState::kStopped || t.phase == TaskPhase::kDeregistering || t.phase == TaskPhase::kStopping;
}

// --- TaskControl: what capacity providers may do to tasks -----------------------------------------
void TaskLifecycle::provisioning_started(std::uint32_t slot) {
  Task& t = w_.tasks[slot];
  t.phase = TaskPhase::kProvisioning;
  schedule_step(slot, task_jittered(t, w_.config.timings.fargate.provisioning));
}

void TaskLifecycle::placed_on_instance(std::uint32_t slot) {
  Task& t = w_.tasks[slot];
  set_state(t, TaskState::kPending);
  rec_.emit_task_detail(RecordKind::kTaskPending, t, t.service);
  if (w_.config.task_definitions[t.task_definition].network_mode == NetworkMode::kAwsvpc) {
    t.phase = TaskPhase::kAttachingEni;
    schedule_step(slot, task_jittered(t, w_.config.timings.ec2.eni_attach));
  } else {
    t.phase = TaskPhase::kAttachingEni;  // no ENI: straight on to the pull
    advance(slot);
  }
}

void TaskLifecycle::interrupt_task(std::uint32_t slot, bool count_for_provider) { interrupt(slot, count_for_provider); }

void TaskLifecycle::stop_for_host(std::uint32_t slot, const std::string& reason) { stop_task(slot, reason, /*failed=*/false); }

void TaskLifecycle::replace_for_host(std::uint32_t slot) {
  Task& t = w_.tasks[slot];
  if (t.service < 0 || t.forced_out || leaving(t)) return;
  t.forced_out = true;
  if (t.counts_toward_desired) ++w_.services[t.service].forced_out_counted;
  services_.request_reconcile(t.service);
}

void TaskLifecycle::lost_with_host(std::uint32_t slot, const std::string& reason) {
  Task& t = w_.tasks[slot];
  if (t.group >= 0 && t.counts_toward_desired && !t.interrupted) lose_work(t);
  t.stop_reason = reason;
  drop_healthy(t);
  finalize_stop(slot);
}

void TaskLifecycle::daemons_changed_now() {
  for (std::size_t i = 0; i < w_.services.size(); ++i)
    if (w_.config.services[i].daemon) services_.request_reconcile(static_cast<int>(i));
}

void TaskLifecycle::daemons_changed_later() {
  for (std::size_t i = 0; i < w_.services.size(); ++i)
    if (w_.config.services[i].daemon) services_.schedule_reconcile(static_cast<int>(i), sched_.now());
}

void TaskLifecycle::set_state(Task& t, TaskState s) {
  auto bump = [&](TaskState st, int d) {
    auto& p = w_.providers[t.provider];
    ServiceState* svc = t.service >= 0 ? &w_.services[t.service] : nullptr;
    switch (st) {
      case TaskState::kProvisioning:
        p.provisioning += d;
        if (svc) svc->provisioning += d;
        if (capacity_[t.provider]->capped_per_cluster()) {
          auto& c = w_.clusters[w_.cluster_of(t)];
          c.asg_provisioning += d;
          if (d < 0 && c.asg_provisioning == w_.config.account.provisioning_tasks_per_cluster - 1 &&
              (!c.blocked_services.empty() || !c.backlog.empty()))
            sched_.at(sched_.now(), events::ClusterRoom{w_.cluster_of(t)});
        }
        break;
      case TaskState::kPending:
        p.pending += d;
        if (svc) svc->pending += d;
        break;
      case TaskState::kRunning:
        p.running += d;
        p.running_stats.set(sched_.now(), p.running);
        if (svc) {
          svc->running += d;
          svc->running_by_revision[t.task_definition] += d;
          if (t.forced_out) svc->forced_out_running += d;
          svc->running_stats.set(sched_.now(), svc->running);
        }
        break;
      case TaskState::kDeactivating:
      case TaskState::kStopping:
        if (svc) svc->stopping += d;
        break;
      case TaskState::kStopped: break;
    }
  };
  if (t.service >= 0 && (t.state == TaskState::kRunning || s == TaskState::kRunning)) load_.accumulate(t.service);
  if (t.service >= 0) services_.meter(t.service);
  bump(t.state, -1);
  t.state = s;
  bump(s, +1);
}

void TaskLifecycle::on(const events::TaskStep& e) {
  Task& t = w_.tasks[e.slot];
  if (t.id != e.id) return;  // defensive: slots are recycled only after their events are cancelled
  t.next_event = kNoEvent;
  advance(e.slot);
}

void TaskLifecycle::advance(std::uint32_t slot) {
  Task& t = w_.tasks[slot];
  const auto& td = w_.config.task_definitions[t.task_definition];
  const auto& ft = w_.config.timings.fargate;
  switch (t.phase) {
    case TaskPhase::kProvisioning: {
      ServiceState* svc = t.service >= 0 ? &w_.services[t.service] : nullptr;
      if (svc) t.zone = static_cast<int>(placer_.choose_zone(svc->per_zone, w_.config.services[t.service].zones));
      else t.zone = w_.config.run_tasks[t.group].zones.empty() ? 0 : w_.config.run_tasks[t.group].zones.front();
      if (svc) ++svc->per_zone[t.zone];
      set_state(t, TaskState::kPending);
      rec_.emit_task_detail(RecordKind::kTaskPending, t, t.service);
      t.phase = TaskPhase::kAttachingEni;
      schedule_step(slot, task_jittered(t, ft.eni_attach));
      return;
    }
    case TaskPhase::kAttachingEni:
      t.phase = TaskPhase::kPulling;
      t.has_pulled = true;
      t.pull_started = sched_.now();
      schedule_step(slot, task_jittered(t, pull_time(t)));
      return;
    case TaskPhase::kPulling:
      if (t.instance != 0) capacity_[t.provider]->on_image_pulled(t);
      t.phase = TaskPhase::kStartingContainers;
      schedule_step(slot, task_jittered(t, ft.container_start * td.start_chain_length));
      return;
    case TaskPhase::kStartingContainers: {
      set_state(t, TaskState::kRunning);
      t.has_run = true;
      t.running_at = sched_.now();
      rec_.emit(RecordKind::kTaskRunning, &t, t.service, "");
      if (t.service >= 0) {
        ++w_.services[t.service].tasks_started;
      } else {
        w_.groups[t.group].wait_seconds.add(to_seconds(sched_.now() - t.created));
      }
      capacity_[t.provider]->on_task_running(slot);
      t.phase = TaskPhase::kAppStarting;
      schedule_step(slot, td.app_start_time);
      return;
    }
    case TaskPhase::kAppStarting: {
      if (td.fail_to_start) {
        stop_task(slot, "Essential container in task exited", /*failed=*/true);
        return;
      }
      if (t.service < 0) {  // batch: the work runs, then the essential container exits
        t.phase = TaskPhase::kServing;
        schedule_step(slot, t.work > td.app_start_time ? t.work - td.app_start_time : SimDuration{0});
        return;
      }
      // Ready. Healthy at the first passing check at or after now: load balancer target
      // checks start at registration (RUNNING); container checks start at container start.
      const auto& sc = w_.config.services[t.service];
      const auto* hc = td.health_check();
      SimDuration interval{0};
      if (sc.load_balanced) {
        interval = w_.config.timings.load_balancer.health_check_interval;
      } else if (hc) {
        interval = hc->interval;
      }
      if (interval <= SimDuration{0}) {
        become_healthy(slot);  // nothing checks health: an unhealthy app goes unnoticed
        return;
      }
      t.phase = TaskPhase::kAwaitingHealthCheck;
      if (td.unhealthy_fraction > 0 && health_rng_.bernoulli(td.unhealthy_fraction)) {
        // Failing checks: unhealthy after `threshold` consecutive failures that count, i.e.
        // checks after the grace period (and, for a container check, after startPeriod);
        // each failure is known when its check times out.
        t.fails_health_checks = true;
        const auto& lb = w_.config.timings.load_balancer;
        const int threshold = sc.load_balanced ? lb.unhealthy_threshold : hc->retries;
        const SimDuration timeout = sc.load_balanced ? lb.health_check_timeout : hc->timeout;
        SimTime counts_from = t.running_at + sc.health_check_grace_period;
        if (!sc.load_balanced) counts_from = std::max(counts_from, t.running_at + hc->start_period);
        const auto k = std::max<std::int64_t>(1, ((counts_from - t.running_at).count() + interval.count() - 1) / interval.count());
        const SimTime unhealthy_at = t.running_at + interval * (k + threshold - 1) + timeout;
        schedule_step(slot, std::max(SimDuration{0}, unhealthy_at - sched_.now()));
        return;
      }
      const auto since = sched_.now() - t.running_at;
      const auto k = (since.count() + interval.count() - 1) / interval.count();
      const auto first_pass = t.running_at + interval * std::max<std::int64_t>(1, k);
      schedule_step(slot, first_pass - sched_.now());
      return;
    }
    case TaskPhase::kAwaitingHealthCheck:
      if (t.fails_health_checks) {
        stop_task(slot, w_.config.services[t.service].load_balanced ? "Task failed ELB health checks"
                                                                  : "Task failed container health checks",
                  /*failed=*/true);
        return;
      }
      become_healthy(slot);
      return;
    case TaskPhase::kServing:  // batch work done
      ++w_.groups[t.group].completed;
      stop_task(slot, "Essential container in task exited", /*failed=*/false);
      return;
    case TaskPhase::kDeregistering: {
      set_state(t, TaskState::kStopping);
      rec_.emit(RecordKind::kTaskStopping, &t, t.service, "");
      t.phase = TaskPhase::kStopping;
      schedule_step(slot, std::min(w_.config.timings.task.sigterm_exit, td.stop_timeout(w_.config.timings.task.stop_timeout)));
      return;
    }
    case TaskPhase::kStopping:
      finalize_stop(slot);
      return;
    case TaskPhase::kWaitingForCapacity:
    case TaskPhase::kStopped:
      return;
  }
}


void TaskLifecycle::become_healthy(std::uint32_t slot) {
  Task& t = w_.tasks[slot];
  t.phase = TaskPhase::kServing;
  t.healthy = true;
  t.has_been_healthy = true;
  t.healthy_at = sched_.now();
  load_.accumulate(t.service);
  auto& s = w_.services[t.service];
  ++s.healthy;
  ++s.healthy_by_revision[t.task_definition];
  if (t.forced_out) ++s.forced_out_healthy;
  s.consecutive_failures = 0;
  // resetOnHealthyTask (default true): a healthy task of the new revision resets the count.
  if (!s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress &&
      t.task_definition == s.primary_task_definition)
    circuit_breaker::on_task_healthy(s.deployments.back(), w_.config.services[t.service]);
  rec_.emit(RecordKind::kTaskHealthy, &t, t.service, "");
  services_.request_reconcile(t.service);  // during a deployment a newly healthy task lets an old one go
}

void TaskLifecycle::on(const events::SpotInterruption& e) {
  Task& t = w_.tasks[e.slot];
  if (t.id != e.id) return;
  t.spot_event = kNoEvent;
  if (!t.counts_toward_desired) return;  // already being stopped
  interrupt(e.slot);
}

// A healthy task stops counting as healthy (the load integrals are brought up to now first).
void TaskLifecycle::drop_healthy(Task& t) {
  if (!t.healthy) return;
  load_.accumulate(t.service);
  t.healthy = false;
  --w_.services[t.service].healthy;
  --w_.services[t.service].healthy_by_revision[t.task_definition];
  if (t.forced_out) --w_.services[t.service].forced_out_healthy;
}

// An interrupted task: a batch task's work so far is thrown away (none if it never ran).
void TaskLifecycle::lose_work(Task& t) {
  t.interrupted = true;
  if (t.group < 0) return;
  const double lost = t.has_run ? to_seconds(sched_.now() - t.running_at) : 0.0;
  w_.groups[t.group].lost_task_seconds += lost;
  w_.providers[t.provider].lost_task_seconds += lost;
  ++w_.groups[t.group].interrupted;
}

// The 2-minute warning: SIGTERM now, a replacement at once, the task gone when it exits.
void TaskLifecycle::interrupt(std::uint32_t slot, bool count_for_provider) {
  Task& t = w_.tasks[slot];
  // A task that a scale-in or deployment is already stopping keeps its stop reason and is
  // not an interruption; it ends with the instance if it is still there.
  if (leaving(t)) return;
  if (t.spot_event != kNoEvent) {
    sched_.cancel(t.spot_event);
    t.spot_event = kNoEvent;
  }
  lose_work(t);
  if (count_for_provider) ++w_.providers[t.provider].spot_interruptions;
  if (t.service >= 0) ++w_.services[t.service].spot_interruptions;
  rec_.emit(RecordKind::kSpotInterruptionWarning, &t, t.service, "warning=" + format_seconds(w_.config.timings.spot.warning) + "s");
  // SIGTERM now; the task is gone when it exits or when the warning runs out.
  uncount(t);
  if (t.next_event != kNoEvent) sched_.cancel(t.next_event);
  const auto& td = w_.config.task_definitions[t.task_definition];
  const SimDuration exit_after = std::min({w_.config.timings.task.sigterm_exit,
                                           td.stop_timeout(w_.config.timings.task.stop_timeout),
                                           w_.config.timings.spot.warning});
  t.stop_reason = "Your Spot Task was interrupted.";
  drop_healthy(t);
  set_state(t, TaskState::kStopping);
  rec_.emit(RecordKind::kTaskStopping, &t, t.service, "");
  t.phase = TaskPhase::kStopping;
  schedule_step(slot, exit_after);
  // Copy what is needed: creating a replacement may reallocate w_.tasks and invalidate `t`.
  const int service = t.service, group = t.group, attempt = t.attempt;
  if (service >= 0) services_.request_reconcile(service);
  // A batch task with retries left is resubmitted at once.
  if (group >= 0 && attempt <= w_.config.run_tasks[group].retry_attempts) {
    ++w_.groups[group].submitted;
    ++w_.groups[group].resubmitted;
    create_task(-1, group, attempt + 1);
  }
}

// Removes a task from the counts that the scheduler compares with desiredCount.
void TaskLifecycle::uncount(Task& t) {
  if (!t.counts_toward_desired) return;
  t.counts_toward_desired = false;
  if (t.service >= 0) {
    auto& s = w_.services[t.service];
    --s.counted;
    --s.counted_by_revision[t.task_definition];
    if (t.forced_out) --s.forced_out_counted;
    --s.per_item[t.strategy_item];
    if (t.zone >= 0) --s.per_zone[t.zone];
  } else {
    --w_.groups[t.group].per_item[t.strategy_item];
  }
}

void TaskLifecycle::stop_task(std::uint32_t slot, std::string_view reason, bool failed) {
  Task& t = w_.tasks[slot];
  if (leaving(t)) return;
  uncount(t);
  t.stop_reason = reason;
  if (t.next_event != kNoEvent) {
    sched_.cancel(t.next_event);
    t.next_event = kNoEvent;
  }
  if (t.spot_event != kNoEvent) {
    sched_.cancel(t.spot_event);
    t.spot_event = kNoEvent;
  }
  drop_healthy(t);
  if (failed && t.service >= 0) {
    auto& s = w_.services[t.service];
    ++s.tasks_failed;
    ++s.consecutive_failures;
    // Service throttle logic: each further failure doubles the wait, up to the cap.
    const auto& st = w_.config.timings.service;
    SimDuration backoff = st.restart_backoff_initial;
    for (int i = 1; i < s.consecutive_failures && backoff < st.restart_backoff_max; ++i) backoff *= 2;
    backoff = std::min(backoff, st.restart_backoff_max);
    s.backoff_until = sched_.now() + backoff;
    if (!s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress &&
        t.task_definition == s.primary_task_definition) {
      auto& d = s.deployments.back();
      const auto& sc = w_.config.services[t.service];
      const int threshold = circuit_breaker::threshold(sc, w_.config.timings.service, s.desired);
      if (circuit_breaker::on_task_failed(d, sc, threshold))
        services_.fail_deployment(t.service, "circuitBreaker", sc.rollback,
                                  "failedTasks=" + std::to_string(d.failed_tasks) + " threshold=" + std::to_string(threshold) +
                                      (t.has_been_healthy || t.fails_health_checks ? " stage=2" : " stage=1"));
    }
    if (rec_.enabled())
      rec_.emit(RecordKind::kServiceTaskStartImpaired, nullptr, t.service,
           "consecutiveFailures=" + std::to_string(s.consecutive_failures) + " retryIn=" + format_seconds(backoff) + "s");
  }
  if (failed && t.group >= 0) ++w_.groups[t.group].failed;

  if (t.state == TaskState::kRunning) {
    const auto& td = w_.config.task_definitions[t.task_definition];
    if (t.service >= 0 && w_.config.services[t.service].load_balanced && !failed) {
      set_state(t, TaskState::kDeactivating);
      rec_.emit(RecordKind::kTaskDeactivating, &t, t.service, "");
      t.phase = TaskPhase::kDeregistering;
      schedule_step(slot, w_.config.timings.load_balancer.deregistration_delay);
    } else if (failed || t.group >= 0) {
      finalize_stop(slot);  // the essential container already exited
      return;
    } else {
      set_state(t, TaskState::kStopping);
      rec_.emit(RecordKind::kTaskStopping, &t, t.service, "");
      t.phase = TaskPhase::kStopping;
      schedule_step(slot, std::min(w_.config.timings.task.sigterm_exit, td.stop_timeout(w_.config.timings.task.stop_timeout)));
    }
    if (t.service >= 0) services_.request_reconcile(t.service);
    return;
  }
  finalize_stop(slot);
}

void TaskLifecycle::finalize_stop(std::uint32_t slot) {
  Task& t = w_.tasks[slot];
  auto& p = w_.providers[t.provider];
  uncount(t);
  if (t.next_event != kNoEvent) sched_.cancel(t.next_event);
  if (t.spot_event != kNoEvent) sched_.cancel(t.spot_event);
  t.next_event = t.spot_event = kNoEvent;
  t.stopped_at = sched_.now();
  t.phase = TaskPhase::kStopped;
  capacity_[t.provider]->on_task_stopped(slot);
  if (t.has_pulled && t.instance == 0) {
    const auto billed = std::max(w_.config.pricing.fargate_minimum_billed, sched_.now() - t.pull_started);
    t.cost_usd = cost_.accrued_cost(t, t.pull_started + billed);
    CostModel::book_fargate_usage(w_, t, t.pull_started, t.pull_started + billed);
  }
  p.cost_usd += t.cost_usd;
  set_state(t, TaskState::kStopped);
  rec_.emit_task_detail(RecordKind::kTaskStopped, t, t.service);
  const int service = t.service;
  if (service >= 0) {
    auto& s = w_.services[service];
    ++s.tasks_stopped;
    s.cost_usd += t.cost_usd;
    // Oldest first is task id order: binary search by id.
    const std::size_t at = s.live.find(t.id);
    const std::size_t from_end = s.live.size() - at;
    s.live.erase(at);
    if (from_end <= s.primary_suffix) {
      --s.primary_suffix;
    } else if (from_end == s.primary_suffix + 1) {  // the task that ended the run: the run may now be longer
      s.primary_suffix = s.live.trailing(s.primary_task_definition, s.primary_suffix);
    }
  } else {
    auto& g = w_.groups[t.group];
    g.cost_usd += t.cost_usd;
    --g.live;
  }
  w_.free_slots.push_back(slot);
  pump(t.provider);
  if (service >= 0) services_.request_reconcile(service);
}

}  // namespace ecsim
