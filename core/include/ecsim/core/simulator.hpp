// The simulator: one event loop over one simulated ECS account and region.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <chrono>

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
#include "ecsim/core/batch_groups.hpp"
#include "ecsim/core/capacity_provider.hpp"
#include "ecsim/core/cost_model.hpp"
#include "ecsim/core/ec2_fleet.hpp"
#include "ecsim/core/fargate_provider.hpp"
#include "ecsim/core/deployment.hpp"
#include "ecsim/core/event_loop.hpp"
#include "ecsim/core/events.hpp"
#include "ecsim/core/instance_placer.hpp"
#include "ecsim/core/invariants.hpp"
#include "ecsim/core/load_metrics.hpp"
#include "ecsim/core/load_source.hpp"
#include "ecsim/core/observer.hpp"
#include "ecsim/core/recorder.hpp"
#include "ecsim/core/service_scheduler.hpp"
#include "ecsim/core/task_lifecycle.hpp"
#include "ecsim/core/rng.hpp"
#include "ecsim/core/service_scaler.hpp"
#include "ecsim/core/state.hpp"
#include "ecsim/core/stats.hpp"
#include "ecsim/core/time.hpp"
#include "ecsim/core/token_bucket.hpp"
#include "ecsim/core/trace.hpp"
#include "ecsim/core/world.hpp"

namespace ecsim {

/// Simulates one scenario. Owns all state; several instances may run in one process.
class Simulator final {
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
  /// After an interrupt the run ends at the interrupted time, not at the horizon.
  void finish();
  /// An interrupt (SIGINT, a notebook's stop button): while `*flag` is true, run and run_until
  /// stop within kInterruptCheckEvents events, at an event boundary, and interrupted() is set.
  /// The flag is read, never written; it must outlive the run (null: no checks).
  void set_interrupt_flag(const std::atomic<bool>* flag) { interrupt_flag_ = flag; }
  bool interrupted() const { return interrupted_; }
  /// Why the run stopped early: empty for an interrupt, else the limit it reached
  /// (run.maxLiveTasks).
  const std::string& stop_reason() const { return stop_reason_; }
  /// run.memoryLimit in bytes as resolved for this run (0: none).
  std::uint64_t memory_limit() const { return memory_limit_; }
  static constexpr std::size_t kInterruptCheckEvents = 4096;
  /// run.memoryLimit is checked between chunks, at most this often in wall time.
  static constexpr std::chrono::milliseconds kMemoryCheckInterval{50};

  SimTime now() const { return loop_.now(); }
  SimTime horizon() const { return loop_.horizon(); }
  bool finished() const { return finished_; }
  std::uint64_t events_processed() const { return loop_.events_processed(); }
  std::uint64_t replication() const { return replication_; }
  const ScenarioConfig& config() const { return config_; }
  const std::vector<ServiceState>& services() const { return world_.services; }
  const std::vector<ProviderState>& providers() const { return world_.providers; }
  const std::vector<RunTaskGroupState>& run_task_groups() const { return world_.groups; }
  /// Container instances by id - 1 (terminated ones included).
  const std::vector<ContainerInstance>& instances() const { return world_.instances; }
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
  /// The bill by pricing model, Savings Plans applied hour by hour.
  Bill bill(SimTime until) const;
  /// Cost of an instance from launch to `until` (or its termination), 60 s minimum.
  double instance_cost(const ContainerInstance& instance, SimTime until) const;
  /// Of a Managed Instances provider's cost to `until`, the management fee.
  double management_fee(int provider, SimTime until) const;
  /// Instance cost not allocated to any task (capacity nobody reserved: booting, empty or
  /// idle instances, the 60-second minimum) of an Auto Scaling group provider, to `until`.
  double unallocated_cost(int provider, SimTime until) const;


  /// A service's load now, from each running task's own revision (capacity, CPU, memory).
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
    invariants_.set_full_every(full_every);
  }
  bool checks_invariants() const { return check_invariants_; }
  /// Runs every check now (also when checking is off).
  void check_invariants_now() const;

 private:
  using InstanceOptimize = events::InstanceOptimize;
  using InstanceMaintenance = events::InstanceMaintenance;
  using ManagedInstancesProvision = events::ManagedInstancesProvision;
  using ReconcileService = events::ReconcileService;
  using DeploymentTimer = events::DeploymentTimer;
  using ProviderWake = events::ProviderWake;
  using TaskStep = events::TaskStep;
  using SpotInterruption = events::SpotInterruption;
  using RunTaskArrival = events::RunTaskArrival;
  using RunTaskRetry = events::RunTaskRetry;
  using TimelineAction = events::TimelineAction;
  using SampleTick = events::SampleTick;
  using LoadChange = events::LoadChange;
  using MetricTick = events::MetricTick;
  using MetricPublish = events::MetricPublish;
  using ScheduledScaling = events::ScheduledScaling;
  using SpotCapacityRestored = events::SpotCapacityRestored;
  using InstanceStep = events::InstanceStep;
  using InstanceSpotInterruption = events::InstanceSpotInterruption;
  using ManagedScalingTick = events::ManagedScalingTick;
  using ClusterRoom = events::ClusterRoom;
  using AsgReconcile = events::AsgReconcile;

  void dispatch(const Event& e);
  void handle_event(const Event& e);
  void handle(const ReconcileService& e);
  void handle(const DeploymentTimer& e);
  void handle(const ProviderWake& e);
  void handle(const TaskStep& e);
  void handle(const SpotInterruption& e);
  void handle(const RunTaskArrival& e);
  void handle(const RunTaskRetry& e);
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
  void handle(const InstanceOptimize& e);
  void handle(const InstanceMaintenance& e);
  void handle(const ManagedInstancesProvision& e);

  ScenarioConfig config_;
  std::unique_ptr<CapacityPlacer> placer_;
  std::uint64_t replication_;
  bool finished_ = false;
  const std::atomic<bool>* interrupt_flag_ = nullptr;
  bool interrupted_ = false;
  std::string stop_reason_;
  bool over_live_task_limit();
  bool over_memory_limit();
  std::uint64_t memory_limit_ = 0;  ///< bytes; 0: none (the machine's memory is unknown)
  bool memory_checked_ = false;
  std::chrono::steady_clock::time_point last_memory_check_{};
  EventLoop<Event> loop_;
  Trace trace_;

  World world_;
  Recorder rec_;
  CostModel cost_;
#ifdef NDEBUG
  bool check_invariants_ = false;
#else
  bool check_invariants_ = true;
#endif
  InvariantChecker invariants_;
  ScalingDriver scaling_;
  ServiceScheduler services_;
  LoadMetrics load_;
  TaskLifecycle lifecycle_;
  // Capacity: one provider object per capacity provider; the EC2 fleet behind the groups
  std::unique_ptr<Ec2Fleet> fleet_;
  std::unique_ptr<ManagedScaling> managed_scaling_;
  std::unique_ptr<BatchGroups> batch_;
  std::vector<std::unique_ptr<CapacityProvider>> capacity_;
  void after_event();
};

}  // namespace ecsim
