// The simulator: one event loop over one simulated ECS account and region.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "ecsim/core/capacity_placer.hpp"
#include "ecsim/core/config.hpp"
#include "ecsim/core/event_loop.hpp"
#include "ecsim/core/instance_placer.hpp"
#include "ecsim/core/load_source.hpp"
#include "ecsim/core/observer.hpp"
#include "ecsim/core/rng.hpp"
#include "ecsim/core/service_scaler.hpp"
#include "ecsim/core/time.hpp"
#include "ecsim/core/token_bucket.hpp"
#include "ecsim/core/trace.hpp"

namespace ecsim {

/// ECS task lifecycle states (lastStatus).
enum class TaskState { kProvisioning, kPending, kRunning, kDeactivating, kStopping, kStopped };
const char* task_state_name(TaskState s);

/// Where a task is inside its lifecycle; finer than TaskState, drives the next step.
enum class TaskPhase {
  kWaitingForCapacity,  ///< PROVISIONING, queued for a launch token / quota room
  kProvisioning,        ///< PROVISIONING, Fargate is provisioning capacity
  kAttachingEni,        ///< PENDING
  kPulling,             ///< PENDING, billed from here on
  kStartingContainers,  ///< PENDING, containers start in dependsOn order
  kAppStarting,         ///< RUNNING, app not ready yet
  kAwaitingHealthCheck, ///< RUNNING, ready, waiting for the first passing check
  kServing,             ///< RUNNING and healthy (services) or running its work (batch)
  kDeregistering,       ///< DEACTIVATING: load balancer deregistration delay
  kStopping,            ///< STOPPING: SIGTERM sent, waiting for exit
  kStopped,
};

/// Sample statistics in fixed memory: a histogram, so memory does not grow with the run's
/// length. Linear bins of `resolution` up to `max_value` (values above share the last bin),
/// or, with `relative` > 0, logarithmic bins that keep every value to within that relative
/// error (from 1 ms up). Percentiles are nearest-rank on the bins; count, mean and max are
/// exact. Bins are allocated on the first sample.
class BinnedSamples {
 public:
  /// Linear: resolution and the largest value kept apart.
  BinnedSamples(double resolution, double max_value) : resolution_(resolution), max_value_(max_value) {}
  /// Logarithmic, for values spanning many magnitudes (waits).
  static BinnedSamples logarithmic(double relative) {
    BinnedSamples b(0, 0);
    b.relative_ = relative;
    return b;
  }
  void add(double v);
  std::uint64_t count() const { return count_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double max() const { return count_ ? max_ : 0.0; }
  /// Nearest-rank percentile (0 < p <= 100); 0 when empty.
  double percentile(double p) const;
  /// Adds another sample set's counts (same binning).
  void merge(const BinnedSamples& other);

 private:
  std::size_t bin_of(double v) const;
  double value_of(std::size_t bin) const;
  double resolution_ = 0, max_value_ = 0, relative_ = 0;
  std::vector<std::uint32_t> bins_;
  std::uint64_t count_ = 0;
  double sum_ = 0.0, max_ = 0.0;
};

/// Time-weighted statistics of an integer level (desired count, running count, ...).
class LevelStats {
 public:
  void set(SimTime now, std::int64_t value);
  std::int64_t value() const { return value_; }
  std::int64_t min() const { return min_; }
  std::int64_t max() const { return max_; }
  /// Time-weighted mean over [0, now].
  double mean(SimTime now) const;

 private:
  std::int64_t value_ = 0, min_ = 0, max_ = 0;
  bool seen_ = false;
  SimTime last_ = kTimeZero;
  long double integral_ = 0;  // value * ms
};

struct Task {
  std::uint64_t id = 0;  ///< 1, 2, 3 ... in creation order; stable across runs
  int service = -1;      ///< service index, or -1 for a runTasks task
  int group = -1;        ///< runTasks group index, or -1
  int task_definition = 0;
  int strategy_item = 0; ///< index into the owner's strategy
  int provider = 0;
  int zone = -1;
  std::uint32_t instance = 0;  ///< EC2 container instance id, 0 on Fargate / not placed
  bool daemon = false;         ///< a DAEMON service's task (pinned to its instance)
  bool placement_reported = false;  ///< a placement failure was already reported
  bool fails_health_checks = false; ///< drawn at RUNNING from the revision's unhealthyFraction
  int attempt = 1;
  TaskState state = TaskState::kProvisioning;
  TaskPhase phase = TaskPhase::kWaitingForCapacity;
  bool healthy = false;
  bool counts_toward_desired = true;  ///< false once the scheduler or Spot stops it
  bool interrupted = false;
  SimTime created{}, launched{}, pull_started{}, running_at{}, healthy_at{}, stopped_at{};
  bool has_launched = false, has_pulled = false, has_run = false, has_been_healthy = false;
  SimDuration work{};  ///< batch tasks: how long they run after RUNNING
  EventId next_event = kNoEvent;
  EventId spot_event = kNoEvent;
  std::string stop_reason;
  double cost_usd = 0.0;
  /// EC2: the instance's cumulative cost per reserved vCPU / GB when this task was placed.
  double split_vcpu_mark = 0.0, split_gb_mark = 0.0;
};

/// One deployment of a service (updateService with a new revision, or a rollback).
struct Deployment {
  enum class Rollout { kInProgress, kCompleted, kFailed };
  int task_definition = 0;
  SimTime started{};
  std::optional<SimTime> completed;
  Rollout rollout = Rollout::kInProgress;
  int failed_tasks = 0;       ///< tasks of this revision that failed (start or health checks)
  bool rolled_back = false;  ///< the circuit breaker rolled this deployment back
  bool is_rollback = false;  ///< this deployment is the rollback of a failed one
  int breaker_count = 0;      ///< failures the circuit breaker counts (reset by a healthy task)
};
const char* rollout_name(Deployment::Rollout r);

struct ServiceState {
  int desired = 0;
  int primary_task_definition = 0;         ///< the revision new tasks run
  int last_completed_task_definition = 0;  ///< where a rollback returns to
  std::vector<Deployment> deployments;     ///< deployments started during the run
  std::optional<int> pending_rollback;     ///< set by the circuit breaker
  int provisioning = 0, pending = 0, running = 0, healthy = 0, stopping = 0;
  std::vector<std::uint32_t> live;  ///< slots of tasks not yet STOPPED, oldest first
  std::vector<int> per_item;        ///< tasks counting toward desired, per strategy item
  std::vector<int> per_zone;        ///< tasks counting toward desired, per zone
  int counted = 0;                  ///< tasks counting toward desired
  std::vector<int> counted_by_revision;  ///< tasks counting toward desired, per task definition
  std::vector<int> running_by_revision;  ///< RUNNING tasks per task definition (load and metrics)
  std::vector<int> healthy_by_revision;  ///< healthy tasks per task definition
  TokenBucket pace{1, 1};
  SimTime backoff_until{};
  int consecutive_failures = 0;
  EventId reconcile_event = kNoEvent;
  bool reconcile_requested = false;  ///< marked for the end of the current event
  SimTime reconcile_at{};
  bool steady = false;
  bool desired_set_by_user = false;  ///< the last change came from UpdateService (timeline)
  // statistics
  std::int64_t tasks_started = 0, tasks_stopped = 0, tasks_failed = 0, spot_interruptions = 0;
  double cost_usd = 0.0;  ///< of STOPPED tasks; live tasks add theirs in reports (EC2: allocated instance cost)
  LevelStats desired_stats, running_stats;
  BinnedSamples cpu_samples{0.01, 100.0};  ///< per metric period, percent (0.01 % bins)
  std::int64_t overloaded_ms = 0;
  double unserved_requests = 0.0;
  double demand_rps = 0.0;  ///< now
  double cpu_percent = 0.0; ///< now: served load over running capacity
  double served_rps = 0.0;  ///< now: requests/s the healthy tasks serve
  std::int64_t scaling_actions = 0;
  // Load and metrics over the current metric period (integrals over time in ms).
  std::unique_ptr<LoadSource> load;
  std::unique_ptr<ServiceScaler> scaler;
  SimTime acc_last{};
  double acc_busy_ms = 0, acc_running_ms = 0, acc_healthy_ms = 0, acc_requests = 0;
  std::deque<MetricDatapoint> unpublished;
};

/// EC2 container instance lifecycle (EC2 state, then ECS registration).
enum class InstanceState { kPending, kBooting, kActive, kDraining, kTerminated };
const char* instance_state_name(InstanceState s);

/// One EC2 instance of an Auto Scaling group capacity provider. Ids count from 1 in launch
/// order; instances are never recycled.
struct ContainerInstance {
  std::uint32_t id = 0;
  int provider = 0;
  int zone = 0;
  int type = 0;          ///< index into ScenarioConfig::instance_types
  bool spot = false;
  InstanceState state = InstanceState::kPending;
  bool in_service = true;  ///< counts toward the group's capacity (not draining/terminated)
  SimTime launched{}, active_at{}, terminated_at{};
  std::vector<std::uint32_t> task_slots;  ///< live tasks placed here
  int service_tasks = 0;                  ///< live non-daemon tasks
  std::vector<int> cached_images;         ///< task definitions whose image was pulled here
  EventId event = kNoEvent;
  EventId spot_event = kNoEvent;
  bool spot_warned = false;
  double cost_usd = 0.0;  ///< set at termination
  // Split cost allocation (AWS split cost allocation data): the instance's hourly cost is
  // cut into a CPU part and a memory part by weighted capacity (pricing.ec2
  // .splitCostAllocation, 9:1 per vCPU and per GB), and each part is shared by the tasks
  // reserving that resource here, in proportion to their reservations (unused capacity
  // included). Cumulative cost per reserved vCPU and per reserved GB since launch:
  std::int64_t reserved_cpu_units = 0, reserved_memory_mib = 0;  ///< by the live tasks placed here
  double usd_per_reserved_vcpu = 0.0, usd_per_reserved_gb = 0.0;
  SimTime split_at{};  ///< the cumulative values are up to date to here
};

/// An Auto Scaling group behind a capacity provider, and its managed scaling.
struct AsgState {
  int desired = 0;     ///< DesiredCapacity
  int in_service = 0;  ///< launching, booting or ACTIVE
  std::vector<std::uint32_t> members;  ///< instance ids not terminated, launch order
  int high_streak = 0, low_streak = 0; ///< consecutive breaching reservation datapoints
  double reservation = 0.0;            ///< last CapacityProviderReservation (percent)
  std::int64_t instances_launched = 0, instances_terminated = 0, spot_interruptions = 0;
  std::int64_t scaling_actions = 0;
  double instance_cost_usd = 0.0;      ///< of terminated instances
  LevelStats instance_stats;
  /// Tasks waiting for placement, one FIFO per (rules, task definition).
  struct WaitQueue {
    int rules = 0, task_definition = 0;
    std::deque<std::uint32_t> slots;
  };
  std::vector<WaitQueue> waiting;
};

struct ProviderState {
  TokenBucket launch_tokens{1, 1};
  std::deque<std::uint32_t> waiting;  ///< slots waiting for capacity, FIFO
  std::optional<double> vcpu_quota;
  double vcpu_in_use = 0.0;
  EventId wake_event = kNoEvent;
  int provisioning = 0, pending = 0, running = 0;
  std::int64_t tasks_launched = 0, spot_interruptions = 0;
  double cost_usd = 0.0;  ///< of STOPPED tasks
  double lost_task_seconds = 0.0;  ///< work of interrupted batch tasks thrown away
  bool available = true;           ///< false while Spot capacity is unavailable
  EventId restore_event = kNoEvent;
  LevelStats running_stats;
  std::optional<AsgState> asg;     ///< Auto Scaling group providers only
};

/// Per cluster: PROVISIONING tasks on Auto Scaling group providers against the account cap.
struct ClusterState {
  int asg_provisioning = 0;
  std::vector<int> blocked_services;  ///< services waiting for room under the cap
  struct Deferred {
    int group;
    SimDuration work;
    SimTime at;  ///< when the RunTask call was first made
  };
  std::deque<Deferred> backlog;       ///< RunTask calls waiting for room under the cap
};

struct RunTaskGroupState {
  std::int64_t submitted = 0, completed = 0, interrupted = 0, failed = 0;
  BinnedSamples wait_seconds = BinnedSamples::logarithmic(0.001);  ///< submit -> RUNNING (within 0.1 %)
  double lost_task_seconds = 0.0;    ///< work thrown away by interruptions
  std::vector<int> per_item;
  int live = 0;
  double cost_usd = 0.0;
};

/// Simulates one scenario. Owns all state; several instances may run in one process.
class Simulator {
 public:
  /// `placer` decides providers and zones (ecsim::placement::make_default_placer());
  /// `scalers` holds one entry per service (null for a service without autoScaling).
  Simulator(ScenarioConfig config, std::unique_ptr<CapacityPlacer> placer,
            std::vector<std::unique_ptr<ServiceScaler>> scalers = {}, std::uint64_t replication = 0);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Observers are not owned and must outlive the run.
  void add_observer(Observer* observer);
  void remove_observer(Observer* observer);

  /// Runs to the horizon (scenario duration).
  void run();
  /// Runs every event with time <= t (clamped to the horizon).
  void run_until(SimTime t);
  /// Runs at most n events; returns how many ran.
  std::size_t step(std::size_t n);
  /// Ends the run: bills live tasks up to now and calls on_run_end. Idempotent; run() calls it.
  void finish();

  SimTime now() const { return loop_.now(); }
  SimTime horizon() const { return loop_.horizon(); }
  bool finished() const { return finished_; }
  std::uint64_t events_processed() const { return loop_.events_processed(); }
  std::uint64_t replication() const { return replication_; }
  const ScenarioConfig& config() const { return config_; }
  const std::vector<ServiceState>& services() const { return services_; }
  const std::vector<ProviderState>& providers() const { return providers_; }
  const std::vector<RunTaskGroupState>& run_task_groups() const { return groups_; }
  /// Container instances by id - 1 (terminated ones included).
  const std::vector<ContainerInstance>& instances() const { return instances_; }
  /// A task by id, if it is still held (stopped tasks are recycled).
  const Task* find_task(std::uint64_t id) const;
  /// Tasks not yet STOPPED, by id.
  std::vector<const Task*> live_tasks() const;

  /// Cost of a task from the start of its image pull to `until` (no minimum applied).
  double accrued_cost(const Task& task, SimTime until) const;
  /// Cost accrued by a service's tasks up to `until` (stopped tasks billed, live ones so far).
  double service_cost(int service, SimTime until) const;
  /// Same for a capacity provider: Fargate tasks, or EC2 instances (60 s minimum).
  double provider_cost(int provider, SimTime until) const;
  /// Cost of an instance from launch to `until` (or its termination), 60 s minimum.
  double instance_cost(const ContainerInstance& instance, SimTime until) const;
  /// Instance cost not allocated to any task (capacity nobody reserved: booting, empty or
  /// idle instances, the 60-second minimum) of an Auto Scaling group provider, to `until`.
  double unallocated_cost(int provider, SimTime until) const;

  /// A service's load now, from each running task's own revision (capacity, CPU, memory).
  struct LoadShape {
    double served_rps = 0;       ///< requests/s the healthy tasks serve
    double busy_share = 0;       ///< CPU: used over reserved CPU units of the running tasks
    double idle_memory = 0;      ///< memory % at idle, weighted by reserved memory
    double full_memory = 0;      ///< memory % at full load, weighted by reserved memory
    bool has_capacity = false;   ///< some running revision declares requests/s per task
  };
  LoadShape load_shape(int service) const;

  /// Named random stream derived from (seed, replication, name).
  Rng rng_for(std::string_view name) const;

  /// Invariant checking: after every event the cheap checks (event times non-decreasing,
  /// per-service counts non-negative and consistent, desired count within the scalable
  /// target's bounds), and every `full_every` events plus at the end the full ones (every
  /// live task counted in exactly one state, no container instance over-committed, costs
  /// non-decreasing). A violation throws std::logic_error naming it. On by default in
  /// debug builds (NDEBUG unset), off in release builds.
  void set_check_invariants(bool on, std::uint64_t full_every = 4096) {
    check_invariants_ = on;
    full_check_every_ = std::max<std::uint64_t>(1, full_every);
  }
  bool checks_invariants() const { return check_invariants_; }
  /// Runs every check now (also when checking is off).
  void check_invariants_now() const;

 private:
  struct ReconcileService { int service; };
  struct ProviderWake { int provider; };
  struct TaskStep { std::uint32_t slot; std::uint64_t id; };
  struct SpotInterruption { std::uint32_t slot; std::uint64_t id; };
  struct RunTaskArrival { int group; };
  struct TimelineAction { int index; };
  struct SampleTick {};
  struct LoadChange { int service; };
  struct MetricTick {};
  struct MetricPublish {};
  struct ScheduledScaling { int service; };
  struct SpotCapacityRestored { int provider; };
  struct InstanceStep { std::uint32_t id; };
  struct InstanceSpotInterruption { std::uint32_t id; };
  struct ManagedScalingTick { int provider; };
  struct ClusterRoom { int cluster; };
  struct AsgReconcile { int provider; };
  using Event = std::variant<ReconcileService, ProviderWake, TaskStep, SpotInterruption, RunTaskArrival,
                             TimelineAction, SampleTick, LoadChange, MetricTick, MetricPublish, ScheduledScaling,
                             SpotCapacityRestored, InstanceStep, InstanceSpotInterruption, ManagedScalingTick, ClusterRoom, AsgReconcile>;

  void dispatch(const Event& e);
  void handle_event(const Event& e);
  void handle(const ReconcileService& e);
  void handle(const ProviderWake& e);
  void handle(const TaskStep& e);
  void handle(const SpotInterruption& e);
  void handle(const RunTaskArrival& e);
  void handle(const TimelineAction& e);
  void handle(const SampleTick& e);
  void handle(const LoadChange& e);
  void handle(const MetricTick& e);
  void handle(const MetricPublish& e);
  void handle(const ScheduledScaling& e);
  void handle(const SpotCapacityRestored& e);
  void handle(const InstanceStep& e);
  void handle(const InstanceSpotInterruption& e);
  void handle(const ManagedScalingTick& e);
  void handle(const ClusterRoom& e);
  void handle(const AsgReconcile& e);
  void interrupt(std::uint32_t slot, bool count_for_provider = true);
  // EC2 capacity
  void asg_reconcile(int provider);
  void launch_instance(int provider);
  void activate_instance(std::uint32_t id);
  void begin_instance_exit(std::uint32_t id, bool drain, const std::string& why);
  void terminate_instance(std::uint32_t id, const std::string& why);
  void take_out_of_service(ContainerInstance& in, AsgState& a);
  void pump_asg(int provider);
  void start_on_instance(std::uint32_t slot, std::uint32_t instance);
  void reconcile_daemon(int service);
  const TaskDemand& demand_of(int task_definition) const { return demands_[task_definition]; }
  int rules_of(const Task& t) const { return t.service >= 0 ? t.service : static_cast<int>(services_.size()) + t.group; }
  int cluster_of(const Task& t) const;
  bool creation_blocked(int service);
  void submit_run_task(int group, SimDuration work);
  void next_trace_arrival(int group);
  double arrival_rate(const PoissonArrivals& a) const;
  SimDuration pull_time(const Task& t) const;
  void accumulate(int service);
  void apply_scaling(int service, const std::optional<ScalingAction>& action);
  void schedule_next_scheduled(int service);

  void emit(RecordKind kind, const Task* task, int service, std::string detail, std::uint32_t instance = 0);
  /// A record whose detail is derived from the task (formatted only by whoever writes it).
  void emit_task_detail(RecordKind kind, const Task& task, int service);
  /// Whether anyone listens: callers skip building event details otherwise.
  bool tracing() const { return trace_.enabled(); }
  void set_desired(int service, int desired, const char* why);
  /// Marks a service for reconciliation once the current event is handled (never re-entrant).
  void request_reconcile(int service);
  void flush_reconciles();
  void reconcile(int service);
  void scale_in(int service);
  void schedule_reconcile(int service, SimTime at);
  std::uint32_t alloc_task();
  /// The instance's cumulative cost per reserved vCPU and per reserved GB at `until`.
  std::pair<double, double> split_marks(const ContainerInstance& in, SimTime until) const;
  void advance_split(ContainerInstance& in);
  /// `on_instance` != 0: a DAEMON task pinned to that instance (resources already reserved).
  std::uint32_t create_task(int service, int group, int attempt, std::uint32_t on_instance = 0);
  void drop_healthy(Task& t);
  void lose_work(Task& t);
  void pump(int provider);
  void launch(std::uint32_t slot);
  void advance(std::uint32_t slot);
  void schedule_step(std::uint32_t slot, SimDuration after);
  void become_healthy(std::uint32_t slot);
  int breaker_threshold(int service) const;
  void stop_task(std::uint32_t slot, const std::string& reason, bool failed);
  void finalize_stop(std::uint32_t slot);
  void set_state(Task& t, TaskState s);
  void uncount(Task& t);
  void check_steady(int service);
  void start_deployment(int service, int task_definition, bool is_rollback);
  void check_deployment(int service);
  static SimDuration jittered(SimDuration d, Rng& rng, double cv);
  SimDuration task_jittered(const Task& t, SimDuration d);
  SimDuration instance_jittered(SimDuration d);
  double vcpus(const Task& t) const;
  const std::vector<StrategyItem>& strategy_of(const Task& t) const;

  ScenarioConfig config_;
  std::unique_ptr<CapacityPlacer> placer_;
  std::uint64_t replication_;
  bool finished_ = false;
  EventLoop<Event> loop_;
  Trace trace_;

  std::vector<Task> tasks_;            // slots
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_task_id_ = 1;
  std::vector<ServiceState> services_;
  std::vector<ProviderState> providers_;
  std::vector<RunTaskGroupState> groups_;
  std::vector<ClusterState> clusters_;
  std::vector<ContainerInstance> instances_;
  std::unique_ptr<InstancePlacer> ec2_;
  std::vector<TaskDemand> demands_;  // per task definition
  std::vector<std::vector<BatchArrival>> group_traces_;
  std::vector<std::size_t> group_trace_pos_;
  std::vector<Rng> group_arrival_rng_, group_duration_rng_;
  std::deque<int> dirty_services_;  ///< services whose reconcile is requested, in request order
#ifdef NDEBUG
  bool check_invariants_ = false;
#else
  bool check_invariants_ = true;
#endif
  std::uint64_t full_check_every_ = 4096;
  SimTime last_event_time_{};
  mutable std::vector<double> last_costs_;  // provider costs at the last full check
  void check_cheap() const;
  void check_full() const;
  void after_event();
  Rng placement_rng_;
  Rng health_rng_;
  Rng instance_spot_rng_;
  Rng latency_rng_;
  Rng ec2_instance_latency_rng_;
  Rng ec2_task_latency_rng_;
  Rng spot_rng_;
  Rng reclaim_rng_;
  Rng ec2_reclaim_rng_;
};

}  // namespace ecsim
