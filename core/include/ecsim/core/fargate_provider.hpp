// FARGATE and FARGATE_SPOT: launch token buckets, the account's vCPU quota, Spot interruptions
// and Spot capacity what-ifs.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ecsim/core/capacity_provider.hpp"
#include "ecsim/core/events.hpp"
#include "ecsim/core/rng.hpp"
#include "ecsim/core/world.hpp"

namespace ecsim {

class FargateProvider final : public CapacityProvider {
 public:
  /// `provider` is ProviderKind::kFargate or kFargateSpot. Sets the provider's bucket and quota.
  FargateProvider(int provider, World& w, ModelScheduler& sched, TaskControl& tasks, const RngStreams& streams);
  bool capped_per_cluster() const override { return false; }
  void enqueue(std::uint32_t slot) override;
  void pump() override;
  void on_task_running(std::uint32_t slot) override;
  void on_task_stopped(std::uint32_t slot) override;
  SimDuration pull_time(const Task& t) const override;
  void reclaim_spot(double fraction) override;
  void set_spot_capacity(bool available, std::optional<SimDuration> duration) override;
  void on_spot_capacity_restored() override;

 private:
  bool spot() const { return provider_ == static_cast<int>(ProviderKind::kFargateSpot); }
  ProviderState& state() { return w_.providers[static_cast<std::size_t>(provider_)]; }
  int provider_;
  World& w_;
  ModelScheduler& sched_;
  TaskControl& tasks_;
  Rng spot_rng_;     ///< fargate-spot/interruptions: when each Spot task is interrupted
  Rng reclaim_rng_;  ///< fargate-spot/reclaim: which tasks a timeline reclaim picks
};

}  // namespace ecsim
