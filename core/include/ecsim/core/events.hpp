// The closed set of event types of the ECS model, grouped by the component that handles them.
// The kernel orders them by (time, seq); the Simulator dispatches each to its owner.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <variant>

#include "ecsim/core/event_loop.hpp"

namespace ecsim::events {

// service scheduler
struct ReconcileService { int service; };
/// A blue/green, linear or canary deployment's wait ran out (hook -1) or a hook answered;
/// stale when the service's latest deployment or its stage generation moved on.
struct DeploymentTimer { int service; int deployment; int generation; int hook; };
// task lifecycle
struct TaskStep { std::uint32_t slot; std::uint64_t id; };
// Fargate capacity providers
struct ProviderWake { int provider; };  ///< launch tokens refilled (also: a batch of instances registered)
struct SpotInterruption { std::uint32_t slot; std::uint64_t id; };
struct SpotCapacityRestored { int provider; };
// Auto Scaling group capacity providers and managed scaling
struct InstanceStep { std::uint32_t id; };
struct InstanceSpotInterruption { std::uint32_t id; };
struct ManagedScalingTick { int provider; };
struct InstanceOptimize { std::uint32_t id; };     ///< Managed Instances: scaleInAfter ran out on an instance
struct InstanceMaintenance { std::uint32_t id; };  ///< Managed Instances: the instance is due for replacement
struct ManagedInstancesProvision { int provider; };  ///< Managed Instances: launch for what waits
struct AsgReconcile { int provider; };
struct ClusterRoom { int cluster; };
// batch groups, timeline
struct RunTaskArrival { int group; };
struct RunTaskRetry { std::uint32_t call; };  ///< a throttled RunTask call tried again
struct TimelineAction { int index; };
// load, metrics, auto scaling, outputs
struct SampleTick {};
struct LoadChange { int service; };
struct MetricTick { bool high_resolution = false; };     ///< datapoints of the services at that resolution
struct MetricPublish { bool high_resolution = false; };
struct ScheduledScaling { int service; };

using Event = std::variant<ReconcileService, ProviderWake, TaskStep, SpotInterruption, RunTaskArrival,
                           TimelineAction, SampleTick, LoadChange, MetricTick, MetricPublish, ScheduledScaling,
                           SpotCapacityRestored, InstanceStep, InstanceSpotInterruption, ManagedScalingTick, ClusterRoom,
                           AsgReconcile, RunTaskRetry, InstanceOptimize, InstanceMaintenance,
                           ManagedInstancesProvision, DeploymentTimer>;

}  // namespace ecsim::events

namespace ecsim {
using Event = events::Event;
/// Components hold the concrete loop: EventLoop is final, so its at/now/cancel inline into
/// the hot paths (through Scheduler& they were virtual calls, ~7 % of the reference week).
using ModelScheduler = EventLoop<events::Event>;
}  // namespace ecsim
