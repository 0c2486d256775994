// EC2 capacity: the Auto Scaling groups behind capacity providers, their container instances'
// lifecycle (launch, boot, registration, draining, Spot notices, termination), and task
// placement on instances through the placement index (one index shared by every group).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>

#include "ecsim/core/capacity_provider.hpp"
#include "ecsim/core/cost_model.hpp"
#include "ecsim/core/events.hpp"
#include "ecsim/core/instance_placer.hpp"
#include "ecsim/core/recorder.hpp"
#include "ecsim/core/rng.hpp"
#include "ecsim/core/world.hpp"

namespace ecsim {

class Ec2Fleet {
 public:
  /// Sets each group's initial desired capacity; `placer` may be null when there is no group.
  Ec2Fleet(World& w, ModelScheduler& sched, const Recorder& rec, const CostModel& cost, TaskControl& tasks,
           std::unique_ptr<InstancePlacer> placer, const RngStreams& streams);

  /// Brings a group to its desired capacity (launch, or take out of service: drained first
  /// with managed draining; with managed termination protection only idle instances go).
  void asg_reconcile(int provider);
  void on(const events::InstanceStep& e);
  void on(const events::InstanceSpotInterruption& e);
  /// Managed Instances: scaleInAfter ran out (idle: terminate; underused: consolidate).
  void on(const events::InstanceOptimize& e);
  /// Managed Instances: the instance reached its replacement age.
  void on(const events::InstanceMaintenance& e);
  /// Managed Instances: launches instances for the tasks no instance has room for.
  void on(const events::ManagedInstancesProvision& e);
  /// Places the group's waiting tasks, queues in order of their oldest task.
  void pump(int provider);
  /// The task got its resources on `instance`: reservations, cost marks, then PENDING.
  void start_on_instance(std::uint32_t slot, std::uint32_t instance);
  /// Reserves a DAEMON task's resources on an instance; false if they do not fit.
  bool place_on(std::uint32_t instance, int service, const TaskDemand& d) { return placer_->place_on(instance, service, d); }
  /// A task on an instance stopped: its reservations go, a draining instance may terminate.
  void on_task_stopped(std::uint32_t slot);
  SimDuration pull_time(const Task& t) const;
  void on_image_pulled(const Task& t);
  /// Timeline spotInterruptions on a group: round(fraction x n) of its Spot instances in service.
  void reclaim_spot(int provider, double fraction);

 private:
  void asg_reconcile_once(int provider);
  void launch_instance(int provider);
  int least_used_zone(int provider) const;
  /// Launches one instance of `type` (index into the group's instance types) in `zone`.
  void launch(int provider, std::size_t pick, int zone, bool spot);
  bool managed_instances(int provider) const { return w_.config.asg(provider).managed_instances.has_value(); }
  // Managed Instances (managed_instances.cpp)
  void mi_provision(int provider);
  /// Starts (or restarts) the instance's scaleInAfter timer.
  void mi_arm_optimize(ContainerInstance& in);
  /// Whether the instance's tasks would all fit in the room the provider's other instances have.
  bool mi_fits_elsewhere(const ContainerInstance& in) const;
  int mi_task_enis(const InstanceTypeConfig& type, int provider) const;
  void activate_instance(std::uint32_t id);
  /// A booted instance registers, or waits while its cluster is at its instance quota.
  void register_instance(std::uint32_t id);
  /// Registers instances waiting on the quota while the cluster has room.
  void admit_awaiting_registration(int cluster);
  void begin_instance_exit(std::uint32_t id, bool drain, const std::string& why);
  void terminate_instance(std::uint32_t id, const std::string& why);
  void take_out_of_service(ContainerInstance& in, AsgState& a);
  SimDuration instance_jittered(SimDuration d);

  World& w_;
  ModelScheduler& sched_;
  const Recorder& rec_;
  const CostModel& cost_;
  TaskControl& tasks_;
  std::unique_ptr<InstancePlacer> placer_;
  std::vector<std::pair<std::uint64_t, std::size_t>> pump_order_;  // pump's scratch: (head task id, queue)
  int pump_depth_ = 0;
  Rng placement_rng_;         ///< ec2/placement
  Rng instance_spot_rng_;     ///< ec2/spot-interruptions
  Rng instance_latency_rng_;  ///< ec2/instance-latency
  Rng reclaim_rng_;           ///< ec2/spot-reclaim
};

/// One Auto Scaling group capacity provider: its tasks wait in one FIFO per (placement rules,
/// task definition) and are placed by the fleet.
class AsgProvider final : public CapacityProvider {
 public:
  AsgProvider(int provider, World& w, Ec2Fleet& fleet) : provider_(provider), w_(w), fleet_(fleet) {}
  bool capped_per_cluster() const override { return true; }
  void enqueue(std::uint32_t slot) override;
  void pump() override { fleet_.pump(provider_); }
  void on_task_stopped(std::uint32_t slot) override { fleet_.on_task_stopped(slot); }
  SimDuration pull_time(const Task& t) const override { return fleet_.pull_time(t); }
  void on_image_pulled(const Task& t) override { fleet_.on_image_pulled(t); }
  void reclaim_spot(double fraction) override { fleet_.reclaim_spot(provider_, fraction); }
  void set_spot_capacity(bool, std::optional<SimDuration>) override;
  void on_spot_capacity_restored() override {}

 private:
  int provider_;
  World& w_;
  Ec2Fleet& fleet_;
};

/// Cluster auto scaling (managed scaling), once a minute per group: CapacityProviderReservation
/// tracked to targetCapacity by a high alarm (1 of 1) and a low alarm (15 of 15).
class ManagedScaling {
 public:
  ManagedScaling(World& w, ModelScheduler& sched, const Recorder& rec, Ec2Fleet& fleet)
      : w_(w), sched_(sched), rec_(rec), fleet_(fleet) {}
  void on(const events::ManagedScalingTick& e);

 private:
  World& w_;
  ModelScheduler& sched_;
  const Recorder& rec_;
  Ec2Fleet& fleet_;
};

}  // namespace ecsim
