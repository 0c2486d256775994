// Deployments: the strategy that replaces one revision's tasks with another's, and the
// deployment circuit breaker. A strategy reaches the service only through ServiceOps.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ecsim/core/config.hpp"
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
