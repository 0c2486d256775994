// The Simulator facade: builds the components in a fixed order, runs the loop and hands each
// event to its owner, applies the timeline's what-ifs, takes samples, and serves the views.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/simulator.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "ecsim/core/memory.hpp"
#include "overloaded.hpp"

namespace ecsim {

using detail::Overloaded;

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
    case RecordKind::kRunTaskThrottled: return "RUN_TASK_THROTTLED";
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
    case RecordKind::kInstanceRegistrationFailed: return "CONTAINER_INSTANCE_REGISTRATION_FAILED";
    case RecordKind::kInstanceDraining: return "CONTAINER_INSTANCE_DRAINING";
    case RecordKind::kInstanceTerminated: return "INSTANCE_TERMINATED";
    case RecordKind::kInstanceSpotInterruptionWarning: return "EC2_SPOT_INTERRUPTION_WARNING";
    case RecordKind::kManagedScaling: return "MANAGED_SCALING_ACTIVITY";
    case RecordKind::kPredictiveForecast: return "PREDICTIVE_SCALING_FORECAST";
    case RecordKind::kTaskProtection: return "TASK_PROTECTION_UPDATED";
    case RecordKind::kDeploymentStage: return "SERVICE_DEPLOYMENT_STAGE";
    case RecordKind::kTrafficShifted: return "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED";
    case RecordKind::kLifecycleHook: return "SERVICE_DEPLOYMENT_LIFECYCLE_HOOK";
    case RecordKind::kAlarmState: return "ALARM_STATE_CHANGED";
    case RecordKind::kRebalancingStarted: return "SERVICE_REBALANCING_STARTED";
    case RecordKind::kRebalancingCompleted: return "SERVICE_REBALANCING_COMPLETED";
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
      scaling_(world_, loop_, rec_, services_, services_),
      services_(world_, loop_, rec_, *placer_, lifecycle_, load_),
      load_(world_, loop_, scaling_),
      lifecycle_(world_, loop_, rec_, *placer_, capacity_, fleet_, services_, load_, cost_, RngStreams(config_.seed, replication_)) {
  if (config_.availability_zones.empty()) throw std::invalid_argument("Simulator needs availability zones");
  if (config_.run.sample <= SimDuration{0}) throw std::invalid_argument("run.sample must be positive");
  memory_limit_ = config_.run.memory_limit_bytes != 0
                      ? config_.run.memory_limit_bytes
                      : static_cast<std::uint64_t>(config_.run.memory_limit_fraction * static_cast<double>(machine_memory_bytes()));

  world_.providers.resize(config_.num_providers());
  const RngStreams streams(config_.seed, replication_);
  fleet_ = std::make_unique<Ec2Fleet>(world_, loop_, rec_, cost_, lifecycle_, placer_->make_instance_placer(config_), streams);
  managed_scaling_ = std::make_unique<ManagedScaling>(world_, loop_, rec_, *fleet_);
  batch_ = std::make_unique<BatchGroups>(
      world_, loop_, rec_, streams, [this](int group) { return lifecycle_.create_task(-1, group, 1); },
      [this](int provider) { return capacity_[provider]->capped_per_cluster(); });
  for (int p = 0; p < config_.num_providers(); ++p) {
    world_.providers[p].running_stats.set(now(), 0);
    if (config_.is_asg(p)) {
      const auto& ac = config_.asg(p);
      auto& a = world_.providers[p].asg.emplace();
      a.desired = std::clamp(ac.desired_capacity, ac.min_size, std::max(ac.min_size, ac.max_size));
      a.instance_stats.set(now(), 0);
      a.in_service_per_zone.assign(config_.availability_zones.size(), 0);
      a.idle_in_service_per_zone.assign(config_.availability_zones.size(), {});
      capacity_.push_back(std::make_unique<AsgProvider>(p, world_, *fleet_));
      continue;
    }
    capacity_.push_back(std::make_unique<FargateProvider>(p, world_, loop_, lifecycle_, streams));
  }
  world_.clusters.resize(config_.clusters.size());
  for (const auto& td : config_.task_definitions)
    world_.demands.push_back(TaskDemand{td.cpu_units, td.memory_mib, td.network_mode == NetworkMode::kAwsvpc, td.host_ports, td.gpus});
  world_.services.resize(config_.services.size());
  for (const auto& a : config_.alarms) {
    world_.alarms.emplace_back(a.alarm);
    world_.services[static_cast<std::size_t>(a.service)].has_alarms = true;
  }
  if (!scalers.empty() && scalers.size() != world_.services.size()) throw std::invalid_argument("one scaler slot per service");
  bool metrics = false, high_resolution_metrics = false;
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
      scaling_.schedule_first(service);
    }
    s.load = make_load_source(sc.load, config_.start_unix_seconds);
    s.demand_rps = s.load->rate();
    if (auto next = s.load->next_change()) loop_.at(*next, LoadChange{service});
    const bool measured = s.scaler || s.has_alarms || !std::holds_alternative<std::monostate>(sc.load);
    (sc.high_resolution_metrics() ? high_resolution_metrics : metrics) |= measured;
    s.desired_stats.set(now(), s.desired);
    s.running_stats.set(now(), 0);
    services_.schedule_reconcile(service, now());
  }
  if (metrics) loop_.at(now() + config_.timings.auto_scaling.metric_period, MetricTick{false});
  if (high_resolution_metrics) loop_.at(now() + config_.timings.auto_scaling.high_resolution_period, MetricTick{true});

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
  if (finished_ || interrupted_) return;
  // In chunks, so an interrupt or the live-task limit is seen within a few thousand events.
  while (!interrupted_) {
    if (interrupt_flag_ && interrupt_flag_->load(std::memory_order_relaxed)) {
      interrupted_ = true;
      return;
    }
    if (over_live_task_limit()) return;
    if (over_memory_limit()) return;
    if (loop_.run_until_at_most(t, kInterruptCheckEvents, [this](const Event& e) { handle_event(e); }) < kInterruptCheckEvents) {
      over_live_task_limit();
      return;
    }
  }
}

bool Simulator::over_live_task_limit() {
  const auto live = static_cast<std::int64_t>(world_.tasks.size() - world_.free_slots.size());
  if (live <= config_.run.max_live_tasks) return false;
  interrupted_ = true;
  stop_reason_ = "more than " + std::to_string(config_.run.max_live_tasks) + " tasks were live at once (run.maxLiveTasks; " +
                 std::to_string(live) + " at " + format_seconds(now()) + "s): raise it if the machine has the memory, "
                 "or lower the load";
  return true;
}

bool Simulator::over_memory_limit() {
  if (memory_limit_ == 0) return false;
  // Reading /proc costs microseconds: at most every kMemoryCheckInterval of wall time.
  const auto wall = std::chrono::steady_clock::now();
  if (memory_checked_ && wall - last_memory_check_ < kMemoryCheckInterval) return false;
  memory_checked_ = true;
  last_memory_check_ = wall;
  const std::uint64_t rss = resident_bytes();
  if (rss <= memory_limit_) return false;
  interrupted_ = true;
  const auto& run = config_.run;
  stop_reason_ = "the process used " + format_bytes(rss) + ", more than run.memoryLimit (" + format_bytes(memory_limit_) +
                 (run.memory_limit_bytes == 0 ? ", " + std::to_string(static_cast<int>(std::lround(run.memory_limit_fraction * 100))) +
                                                    "% of the " + format_bytes(machine_memory_bytes()) + " this machine allows"
                                              : "") +
                 ") at " + format_seconds(now()) + "s: raise it if the machine has the memory, lower the load, or write fewer outputs";
  return true;
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
  if (!interrupted_) loop_.advance_to(horizon());
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
void Simulator::handle(const DeploymentTimer& e) { services_.on(e); }

// --- tasks: the lifecycle component's entry points -----------------------------------------
void Simulator::handle(const TaskStep& e) { lifecycle_.on(e); }
void Simulator::handle(const SpotInterruption& e) { lifecycle_.on(e); }
void Simulator::handle(const ProviderWake& e) {
  world_.providers[e.provider].wake_event = kNoEvent;
  capacity_[e.provider]->pump();
}

// --- cost ---------------------------------------------------------------------------------
double Simulator::accrued_cost(const Task& t, SimTime until) const { return cost_.accrued_cost(t, until); }
double Simulator::service_cost(int service, SimTime until) const { return cost_.service_cost(service, until); }
double Simulator::provider_cost(int provider, SimTime until) const { return cost_.provider_cost(provider, until); }
Bill Simulator::bill(SimTime until) const { return cost_.bill(until); }
double Simulator::instance_cost(const ContainerInstance& in, SimTime until) const { return cost_.instance_cost(in, until); }
double Simulator::management_fee(int provider, SimTime until) const { return cost_.management_fee(provider, until); }
double Simulator::unallocated_cost(int provider, SimTime until) const { return cost_.unallocated_cost(provider, until); }

std::vector<const Task*> Simulator::live_tasks() const {
  std::vector<const Task*> out;
  for (const auto& t : world_.tasks)
    if (World::live(t)) out.push_back(&t);
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
void Simulator::handle(const RunTaskRetry& e) { batch_->on(e); }

void Simulator::handle(const TimelineAction& e) {
  const auto& entry = config_.timeline[e.index];
  std::visit(Overloaded{[&](const UpdateServiceAction& a) {
                          if (a.desired_count) services_.set_desired(a.service, *a.desired_count, "timeline");
                          if (a.task_definition || a.force_new_deployment)
                            services_.start_deployment(a.service, a.task_definition.value_or(world_.services[a.service].primary_task_definition),
                                                       /*is_rollback=*/false, a.force_new_deployment);
                        },
                        [&](const SpotInterruptionsAction& a) { capacity_[a.provider]->reclaim_spot(a.fraction); },
                        [&](const SpotCapacityAction& a) { capacity_[a.provider]->set_spot_capacity(a.available, a.duration); },
                        [&](const UpdateTaskProtectionAction& a) { services_.update_task_protection(a); }},
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
void Simulator::handle(const InstanceOptimize& e) { fleet_->on(e); }
void Simulator::handle(const InstanceMaintenance& e) { fleet_->on(e); }
void Simulator::handle(const ManagedInstancesProvision& e) { fleet_->on(e); }

void Simulator::handle(const ClusterRoom& e) {
  batch_->submit_deferred(e.cluster);
  services_.on_cluster_room(e.cluster);
}

// --- invariants -------------------------------------------------------------------------------
void Simulator::after_event() { invariants_.after_event(now(), loop_.events_processed()); }

void Simulator::check_invariants_now() const { invariants_.check_now(now()); }

}  // namespace ecsim
