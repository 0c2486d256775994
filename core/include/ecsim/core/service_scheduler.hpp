// The ECS service scheduler: brings each service's tasks to its desired count.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ecsim/core/capacity_placer.hpp"
#include "ecsim/core/deployment.hpp"
#include "ecsim/core/events.hpp"
#include "ecsim/core/load_metrics.hpp"
#include "ecsim/core/recorder.hpp"
#include "ecsim/core/world.hpp"

namespace ecsim {

/// What the service scheduler may do to tasks. Implemented by the task lifecycle.
class TaskLifecycleOps {
 public:
  virtual ~TaskLifecycleOps() = default;
  /// A new task of the service's primary revision (or a batch group's); `on_instance` != 0:
  /// a DAEMON task pinned to that instance (its resources already reserved). Returns its slot.
  virtual std::uint32_t create_task(int service, int group, int attempt, std::uint32_t on_instance = 0) = 0;
  virtual void stop_task(std::uint32_t slot, std::string_view reason, bool failed) = 0;
  /// Reserves a DAEMON task's resources on an instance; false if they do not fit.
  virtual bool reserve_daemon(std::uint32_t instance, int service, const TaskDemand& d) = 0;
  /// The account's PROVISIONING-tasks-per-cluster cap applies to this capacity provider.
  virtual bool capped_per_cluster(int provider) const = 0;
};

/// Reconciles are requested, never called from inside another component's work: whatever
/// changed a service marks it, and flush() (the loop, after each event) reconciles the marked
/// services in marking order until none is left. It hands deployments to its strategy.
class ServiceScheduler final : public ServiceOps, public DesiredCount, public AlarmSink {
 public:
  /// `load` is only kept (it may not be constructed yet). Each service gets its strategy and
  /// its zones from the configuration here.
  ServiceScheduler(World& w, ModelScheduler& sched, const Recorder& rec, CapacityPlacer& placer, TaskLifecycleOps& tasks,
                   LoadMetrics& load);

  void set_desired(int service, int desired, const char* why) override;
  void request_reconcile(int service);
  /// A reconcile at `at` (the earliest asked for wins).
  void schedule_reconcile(int service, SimTime at);
  void flush();
  void on(const events::ReconcileService& e);
  void on(const events::DeploymentTimer& e);
  /// Brings the latest deployment's meters (tasks above desired, peak tasks) up to now; call
  /// before a change of the service's billed task count or desired count.
  void meter(int service);
  void start_deployment(int service, int task_definition, bool is_rollback, bool force = false);
  /// Room under a cluster's PROVISIONING cap: the services it blocked reconcile now.
  void on_cluster_room(int cluster);

  // ServiceOps (the deployment strategy's view)
  const ServiceState& service(int service) const override { return w_.services[static_cast<std::size_t>(service)]; }
  const ServiceConfig& service_config(int service) const override { return w_.config.services[static_cast<std::size_t>(service)]; }
  const Task& task(std::uint32_t slot) const override { return w_.tasks[slot]; }
  std::string task_definition_key(int task_definition) const override {
    return w_.config.task_definitions[static_cast<std::size_t>(task_definition)].key();
  }
  void stop(std::uint32_t slot, const std::string& reason) override;
  bool backing_off(int service) override;
  bool start_task(int service) override;
  bool is_protected(std::uint32_t slot) const override { return sched_.now() < w_.tasks[slot].protected_until; }
  SimTime now() const override { return sched_.now(); }
  Deployment& deployment(int service) override { return w_.services[static_cast<std::size_t>(service)].deployments.back(); }
  void set_primary_traffic(int service, int tenths) override;
  void set_timer(int service, SimTime at, int generation, int hook) override;
  void note(int service, RecordKind kind, std::string detail) override;
  void fail_deployment(int service, const std::string& why, bool rollback) override {
    fail_deployment(service, why, rollback, "reason=" + why);
  }
  /// The same, with the SERVICE_DEPLOYMENT_FAILED event's detail after the task definition.
  void fail_deployment(int service, const std::string& why, bool rollback, const std::string& detail);
  /// A scenario alarm is in ALARM: a deployment in progress that watches it fails (deployment alarms).
  void on_alarm(int alarm) override;
  /// The service's deployment strategy.
  DeploymentStrategy& strategy(int service) { return *strategy_[static_cast<std::size_t>(service)]; }
  /// UpdateTaskProtection (timeline).
  void update_task_protection(const UpdateTaskProtectionAction& a);

 private:
  void reconcile(int service);
  void scale_in(int service);
  void reconcile_daemon(int service);
  bool creation_blocked(int service);
  void check_deployment(int service);
  void check_steady(int service);
  /// Availability zone rebalancing, once the service is steady: false when it holds the
  /// reconcile (an extra task on its way).
  bool rebalance(int service);
  /// The zones a service's tasks may run in (its subnets', its groups').
  const std::vector<int>& service_zones(int service) const { return zones_[static_cast<std::size_t>(service)]; }

  World& w_;
  ModelScheduler& sched_;
  const Recorder& rec_;
  CapacityPlacer& placer_;
  TaskLifecycleOps& tasks_;
  LoadMetrics& load_;
  /// Per service: its strategy (strategies keep their state in the deployment record) and its zones.
  std::vector<std::unique_ptr<DeploymentStrategy>> strategy_;
  std::vector<std::vector<int>> zones_;
  std::deque<int> dirty_;                         ///< services whose reconcile is requested, in request order
};

}  // namespace ecsim
