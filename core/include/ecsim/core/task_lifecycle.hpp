// The task lifecycle: a task from PROVISIONING through PENDING, the image pull, container
// start, health checks and serving, to DEACTIVATING, STOPPING and STOPPED; Spot notices; the
// service failure accounting (restart back-off, the circuit breaker) when a task fails.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ecsim/core/capacity_placer.hpp"
#include "ecsim/core/capacity_provider.hpp"
#include "ecsim/core/cost_model.hpp"
#include "ecsim/core/ec2_fleet.hpp"
#include "ecsim/core/events.hpp"
#include "ecsim/core/load_metrics.hpp"
#include "ecsim/core/recorder.hpp"
#include "ecsim/core/rng.hpp"
#include "ecsim/core/service_scheduler.hpp"
#include "ecsim/core/world.hpp"

namespace ecsim {

/// Owns the task state machine. Capacity providers reach it through TaskControl, the service
/// scheduler through TaskLifecycleOps; it tells the scheduler about changes by requesting
/// reconciles (never by calling one).
class TaskLifecycle final : public TaskControl, public TaskLifecycleOps {
 public:
  using Providers = std::vector<std::unique_ptr<CapacityProvider>>;
  /// `capacity` and `fleet` are filled by the Simulator after construction (the providers
  /// need this object first).
  TaskLifecycle(World& w, ModelScheduler& sched, const Recorder& rec, CapacityPlacer& placer, const Providers& capacity,
                const std::unique_ptr<Ec2Fleet>& fleet, ServiceScheduler& services, LoadMetrics& load, const CostModel& cost,
                const RngStreams& streams)
      : w_(w), sched_(sched), rec_(rec), placer_(placer), capacity_(capacity), fleet_(fleet), services_(services), load_(load),
        cost_(cost), health_rng_(streams.stream("tasks/health")), latency_rng_(streams.stream("fargate/latency")),
        ec2_task_latency_rng_(streams.stream("ec2/task-latency")) {}

  void on(const events::TaskStep& e);
  void on(const events::SpotInterruption& e);

  // TaskLifecycleOps (the service scheduler and batch groups)
  std::uint32_t create_task(int service, int group, int attempt, std::uint32_t on_instance = 0) override;
  void stop_task(std::uint32_t slot, std::string_view reason, bool failed) override;
  bool reserve_daemon(std::uint32_t instance, int service, const TaskDemand& d) override { return fleet_->place_on(instance, service, d); }
  bool capped_per_cluster(int provider) const override { return capacity_[static_cast<std::size_t>(provider)]->capped_per_cluster(); }

  // TaskControl (capacity providers)
  void provisioning_started(std::uint32_t slot) override;
  void placed_on_instance(std::uint32_t slot) override;
  void interrupt_task(std::uint32_t slot, bool count_for_provider) override;
  void stop_for_host(std::uint32_t slot, const std::string& reason) override;
  void replace_for_host(std::uint32_t slot) override;
  void lost_with_host(std::uint32_t slot, const std::string& reason) override;
  void daemons_changed_now() override;
  void daemons_changed_later() override;

 private:
  std::uint32_t alloc_task();
  void pump(int provider);
  SimDuration task_jittered(const Task& t, SimDuration d);
  void schedule_step(std::uint32_t slot, SimDuration after);
  void set_state(Task& t, TaskState s);
  void advance(std::uint32_t slot);
  void become_healthy(std::uint32_t slot);
  void drop_healthy(Task& t);
  void lose_work(Task& t);
  void interrupt(std::uint32_t slot, bool count_for_provider = true);
  void uncount(Task& t);
  void finalize_stop(std::uint32_t slot);
  SimDuration pull_time(const Task& t) const { return capacity_[static_cast<std::size_t>(t.provider)]->pull_time(t); }

  World& w_;
  ModelScheduler& sched_;
  const Recorder& rec_;
  CapacityPlacer& placer_;
  const Providers& capacity_;
  const std::unique_ptr<Ec2Fleet>& fleet_;
  ServiceScheduler& services_;
  LoadMetrics& load_;
  const CostModel& cost_;
  Rng health_rng_;            ///< tasks/health: which tasks of a flaky revision fail their checks
  Rng latency_rng_;           ///< fargate/latency
  Rng ec2_task_latency_rng_;  ///< ec2/task-latency
};

}  // namespace ecsim
