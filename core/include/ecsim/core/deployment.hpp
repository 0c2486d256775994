// Deployments: the strategy that replaces one revision's tasks with another's, and the
// deployment circuit breaker. A strategy reaches the service only through ServiceOps.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/core/observer.hpp"
#include "ecsim/core/state.hpp"

namespace ecsim {

/// What a deployment strategy may do to the service it deploys. Implemented by the service
/// scheduler; a strategy never reaches into other state.
class ServiceOps {
 public:
  virtual ~ServiceOps() = default;
  virtual const ServiceState& service(int service) const = 0;
  virtual const ServiceConfig& service_config(int service) const = 0;
  virtual const Task& task(std::uint32_t slot) const = 0;
  /// The key ("family:revision") of a task definition, for stop reasons.
  virtual std::string task_definition_key(int task_definition) const = 0;
  /// Stops a task (SIGTERM, deregistration first when load balanced); it stops counting now.
  virtual void stop(std::uint32_t slot, const std::string& reason) = 0;
  /// The scheduler's restart back-off is running: a reconcile is scheduled for its end.
  virtual bool backing_off(int service) = 0;
  /// Starts one task of the primary revision if the cluster cap and the launch pace allow;
  /// otherwise arranges a later reconcile and returns false.
  virtual bool start_task(int service) = 0;
  /// Task scale-in protection holds the task now: a deployment leaves it running.
  virtual bool is_protected(std::uint32_t slot) const = 0;

  // --- what the traffic-shifting strategies (BLUE_GREEN, LINEAR, CANARY) also need
  virtual SimTime now() const = 0;
  /// The service's latest deployment, to keep its stage.
  virtual Deployment& deployment(int service) = 0;
  /// Production traffic to the primary revision, tenths of a percent (-1: one target group);
  /// the service's load is integrated up to now first.
  virtual void set_primary_traffic(int service, int tenths) = 0;
  /// A DeploymentTimer for the latest deployment at `at` (hook -1: the stage's own wait).
  virtual void set_timer(int service, SimTime at, int generation, int hook) = 0;
  /// A line of the event log about the service.
  virtual void note(int service, RecordKind kind, std::string detail) = 0;
  /// Fails the latest deployment for `why`; with `rollback`, a rollback deployment follows.
  virtual void fail_deployment(int service, const std::string& why, bool rollback) = 0;
};

/// A way of replacing the tasks of other revisions with the primary revision's. step() runs
/// inside the service's reconcile while tasks of other revisions still count toward the
/// desired count; `halted` is a deployment the circuit breaker failed without rollback (it
/// starts no more tasks).
class DeploymentStrategy {
 public:
  virtual ~DeploymentStrategy() = default;
  virtual std::string_view name() const = 0;
  virtual void step(int service, int old_counted, bool halted, ServiceOps& ops) = 0;
  /// The service's latest deployment has just begun with this strategy.
  virtual void start(int service, ServiceOps& ops) { (void)service, (void)ops; }
  /// A timer the strategy set for the latest deployment ran out (stale ones are not passed).
  virtual void on_timer(int service, int hook, ServiceOps& ops) { (void)service, (void)hook, (void)ops; }
  /// The deployment may be marked COMPLETED once the service is steady on the new revision.
  virtual bool may_complete(const Deployment& d) const { (void)d; return true; }
  /// The most tasks it may count toward the desired count at once (conformance suite).
  virtual int ceiling(const ServiceConfig& sc, int desired) const { return std::max(desired * sc.maximum_percent / 100, 1); }
  /// The fewest healthy tasks it keeps while it deploys (conformance suite).
  virtual int floor(const ServiceConfig& sc, int desired) const { return (desired * sc.minimum_healthy_percent + 99) / 100; }
};

/// ECS blue/green, linear and canary deployments (deploymentConfiguration.strategy), and
/// CodeDeploy's predefined ECS configurations run on the same stages: the new (green)
/// revision scales to the full desired count beside the old (blue) tasks, production traffic
/// moves to it in the strategy's steps with lifecycle hooks around each stage, both run for
/// the bake time, then the old tasks stop. A rollback before that moves the traffic back.
class TrafficShift final : public DeploymentStrategy {
 public:
  explicit TrafficShift(std::string_view name) : name_(name) {}
  std::string_view name() const override { return name_; }
  void step(int service, int old_counted, bool halted, ServiceOps& ops) override;
  void start(int service, ServiceOps& ops) override;
  void on_timer(int service, int hook, ServiceOps& ops) override;
  bool may_complete(const Deployment& d) const override {
    return d.stage == Deployment::Stage::kCleanUp || d.stage == Deployment::Stage::kNone;
  }
  int ceiling(const ServiceConfig& sc, int desired) const override { (void)sc; return 2 * std::max(desired, 1); }
  int floor(const ServiceConfig& sc, int desired) const override { (void)sc; return desired; }

 private:
  /// Enters `stage` and goes on through every stage that has nothing to wait for.
  void enter(int service, Deployment::Stage stage, ServiceOps& ops);
  /// The stage after the current one.
  Deployment::Stage next(const Deployment& d, const ServiceConfig& sc) const;
  /// Starts the hooks of `stage`; false when it has none.
  bool run_hooks(int service, LifecycleStage stage, ServiceOps& ops);
  std::string_view name_;
};

/// ECS rolling update: never fewer than ceil(D x minimumHealthyPercent / 100) healthy tasks,
/// never more than floor(D x maximumPercent / 100) counted (RUNNING or on the way). Old
/// tasks go newest first: unhealthy ones freely, healthy ones while the floor allows.
class RollingUpdate final : public DeploymentStrategy {
 public:
  std::string_view name() const override { return "ROLLING"; }
  void step(int service, int old_counted, bool halted, ServiceOps& ops) override;
};

/// The deployment strategies ecsim models, by deploymentConfiguration.strategy name (the
/// loader refuses the others). One entry per strategy; the conformance suite runs each.
struct DeploymentStrategyKind {
  std::string_view name;
  std::unique_ptr<DeploymentStrategy> (*make)();
};
const std::vector<DeploymentStrategyKind>& deployment_strategies();
std::unique_ptr<DeploymentStrategy> make_deployment_strategy(std::string_view name);

/// The deployment circuit breaker (DeploymentCircuitBreaker): failed tasks of the new
/// revision are counted against a threshold; resetOnHealthyTask (default true) resets the
/// count when a task of the new revision turns healthy. Pure functions of a deployment record.
namespace circuit_breaker {
/// thresholdConfiguration: COUNT value; UNBOUNDED_PERCENT ceil(value% x desired);
/// BOUNDED_PERCENT (default, value 50) ceil(value% x desired) clamped to [3, 200].
int threshold(const ServiceConfig& sc, const ServiceTimings& st, int desired);
/// A task of the deployment's revision failed: counts it; true when the breaker trips now.
bool on_task_failed(Deployment& d, const ServiceConfig& sc, int threshold);
/// A task of the deployment's revision turned healthy.
void on_task_healthy(Deployment& d, const ServiceConfig& sc);
}  // namespace circuit_breaker

}  // namespace ecsim
