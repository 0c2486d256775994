// The capacity provider seam: where a task waits for capacity and how it gets it. FARGATE and
// FARGATE_SPOT (FargateProvider) and Auto Scaling groups (AsgProvider over the Ec2Fleet)
// implement it; the task lifecycle and the service scheduler see only this interface.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ecsim/core/state.hpp"
#include "ecsim/core/time.hpp"

namespace ecsim {

/// What a capacity provider may do to tasks. Implemented by the task lifecycle.
class TaskControl {
 public:
  virtual ~TaskControl() = default;
  /// Fargate granted capacity: the task starts provisioning (its timer is set).
  virtual void provisioning_started(std::uint32_t slot) = 0;
  /// EC2 placed the task on `task.instance`: PENDING now, then ENI attach or the image pull.
  virtual void placed_on_instance(std::uint32_t slot) = 0;
  /// A Spot notice for the task (its host or its Fargate Spot capacity is reclaimed).
  virtual void interrupt_task(std::uint32_t slot, bool count_for_provider) = 0;
  /// The host drains: the task is stopped (not failed) and replaced elsewhere.
  virtual void stop_for_host(std::uint32_t slot, const std::string& reason) = 0;
  /// The host drains with start-before-stop (Managed Instances): a service task is replaced
  /// within the service's minimumHealthyPercent and maximumPercent, as a forced new
  /// deployment replaces it; a standalone task keeps running.
  virtual void replace_for_host(std::uint32_t slot) = 0;
  /// The host is gone: the task dies with it now.
  virtual void lost_with_host(std::uint32_t slot, const std::string& reason) = 0;
  /// A container instance registered: DAEMON services reconcile once this event is handled.
  virtual void daemons_changed_now() = 0;
  /// A container instance went away: DAEMON services reconcile in a zero-delay event.
  virtual void daemons_changed_later() = 0;
};

/// One capacity provider of the scenario (index into ScenarioConfig providers).
class CapacityProvider {
 public:
  virtual ~CapacityProvider() = default;
  /// The account's PROVISIONING-tasks-per-cluster cap applies (Auto Scaling groups).
  virtual bool capped_per_cluster() const = 0;
  /// The task waits in PROVISIONING for capacity (FIFO as the provider defines it).
  virtual void enqueue(std::uint32_t slot) = 0;
  /// Grants what fits now: Fargate launches under tokens and quota, EC2 places on instances.
  virtual void pump() = 0;
  /// The task reached RUNNING (Fargate Spot starts its interruption clock).
  virtual void on_task_running(std::uint32_t /*slot*/) {}
  /// The task is STOPPED: quota, reservations and draining are updated (before its slot is freed).
  virtual void on_task_stopped(std::uint32_t slot) = 0;
  /// How long the task's image pull takes here.
  virtual SimDuration pull_time(const Task& t) const = 0;
  /// The task's image is on its host now (EC2 caches it per instance).
  virtual void on_image_pulled(const Task& /*t*/) {}
  /// Timeline spotInterruptions: reclaims round(fraction x n) of this provider's Spot capacity.
  virtual void reclaim_spot(double fraction) = 0;
  /// Timeline spotCapacity (FARGATE_SPOT): new tasks wait while capacity is unavailable.
  virtual void set_spot_capacity(bool available, std::optional<SimDuration> duration) = 0;
  /// SpotCapacityRestored: the unavailability's `for` ran out.
  virtual void on_spot_capacity_restored() = 0;
};

}  // namespace ecsim
