// The model's entity state: tasks, services and their deployments, capacity providers,
// Auto Scaling groups and their container instances, clusters, batch groups. Components own
// and change it; outputs, bindings and tests read it through the Simulator's views.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ecsim/core/event_queue.hpp"
#include "ecsim/core/load_source.hpp"
#include "ecsim/core/service_scaler.hpp"
#include "ecsim/core/stats.hpp"
#include "ecsim/core/time.hpp"
#include "ecsim/core/token_bucket.hpp"

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
  bool forced_out = false;  ///< forceNewDeployment: replaced although it runs the primary revision
  /// Task scale-in protection: neither scale-in nor a deployment stops it before this time.
  SimTime protected_until{};
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
  std::string strategy = "ROLLING";  ///< the strategy that ran it (a CODE_DEPLOY one: its configuration's name)
  // --- every strategy: what the deployment cost and exposed (summary.json's deployments[])
  int peak_tasks = 0;                ///< most of the service's tasks live at once (not STOPPED)
  double extra_task_seconds = 0.0;   ///< integral of billed tasks above the desired count
  SimTime metered_at{};              ///< extra_task_seconds is integrated up to here
  std::optional<SimTime> settled;    ///< the service back at or below its desired count after the end
  double new_revision_requests = 0.0;         ///< requests the new revision's tasks served before the end
  double new_revision_failed_requests = 0.0;  ///< of those, answered with an error (ecsim.errorRate)
  std::string failure;               ///< what failed it: circuitBreaker, lifecycleHook <name>, alarm <name>, superseded
  // --- BLUE_GREEN, LINEAR, CANARY (and CODE_DEPLOY): the stage machine
  /// ServiceDeploymentLifecycleStage: ecsim's stages, in order. kNone: a rolling update.
  enum class Stage {
    kNone,
    kReconcileService,
    kPreScaleUp,
    kScaleUp,
    kPostScaleUp,
    kTestTrafficShift,
    kPostTestTrafficShift,
    kPreProductionTrafficShift,
    kProductionTrafficShift,
    kStepBake,  ///< between two production traffic shifts (linear and canary)
    kPostProductionTrafficShift,
    kBakeTime,
    kCleanUp,
  };
  Stage stage = Stage::kNone;
  int generation = 0;         ///< bumped at each stage change: a timer of an earlier one is stale
  int hooks_running = 0;      ///< hooks of this stage not answered yet
  struct Shift {
    SimTime at;
    int tenths;
  };
  std::vector<Shift> shifts;  ///< production traffic shifts made (a forward deployment's steps so far)
  std::optional<SimTime> scaled_up_at, bake_ends;
  struct HookRun {
    std::string hook, stage, outcome;  ///< outcome: SUCCEEDED, FAILED, TIMED_OUT_CONTINUE, TIMED_OUT_ROLLBACK
    SimTime started, ended;
  };
  std::vector<HookRun> hook_runs;
  // --- deployment alarms
  std::vector<int> ignored_alarms;            ///< in ALARM when it began: ignored for this deployment
  std::optional<SimTime> alarm_bake_ends;     ///< a rolling deployment watches its alarms until then
};
const char* deployment_stage_name(Deployment::Stage s);
const char* rollout_name(Deployment::Rollout r);
/// A service's live tasks (slots of tasks not yet STOPPED), oldest first, so by task id
/// ascending, each with its task definition and id. A task is found by its id (binary search
/// over the ids kept here: reading them from the task table missed the cache on every probe,
/// 4 % of bench/scale.py's EC2 100k run) and removed by moving the shorter side: old tasks
/// leave first in a deployment and new ones first in a scale-in, and both are cheap (erasing
/// from a vector's front moved it whole).
class LiveTasks {
 public:
  std::size_t size() const { return slots_.size() - head_; }
  bool empty() const { return size() == 0; }
  std::uint32_t operator[](std::size_t k) const { return slots_[head_ + k]; }
  int task_definition(std::size_t k) const { return tds_[head_ + k]; }
  std::uint64_t id(std::size_t k) const { return ids_[head_ + k]; }
  const std::uint32_t* data() const { return slots_.data() + head_; }
  const int* task_definitions() const { return tds_.data() + head_; }
  const std::uint32_t* begin() const { return data(); }
  const std::uint32_t* end() const { return slots_.data() + slots_.size(); }
  /// How many of the newest entries run `task_definition`, counting on from `known` of them
  /// already known to.
  std::size_t trailing(int task_definition, std::size_t known = 0) const {
    while (known < size() && tds_[slots_.size() - 1 - known] == task_definition) ++known;
    return known;
  }
  /// Appends the newest task (its id above every other's).
  void push_back(std::uint32_t slot, int task_definition, std::uint64_t id) {
    slots_.push_back(slot);
    tds_.push_back(task_definition);
    ids_.push_back(id);
  }
  /// The entry of task `id` (size() when it is not here).
  std::size_t find(std::uint64_t id) const {
    const auto first = ids_.begin() + static_cast<std::ptrdiff_t>(head_);
    const auto at = std::lower_bound(first, ids_.end(), id);
    return at != ids_.end() && *at == id ? static_cast<std::size_t>(at - first) : size();
  }
  /// Removes entry k.
  void erase(std::size_t k) {
    if (k < size() / 2) {  // shift the older ones up by one
      shift_up(slots_, k);
      shift_up(tds_, k);
      shift_up(ids_, k);
      ++head_;
      if (head_ > 64 && head_ > slots_.size() / 2) compact();
    } else {
      slots_.erase(slots_.begin() + static_cast<std::ptrdiff_t>(head_ + k));
      tds_.erase(tds_.begin() + static_cast<std::ptrdiff_t>(head_ + k));
      ids_.erase(ids_.begin() + static_cast<std::ptrdiff_t>(head_ + k));
    }
  }
  void clear() {
    slots_.clear();
    tds_.clear();
    ids_.clear();
    head_ = 0;
  }

 private:
  template <class V>
  void shift_up(V& v, std::size_t k) {
    std::move_backward(v.begin() + static_cast<std::ptrdiff_t>(head_), v.begin() + static_cast<std::ptrdiff_t>(head_ + k),
                       v.begin() + static_cast<std::ptrdiff_t>(head_ + k + 1));
  }
  void compact() {
    slots_.erase(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(head_));
    tds_.erase(tds_.begin(), tds_.begin() + static_cast<std::ptrdiff_t>(head_));
    ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  std::vector<std::uint32_t> slots_;
  std::vector<int> tds_;
  std::vector<std::uint64_t> ids_;
  std::size_t head_ = 0;  ///< entries before it are gone
};

struct ServiceState;
/// A task of the service's current deployment: the primary revision and not marked for
/// replacement by a forceNewDeployment.
bool runs_primary(const ServiceState& s, const struct Task& t);

struct ServiceState {
  int desired = 0;
  int primary_task_definition = 0;         ///< the revision new tasks run
  int last_completed_task_definition = 0;  ///< where a rollback returns to
  std::vector<Deployment> deployments;     ///< deployments started during the run
  std::optional<int> pending_rollback;     ///< set by the circuit breaker
  int provisioning = 0, pending = 0, running = 0, healthy = 0, stopping = 0;
  LiveTasks live;                   ///< tasks not yet STOPPED, oldest first, with their task definitions
  std::size_t primary_suffix = 0;         ///< how many of the newest in `live` run the primary revision
  /// Production traffic to the primary revision's tasks, in tenths of a percent, while a
  /// blue/green, linear or canary deployment has two target groups; -1: one target group,
  /// every healthy task shares the load.
  int primary_traffic_tenths = -1;
  int forced_out_running = 0, forced_out_healthy = 0;  ///< RUNNING / healthy tasks a forceNewDeployment replaces
  /// When task protections end (a min-heap; stale entries only cost a reconcile): each is a
  /// reconcile, so what the protection held back goes then.
  std::vector<SimTime> protection_expiries;
  std::vector<int> per_item;        ///< tasks counting toward desired, per strategy item
  std::vector<int> per_zone;        ///< tasks counting toward desired, per zone
  int counted = 0;                  ///< tasks counting toward desired
  int forced_out_counted = 0;       ///< of those, tasks a forceNewDeployment replaces (primary revision)
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
  double failed_requests = 0.0;  ///< served with an error by a revision with ecsim.errorRate
  double demand_rps = 0.0;  ///< now
  double cpu_percent = 0.0; ///< now: served load over running capacity
  double served_rps = 0.0;  ///< now: requests/s the healthy tasks serve
  std::int64_t scaling_actions = 0;
  // Load and metrics over the current metric period (integrals over time in ms).
  std::unique_ptr<LoadSource> load;
  std::unique_ptr<ServiceScaler> scaler;
  SimTime acc_last{};
  double acc_busy_ms = 0, acc_running_ms = 0, acc_healthy_ms = 0, acc_requests = 0;
  double acc_task_ms = 0, acc_busy_task_ms = 0;  ///< running tasks and their busy share, integrated (task-ms)
  double acc_failed = 0, acc_unserved = 0;  ///< requests answered with an error / not served, this period
  std::deque<MetricDatapoint> unpublished;
  bool has_alarms = false;  ///< a scenario alarm watches its metrics (datapoints are kept for it)
  // Availability zone rebalancing: one extra task at a time in the emptiest zone; when it is
  // healthy, one task of the fullest zone stops.
  bool rebalancing = false;           ///< SERVICE_REBALANCING_STARTED and not yet COMPLETED
  std::uint64_t rebalance_task = 0;   ///< id of the extra task on its way (0: none)
  std::uint32_t rebalance_slot = 0;
  int rebalance_zone = -1;            ///< the zone it is meant for
  SimTime rebalance_retry_at{};       ///< no new round before this
  std::int64_t rebalanced_tasks = 0;  ///< tasks moved (started in the emptiest zone, one stopped in the fullest)
};

inline bool runs_primary(const ServiceState& s, const Task& t) {
  return t.task_definition == s.primary_task_definition && !t.forced_out;
}
/// Healthy / RUNNING tasks for which runs_primary holds (the new revision's, "green").
inline int primary_healthy(const ServiceState& s) {
  return s.healthy_by_revision[static_cast<std::size_t>(s.primary_task_definition)] - s.forced_out_healthy;
}
inline int primary_running(const ServiceState& s) {
  return s.running_by_revision[static_cast<std::size_t>(s.primary_task_definition)] - s.forced_out_running;
}

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
  int weight = 1;        ///< capacity units (WeightedCapacity of its type in its group)
  InstanceState state = InstanceState::kPending;
  bool in_service = true;  ///< counts toward the group's capacity (not draining/terminated)
  SimTime launched{}, active_at{}, terminated_at{};
  std::vector<std::uint32_t> task_slots;  ///< live tasks placed here
  int service_tasks = 0;                  ///< live non-daemon tasks
  std::vector<int> cached_images;         ///< task definitions whose image was pulled here
  EventId event = kNoEvent;
  EventId spot_event = kNoEvent;
  bool spot_warned = false;
  // Managed Instances: the scaleInAfter timer (reset by each task start and stop here), the
  // day-14 replacement, and whether this instance is draining to consolidate.
  EventId optimize_event = kNoEvent;
  EventId maintenance_event = kNoEvent;
  bool consolidating = false;
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
  int desired = 0;     ///< DesiredCapacity (unused by Managed Instances: ECS sizes them instance by instance)
  int in_service = 0;  ///< launching, booting or ACTIVE
  int in_service_units = 0;  ///< their capacity units (WeightedCapacity; = in_service without weights)
  // Kept in step as instances launch, leave service and gain or lose their last service task
  // (the invariant checker recounts them), so that launches and managed scaling do not scan.
  std::vector<int> in_service_per_zone;  ///< instances in service per zone (index: scenario zone; sized at start)
  int on_demand_units_in_service = 0;    ///< capacity units of On-Demand instances in service
  int in_service_with_tasks = 0;         ///< instances in service running at least one non-daemon task
  /// Ids of the instances in service running no non-daemon task, per zone (sized at start):
  /// Auto Scaling's scale-in picks among them without scanning the group.
  std::vector<std::set<std::uint32_t>> idle_in_service_per_zone;
  std::vector<std::uint32_t> members;  ///< instance ids not terminated, launch order
  int high_streak = 0, low_streak = 0; ///< consecutive breaching reservation datapoints
  double reservation = 0.0;            ///< last CapacityProviderReservation (percent)
  std::int64_t instances_launched = 0, instances_terminated = 0, spot_interruptions = 0;
  std::int64_t registrations_refused = 0;  ///< booted instances that found their cluster at its quota
  std::int64_t scaling_actions = 0;
  // Managed Instances: instances provisioned for waiting tasks, idle ones terminated, under-
  // used ones drained to consolidate, instances replaced for maintenance (day 14).
  std::int64_t provisioning_decisions = 0, idle_terminations = 0, consolidations = 0, maintenance_drains = 0;
  int consolidating = 0;               ///< instances draining to consolidate now
  EventId provision_event = kNoEvent;  ///< a ManagedInstancesProvision is queued
  double instance_cost_usd = 0.0;      ///< of terminated instances
  double management_fee_usd = 0.0;     ///< of terminated instances: the Managed Instances fee in instance_cost_usd
  LevelStats instance_stats;
  /// Tasks waiting for placement, one FIFO per (rules, task definition).
  struct WaitQueue {
    int rules = 0, task_definition = 0;
    std::deque<std::uint32_t> slots;
    /// The head task (id) that found no room at capacity_version; 0: none. Until capacity
    /// grows, trying it again would fail again.
    std::uint64_t failed_head = 0, failed_version = 0;
    bool listed = false;  ///< in `nonempty`
  };
  std::vector<WaitQueue> waiting;
  /// Indices of the queues that may hold tasks (listed at enqueue, dropped by the pump that
  /// finds them empty), so a pump visits what waits, not every queue ever made.
  std::vector<std::size_t> nonempty;
  /// Counts the events that can give a waiting task room: an instance registered, a task's
  /// resources released. Placing tasks, draining and removing instances only take room away.
  std::uint64_t capacity_version = 0;
  /// asg_reconcile is running: a call from inside it (an instance it takes out of service
  /// terminates, which reconciles again) only sets `reconcile_again`, and the running call
  /// goes round once more, instead of recursing once per instance of a large scale-in.
  bool reconciling = false, reconcile_again = false;
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
  int registered_instances = 0;                 ///< container instances ACTIVE or DRAINING
  std::deque<std::uint32_t> awaiting_registration;  ///< booted instances over the quota, in boot order
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
  // RunTask API calls (account.runTaskApiRate) and the caller's SDK retries (runTasks[].client)
  std::int64_t api_calls = 0;           ///< calls made (first attempts)
  std::int64_t throttled_attempts = 0;  ///< attempts refused with ThrottlingException
  std::int64_t retries = 0;             ///< attempts after the first
  std::int64_t calls_given_up = 0, tasks_given_up = 0;
  double retry_delay_seconds = 0.0, max_retry_delay_seconds = 0.0;  ///< backoff waited, summed and longest
  int retry_quota = 0;                  ///< the SDK client's retry quota now
  std::int64_t tasks_requested = 0;     ///< tasks asked for by calls (first attempts)
  std::int64_t tasks_retrying = 0;      ///< tasks of calls waiting for a retry
  std::int64_t resubmitted = 0;         ///< interrupted tasks run again (retry.attempts), in `submitted` too
};

}  // namespace ecsim
