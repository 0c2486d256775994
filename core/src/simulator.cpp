// The event loop and the ECS model of the first slice: Fargate capacity, REPLICA services,
// runTasks, timeline, cost.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/simulator.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "overloaded.hpp"

namespace ecsim {

namespace {

using detail::Overloaded;

constexpr double kMsPerHour = 3'600'000.0;

bool is_spot(int provider) { return provider == static_cast<int>(ProviderKind::kFargateSpot); }

}  // namespace

const char* provider_name(int provider) {
  switch (static_cast<ProviderKind>(provider)) {
    case ProviderKind::kFargate: return "FARGATE";
    case ProviderKind::kFargateSpot: return "FARGATE_SPOT";
  }
  return "?";
}

const char* rollout_name(Deployment::Rollout r) {
  switch (r) {
    case Deployment::Rollout::kInProgress: return "IN_PROGRESS";
    case Deployment::Rollout::kCompleted: return "COMPLETED";
    case Deployment::Rollout::kFailed: return "FAILED";
  }
  return "?";
}

const char* task_state_name(TaskState s) {
  switch (s) {
    case TaskState::kProvisioning: return "PROVISIONING";
    case TaskState::kPending: return "PENDING";
    case TaskState::kRunning: return "RUNNING";
    case TaskState::kDeactivating: return "DEACTIVATING";
    case TaskState::kStopping: return "STOPPING";
    case TaskState::kStopped: return "STOPPED";
  }
  return "?";
}

const char* record_kind_name(RecordKind kind) {
  switch (kind) {
    case RecordKind::kServiceDesiredCountUpdated: return "SERVICE_DESIRED_COUNT_UPDATED";
    case RecordKind::kServiceSteadyState: return "SERVICE_STEADY_STATE";
    case RecordKind::kServiceTaskStartImpaired: return "SERVICE_TASK_START_IMPAIRED";
    case RecordKind::kRunTaskSubmitted: return "RUN_TASK_SUBMITTED";
    case RecordKind::kTaskProvisioning: return "TASK_PROVISIONING";
    case RecordKind::kTaskPending: return "TASK_PENDING";
    case RecordKind::kTaskRunning: return "TASK_RUNNING";
    case RecordKind::kTaskHealthy: return "TASK_HEALTHY";
    case RecordKind::kTaskDeactivating: return "TASK_DEACTIVATING";
    case RecordKind::kTaskStopping: return "TASK_STOPPING";
    case RecordKind::kTaskStopped: return "TASK_STOPPED";
    case RecordKind::kSpotInterruptionWarning: return "SPOT_INTERRUPTION_WARNING";
    case RecordKind::kScalingActivity: return "SERVICE_SCALING_ACTIVITY";
    case RecordKind::kDeploymentInProgress: return "SERVICE_DEPLOYMENT_IN_PROGRESS";
    case RecordKind::kDeploymentCompleted: return "SERVICE_DEPLOYMENT_COMPLETED";
    case RecordKind::kDeploymentFailed: return "SERVICE_DEPLOYMENT_FAILED";
  }
  return "?";
}

const HealthCheckConfig* TaskDefinitionConfig::health_check() const {
  for (const auto& c : containers)
    if (c.essential && c.health_check) return &*c.health_check;
  return nullptr;
}

SimDuration TaskDefinitionConfig::stop_timeout(SimDuration default_timeout) const {
  bool any = false;
  SimDuration best{0};
  for (const auto& c : containers)
    if (c.stop_timeout) {
      best = any ? std::max(best, *c.stop_timeout) : *c.stop_timeout;
      any = true;
    }
  return any ? best : default_timeout;
}

// ---------------------------------------------------------------------------------------
void LevelStats::set(SimTime now, std::int64_t value) {
  if (!seen_) {
    min_ = max_ = value;
    seen_ = true;
  }
  integral_ += static_cast<long double>(value_) * static_cast<long double>(to_millis(now) - to_millis(last_));
  last_ = now;
  value_ = value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

double LevelStats::mean(SimTime now) const {
  const auto span = to_millis(now);
  if (span <= 0) return static_cast<double>(value_);
  const long double total = integral_ + static_cast<long double>(value_) * (to_millis(now) - to_millis(last_));
  return static_cast<double>(total / span);
}

// ---------------------------------------------------------------------------------------
Simulator::Simulator(ScenarioConfig config, std::unique_ptr<CapacityPlacer> placer,
                     std::vector<std::unique_ptr<ServiceScaler>> scalers, std::uint64_t replication)
    : config_(std::move(config)),
      placer_(std::move(placer)),
      replication_(replication),
      horizon_(SimTime{config_.duration}),
      latency_rng_(rng_for("fargate/latency")),
      spot_rng_(rng_for("fargate-spot/interruptions")),
      reclaim_rng_(rng_for("fargate-spot/reclaim")) {
  if (!placer_) throw std::invalid_argument("Simulator needs a CapacityPlacer");
  if (config_.availability_zones.empty()) throw std::invalid_argument("Simulator needs availability zones");
  if (config_.run.sample <= SimDuration{0}) throw std::invalid_argument("run.sample must be positive");

  providers_.resize(kNumProviders);
  const TokenBucketConfig* buckets[kNumProviders] = {&config_.account.fargate_launch,
                                                     &config_.account.fargate_spot_launch};
  for (int p = 0; p < kNumProviders; ++p) {
    providers_[p].launch_tokens = TokenBucket(buckets[p]->burst, buckets[p]->per_second);
    providers_[p].vcpu_quota = is_spot(p) ? config_.account.fargate_spot_vcpu_quota : config_.account.fargate_vcpu_quota;
    providers_[p].running_stats.set(now_, 0);
  }

  const double per_minute = config_.account.service_launch_per_minute_fargate;
  services_.resize(config_.services.size());
  if (!scalers.empty() && scalers.size() != services_.size()) throw std::invalid_argument("one scaler slot per service");
  bool metrics = false;
  for (std::size_t i = 0; i < services_.size(); ++i) {
    auto& s = services_[i];
    const auto& sc = config_.services[i];
    const int service = static_cast<int>(i);
    s.pace = TokenBucket(/*burst=*/per_minute, /*per_second=*/per_minute / 60.0);
    s.per_item.assign(sc.strategy.size(), 0);
    s.per_zone.assign(config_.availability_zones.size(), 0);
    s.desired = sc.desired_count;
    s.primary_task_definition = s.last_completed_task_definition = sc.task_definition;
    if (!scalers.empty() && scalers[i]) {
      s.scaler = std::move(scalers[i]);
      // RegisterScalableTarget: the desired count is brought inside [MinCapacity, MaxCapacity].
      s.desired = std::clamp(s.desired, s.scaler->min_capacity(), std::max(s.scaler->min_capacity(), s.scaler->max_capacity()));
      schedule_next_scheduled(service);
    }
    s.load = make_load_source(sc.load, config_.start_unix_seconds);
    s.demand_rps = s.load->rate();
    if (auto next = s.load->next_change()) queue_.push(*next, LoadChange{service});
    metrics = metrics || s.scaler || !std::holds_alternative<std::monostate>(sc.load);
    s.desired_stats.set(now_, s.desired);
    s.running_stats.set(now_, 0);
    schedule_reconcile(service, now_);
  }
  if (metrics) queue_.push(now_ + config_.timings.auto_scaling.metric_period, MetricTick{});

  groups_.resize(config_.run_tasks.size());
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const auto& gc = config_.run_tasks[g];
    groups_[g].per_item.assign(gc.strategy.size(), 0);
    group_arrival_rng_.push_back(rng_for("runTasks/" + gc.name + "/arrivals"));
    group_duration_rng_.push_back(rng_for("runTasks/" + gc.name + "/durations"));
    if (gc.arrivals.rate_per_second > 0) {
      const double gap = group_arrival_rng_.back().exponential(1.0 / gc.arrivals.rate_per_second);
      queue_.push(now_ + seconds(gap), RunTaskArrival{static_cast<int>(g)});
    }
  }

  for (std::size_t k = 0; k < config_.timeline.size(); ++k)
    queue_.push(config_.timeline[k].at, TimelineAction{static_cast<int>(k)});

  queue_.push(now_, SampleTick{});
}

Simulator::~Simulator() = default;

void Simulator::add_observer(Observer* observer) { observers_.push_back(observer); }

void Simulator::remove_observer(Observer* observer) {
  observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

Rng Simulator::rng_for(std::string_view name) const {
  return Rng(derive_stream_seed(config_.seed, replication_, name));
}

// --- loop --------------------------------------------------------------------------------
void Simulator::run() {
  run_until(horizon_);
  finish();
}

void Simulator::run_until(SimTime t) {
  if (finished_) return;
  t = std::min(t, horizon_);
  for (;;) {
    auto next = queue_.next_time();
    if (!next || *next > t) break;
    auto entry = queue_.pop();
    now_ = entry.time;
    ++events_processed_;
    dispatch(entry.payload);
  }
  now_ = std::max(now_, t);
}

std::size_t Simulator::step(std::size_t n) {
  std::size_t done = 0;
  while (done < n && !finished_) {
    auto next = queue_.next_time();
    if (!next || *next > horizon_) break;
    auto entry = queue_.pop();
    now_ = entry.time;
    ++events_processed_;
    dispatch(entry.payload);
    ++done;
  }
  return done;
}

void Simulator::finish() {
  if (finished_) return;
  now_ = std::max(now_, horizon_);
  for (std::size_t i = 0; i < services_.size(); ++i) {
    auto& s = services_[i];
    accumulate(static_cast<int>(i));
    s.desired_stats.set(now_, s.desired);
    s.running_stats.set(now_, s.running);
  }
  for (auto& p : providers_) p.running_stats.set(now_, p.running);
  finished_ = true;
  for (auto* o : observers_) o->on_run_end(*this);
}

void Simulator::dispatch(const Event& e) {
  std::visit([this](const auto& ev) { handle(ev); }, e);
}

void Simulator::emit(RecordKind kind, const Task* task, int service, std::string detail) {
  if (observers_.empty()) return;
  Record r{now_, kind, service, task ? task->group : -1, task ? task->id : 0, std::move(detail), task};
  for (auto* o : observers_) o->on_record(*this, r);
}

// --- services ----------------------------------------------------------------------------
void Simulator::set_desired(int service, int desired, const char* why) {
  auto& s = services_[service];
  if (s.desired == desired) return;
  const int old = s.desired;
  s.desired = desired;
  s.desired_stats.set(now_, desired);
  s.steady = false;
  emit(RecordKind::kServiceDesiredCountUpdated, nullptr, service,
       "from=" + std::to_string(old) + " to=" + std::to_string(desired) + " by=" + why);
  reconcile(service);
}

void Simulator::schedule_reconcile(int service, SimTime at) {
  auto& s = services_[service];
  if (s.reconcile_event != kNoEvent) {
    if (s.reconcile_at <= at) return;
    queue_.cancel(s.reconcile_event);
  }
  s.reconcile_at = at;
  s.reconcile_event = queue_.push(at, ReconcileService{service});
}

void Simulator::handle(const ReconcileService& e) {
  services_[e.service].reconcile_event = kNoEvent;
  reconcile(e.service);
}

void Simulator::reconcile(int service) {
  auto& s = services_[service];
  const auto& sc = config_.services[service];
  if (s.pending_rollback) {
    const int td = *s.pending_rollback;
    s.pending_rollback.reset();
    start_deployment(service, td, /*is_rollback=*/true);
    return;
  }
  // A deployment the circuit breaker failed without rollback launches no more tasks.
  const bool halted = !s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kFailed &&
                      !s.deployments.back().rolled_back;
  int old_counted = 0;
  for (auto slot : s.live) {
    const Task& t = tasks_[slot];
    if (t.counts_toward_desired && t.task_definition != s.primary_task_definition) ++old_counted;
  }
  if (old_counted > 0) {
    // Rolling update: never fewer than ceil(D * minimumHealthyPercent / 100) healthy tasks,
    // never more than floor(D * maximumPercent / 100) tasks counted (RUNNING or on the way).
    const int lower = (s.desired * sc.minimum_healthy_percent + 99) / 100;
    const int upper = s.desired * sc.maximum_percent / 100;
    // Stop old tasks: unhealthy ones freely, healthy ones while the healthy floor allows.
    for (bool again = true; again && old_counted > 0;) {
      again = false;
      std::uint32_t victim = UINT32_MAX;
      for (auto it = s.live.rbegin(); it != s.live.rend(); ++it) {
        const Task& t = tasks_[*it];
        if (!t.counts_toward_desired || t.task_definition == s.primary_task_definition) continue;
        if (!t.healthy) {
          victim = *it;
          break;
        }
        if (victim == UINT32_MAX && s.healthy - 1 >= lower) victim = *it;
      }
      if (victim != UINT32_MAX) {
        stop_task(victim, "Deployment of " + config_.task_definitions[s.primary_task_definition].key() + " replaces it", false);
        --old_counted;
        again = true;
      }
    }
    if (halted) return;
    if (now_ < s.backoff_until) {
      schedule_reconcile(service, s.backoff_until);
      return;
    }
    int new_counted = s.counted - old_counted;
    while (new_counted < s.desired && s.counted < std::max(upper, 1)) {
      if (!s.pace.try_take(now_)) {
        schedule_reconcile(service, s.pace.next_available(now_));
        return;
      }
      create_task(service, -1, 1);
      ++new_counted;
    }
    return;
  }
  // Too many: stop the excess, tasks that are not running yet first (newest first), then
  // running ones from the fullest zone and the provider furthest above its share.
  while (s.counted > s.desired) {
    std::uint32_t victim = UINT32_MAX;
    for (auto it = s.live.rbegin(); it != s.live.rend(); ++it) {
      const Task& t = tasks_[*it];
      if (t.counts_toward_desired && t.state != TaskState::kRunning) {
        victim = *it;
        break;
      }
    }
    if (victim == UINT32_MAX) {
      const std::size_t item = placer_->choose_provider_to_shrink(sc.strategy, s.per_item);
      int best_zone_count = -1;
      for (auto it = s.live.rbegin(); it != s.live.rend(); ++it) {
        const Task& t = tasks_[*it];
        if (!t.counts_toward_desired || t.strategy_item != static_cast<int>(item)) continue;
        const int zc = t.zone >= 0 ? s.per_zone[t.zone] : 0;
        if (zc > best_zone_count) {
          best_zone_count = zc;
          victim = *it;
        }
      }
    }
    if (victim == UINT32_MAX) break;  // cannot happen while counted > 0; defensive
    stop_task(victim, "Scaling activity initiated by (service " + sc.name + ")", /*failed=*/false);
  }
  if (s.counted >= s.desired || halted) {
    check_steady(service);
    return;
  }
  if (now_ < s.backoff_until) {
    schedule_reconcile(service, s.backoff_until);
    return;
  }
  while (s.counted < s.desired) {
    if (!s.pace.try_take(now_)) {
      schedule_reconcile(service, s.pace.next_available(now_));
      return;
    }
    create_task(service, -1, 1);
  }
}

void Simulator::start_deployment(int service, int task_definition, bool is_rollback) {
  auto& s = services_[service];
  for (auto& d : s.deployments)
    if (d.rollout == Deployment::Rollout::kInProgress) d.rollout = Deployment::Rollout::kFailed;  // superseded
  s.primary_task_definition = task_definition;
  s.deployments.push_back(Deployment{task_definition, now_, std::nullopt, Deployment::Rollout::kInProgress, 0, false, is_rollback});
  s.consecutive_failures = 0;  // a new deployment resets the scheduler's back-off
  s.backoff_until = now_;
  s.steady = false;
  emit(RecordKind::kDeploymentInProgress, nullptr, service,
       "taskDefinition=" + config_.task_definitions[task_definition].key() + (is_rollback ? " rollback=true" : ""));
  reconcile(service);
}

// A deployment completes when every live task runs the primary revision and the service
// holds desiredCount healthy tasks (old tasks that are still draining keep it in progress).
void Simulator::check_deployment(int service) {
  auto& s = services_[service];
  if (s.deployments.empty() || s.deployments.back().rollout != Deployment::Rollout::kInProgress) return;
  for (auto slot : s.live)
    if (tasks_[slot].task_definition != s.primary_task_definition) return;
  if (s.healthy < s.desired || s.counted != s.desired) return;
  auto& d = s.deployments.back();
  d.rollout = Deployment::Rollout::kCompleted;
  d.completed = now_;
  s.last_completed_task_definition = s.primary_task_definition;
  emit(RecordKind::kDeploymentCompleted, nullptr, service, "taskDefinition=" + config_.task_definitions[d.task_definition].key());
}

void Simulator::check_steady(int service) {
  check_deployment(service);
  auto& s = services_[service];
  const bool steady = s.counted == s.desired && s.healthy == s.desired && s.provisioning == 0 && s.pending == 0 &&
                      s.stopping == 0;
  if (steady && !s.steady) emit(RecordKind::kServiceSteadyState, nullptr, service, "running=" + std::to_string(s.running));
  s.steady = steady;
}

// --- tasks -------------------------------------------------------------------------------
const std::vector<StrategyItem>& Simulator::strategy_of(const Task& t) const {
  return t.service >= 0 ? config_.services[t.service].strategy : config_.run_tasks[t.group].strategy;
}

double Simulator::vcpus(const Task& t) const {
  return config_.task_definitions[t.task_definition].cpu_units / 1024.0;
}

std::uint32_t Simulator::create_task(int service, int group, int attempt) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    tasks_[slot] = Task{};
  } else {
    slot = static_cast<std::uint32_t>(tasks_.size());
    tasks_.emplace_back();
  }
  Task& t = tasks_[slot];
  t.id = next_task_id_++;
  t.service = service;
  t.group = group;
  t.attempt = attempt;
  t.created = now_;
  std::vector<int>* per_item;
  if (service >= 0) {
    auto& s = services_[service];
    t.task_definition = s.primary_task_definition;
    per_item = &s.per_item;
    s.live.push_back(slot);
    ++s.counted;
    ++s.provisioning;
    s.steady = false;
  } else {
    auto& g = groups_[group];
    t.task_definition = config_.run_tasks[group].task_definition;
    per_item = &g.per_item;
    ++g.live;
  }
  const auto& strategy = strategy_of(t);
  t.strategy_item = static_cast<int>(placer_->choose_provider(strategy, *per_item));
  ++(*per_item)[t.strategy_item];
  t.provider = strategy[t.strategy_item].provider;
  ++providers_[t.provider].provisioning;
  emit(RecordKind::kTaskProvisioning, &t, service,
       "taskDefinition=" + config_.task_definitions[t.task_definition].key() +
           " capacityProvider=" + provider_name(t.provider) + (attempt > 1 ? " attempt=" + std::to_string(attempt) : ""));
  providers_[t.provider].waiting.push_back(slot);
  pump(t.provider);
  return slot;
}

void Simulator::handle(const ProviderWake& e) {
  providers_[e.provider].wake_event = kNoEvent;
  pump(e.provider);
}

void Simulator::pump(int provider) {
  auto& p = providers_[provider];
  if (!p.available) return;  // tasks wait in PROVISIONING until capacity returns
  while (!p.waiting.empty()) {
    const std::uint32_t slot = p.waiting.front();
    Task& t = tasks_[slot];
    if (t.phase != TaskPhase::kWaitingForCapacity || t.state == TaskState::kStopped) {
      p.waiting.pop_front();  // stopped while it waited
      continue;
    }
    // Head-of-line: quota room first (no event wakes us for that: a stop calls pump), then a token.
    if (p.vcpu_quota && p.vcpu_in_use + vcpus(t) > *p.vcpu_quota + 1e-9) return;
    if (!p.launch_tokens.try_take(now_)) {
      if (p.wake_event == kNoEvent) p.wake_event = queue_.push(p.launch_tokens.next_available(now_), ProviderWake{provider});
      return;
    }
    p.waiting.pop_front();
    launch(slot);
  }
}

SimDuration Simulator::jittered(SimDuration d) {
  const double cv = config_.timings.fargate.jitter_cv;
  if (cv <= 0.0 || d <= SimDuration{0}) return d;
  return seconds(latency_rng_.lognormal_mean_cv(to_seconds(d), cv));
}

void Simulator::schedule_step(std::uint32_t slot, SimDuration after) {
  Task& t = tasks_[slot];
  t.next_event = queue_.push(now_ + after, TaskStep{slot, t.id});
}

void Simulator::launch(std::uint32_t slot) {
  Task& t = tasks_[slot];
  auto& p = providers_[t.provider];
  t.has_launched = true;
  t.launched = now_;
  p.vcpu_in_use += vcpus(t);
  ++p.tasks_launched;
  t.phase = TaskPhase::kProvisioning;
  schedule_step(slot, jittered(config_.timings.fargate.provisioning));
}

void Simulator::set_state(Task& t, TaskState s) {
  auto bump = [&](TaskState st, int d) {
    auto& p = providers_[t.provider];
    ServiceState* svc = t.service >= 0 ? &services_[t.service] : nullptr;
    switch (st) {
      case TaskState::kProvisioning:
        p.provisioning += d;
        if (svc) svc->provisioning += d;
        break;
      case TaskState::kPending:
        p.pending += d;
        if (svc) svc->pending += d;
        break;
      case TaskState::kRunning:
        p.running += d;
        p.running_stats.set(now_, p.running);
        if (svc) {
          svc->running += d;
          svc->running_stats.set(now_, svc->running);
        }
        break;
      case TaskState::kDeactivating:
      case TaskState::kStopping:
        if (svc) svc->stopping += d;
        break;
      case TaskState::kStopped: break;
    }
  };
  if (t.service >= 0 && (t.state == TaskState::kRunning || s == TaskState::kRunning)) accumulate(t.service);
  bump(t.state, -1);
  t.state = s;
  bump(s, +1);
}

void Simulator::handle(const TaskStep& e) {
  Task& t = tasks_[e.slot];
  if (t.id != e.id) return;  // defensive: slots are recycled only after their events are cancelled
  t.next_event = kNoEvent;
  advance(e.slot);
}

void Simulator::advance(std::uint32_t slot) {
  Task& t = tasks_[slot];
  const auto& td = config_.task_definitions[t.task_definition];
  const auto& ft = config_.timings.fargate;
  switch (t.phase) {
    case TaskPhase::kProvisioning: {
      ServiceState* svc = t.service >= 0 ? &services_[t.service] : nullptr;
      t.zone = svc ? static_cast<int>(placer_->choose_zone(svc->per_zone)) : 0;
      if (svc) ++svc->per_zone[t.zone];
      set_state(t, TaskState::kPending);
      emit(RecordKind::kTaskPending, &t, t.service, "availabilityZone=" + config_.availability_zones[t.zone]);
      t.phase = TaskPhase::kAttachingEni;
      schedule_step(slot, jittered(ft.eni_attach));
      return;
    }
    case TaskPhase::kAttachingEni:
      t.phase = TaskPhase::kPulling;
      t.has_pulled = true;
      t.pull_started = now_;
      schedule_step(slot, jittered(seconds(td.image_size_mib / ft.pull_mib_per_second)));
      return;
    case TaskPhase::kPulling:
      t.phase = TaskPhase::kStartingContainers;
      schedule_step(slot, jittered(ft.container_start * td.start_chain_length));
      return;
    case TaskPhase::kStartingContainers: {
      set_state(t, TaskState::kRunning);
      t.has_run = true;
      t.running_at = now_;
      emit(RecordKind::kTaskRunning, &t, t.service, "");
      if (t.service >= 0) {
        ++services_[t.service].tasks_started;
      } else {
        groups_[t.group].wait_seconds.push_back(to_seconds(now_ - t.created));
      }
      if (is_spot(t.provider) && config_.timings.spot.interruptions_per_task_hour > 0) {
        const double hours = spot_rng_.exponential(1.0 / config_.timings.spot.interruptions_per_task_hour);
        t.spot_event = queue_.push(now_ + seconds(hours * 3600.0), SpotInterruption{slot, t.id});
      }
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
      const auto& sc = config_.services[t.service];
      SimDuration interval{0};
      if (sc.load_balanced) {
        interval = config_.timings.load_balancer.health_check_interval;
      } else if (const auto* hc = td.health_check()) {
        interval = hc->interval;
      }
      if (interval <= SimDuration{0}) {
        become_healthy(slot);
        return;
      }
      const auto since = now_ - t.running_at;
      const auto k = (since.count() + interval.count() - 1) / interval.count();
      const auto first_pass = t.running_at + interval * std::max<std::int64_t>(1, k);
      t.phase = TaskPhase::kAwaitingHealthCheck;
      schedule_step(slot, first_pass - now_);
      return;
    }
    case TaskPhase::kAwaitingHealthCheck:
      become_healthy(slot);
      return;
    case TaskPhase::kServing:  // batch work done
      ++groups_[t.group].completed;
      stop_task(slot, "Essential container in task exited", /*failed=*/false);
      return;
    case TaskPhase::kDeregistering: {
      set_state(t, TaskState::kStopping);
      emit(RecordKind::kTaskStopping, &t, t.service, "");
      t.phase = TaskPhase::kStopping;
      schedule_step(slot, std::min(config_.timings.task.sigterm_exit, td.stop_timeout(config_.timings.task.stop_timeout)));
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

void Simulator::become_healthy(std::uint32_t slot) {
  Task& t = tasks_[slot];
  t.phase = TaskPhase::kServing;
  t.healthy = true;
  t.has_been_healthy = true;
  t.healthy_at = now_;
  accumulate(t.service);
  auto& s = services_[t.service];
  ++s.healthy;
  s.consecutive_failures = 0;
  emit(RecordKind::kTaskHealthy, &t, t.service, "");
  reconcile(t.service);  // during a deployment a newly healthy task lets an old one go
}

void Simulator::handle(const SpotInterruption& e) {
  Task& t = tasks_[e.slot];
  if (t.id != e.id) return;
  t.spot_event = kNoEvent;
  if (!t.counts_toward_desired) return;  // already being stopped
  interrupt(e.slot);
}

// The 2-minute warning: SIGTERM now, a replacement at once, the task gone when it exits.
void Simulator::interrupt(std::uint32_t slot) {
  Task& t = tasks_[slot];
  if (t.spot_event != kNoEvent) {
    queue_.cancel(t.spot_event);
    t.spot_event = kNoEvent;
  }
  t.interrupted = true;
  if (t.group >= 0) {
    const double lost = to_seconds(now_ - t.running_at);
    groups_[t.group].lost_task_seconds += lost;
    providers_[t.provider].lost_task_seconds += lost;
  }
  ++providers_[t.provider].spot_interruptions;
  if (t.service >= 0) ++services_[t.service].spot_interruptions;
  if (t.group >= 0) ++groups_[t.group].interrupted;
  emit(RecordKind::kSpotInterruptionWarning, &t, t.service, "warning=" + format_seconds(config_.timings.spot.warning) + "s");
  // SIGTERM now; the task is gone when it exits or when the warning runs out.
  uncount(t);
  if (t.next_event != kNoEvent) queue_.cancel(t.next_event);
  const auto& td = config_.task_definitions[t.task_definition];
  const SimDuration exit_after = std::min({config_.timings.task.sigterm_exit,
                                           td.stop_timeout(config_.timings.task.stop_timeout),
                                           config_.timings.spot.warning});
  t.stop_reason = "Your Spot Task was interrupted.";
  if (t.healthy) {
    accumulate(t.service);
    t.healthy = false;
    --services_[t.service].healthy;
  }
  set_state(t, TaskState::kStopping);
  emit(RecordKind::kTaskStopping, &t, t.service, "");
  t.phase = TaskPhase::kStopping;
  schedule_step(slot, exit_after);
  // Copy what is needed: creating a replacement may reallocate tasks_ and invalidate `t`.
  const int service = t.service, group = t.group, attempt = t.attempt;
  if (service >= 0) reconcile(service);
  // A batch task with retries left is resubmitted at once.
  if (group >= 0 && attempt <= config_.run_tasks[group].retry_attempts) {
    ++groups_[group].submitted;
    create_task(-1, group, attempt + 1);
  }
}

// Removes a task from the counts that the scheduler compares with desiredCount.
void Simulator::uncount(Task& t) {
  if (!t.counts_toward_desired) return;
  t.counts_toward_desired = false;
  if (t.service >= 0) {
    auto& s = services_[t.service];
    --s.counted;
    --s.per_item[t.strategy_item];
    if (t.zone >= 0) --s.per_zone[t.zone];
  } else {
    --groups_[t.group].per_item[t.strategy_item];
  }
}

void Simulator::stop_task(std::uint32_t slot, const std::string& reason, bool failed) {
  Task& t = tasks_[slot];
  if (t.state == TaskState::kStopped || t.phase == TaskPhase::kDeregistering || t.phase == TaskPhase::kStopping) return;
  uncount(t);
  t.stop_reason = reason;
  if (t.next_event != kNoEvent) {
    queue_.cancel(t.next_event);
    t.next_event = kNoEvent;
  }
  if (t.spot_event != kNoEvent) {
    queue_.cancel(t.spot_event);
    t.spot_event = kNoEvent;
  }
  if (t.healthy) {
    accumulate(t.service);
    t.healthy = false;
    --services_[t.service].healthy;
  }
  if (failed && t.service >= 0) {
    auto& s = services_[t.service];
    ++s.tasks_failed;
    ++s.consecutive_failures;
    // Service throttle logic: each further failure doubles the wait, up to the cap.
    const auto& st = config_.timings.service;
    SimDuration backoff = st.restart_backoff_initial;
    for (int i = 1; i < s.consecutive_failures && backoff < st.restart_backoff_max; ++i) backoff *= 2;
    backoff = std::min(backoff, st.restart_backoff_max);
    s.backoff_until = now_ + backoff;
    if (!s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress &&
        t.task_definition == s.primary_task_definition) {
      auto& d = s.deployments.back();
      ++d.failed_tasks;
      const auto& sc = config_.services[t.service];
      const auto& svt = config_.timings.service;
      const int threshold = std::clamp(static_cast<int>(std::ceil(svt.circuit_breaker_percent / 100.0 * s.desired)),
                                       svt.circuit_breaker_min_threshold, svt.circuit_breaker_max_threshold);
      if (sc.circuit_breaker && d.failed_tasks >= threshold) {
        d.rollout = Deployment::Rollout::kFailed;
        emit(RecordKind::kDeploymentFailed, nullptr, t.service,
             "taskDefinition=" + config_.task_definitions[d.task_definition].key() + " failedTasks=" +
                 std::to_string(d.failed_tasks) + " threshold=" + std::to_string(threshold));
        if (sc.rollback && s.last_completed_task_definition != s.primary_task_definition) {
          d.rolled_back = true;
          s.pending_rollback = s.last_completed_task_definition;  // started by the next reconcile
        }
      }
    }
    emit(RecordKind::kServiceTaskStartImpaired, nullptr, t.service,
         "consecutiveFailures=" + std::to_string(s.consecutive_failures) + " retryIn=" + format_seconds(backoff) + "s");
  }
  if (failed && t.group >= 0) ++groups_[t.group].failed;

  if (t.state == TaskState::kRunning) {
    const auto& td = config_.task_definitions[t.task_definition];
    if (t.service >= 0 && config_.services[t.service].load_balanced && !failed) {
      set_state(t, TaskState::kDeactivating);
      emit(RecordKind::kTaskDeactivating, &t, t.service, "");
      t.phase = TaskPhase::kDeregistering;
      schedule_step(slot, config_.timings.load_balancer.deregistration_delay);
    } else if (failed || t.group >= 0) {
      finalize_stop(slot);  // the essential container already exited
      return;
    } else {
      set_state(t, TaskState::kStopping);
      emit(RecordKind::kTaskStopping, &t, t.service, "");
      t.phase = TaskPhase::kStopping;
      schedule_step(slot, std::min(config_.timings.task.sigterm_exit, td.stop_timeout(config_.timings.task.stop_timeout)));
    }
    if (t.service >= 0) reconcile(t.service);
    return;
  }
  finalize_stop(slot);
}

void Simulator::finalize_stop(std::uint32_t slot) {
  Task& t = tasks_[slot];
  auto& p = providers_[t.provider];
  uncount(t);
  if (t.next_event != kNoEvent) queue_.cancel(t.next_event);
  if (t.spot_event != kNoEvent) queue_.cancel(t.spot_event);
  t.next_event = t.spot_event = kNoEvent;
  t.stopped_at = now_;
  t.phase = TaskPhase::kStopped;
  if (t.has_launched) p.vcpu_in_use -= vcpus(t);
  if (t.has_pulled) {
    const auto billed = std::max(config_.pricing.fargate_minimum_billed, now_ - t.pull_started);
    t.cost_usd = accrued_cost(t, t.pull_started + billed);
  }
  p.cost_usd += t.cost_usd;
  set_state(t, TaskState::kStopped);
  emit(RecordKind::kTaskStopped, &t, t.service, "stoppedReason=" + t.stop_reason);
  const int service = t.service;
  if (service >= 0) {
    auto& s = services_[service];
    ++s.tasks_stopped;
    s.cost_usd += t.cost_usd;
    s.live.erase(std::find(s.live.begin(), s.live.end(), slot));
  } else {
    auto& g = groups_[t.group];
    g.cost_usd += t.cost_usd;
    --g.live;
  }
  free_slots_.push_back(slot);
  pump(t.provider);
  if (service >= 0) reconcile(service);
}

// --- cost ---------------------------------------------------------------------------------
double Simulator::accrued_cost(const Task& t, SimTime until) const {
  if (!t.has_pulled || until <= t.pull_started) return 0.0;
  const auto& td = config_.task_definitions[t.task_definition];
  const auto& pr = config_.pricing;
  const bool arm = td.architecture == CpuArchitecture::kArm64;
  const FargateRate& rate = is_spot(t.provider) ? (arm ? pr.fargate_spot_arm : pr.fargate_spot_x86)
                                                : (arm ? pr.fargate_arm : pr.fargate_x86);
  const double hours = static_cast<double>(to_millis(until) - to_millis(t.pull_started)) / kMsPerHour;
  const double vcpu = td.cpu_units / 1024.0;
  const double gb = td.memory_mib / 1024.0;
  const double extra_storage = std::max(0, td.ephemeral_storage_gib - 20);
  return hours * (vcpu * rate.usd_per_vcpu_hour + gb * rate.usd_per_gb_hour + extra_storage * pr.ephemeral_usd_per_gb_hour);
}

double Simulator::service_cost(int service, SimTime until) const {
  const auto& s = services_[service];
  double c = s.cost_usd;
  for (auto slot : s.live) c += accrued_cost(tasks_[slot], until);
  return c;
}

double Simulator::provider_cost(int provider, SimTime until) const {
  double c = providers_[provider].cost_usd;
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    const Task& t = tasks_[i];
    if (t.provider == provider && t.id != 0 && t.phase != TaskPhase::kStopped) c += accrued_cost(t, until);
  }
  return c;
}

std::vector<const Task*> Simulator::live_tasks() const {
  std::vector<const Task*> out;
  for (const auto& t : tasks_)
    if (t.id != 0 && t.phase != TaskPhase::kStopped) out.push_back(&t);
  std::sort(out.begin(), out.end(), [](const Task* a, const Task* b) { return a->id < b->id; });
  return out;
}

const Task* Simulator::find_task(std::uint64_t id) const {
  for (const auto& t : tasks_)
    if (t.id == id) return &t;
  return nullptr;
}

// --- runTasks, timeline, samples -------------------------------------------------------------
void Simulator::handle(const RunTaskArrival& e) {
  const auto& gc = config_.run_tasks[e.group];
  auto& g = groups_[e.group];
  ++g.submitted;
  Rng& dr = group_duration_rng_[e.group];
  SimDuration work = std::visit(Overloaded{[&](const ExponentialDuration& d) { return seconds(dr.exponential(to_seconds(d.mean))); },
                                           [](const FixedDuration& d) { return d.value; }},
                                gc.arrivals.duration);
  const std::uint32_t slot = create_task(-1, e.group, 1);
  tasks_[slot].work = work;
  emit(RecordKind::kRunTaskSubmitted, &tasks_[slot], -1, "group=" + gc.name + " work=" + format_seconds(work) + "s");
  const double gap = group_arrival_rng_[e.group].exponential(1.0 / gc.arrivals.rate_per_second);
  queue_.push(now_ + seconds(gap), RunTaskArrival{e.group});
}

void Simulator::handle(const TimelineAction& e) {
  const auto& entry = config_.timeline[e.index];
  std::visit(Overloaded{[&](const UpdateServiceAction& a) {
                          if (a.desired_count) set_desired(a.service, *a.desired_count, "timeline");
                          if (a.task_definition || a.force_new_deployment)
                            start_deployment(a.service, a.task_definition.value_or(services_[a.service].primary_task_definition),
                                             /*is_rollback=*/false);
                        },
                        [&](const SpotInterruptionsAction& a) {
                          // Candidates in id order, then a seeded partial shuffle picks round(fraction * n).
                          std::vector<std::uint32_t> running;
                          for (std::uint32_t slot = 0; slot < tasks_.size(); ++slot) {
                            const Task& t = tasks_[slot];
                            if (t.id != 0 && t.provider == a.provider && t.state == TaskState::kRunning && t.counts_toward_desired)
                              running.push_back(slot);
                          }
                          std::sort(running.begin(), running.end(),
                                    [&](std::uint32_t x, std::uint32_t y) { return tasks_[x].id < tasks_[y].id; });
                          const auto k = static_cast<std::size_t>(std::llround(a.fraction * static_cast<double>(running.size())));
                          for (std::size_t i = 0; i < k; ++i) {
                            const std::size_t j = i + reclaim_rng_.uniform_index(running.size() - i);
                            std::swap(running[i], running[j]);
                          }
                          // Interrupt in id order. Slot indices stay valid while replacements are
                          // created (only a STOPPED task frees its slot, and none stops here).
                          running.resize(k);
                          std::sort(running.begin(), running.end(),
                                    [&](std::uint32_t x, std::uint32_t y) { return tasks_[x].id < tasks_[y].id; });
                          for (auto slot : running) interrupt(slot);
                        },
                        [&](const SpotCapacityAction& a) {
                          auto& p = providers_[a.provider];
                          if (p.restore_event != kNoEvent) {
                            queue_.cancel(p.restore_event);
                            p.restore_event = kNoEvent;
                          }
                          p.available = a.available;
                          if (!a.available && a.duration) p.restore_event = queue_.push(now_ + *a.duration, SpotCapacityRestored{a.provider});
                          if (a.available) pump(a.provider);
                        }},
             entry.action);
}

void Simulator::handle(const SpotCapacityRestored& e) {
  auto& p = providers_[e.provider];
  p.restore_event = kNoEvent;
  p.available = true;
  pump(e.provider);
}

// --- load, metrics, auto scaling ---------------------------------------------------------
// Served load over the capacity of the running tasks (a running task that is not healthy yet
// serves nothing): the CPU utilisation of the service as a fraction.
double Simulator::served_share(const ServiceState& s, double requests_per_task) {
  if (s.running <= 0 || requests_per_task <= 0) return 0.0;
  return std::min(s.demand_rps, s.healthy * requests_per_task) / (s.running * requests_per_task);
}

// Integrates the service's load state since the last call: served share of running capacity
// (CPU), healthy targets, requests, and what went unserved. Called before every change of
// demand, running or healthy counts, so each integral is exact for piecewise-constant load.
void Simulator::accumulate(int service) {
  auto& s = services_[service];
  const double dt_ms = static_cast<double>(to_millis(now_) - to_millis(s.acc_last));
  s.acc_last = now_;
  if (dt_ms <= 0) return;
  const auto& td = config_.task_definitions[config_.services[service].task_definition];
  const double demand = s.demand_rps;
  const double capacity = s.healthy * td.requests_per_second;
  s.acc_requests += demand * dt_ms / 1000.0;
  s.acc_healthy_ms += s.healthy * dt_ms;
  if (s.running > 0) {
    s.acc_running_ms += dt_ms;
    s.acc_busy_ms += served_share(s, td.requests_per_second) * dt_ms;
  }
  if (demand > capacity && demand > 0) {
    s.overloaded_ms += static_cast<std::int64_t>(dt_ms);
    s.unserved_requests += (demand - capacity) * dt_ms / 1000.0;
  }
}

void Simulator::handle(const LoadChange& e) {
  auto& s = services_[e.service];
  accumulate(e.service);
  s.load->advance(now_);
  s.demand_rps = s.load->rate();
  if (auto next = s.load->next_change()) queue_.push(*next, LoadChange{e.service});
}

void Simulator::handle(const MetricTick&) {
  const auto& at = config_.timings.auto_scaling;
  const SimDuration period = at.metric_period;
  const double period_ms = static_cast<double>(period.count());
  for (std::size_t i = 0; i < services_.size(); ++i) {
    auto& s = services_[i];
    accumulate(static_cast<int>(i));
    const auto& td = config_.task_definitions[config_.services[i].task_definition];
    MetricDatapoint d{now_ - period, period, std::nullopt, std::nullopt, std::nullopt};
    if (s.acc_running_ms > 0 && td.requests_per_second > 0) {
      const double cpu = 100.0 * s.acc_busy_ms / s.acc_running_ms;
      d.cpu_percent = cpu;
      d.memory_percent = td.memory_idle_percent + (td.memory_full_load_percent - td.memory_idle_percent) * cpu / 100.0;
      s.cpu_samples.push_back(static_cast<float>(cpu));
    }
    const double mean_healthy = s.acc_healthy_ms / period_ms;
    if (mean_healthy > 0) d.requests_per_target = s.acc_requests / mean_healthy;
    s.acc_busy_ms = s.acc_running_ms = s.acc_healthy_ms = s.acc_requests = 0;
    if (s.scaler) s.unpublished.push_back(d);
  }
  if (at.publication_lag <= SimDuration{0}) {
    handle(MetricPublish{});
  } else {
    queue_.push(now_ + at.publication_lag, MetricPublish{});
  }
  queue_.push(now_ + period, MetricTick{});
}

void Simulator::handle(const MetricPublish&) {
  for (std::size_t i = 0; i < services_.size(); ++i) {
    auto& s = services_[i];
    if (!s.scaler || s.unpublished.empty()) continue;
    const MetricDatapoint d = s.unpublished.front();
    s.unpublished.pop_front();
    apply_scaling(static_cast<int>(i), s.scaler->on_datapoint(d, now_, s.desired));
  }
}

void Simulator::schedule_next_scheduled(int service) {
  if (auto next = services_[service].scaler->next_scheduled(now_)) {
    if (*next <= horizon_) queue_.push(*next, ScheduledScaling{service});
  }
}

void Simulator::handle(const ScheduledScaling& e) {
  auto& s = services_[e.service];
  apply_scaling(e.service, s.scaler->on_scheduled(now_, s.desired));
  schedule_next_scheduled(e.service);
}

void Simulator::apply_scaling(int service, const std::optional<ScalingAction>& action) {
  if (!action) return;
  auto& s = services_[service];
  const int to = std::min(action->desired, config_.account.tasks_per_service);
  if (to == s.desired) return;
  ++s.scaling_actions;
  emit(RecordKind::kScalingActivity, nullptr, service,
       "policy=" + action->policy + " from=" + std::to_string(s.desired) + " to=" + std::to_string(to) + " reason=" + action->reason);
  set_desired(service, to, "autoScaling");
}

void Simulator::handle(const SampleTick&) {
  for (std::size_t i = 0; i < services_.size(); ++i) {
    auto& s = services_[i];
    const auto& td = config_.task_definitions[config_.services[i].task_definition];
    s.cpu_percent = 100.0 * served_share(s, td.requests_per_second);
  }
  for (auto* o : observers_) o->on_sample(*this, now_);
  if (now_ + config_.run.sample <= horizon_) queue_.push(now_ + config_.run.sample, SampleTick{});
}

}  // namespace ecsim
