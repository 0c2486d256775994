// The service scheduler: desired counts, reconciles (requested, run by the loop), scale-in
// choice, the launch pace and restart back-off, deployments through their strategy, DAEMON
// services, steady state.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/service_scheduler.hpp"

#include <algorithm>
#include <climits>
#include <functional>
#include <stdexcept>
#include <string>

namespace ecsim {

namespace {
// The zones a service's tasks may run in: its groups' (every zone on Fargate), narrowed to its
// subnets' zones.
std::vector<int> zones_of(const ScenarioConfig& c, const ServiceConfig& sc) {
  std::vector<int> zones;
  for (const auto& it : sc.strategy) {
    if (c.is_asg(it.provider)) {
      for (int z : c.asg(it.provider).zones) zones.push_back(z);
    } else {
      for (std::size_t z = 0; z < c.availability_zones.size(); ++z) zones.push_back(static_cast<int>(z));
    }
  }
  std::sort(zones.begin(), zones.end());
  zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
  if (!sc.zones.empty())
    zones.erase(std::remove_if(zones.begin(), zones.end(),
                               [&](int z) { return std::find(sc.zones.begin(), sc.zones.end(), z) == sc.zones.end(); }),
                zones.end());
  return zones;
}
}  // namespace

ServiceScheduler::ServiceScheduler(World& w, ModelScheduler& sched, const Recorder& rec, CapacityPlacer& placer, TaskLifecycleOps& tasks,
                                   LoadMetrics& load)
    : w_(w), sched_(sched), rec_(rec), placer_(placer), tasks_(tasks), load_(load) {
  for (const auto& sc : w_.config.services) {
    strategy_.push_back(make_deployment_strategy(sc.deployment.name));
    if (!strategy_.back()) throw std::invalid_argument("no deployment strategy named " + sc.deployment.name);
    zones_.push_back(zones_of(w_.config, sc));
  }
}

void ServiceScheduler::set_desired(int service, int desired, const char* why) {
  auto& s = w_.services[service];
  // A user's UpdateService may leave the scalable target's range; Application Auto
  // Scaling brings it back on its next activity.
  s.desired_set_by_user = std::string_view(why) == "timeline";
  if (s.desired == desired) return;
  const int old = s.desired;
  s.rebalance_task = 0;  // an extra rebalancing task is an ordinary one now
  meter(service);
  s.desired = desired;
  s.desired_stats.set(sched_.now(), desired);
  s.steady = false;
  if (rec_.enabled())
    rec_.emit(RecordKind::kServiceDesiredCountUpdated, nullptr, service,
         "from=" + std::to_string(old) + " to=" + std::to_string(desired) + " by=" + why);
  request_reconcile(service);
}

void ServiceScheduler::schedule_reconcile(int service, SimTime at) {
  auto& s = w_.services[service];
  if (s.reconcile_event != kNoEvent) {
    if (s.reconcile_at <= at) return;
    sched_.cancel(s.reconcile_event);
  }
  s.reconcile_at = at;
  s.reconcile_event = sched_.at(at, events::ReconcileService{service});
}

void ServiceScheduler::on(const events::ReconcileService& e) {
  w_.services[e.service].reconcile_event = kNoEvent;
  request_reconcile(e.service);
}

// A reconcile is requested, never called from inside another component's work: whatever
// changed a service (a stop, a healthy task, a new desired count) marks it, and the loop
// reconciles the marked services once the event is handled, in the order they were marked.
// A reconcile that stops or starts tasks may mark services again; they run in the same pass.
// So no call chain re-enters the scheduler (a scale-in of n tasks once recursed n deep).
void ServiceScheduler::request_reconcile(int service) {
  auto& s = w_.services[service];
  if (s.reconcile_requested) return;
  s.reconcile_requested = true;
  dirty_.push_back(service);
}

void ServiceScheduler::flush() {
  while (!dirty_.empty()) {
    const int service = dirty_.front();
    dirty_.pop_front();
    w_.services[service].reconcile_requested = false;
    reconcile(service);
  }
}

void ServiceScheduler::reconcile(int service) {
  auto& s = w_.services[service];
  const auto& sc = w_.config.services[service];
  // The next protection to end brings a reconcile (earlier ones asked for still come first).
  auto& ex = s.protection_expiries;
  while (!ex.empty() && ex.front() <= sched_.now()) {
    std::pop_heap(ex.begin(), ex.end(), std::greater<>());
    ex.pop_back();
  }
  if (!ex.empty()) schedule_reconcile(service, ex.front());
  if (sc.daemon) {
    reconcile_daemon(service);
    return;
  }
  if (s.pending_rollback) {
    const int td = *s.pending_rollback;
    s.pending_rollback.reset();
    start_deployment(service, td, /*is_rollback=*/true);
    return;
  }
  // A deployment the circuit breaker failed without rollback launches no more tasks.
  const bool halted = !s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kFailed &&
                      !s.deployments.back().rolled_back;
  int old_counted = s.counted - s.counted_by_revision[s.primary_task_definition] + s.forced_out_counted;
  // A blue/green, linear or canary deployment before its CLEAN_UP keeps both revisions: its
  // strategy runs the service even when no blue task is left.
  const bool staged = !s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress &&
                      s.deployments.back().stage != Deployment::Stage::kNone && s.deployments.back().stage != Deployment::Stage::kCleanUp;
  if (old_counted > 0 || staged) {
    strategy(service).step(service, old_counted, halted, *this);
    return;
  }
  // Availability zone rebalancing's extra task holds the excess until it is healthy.
  if (s.rebalance_task != 0 && !rebalance(service)) return;
  // Too many: stop the excess, tasks that are not running yet first (newest first), then
  // running ones from the fullest zone and the provider furthest above its share.
  if (s.counted > s.desired) scale_in(service);
  if (s.counted >= s.desired || halted) {
    check_steady(service);
    if (!halted) rebalance(service);
    return;
  }
  if (sched_.now() < s.backoff_until) {
    schedule_reconcile(service, s.backoff_until);
    return;
  }
  while (s.counted < s.desired) {
    if (creation_blocked(service)) return;
    if (!s.pace.try_take(sched_.now())) {
      schedule_reconcile(service, s.pace.next_available(sched_.now()));
      return;
    }
    tasks_.create_task(service, -1, 1);
  }
}

// Stops the service's excess tasks. The candidates are gathered once (stopping a task changes
// no other task's state or zone), so a scale-in of n tasks is O(n x zones), not O(n^2):
// first the counted tasks not yet RUNNING, newest first; then, one at a time, the strategy
// item to shrink (it depends on the counts left) and in it the newest task of the fullest
// zone. `live` is in creation order, so newest means highest slot position there.
void ServiceScheduler::scale_in(int service) {
  auto& s = w_.services[service];
  const auto& sc = w_.config.services[service];
  std::vector<std::uint32_t> not_running;
  // buckets[item][zone + 1]: counted RUNNING tasks as (position in live, slot), oldest first
  // (zone -1 never runs, kept for safety). Positions are taken now: only their order matters.
  using Entry = std::pair<std::size_t, std::uint32_t>;
  std::vector<std::vector<std::vector<Entry>>> buckets(
      sc.strategy.size(), std::vector<std::vector<Entry>>(w_.config.availability_zones.size() + 1));
  for (std::size_t k = 0; k < s.live.size(); ++k) {
    const std::uint32_t slot = s.live[k];
    const Task& t = w_.tasks[slot];
    if (!t.counts_toward_desired || is_protected(slot)) continue;  // protected: kept through scale-in
    if (t.state != TaskState::kRunning) not_running.push_back(slot);
    else buckets[static_cast<std::size_t>(t.strategy_item)][static_cast<std::size_t>(t.zone + 1)].emplace_back(k, slot);
  }
  const std::string why = "Scaling activity initiated by (service " + sc.name + ")";
  for (auto it = not_running.rbegin(); it != not_running.rend() && s.counted > s.desired; ++it)
    tasks_.stop_task(*it, why, /*failed=*/false);
  while (s.counted > s.desired) {
    std::size_t item = placer_.choose_provider_to_shrink(sc.strategy, s.per_item);
    auto left = [&](std::size_t i) {
      return std::any_of(buckets[i].begin(), buckets[i].end(), [](const auto& z) { return !z.empty(); });
    };
    if (!left(item)) {  // what is left of that provider is protected: the first one with tasks to stop
      std::size_t i = 0;
      while (i < buckets.size() && !left(i)) ++i;
      if (i == buckets.size()) break;  // every task left is protected: they stay until it ends
      item = i;
    }
    auto& zones = buckets[item];
    // The fullest zone; among equally full zones the newest task.
    std::size_t best = zones.size();
    int best_count = -1;
    for (std::size_t z = 0; z < zones.size(); ++z) {
      if (zones[z].empty()) continue;
      const int zc = z > 0 ? s.per_zone[z - 1] : 0;
      if (zc > best_count || (zc == best_count && zones[z].back().first > zones[best].back().first)) {
        best_count = zc;
        best = z;
      }
    }
    if (best == zones.size()) break;  // cannot happen while counted > 0; defensive
    const std::uint32_t victim = zones[best].back().second;
    zones[best].pop_back();
    tasks_.stop_task(victim, why, /*failed=*/false);
  }
}

// Availability zone rebalancing (service-rebalancing.html): once a service is steady, uneven
// zones (more than one task apart) get a task started in the zone with the fewest and, when it
// is healthy, one stopped in the zone with the most, one task at a time (ECS's pacing is not
// published). A new task that could not land in the emptiest zone (no room there) is stopped
// again and the next round waits timings.service.rebalancingRetry. Returns false while the
// extra task is on its way (the reconcile must not scale it in).
bool ServiceScheduler::rebalance(int service) {
  auto& s = w_.services[static_cast<std::size_t>(service)];
  const auto& sc = w_.config.services[static_cast<std::size_t>(service)];
  const SimTime now = sched_.now();
  if (s.rebalance_task != 0) {
    const Task& t = w_.tasks[s.rebalance_slot];
    if (t.id != s.rebalance_task || !t.counts_toward_desired) {  // it failed or was stopped
      s.rebalance_task = 0;
      s.rebalance_retry_at = now + w_.config.timings.service.rebalancing_retry;
      return true;
    }
    if (!t.healthy) {
      // A task that finds no room at all waits in PROVISIONING; after the retry interval the
      // round gives up (ECS reports a placement failure for the target zone) and tries later.
      const SimTime give_up = t.created + w_.config.timings.service.rebalancing_retry;
      if (t.state != TaskState::kProvisioning) return false;
      if (now < give_up) {
        schedule_reconcile(service, give_up);
        return false;
      }
      s.rebalance_task = 0;
      rec_.emit(RecordKind::kTaskPlacementFailed, nullptr, service, "rebalancing: no room for a task in the emptiest zone");
      tasks_.stop_task(s.rebalance_slot, "Availability zone rebalancing: no room for the task", /*failed=*/false);
      s.rebalance_retry_at = now + w_.config.timings.service.rebalancing_retry;
      return true;
    }
    s.rebalance_task = 0;
    // It should have gone to a zone with the fewest tasks (any of them on a tie).
    bool emptiest = t.zone >= 0;
    for (int z : service_zones(service))
      if (t.zone >= 0 && z != t.zone && s.per_zone[static_cast<std::size_t>(z)] < s.per_zone[static_cast<std::size_t>(t.zone)] - 1) emptiest = false;
    if (!emptiest) {
      // It landed elsewhere: no room in the emptiest zone.
      rec_.emit(RecordKind::kTaskPlacementFailed, nullptr, service,
                "rebalancing: no room in " + w_.config.availability_zones[static_cast<std::size_t>(s.rebalance_zone)]);
      tasks_.stop_task(s.rebalance_slot, "Availability zone rebalancing: no room in the target zone", /*failed=*/false);
      s.rebalance_retry_at = now + w_.config.timings.service.rebalancing_retry;
      return true;
    }
    // One task of the fullest zone stops (the newest running one there): the service's own
    // scale-in would pick by capacity provider first and could undo the move.
    int hi = -1;
    for (int z : service_zones(service))
      if (hi < 0 || s.per_zone[static_cast<std::size_t>(z)] > s.per_zone[static_cast<std::size_t>(hi)]) hi = z;
    std::uint32_t victim = 0;
    bool found = false;
    for (std::size_t k = s.live.size(); k-- > 0;) {
      const std::uint32_t slot = s.live[k];
      const Task& v = w_.tasks[slot];
      if (v.zone == hi && v.counts_toward_desired && v.state == TaskState::kRunning && slot != s.rebalance_slot && !is_protected(slot)) {
        victim = slot;
        found = true;
        break;
      }
    }
    if (found) {
      ++s.rebalanced_tasks;
      tasks_.stop_task(victim, "Availability zone rebalancing", /*failed=*/false);
    }
    return true;  // (nothing to stop in the fullest zone: the reconcile scales in as usual)
  }
  if (!sc.az_rebalancing || sc.daemon || !s.steady) return true;
  if (!s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress) return true;
  const auto& zones = service_zones(service);
  if (zones.size() < 2) return true;
  int lo = zones.front(), hi = zones.front();
  for (int z : zones) {
    if (s.per_zone[static_cast<std::size_t>(z)] < s.per_zone[static_cast<std::size_t>(lo)]) lo = z;
    if (s.per_zone[static_cast<std::size_t>(z)] > s.per_zone[static_cast<std::size_t>(hi)]) hi = z;
  }
  if (s.per_zone[static_cast<std::size_t>(hi)] - s.per_zone[static_cast<std::size_t>(lo)] <= 1) {
    if (s.rebalancing) {
      s.rebalancing = false;
      rec_.emit(RecordKind::kRebalancingCompleted, nullptr, service, "moved=" + std::to_string(s.rebalanced_tasks));
    }
    return true;
  }
  if (now < s.rebalance_retry_at) {
    schedule_reconcile(service, s.rebalance_retry_at);
    return true;
  }
  if (!s.rebalancing) {
    s.rebalancing = true;
    std::string counts;
    for (int z : zones)
      counts += (counts.empty() ? "" : " ") + w_.config.availability_zones[static_cast<std::size_t>(z)] + "=" +
                std::to_string(s.per_zone[static_cast<std::size_t>(z)]);
    rec_.emit(RecordKind::kRebalancingStarted, nullptr, service, "tasksPerZone: " + counts);
  }
  if (creation_blocked(service)) return true;
  if (!s.pace.try_take(now)) {
    schedule_reconcile(service, s.pace.next_available(now));
    return true;
  }
  s.rebalance_zone = lo;
  s.rebalance_slot = tasks_.create_task(service, -1, 1);
  s.rebalance_task = w_.tasks[s.rebalance_slot].id;
  schedule_reconcile(service, now + w_.config.timings.service.rebalancing_retry);  // to give up if it finds no room
  return true;
}

// UpdateTaskProtection on the service's oldest RUNNING tasks. As ECS does, the call fails
// (DEPLOYMENT_BLOCKED) when it would leave more tasks protected than the desired count.
void ServiceScheduler::update_task_protection(const UpdateTaskProtectionAction& a) {
  auto& s = w_.services[a.service];
  const SimTime now = sched_.now();
  std::vector<std::uint32_t> chosen;
  int protected_other = 0;
  for (auto slot : s.live) {
    const Task& t = w_.tasks[slot];
    const bool candidate = t.state == TaskState::kRunning && t.counts_toward_desired;
    if (candidate && static_cast<int>(chosen.size()) < a.count) chosen.push_back(slot);
    else if (now < t.protected_until) ++protected_other;
  }
  const int protected_after = protected_other + (a.enabled ? static_cast<int>(chosen.size()) : 0);
  if (a.enabled && protected_after > s.desired) {
    rec_.emit(RecordKind::kTaskProtection, nullptr, a.service,
              "failed=DEPLOYMENT_BLOCKED tasks=" + std::to_string(chosen.size()) + " protected=" + std::to_string(protected_other) +
                  " desiredCount=" + std::to_string(s.desired));
    return;
  }
  for (auto slot : chosen) w_.tasks[slot].protected_until = a.enabled ? now + a.expires : SimTime{};
  if (a.enabled && !chosen.empty()) {
    s.protection_expiries.push_back(now + a.expires);
    std::push_heap(s.protection_expiries.begin(), s.protection_expiries.end(), std::greater<>());
  }
  rec_.emit(RecordKind::kTaskProtection, nullptr, a.service,
            "protectionEnabled=" + std::string(a.enabled ? "true" : "false") + " tasks=" + std::to_string(chosen.size()) +
                (a.enabled ? " expiresInMinutes=" + std::to_string(a.expires.count() / 60000) : std::string()) +
                " protected=" + std::to_string(protected_after));
  request_reconcile(a.service);
}

// --- ServiceOps: what the deployment strategy may do ------------------------------------------
void ServiceScheduler::stop(std::uint32_t slot, const std::string& reason) { tasks_.stop_task(slot, reason, /*failed=*/false); }

bool ServiceScheduler::backing_off(int service) {
  auto& s = w_.services[service];
  if (sched_.now() >= s.backoff_until) return false;
  schedule_reconcile(service, s.backoff_until);
  return true;
}

bool ServiceScheduler::start_task(int service) {
  auto& s = w_.services[service];
  if (creation_blocked(service)) return false;
  if (!s.pace.try_take(sched_.now())) {
    schedule_reconcile(service, s.pace.next_available(sched_.now()));
    return false;
  }
  tasks_.create_task(service, -1, 1);
  return true;
}

void ServiceScheduler::on(const events::DeploymentTimer& e) {
  auto& s = w_.services[static_cast<std::size_t>(e.service)];
  if (static_cast<std::size_t>(e.deployment) + 1 != s.deployments.size()) return;  // a later deployment began
  const Deployment& d = s.deployments.back();
  if (d.rollout != Deployment::Rollout::kInProgress || d.generation != e.generation) return;
  strategy(e.service).on_timer(e.service, e.hook, *this);
  request_reconcile(e.service);
}

void ServiceScheduler::set_timer(int service, SimTime at, int generation, int hook) {
  const auto& s = w_.services[static_cast<std::size_t>(service)];
  sched_.at(at, events::DeploymentTimer{service, static_cast<int>(s.deployments.size()) - 1, generation, hook});
}

void ServiceScheduler::set_primary_traffic(int service, int tenths) {
  auto& s = w_.services[static_cast<std::size_t>(service)];
  if (s.primary_traffic_tenths == tenths) return;
  load_.accumulate(service);
  s.primary_traffic_tenths = tenths;
}

void ServiceScheduler::note(int service, RecordKind kind, std::string detail) {
  if (rec_.enabled()) rec_.emit(kind, nullptr, service, std::move(detail));
}

// A lifecycle hook, an alarm or the circuit breaker failed the latest deployment: it launches
// no more tasks, and with rollback a deployment back to the last completed revision follows.
void ServiceScheduler::fail_deployment(int service, const std::string& why, bool rollback, const std::string& detail) {
  auto& s = w_.services[static_cast<std::size_t>(service)];
  auto& d = s.deployments.back();
  if (d.rollout != Deployment::Rollout::kInProgress) return;
  load_.accumulate(service);
  meter(service);
  d.rollout = Deployment::Rollout::kFailed;
  d.failure = why;
  note(service, RecordKind::kDeploymentFailed,
       "taskDefinition=" + w_.config.task_definitions[static_cast<std::size_t>(d.task_definition)].key() + " " + detail);
  if (rollback && s.last_completed_task_definition != s.primary_task_definition) {
    d.rolled_back = true;
    s.pending_rollback = s.last_completed_task_definition;  // started by the next reconcile
  }
  request_reconcile(service);
}

// Deployment alarms: "any alarm in ALARM" fails the deployment once tasks of the new revision
// run (ECS polls them from then); an alarm already in ALARM when it began is ignored for it.
void ServiceScheduler::on_alarm(int alarm) {
  for (std::size_t i = 0; i < w_.services.size(); ++i) {
    const auto& dep = w_.config.services[i].deployment;
    if (std::find(dep.alarms.begin(), dep.alarms.end(), alarm) == dep.alarms.end()) continue;
    auto& s = w_.services[i];
    if (s.deployments.empty()) continue;
    const auto& d = s.deployments.back();
    if (d.rollout != Deployment::Rollout::kInProgress) continue;
    if (std::find(d.ignored_alarms.begin(), d.ignored_alarms.end(), alarm) != d.ignored_alarms.end()) continue;
    if (primary_running(s) <= 0) continue;
    fail_deployment(static_cast<int>(i), "alarm " + w_.config.alarms[static_cast<std::size_t>(alarm)].name, dep.alarms_rollback);
  }
}

// Integrates the latest deployment's tasks above the desired count (billed: PENDING, RUNNING
// or stopping) and its peak, from its start until the service is back at its desired count
// after the deployment ended.
void ServiceScheduler::meter(int service) {
  auto& s = w_.services[static_cast<std::size_t>(service)];
  if (s.deployments.empty()) return;
  auto& d = s.deployments.back();
  if (d.settled) return;
  const SimTime now = sched_.now();
  const int billed = s.pending + s.running + s.stopping;
  d.extra_task_seconds += std::max(0, billed - s.desired) * to_seconds(now - d.metered_at);
  d.metered_at = now;
  d.peak_tasks = std::max(d.peak_tasks, billed + s.provisioning);
  if (d.rollout != Deployment::Rollout::kInProgress && billed <= s.desired) d.settled = now;
}

void ServiceScheduler::start_deployment(int service, int task_definition, bool is_rollback, bool force) {
  auto& s = w_.services[service];
  if (!s.deployments.empty()) {
    meter(service);
    if (!s.deployments.back().settled) s.deployments.back().settled = sched_.now();  // the new one meters from here
  }
  // forceNewDeployment of the running revision: every task now live is replaced, as for a new
  // revision. Any other deployment replaces by revision, so earlier marks are cleared.
  load_.accumulate(service);  // forced-out tasks may move to the blue target group
  s.rebalance_task = 0;
  s.forced_out_counted = s.forced_out_running = s.forced_out_healthy = 0;
  for (auto slot : s.live) {
    Task& t = w_.tasks[slot];
    t.forced_out = force && t.task_definition == task_definition;
    if (!t.forced_out) continue;
    if (t.counts_toward_desired) ++s.forced_out_counted;
    if (t.state == TaskState::kRunning) ++s.forced_out_running;
    if (t.healthy) ++s.forced_out_healthy;
  }
  for (auto& d : s.deployments)
    if (d.rollout == Deployment::Rollout::kInProgress) {
      d.rollout = Deployment::Rollout::kFailed;  // superseded
      if (d.failure.empty()) d.failure = "superseded";
    }
  s.primary_task_definition = task_definition;
  s.primary_suffix = s.live.trailing(task_definition);  // a rollback's revision may still run in the newest tasks
  Deployment started;
  started.task_definition = task_definition;
  started.started = sched_.now();
  started.is_rollback = is_rollback;
  started.metered_at = sched_.now();
  // A CODE_DEPLOY service's deployments carry its CodeDeploy configuration's name.
  const auto& dep = w_.config.services[static_cast<std::size_t>(service)].deployment;
  DeploymentStrategy& st = strategy(service);
  started.strategy = dep.code_deploy_config.empty() ? std::string(st.name()) : dep.code_deploy_config;
  s.deployments.push_back(std::move(started));
  s.consecutive_failures = 0;  // a new deployment resets the scheduler's back-off
  s.backoff_until = sched_.now();
  s.steady = false;
  for (int a : dep.alarms)
    if (w_.alarms[static_cast<std::size_t>(a)].in_alarm()) s.deployments.back().ignored_alarms.push_back(a);
  meter(service);
  rec_.emit(RecordKind::kDeploymentInProgress, nullptr, service,
       "taskDefinition=" + w_.config.task_definitions[task_definition].key() + (is_rollback ? " rollback=true" : "") +
           (st.name() != "ROLLING" ? " strategy=" + std::string(st.name()) : std::string()));
  if (st.name() == "ROLLING") set_primary_traffic(service, -1);
  st.start(service, *this);
  request_reconcile(service);
}

// A deployment completes when every live task runs the primary revision and the service
// holds desiredCount healthy tasks (old tasks that are still draining keep it in progress).
void ServiceScheduler::check_deployment(int service) {
  auto& s = w_.services[service];
  if (s.deployments.empty() || s.deployments.back().rollout != Deployment::Rollout::kInProgress) return;
  for (auto slot : s.live)
    if (!runs_primary(s, w_.tasks[slot])) return;
  if (s.healthy < s.desired || s.counted != s.desired) return;
  auto& d = s.deployments.back();
  if (!strategy(service).may_complete(d)) return;
  // A rolling deployment with alarms keeps watching them for a bake time once the new revision
  // is complete (blue/green, linear and canary watch them through their own bake time).
  const auto& dep = w_.config.services[static_cast<std::size_t>(service)].deployment;
  if (!dep.alarms.empty() && d.stage == Deployment::Stage::kNone) {
    if (!d.alarm_bake_ends) {
      SimDuration bake{0};
      if (w_.config.timings.service.deployment_alarm_bake) bake = *w_.config.timings.service.deployment_alarm_bake;
      else
        for (int a : dep.alarms) {
          const auto& ac = w_.config.alarms[static_cast<std::size_t>(a)].alarm;
          bake = std::max(bake, ac.period * ac.evaluation_periods);
        }
      d.alarm_bake_ends = sched_.now() + bake;
    }
    if (sched_.now() < *d.alarm_bake_ends) {
      schedule_reconcile(service, *d.alarm_bake_ends);
      return;
    }
  }
  load_.accumulate(service);  // what the new revision served up to now counts for this deployment
  meter(service);
  d.rollout = Deployment::Rollout::kCompleted;
  d.completed = sched_.now();
  set_primary_traffic(service, -1);  // one target group serves the service again
  meter(service);
  s.last_completed_task_definition = s.primary_task_definition;
  rec_.emit(RecordKind::kDeploymentCompleted, nullptr, service, "taskDefinition=" + w_.config.task_definitions[d.task_definition].key());
}

void ServiceScheduler::check_steady(int service) {
  check_deployment(service);
  auto& s = w_.services[service];
  const bool steady = s.counted == s.desired && s.healthy == s.desired && s.provisioning == 0 && s.pending == 0 &&
                      s.stopping == 0;
  if (steady && !s.steady) rec_.emit(RecordKind::kServiceSteadyState, nullptr, service, "running=" + std::to_string(s.running));
  s.steady = steady;
}


// The account's cap on PROVISIONING tasks per cluster (Auto Scaling group providers only):
// a service that would add one more waits until a task leaves PROVISIONING.
void ServiceScheduler::on_cluster_room(int cluster) {
  auto& c = w_.clusters[cluster];
  auto blocked = std::move(c.blocked_services);
  c.blocked_services.clear();
  for (int service : blocked) schedule_reconcile(service, sched_.now());
}

bool ServiceScheduler::creation_blocked(int service) {
  const auto& sc = w_.config.services[service];
  auto& c = w_.clusters[sc.cluster];
  if (c.asg_provisioning < w_.config.account.provisioning_tasks_per_cluster) return false;
  if (std::none_of(sc.strategy.begin(), sc.strategy.end(), [&](const StrategyItem& it) { return tasks_.capped_per_cluster(it.provider); }))
    return false;
  if (std::find(c.blocked_services.begin(), c.blocked_services.end(), service) == c.blocked_services.end())
    c.blocked_services.push_back(service);
  return true;
}

// DAEMON: one task per ACTIVE container instance of the cluster's Auto Scaling group
// providers, placed on that instance before other tasks; tasks of an old revision are
// replaced one instance at a time (minimumHealthyPercent 0, maximumPercent 100).
void ServiceScheduler::reconcile_daemon(int service) {
  auto& s = w_.services[service];
  const auto& sc = w_.config.services[service];
  const auto& cluster = w_.config.clusters[sc.cluster];
  int active = 0;
  for (std::size_t k = 0; k < w_.instances.size(); ++k) {
    // Only instances in service: one leaving (draining, reclaimed) gets no new daemon task.
    if (w_.instances[k].state != InstanceState::kActive || !w_.instances[k].in_service ||
        std::find(cluster.providers.begin(), cluster.providers.end(), w_.instances[k].provider) == cluster.providers.end())
      continue;
    ++active;
    const std::uint32_t id = w_.instances[k].id;
    bool has = false;
    const auto slots = w_.instances[k].task_slots;
    for (auto slot : slots) {
      const Task& t = w_.tasks[slot];
      if (t.service != service || t.instance != id || t.state == TaskState::kStopped) continue;
      has = true;
      if (t.counts_toward_desired && !runs_primary(s, t))
        tasks_.stop_task(slot, "Deployment of " + w_.config.task_definitions[s.primary_task_definition].key() + " replaces it", false);
    }
    if (has || !tasks_.reserve_daemon(id, service, w_.demand_of(s.primary_task_definition))) continue;  // retried when resources free up
    tasks_.create_task(service, -1, 1, id);
  }
  if (s.desired != active) {
    s.desired = active;
    s.desired_stats.set(sched_.now(), active);
  }
  check_steady(service);
}

}  // namespace ecsim
