// FARGATE and FARGATE_SPOT capacity.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/fargate_provider.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ecsim {

FargateProvider::FargateProvider(int provider, World& w, ModelScheduler& sched, TaskControl& tasks, const RngStreams& streams)
    : provider_(provider),
      w_(w),
      sched_(sched),
      tasks_(tasks),
      spot_rng_(streams.stream("fargate-spot/interruptions")),
      reclaim_rng_(streams.stream("fargate-spot/reclaim")) {
  const auto& acc = w_.config.account;
  const TokenBucketConfig& bucket = spot() ? acc.fargate_spot_launch : acc.fargate_launch;
  state().launch_tokens = TokenBucket(bucket.burst, bucket.per_second);
  state().vcpu_quota = spot() ? acc.fargate_spot_vcpu_quota : acc.fargate_vcpu_quota;
}

void FargateProvider::enqueue(std::uint32_t slot) { state().waiting.push_back(slot); }

void FargateProvider::pump() {
  auto& p = state();
  if (!p.available) return;  // tasks wait in PROVISIONING until capacity returns
  const SimTime now = sched_.now();
  while (!p.waiting.empty()) {
    const std::uint32_t slot = p.waiting.front();
    Task& t = w_.tasks[slot];
    if (t.phase != TaskPhase::kWaitingForCapacity || t.state == TaskState::kStopped) {
      p.waiting.pop_front();  // stopped while it waited
      continue;
    }
    // Head-of-line: quota room first (no event wakes us for that: a stop calls pump), then a token.
    if (p.vcpu_quota && p.vcpu_in_use + w_.vcpus(t) > *p.vcpu_quota + 1e-9) return;
    if (!p.launch_tokens.try_take(now)) {
      if (p.wake_event == kNoEvent) p.wake_event = sched_.at(p.launch_tokens.next_available(now), events::ProviderWake{provider_});
      return;
    }
    p.waiting.pop_front();
    t.has_launched = true;
    t.launched = now;
    p.vcpu_in_use += w_.vcpus(t);
    ++p.tasks_launched;
    tasks_.provisioning_started(slot);
  }
}

// Fargate Spot: an exponential time to interruption at timings.spot.interruptionsPerTaskHour.
void FargateProvider::on_task_running(std::uint32_t slot) {
  const double per_hour = w_.config.timings.spot.interruptions_per_task_hour;
  if (!spot() || per_hour <= 0) return;
  Task& t = w_.tasks[slot];
  const double hours = spot_rng_.exponential(1.0 / per_hour);
  t.spot_event = sched_.at(sched_.now() + seconds(hours * 3600.0), events::SpotInterruption{slot, t.id});
}

void FargateProvider::on_task_stopped(std::uint32_t slot) {
  const Task& t = w_.tasks[slot];
  if (t.has_launched) state().vcpu_in_use -= w_.vcpus(t);
}

SimDuration FargateProvider::pull_time(const Task& t) const {
  const auto& td = w_.config.task_definitions[static_cast<std::size_t>(t.task_definition)];
  return seconds(td.image_size_mib / w_.config.timings.fargate.pull_mib_per_second);
}

// Candidates in id order, then a seeded partial shuffle picks round(fraction * n).
void FargateProvider::reclaim_spot(double fraction) {
  std::vector<std::uint32_t> running;
  for (std::uint32_t slot = 0; slot < w_.tasks.size(); ++slot) {
    const Task& t = w_.tasks[slot];
    if (t.id != 0 && t.provider == provider_ && t.state == TaskState::kRunning && t.counts_toward_desired) running.push_back(slot);
  }
  std::sort(running.begin(), running.end(), [&](std::uint32_t x, std::uint32_t y) { return w_.tasks[x].id < w_.tasks[y].id; });
  const auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(running.size())));
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = i + reclaim_rng_.uniform_index(running.size() - i);
    std::swap(running[i], running[j]);
  }
  // Interrupt in id order. Slot indices stay valid while replacements are created (only a
  // STOPPED task frees its slot, and none stops here).
  running.resize(k);
  std::sort(running.begin(), running.end(), [&](std::uint32_t x, std::uint32_t y) { return w_.tasks[x].id < w_.tasks[y].id; });
  for (auto slot : running) tasks_.interrupt_task(slot, /*count_for_provider=*/true);
}

void FargateProvider::set_spot_capacity(bool available, std::optional<SimDuration> duration) {
  auto& p = state();
  if (p.restore_event != kNoEvent) {
    sched_.cancel(p.restore_event);
    p.restore_event = kNoEvent;
  }
  p.available = available;
  if (!available && duration) p.restore_event = sched_.at(sched_.now() + *duration, events::SpotCapacityRestored{provider_});
  if (available) pump();
}

void FargateProvider::on_spot_capacity_restored() {
  auto& p = state();
  p.restore_event = kNoEvent;
  p.available = true;
  pump();
}

}  // namespace ecsim
