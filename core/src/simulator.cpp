// The event loop and the ECS model of the first slice: Fargate capacity, REPLICA services,
// runTasks, timeline, cost.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/simulator.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "overloaded.hpp"

namespace ecsim {

namespace {

using detail::Overloaded;



}  // namespace

const char* provider_name(int provider) {
  switch (static_cast<ProviderKind>(provider)) {
    case ProviderKind::kFargate: return "FARGATE";
    case ProviderKind::kFargateSpot: return "FARGATE_SPOT";
  }
  return "?";
}

const char* spot_band_name(int band) {
  static constexpr const char* kBands[5] = {"<5%", "5-10%", "10-15%", "15-20%", ">20%"};
  return kBands[std::clamp(band, 0, 4)];
}

std::string ScenarioConfig::provider_name(int provider) const { return std::string(provider_label(provider)); }

std::string_view ScenarioConfig::provider_label(int provider) const {
  if (is_asg(provider)) return asg(provider).name;
  return ecsim::provider_name(provider);
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
    case RecordKind::kTaskPlacementFailed: return "SERVICE_TASK_PLACEMENT_FAILURE";
    case RecordKind::kInstanceLaunched: return "INSTANCE_LAUNCHED";
    case RecordKind::kInstanceActive: return "CONTAINER_INSTANCE_ACTIVE";
    case RecordKind::kInstanceDraining: return "CONTAINER_INSTANCE_DRAINING";
    case RecordKind::kInstanceTerminated: return "INSTANCE_TERMINATED";
    case RecordKind::kInstanceSpotInterruptionWarning: return "EC2_SPOT_INTERRUPTION_WARNING";
    case RecordKind::kManagedScaling: return "MANAGED_SCALING_ACTIVITY";
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
Simulator::Simulator(ScenarioConfig config, std::unique_ptr<CapacityPlacer> placer,
                     std::vector<std::unique_ptr<ServiceScaler>> scalers, std::uint64_t replication)
    : config_(std::move(config)),
      placer_(placer ? std::move(placer) : throw std::invalid_argument("Simulator needs a CapacityPlacer")),
      replication_(replication),
      loop_(SimTime{config_.duration}),
      world_(config_),
      rec_(trace_, *this, loop_),
      cost_(world_),
      invariants_(world_, cost_),
      scaling_(world_, loop_, rec_, static_cast<DesiredCount&>(*this)),
      services_(world_, loop_, rec_, *placer_, static_cast<TaskLifecycleOps&>(*this), make_deployment_strategy("ROLLING")),
      load_(world_, loop_, scaling_),
      health_rng_(rng_for("tasks/health")),
      latency_rng_(rng_for("fargate/latency")),
      ec2_task_latency_rng_(rng_for("ec2/task-latency")) {
  if (!placer_) throw std::invalid_argument("Simulator needs a CapacityPlacer");
  if (config_.availability_zones.empty()) throw std::invalid_argument("Simulator needs availability zones");
  if (config_.run.sample <= SimDuration{0}) throw std::invalid_argument("run.sample must be positive");

  world_.providers.resize(config_.num_providers());
  const RngStreams streams(config_.seed, replication_);
  fleet_ = std::make_unique<Ec2Fleet>(world_, loop_, rec_, cost_, static_cast<TaskControl&>(*this), placer_->make_instance_placer(config_), streams);
  managed_scaling_ = std::make_unique<ManagedScaling>(world_, loop_, rec_, *fleet_);
  batch_ = std::make_unique<BatchGroups>(
      world_, loop_, rec_, streams, [this](int group) { return create_task(-1, group, 1); },
      [this](int provider) { return capacity_[provider]->capped_per_cluster(); });
  for (int p = 0; p < config_.num_providers(); ++p) {
    world_.providers[p].running_stats.set(now(), 0);
    if (config_.is_asg(p)) {
      const auto& ac = config_.asg(p);
      auto& a = world_.providers[p].asg.emplace();
      a.desired = std::clamp(ac.desired_capacity, ac.min_size, std::max(ac.min_size, ac.max_size));
      a.instance_stats.set(now(), 0);
      capacity_.push_back(std::make_unique<AsgProvider>(p, world_, *fleet_));
      continue;
    }
    capacity_.push_back(std::make_unique<FargateProvider>(p, world_, loop_, static_cast<TaskControl&>(*this), streams));
  }
  world_.clusters.resize(config_.clusters.size());
  for (const auto& td : config_.task_definitions)
    world_.demands.push_back(TaskDemand{td.cpu_units, td.memory_mib, td.network_mode == NetworkMode::kAwsvpc, td.host_ports});
  world_.services.resize(config_.services.size());
  if (!scalers.empty() && scalers.size() != world_.services.size()) throw std::invalid_argument("one scaler slot per service");
  bool metrics = false;
  for (std::size_t i = 0; i < world_.services.size(); ++i) {
    auto& s = world_.services[i];
    const auto& sc = config_.services[i];
    const int service = static_cast<int>(i);
    // The scheduler's launch pace: the EC2 rate when the service runs only on EC2 capacity.
    const bool ec2_only = !sc.strategy.empty() && std::all_of(sc.strategy.begin(), sc.strategy.end(), [&](const StrategyItem& it) {
      return config_.is_asg(it.provider);
    });
    const double per_minute = ec2_only ? config_.account.service_launch_per_minute_ec2 : config_.account.service_launch_per_minute_fargate;
    s.pace = TokenBucket(/*burst=*/per_minute, /*per_second=*/per_minute / 60.0);
    s.per_item.assign(sc.strategy.size(), 0);
    s.per_zone.assign(config_.availability_zones.size(), 0);
    s.counted_by_revision.assign(config_.task_definitions.size(), 0);
    s.running_by_revision.assign(config_.task_definitions.size(), 0);
    s.healthy_by_revision.assign(config_.task_definitions.size(), 0);
    s.desired = sc.daemon ? 0 : sc.desired_count;
    s.primary_task_definition = s.last_completed_task_definition = sc.task_definition;
    if (!scalers.empty() && scalers[i]) {
      s.scaler = std::move(scalers[i]);
      // RegisterScalableTarget: the desired count is brought inside [MinCapacity, MaxCapacity].
      s.desired = std::clamp(s.desired, s.scaler->min_capacity(), std::max(s.scaler->min_capacity(), s.scaler->max_capacity()));
      scaling_.schedule_next(service);
    }
    s.load = make_load_source(sc.load, config_.start_unix_seconds);
    s.demand_rps = s.load->rate();
    if (auto next = s.load->next_change()) loop_.at(*next, LoadChange{service});
    metrics = metrics || s.scaler || !std::holds_alternative<std::monostate>(sc.load);
    s.desired_stats.set(now(), s.desired);
    s.running_stats.set(now(), 0);
    schedule_reconcile(service, now());
  }
  if (metrics) loop_.at(now() + config_.timings.auto_scaling.metric_period, MetricTick{});

  batch_->start();


  for (int p = kNumBuiltinProviders; p < config_.num_providers(); ++p) {
    loop_.at(now(), AsgReconcile{p});  // initial instances launch as the first events
    const auto& ms = config_.asg(p).managed_scaling;
    if (ms.enabled) loop_.at(now() + config_.timings.ec2.managed_scaling_period, ManagedScalingTick{p});
  }

  for (std::size_t k = 0; k < config_.timeline.size(); ++k)
    loop_.at(config_.timeline[k].at, TimelineAction{static_cast<int>(k)});

  loop_.at(now(), SampleTick{});
}

Simulator::~Simulator() = default;

void Simulator::add_observer(Observer* observer) { trace_.add(observer); }

void Simulator::remove_observer(Observer* observer) { trace_.remove(observer); }

Rng Simulator::rng_for(std::string_view name) const { return RngStreams(config_.seed, replication_).stream(name); }

// --- loop --------------------------------------------------------------------------------
void Simulator::run() {
  run_until(horizon());
  finish();
}

// After each event: the reconciles it requested, then (when on) the invariant checks.
void Simulator::run_until(SimTime t) {
  if (finished_) return;
  loop_.run_until(t, [this](const Event& e) { handle_event(e); });
}

std::size_t Simulator::step(std::size_t n) {
  if (finished_) return 0;
  return loop_.step(n, [this](const Event& e) { handle_event(e); });
}

void Simulator::handle_event(const Event& e) {
  dispatch(e);
  services_.flush();
  if (check_invariants_) after_event();
}

void Simulator::finish() {
  if (finished_) return;
  loop_.advance_to(horizon());
  for (std::size_t i = 0; i < world_.services.size(); ++i) {
    auto& s = world_.services[i];
    load_.accumulate(static_cast<int>(i));
    s.desired_stats.set(now(), s.desired);
    s.running_stats.set(now(), s.running);
  }
  for (auto& p : world_.providers) {
    p.running_stats.set(now(), p.running);
    if (p.asg) p.asg->instance_stats.set(now(), p.asg->in_service);
  }
  finished_ = true;
  if (check_invariants_) check_invariants_now();
  trace_.run_end(*this);
}

void Simulator::dispatch(const Event& e) {
  std::visit([this](const auto& ev) { handle(ev); }, e);
}

// --- the service scheduler's entry points --------------------------------------------------
void Simulator::handle(const ReconcileService& e) { services_.on(e); }
void Simulator::set_desired(int service, int desired, const char* why) { services_.set_desired(service, desired, why); }
void Simulator::request_reconcile(int service) { services_.request_reconcile(service); }
void Simulator::schedule_reconcile(int service, SimTime at) { services_.schedule_reconcile(service, at); }

// --- tasks -------------------------------------------------------------------------------


std::uint32_t Simulator::alloc_task() {
  std::uint32_t slot;
  if (!world_.free_slots.empty()) {
    slot = world_.free_slots.back();
    world_.free_slots.pop_back();
    world_.tasks[slot] = Task{};
  } else {
    slot = static_cast<std::uint32_t>(world_.tasks.size());
    world_.tasks.emplace_back();
  }
  return slot;
}

std::uint32_t Simulator::create_task(int service, int group, int attempt, std::uint32_t on_instance) {
  const std::uint32_t slot = alloc_task();
  Task& t = world_.tasks[slot];
  t.id = world_.next_task_id++;
  t.service = service;
  t.group = group;
  t.attempt = attempt;
  t.created = now();
  std::vector<int>* per_item;
  if (service >= 0) {
    auto& s = world_.services[service];
    t.task_definition = s.primary_task_definition;
    per_item = &s.per_item;
    s.live.push_back(slot);
    ++s.counted;
    ++s.counted_by_revision[t.task_definition];
    ++s.provisioning;
    s.steady = false;
  } else {
    auto& g = world_.groups[group];
    t.task_definition = config_.run_tasks[group].task_definition;
    per_item = &g.per_item;
    ++g.live;
  }
  const auto& strategy = world_.strategy_of(t);
  if (on_instance != 0) {
    // A DAEMON task: its provider is its instance's (the service's strategy lists them all).
    const int provider = world_.instances[on_instance - 1].provider;
    t.daemon = true;
    t.strategy_item = static_cast<int>(std::find_if(strategy.begin(), strategy.end(),
                                                    [&](const StrategyItem& it) { return it.provider == provider; }) -
                                       strategy.begin());
  } else {
    t.strategy_item = static_cast<int>(placer_->choose_provider(strategy, *per_item));
  }
  ++(*per_item)[t.strategy_item];
  t.provider = strategy[t.strategy_item].provider;
  ++world_.providers[t.provider].provisioning;
  if (capacity_[t.provider]->capped_per_cluster()) ++world_.clusters[world_.cluster_of(t)].asg_provisioning;
  rec_.emit_task_detail(RecordKind::kTaskProvisioning, t, service);
  if (on_instance != 0) {
    fleet_->start_on_instance(slot, on_instance);  // its resources are already reserved there
    return slot;
  }
  capacity_[t.provider]->enqueue(slot);
  pump(t.provider);
  return slot;
}

void Simulator::handle(const ProviderWake& e) {
  world_.providers[e.provider].wake_event = kNoEvent;
  pump(e.provider);
}

void Simulator::pump(int provider) { capacity_[provider]->pump(); }

// Each mechanism jitters from its own stream with its own setting, so a what-if on one never
// moves another: Fargate task phases (timings.fargate.jitterCv), EC2 instance launch and boot,
// and task phases on EC2 instances (both timings.ec2.jitterCv, separate streams).
SimDuration Simulator::jittered(SimDuration d, Rng& rng, double cv) {
  if (cv <= 0.0 || d <= SimDuration{0}) return d;
  return seconds(rng.lognormal_mean_cv(to_seconds(d), cv));
}

SimDuration Simulator::task_jittered(const Task& t, SimDuration d) {
  if (t.instance != 0) return jittered(d, ec2_task_latency_rng_, config_.timings.ec2.jitter_cv);
  return jittered(d, latency_rng_, config_.timings.fargate.jitter_cv);
}


void Simulator::schedule_step(std::uint32_t slot, SimDuration after) {
  Task& t = world_.tasks[slot];
  t.next_event = loop_.at(now() + after, TaskStep{slot, t.id});
}

// --- TaskControl: what capacity providers may do to tasks -----------------------------------------
void Simulator::provisioning_started(std::uint32_t slot) {
  Task& t = world_.tasks[slot];
  t.phase = TaskPhase::kProvisioning;
  schedule_step(slot, task_jittered(t, config_.timings.fargate.provisioning));
}

void Simulator::placed_on_instance(std::uint32_t slot) {
  Task& t = world_.tasks[slot];
  set_state(t, TaskState::kPending);
  rec_.emit_task_detail(RecordKind::kTaskPending, t, t.service);
  if (config_.task_definitions[t.task_definition].network_mode == NetworkMode::kAwsvpc) {
    t.phase = TaskPhase::kAttachingEni;
    schedule_step(slot, task_jittered(t, config_.timings.ec2.eni_attach));
  } else {
    t.phase = TaskPhase::kAttachingEni;  // no ENI: straight on to the pull
    advance(slot);
  }
}

void Simulator::interrupt_task(std::uint32_t slot, bool count_for_provider) { interrupt(slot, count_for_provider); }

void Simulator::stop_for_host(std::uint32_t slot, const std::string& reason) { stop_task(slot, reason, /*failed=*/false); }

void Simulator::lost_with_host(std::uint32_t slot, const std::string& reason) {
  Task& t = world_.tasks[slot];
  if (t.group >= 0 && t.counts_toward_desired && !t.interrupted) lose_work(t);
  t.stop_reason = reason;
  drop_healthy(t);
  finalize_stop(slot);
}

void Simulator::daemons_changed_now() {
  for (std::size_t i = 0; i < world_.services.size(); ++i)
    if (config_.services[i].daemon) request_reconcile(static_cast<int>(i));
}

void Simulator::daemons_changed_later() {
  for (std::size_t i = 0; i < world_.services.size(); ++i)
    if (config_.services[i].daemon) schedule_reconcile(static_cast<int>(i), now());
}

void Simulator::set_state(Task& t, TaskState s) {
  auto bump = [&](TaskState st, int d) {
    auto& p = world_.providers[t.provider];
    ServiceState* svc = t.service >= 0 ? &world_.services[t.service] : nullptr;
    switch (st) {
      case TaskState::kProvisioning:
        p.provisioning += d;
        if (svc) svc->provisioning += d;
        if (capacity_[t.provider]->capped_per_cluster()) {
          auto& c = world_.clusters[world_.cluster_of(t)];
          c.asg_provisioning += d;
          if (d < 0 && c.asg_provisioning == config_.account.provisioning_tasks_per_cluster - 1 &&
              (!c.blocked_services.empty() || !c.backlog.empty()))
            loop_.at(now(), ClusterRoom{world_.cluster_of(t)});
        }
        break;
      case TaskState::kPending:
        p.pending += d;
        if (svc) svc->pending += d;
        break;
      case TaskState::kRunning:
        p.running += d;
        p.running_stats.set(now(), p.running);
        if (svc) {
          svc->running += d;
          svc->running_by_revision[t.task_definition] += d;
          svc->running_stats.set(now(), svc->running);
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
  bump(t.state, -1);
  t.state = s;
  bump(s, +1);
}

void Simulator::handle(const TaskStep& e) {
  Task& t = world_.tasks[e.slot];
  if (t.id != e.id) return;  // defensive: slots are recycled only after their events are cancelled
  t.next_event = kNoEvent;
  advance(e.slot);
}

void Simulator::advance(std::uint32_t slot) {
  Task& t = world_.tasks[slot];
  const auto& td = config_.task_definitions[t.task_definition];
  const auto& ft = config_.timings.fargate;
  switch (t.phase) {
    case TaskPhase::kProvisioning: {
      ServiceState* svc = t.service >= 0 ? &world_.services[t.service] : nullptr;
      t.zone = svc ? static_cast<int>(placer_->choose_zone(svc->per_zone)) : 0;
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
      t.pull_started = now();
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
      t.running_at = now();
      rec_.emit(RecordKind::kTaskRunning, &t, t.service, "");
      if (t.service >= 0) {
        ++world_.services[t.service].tasks_started;
      } else {
        world_.groups[t.group].wait_seconds.add(to_seconds(now() - t.created));
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
      const auto& sc = config_.services[t.service];
      const auto* hc = td.health_check();
      SimDuration interval{0};
      if (sc.load_balanced) {
        interval = config_.timings.load_balancer.health_check_interval;
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
        const auto& lb = config_.timings.load_balancer;
        const int threshold = sc.load_balanced ? lb.unhealthy_threshold : hc->retries;
        const SimDuration timeout = sc.load_balanced ? lb.health_check_timeout : hc->timeout;
        SimTime counts_from = t.running_at + sc.health_check_grace_period;
        if (!sc.load_balanced) counts_from = std::max(counts_from, t.running_at + hc->start_period);
        const auto k = std::max<std::int64_t>(1, ((counts_from - t.running_at).count() + interval.count() - 1) / interval.count());
        const SimTime unhealthy_at = t.running_at + interval * (k + threshold - 1) + timeout;
        schedule_step(slot, std::max(SimDuration{0}, unhealthy_at - now()));
        return;
      }
      const auto since = now() - t.running_at;
      const auto k = (since.count() + interval.count() - 1) / interval.count();
      const auto first_pass = t.running_at + interval * std::max<std::int64_t>(1, k);
      schedule_step(slot, first_pass - now());
      return;
    }
    case TaskPhase::kAwaitingHealthCheck:
      if (t.fails_health_checks) {
        stop_task(slot, config_.services[t.service].load_balanced ? "Task failed ELB health checks"
                                                                  : "Task failed container health checks",
                  /*failed=*/true);
        return;
      }
      become_healthy(slot);
      return;
    case TaskPhase::kServing:  // batch work done
      ++world_.groups[t.group].completed;
      stop_task(slot, "Essential container in task exited", /*failed=*/false);
      return;
    case TaskPhase::kDeregistering: {
      set_state(t, TaskState::kStopping);
      rec_.emit(RecordKind::kTaskStopping, &t, t.service, "");
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
  Task& t = world_.tasks[slot];
  t.phase = TaskPhase::kServing;
  t.healthy = true;
  t.has_been_healthy = true;
  t.healthy_at = now();
  load_.accumulate(t.service);
  auto& s = world_.services[t.service];
  ++s.healthy;
  ++s.healthy_by_revision[t.task_definition];
  s.consecutive_failures = 0;
  // resetOnHealthyTask (default true): a healthy task of the new revision resets the count.
  if (!s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress &&
      t.task_definition == s.primary_task_definition)
    circuit_breaker::on_task_healthy(s.deployments.back(), config_.services[t.service]);
  rec_.emit(RecordKind::kTaskHealthy, &t, t.service, "");
  request_reconcile(t.service);  // during a deployment a newly healthy task lets an old one go
}

void Simulator::handle(const SpotInterruption& e) {
  Task& t = world_.tasks[e.slot];
  if (t.id != e.id) return;
  t.spot_event = kNoEvent;
  if (!t.counts_toward_desired) return;  // already being stopped
  interrupt(e.slot);
}

// A healthy task stops counting as healthy (the load integrals are brought up to now first).
void Simulator::drop_healthy(Task& t) {
  if (!t.healthy) return;
  load_.accumulate(t.service);
  t.healthy = false;
  --world_.services[t.service].healthy;
  --world_.services[t.service].healthy_by_revision[t.task_definition];
}

// An interrupted task: a batch task's work so far is thrown away (none if it never ran).
void Simulator::lose_work(Task& t) {
  t.interrupted = true;
  if (t.group < 0) return;
  const double lost = t.has_run ? to_seconds(now() - t.running_at) : 0.0;
  world_.groups[t.group].lost_task_seconds += lost;
  world_.providers[t.provider].lost_task_seconds += lost;
  ++world_.groups[t.group].interrupted;
}

// The 2-minute warning: SIGTERM now, a replacement at once, the task gone when it exits.
void Simulator::interrupt(std::uint32_t slot, bool count_for_provider) {
  Task& t = world_.tasks[slot];
  if (t.spot_event != kNoEvent) {
    loop_.cancel(t.spot_event);
    t.spot_event = kNoEvent;
  }
  lose_work(t);
  if (count_for_provider) ++world_.providers[t.provider].spot_interruptions;
  if (t.service >= 0) ++world_.services[t.service].spot_interruptions;
  rec_.emit(RecordKind::kSpotInterruptionWarning, &t, t.service, "warning=" + format_seconds(config_.timings.spot.warning) + "s");
  // SIGTERM now; the task is gone when it exits or when the warning runs out.
  uncount(t);
  if (t.next_event != kNoEvent) loop_.cancel(t.next_event);
  const auto& td = config_.task_definitions[t.task_definition];
  const SimDuration exit_after = std::min({config_.timings.task.sigterm_exit,
                                           td.stop_timeout(config_.timings.task.stop_timeout),
                                           config_.timings.spot.warning});
  t.stop_reason = "Your Spot Task was interrupted.";
  drop_healthy(t);
  set_state(t, TaskState::kStopping);
  rec_.emit(RecordKind::kTaskStopping, &t, t.service, "");
  t.phase = TaskPhase::kStopping;
  schedule_step(slot, exit_after);
  // Copy what is needed: creating a replacement may reallocate world_.tasks and invalidate `t`.
  const int service = t.service, group = t.group, attempt = t.attempt;
  if (service >= 0) request_reconcile(service);
  // A batch task with retries left is resubmitted at once.
  if (group >= 0 && attempt <= config_.run_tasks[group].retry_attempts) {
    ++world_.groups[group].submitted;
    create_task(-1, group, attempt + 1);
  }
}

// Removes a task from the counts that the scheduler compares with desiredCount.
void Simulator::uncount(Task& t) {
  if (!t.counts_toward_desired) return;
  t.counts_toward_desired = false;
  if (t.service >= 0) {
    auto& s = world_.services[t.service];
    --s.counted;
    --s.counted_by_revision[t.task_definition];
    --s.per_item[t.strategy_item];
    if (t.zone >= 0) --s.per_zone[t.zone];
  } else {
    --world_.groups[t.group].per_item[t.strategy_item];
  }
}

void Simulator::stop_task(std::uint32_t slot, const std::string& reason, bool failed) {
  Task& t = world_.tasks[slot];
  if (t.state == TaskState::kStopped || t.phase == TaskPhase::kDeregistering || t.phase == TaskPhase::kStopping) return;
  uncount(t);
  t.stop_reason = reason;
  if (t.next_event != kNoEvent) {
    loop_.cancel(t.next_event);
    t.next_event = kNoEvent;
  }
  if (t.spot_event != kNoEvent) {
    loop_.cancel(t.spot_event);
    t.spot_event = kNoEvent;
  }
  drop_healthy(t);
  if (failed && t.service >= 0) {
    auto& s = world_.services[t.service];
    ++s.tasks_failed;
    ++s.consecutive_failures;
    // Service throttle logic: each further failure doubles the wait, up to the cap.
    const auto& st = config_.timings.service;
    SimDuration backoff = st.restart_backoff_initial;
    for (int i = 1; i < s.consecutive_failures && backoff < st.restart_backoff_max; ++i) backoff *= 2;
    backoff = std::min(backoff, st.restart_backoff_max);
    s.backoff_until = now() + backoff;
    if (!s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress &&
        t.task_definition == s.primary_task_definition) {
      auto& d = s.deployments.back();
      const auto& sc = config_.services[t.service];
      const int threshold = circuit_breaker::threshold(sc, config_.timings.service, s.desired);
      if (circuit_breaker::on_task_failed(d, sc, threshold)) {
        d.rollout = Deployment::Rollout::kFailed;
        if (rec_.enabled())
          rec_.emit(RecordKind::kDeploymentFailed, nullptr, t.service,
               "taskDefinition=" + config_.task_definitions[d.task_definition].key() + " failedTasks=" +
                   std::to_string(d.failed_tasks) + " threshold=" + std::to_string(threshold) +
                   (t.has_been_healthy || t.fails_health_checks ? " stage=2" : " stage=1"));
        if (sc.rollback && s.last_completed_task_definition != s.primary_task_definition) {
          d.rolled_back = true;
          s.pending_rollback = s.last_completed_task_definition;  // started by the next reconcile
        }
      }
    }
    if (rec_.enabled())
      rec_.emit(RecordKind::kServiceTaskStartImpaired, nullptr, t.service,
           "consecutiveFailures=" + std::to_string(s.consecutive_failures) + " retryIn=" + format_seconds(backoff) + "s");
  }
  if (failed && t.group >= 0) ++world_.groups[t.group].failed;

  if (t.state == TaskState::kRunning) {
    const auto& td = config_.task_definitions[t.task_definition];
    if (t.service >= 0 && config_.services[t.service].load_balanced && !failed) {
      set_state(t, TaskState::kDeactivating);
      rec_.emit(RecordKind::kTaskDeactivating, &t, t.service, "");
      t.phase = TaskPhase::kDeregistering;
      schedule_step(slot, config_.timings.load_balancer.deregistration_delay);
    } else if (failed || t.group >= 0) {
      finalize_stop(slot);  // the essential container already exited
      return;
    } else {
      set_state(t, TaskState::kStopping);
      rec_.emit(RecordKind::kTaskStopping, &t, t.service, "");
      t.phase = TaskPhase::kStopping;
      schedule_step(slot, std::min(config_.timings.task.sigterm_exit, td.stop_timeout(config_.timings.task.stop_timeout)));
    }
    if (t.service >= 0) request_reconcile(t.service);
    return;
  }
  finalize_stop(slot);
}

void Simulator::finalize_stop(std::uint32_t slot) {
  Task& t = world_.tasks[slot];
  auto& p = world_.providers[t.provider];
  uncount(t);
  if (t.next_event != kNoEvent) loop_.cancel(t.next_event);
  if (t.spot_event != kNoEvent) loop_.cancel(t.spot_event);
  t.next_event = t.spot_event = kNoEvent;
  t.stopped_at = now();
  t.phase = TaskPhase::kStopped;
  capacity_[t.provider]->on_task_stopped(slot);
  if (t.has_pulled && t.instance == 0) {
    const auto billed = std::max(config_.pricing.fargate_minimum_billed, now() - t.pull_started);
    t.cost_usd = accrued_cost(t, t.pull_started + billed);
  }
  p.cost_usd += t.cost_usd;
  set_state(t, TaskState::kStopped);
  rec_.emit_task_detail(RecordKind::kTaskStopped, t, t.service);
  const int service = t.service;
  if (service >= 0) {
    auto& s = world_.services[service];
    ++s.tasks_stopped;
    s.cost_usd += t.cost_usd;
    // Newest tasks sit at the back and usually stop first: search from there.
    s.live.erase(std::prev(std::find(s.live.rbegin(), s.live.rend(), slot).base()));
  } else {
    auto& g = world_.groups[t.group];
    g.cost_usd += t.cost_usd;
    --g.live;
  }
  world_.free_slots.push_back(slot);
  pump(t.provider);
  if (service >= 0) request_reconcile(service);
}

// --- cost ---------------------------------------------------------------------------------
double Simulator::accrued_cost(const Task& t, SimTime until) const { return cost_.accrued_cost(t, until); }
double Simulator::service_cost(int service, SimTime until) const { return cost_.service_cost(service, until); }
double Simulator::provider_cost(int provider, SimTime until) const { return cost_.provider_cost(provider, until); }
double Simulator::instance_cost(const ContainerInstance& in, SimTime until) const { return cost_.instance_cost(in, until); }
double Simulator::unallocated_cost(int provider, SimTime until) const { return cost_.unallocated_cost(provider, until); }



std::vector<const Task*> Simulator::live_tasks() const {
  std::vector<const Task*> out;
  for (const auto& t : world_.tasks)
    if (t.id != 0 && t.phase != TaskPhase::kStopped) out.push_back(&t);
  std::sort(out.begin(), out.end(), [](const Task* a, const Task* b) { return a->id < b->id; });
  return out;
}

const Task* Simulator::find_task(std::uint64_t id) const {
  for (const auto& t : world_.tasks)
    if (t.id == id) return &t;
  return nullptr;
}

// --- runTasks, timeline, samples -------------------------------------------------------------




void Simulator::handle(const RunTaskArrival& e) { batch_->on(e); }

void Simulator::handle(const TimelineAction& e) {
  const auto& entry = config_.timeline[e.index];
  std::visit(Overloaded{[&](const UpdateServiceAction& a) {
                          if (a.desired_count) set_desired(a.service, *a.desired_count, "timeline");
                          if (a.task_definition || a.force_new_deployment)
                            services_.start_deployment(a.service, a.task_definition.value_or(world_.services[a.service].primary_task_definition),
                                             /*is_rollback=*/false);
                        },
                        [&](const SpotInterruptionsAction& a) {
                          capacity_[a.provider]->reclaim_spot(a.fraction);
                        },
                        [&](const SpotCapacityAction& a) { capacity_[a.provider]->set_spot_capacity(a.available, a.duration);                         }},
             entry.action);
}

void Simulator::handle(const SpotCapacityRestored& e) { capacity_[e.provider]->on_spot_capacity_restored(); }









void Simulator::handle(const LoadChange& e) { load_.on(e); }
void Simulator::handle(const MetricTick& e) { load_.on(e); }
void Simulator::handle(const MetricPublish& e) { scaling_.on(e); }
void Simulator::handle(const ScheduledScaling& e) { scaling_.on(e); }
LoadShape Simulator::load_shape(int service) const { return load_.shape(service); }

void Simulator::handle(const SampleTick&) {
  for (std::size_t i = 0; i < world_.services.size(); ++i) {
    auto& s = world_.services[i];
    const LoadShape shape = load_.shape(static_cast<int>(i));
    s.cpu_percent = 100.0 * shape.busy_share;
    s.served_rps = shape.served_rps;
  }
  trace_.sample(*this, now());
  if (now() + config_.run.sample <= horizon()) loop_.at(now() + config_.run.sample, SampleTick{});
}

// --- EC2 capacity: Auto Scaling groups, container instances, managed scaling ---------------


void Simulator::handle(const AsgReconcile& e) { fleet_->asg_reconcile(e.provider); }
void Simulator::handle(const InstanceStep& e) { fleet_->on(e); }
void Simulator::handle(const InstanceSpotInterruption& e) { fleet_->on(e); }
void Simulator::handle(const ManagedScalingTick& e) { managed_scaling_->on(e); }

void Simulator::handle(const ClusterRoom& e) {
  batch_->submit_deferred(e.cluster);
  auto& c = world_.clusters[e.cluster];
  auto blocked = std::move(c.blocked_services);
  c.blocked_services.clear();
  for (int service : blocked) schedule_reconcile(service, now());
}
SimDuration Simulator::pull_time(const Task& t) const { return capacity_[t.provider]->pull_time(t); }







// --- invariants -------------------------------------------------------------------------------
void Simulator::after_event() { invariants_.after_event(now(), loop_.events_processed()); }

void Simulator::check_invariants_now() const { invariants_.check_now(now()); }

}  // namespace ecsim
