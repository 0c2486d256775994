// Observers: read-only listeners for the event log, samples and the end of a run.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "ecsim/core/time.hpp"

namespace ecsim {

class Simulator;
struct Task;

/// What happened, as written to events.csv's `kind` column.
enum class RecordKind {
  kServiceDesiredCountUpdated,
  kServiceSteadyState,
  kServiceTaskStartImpaired,
  kRunTaskSubmitted,
  kRunTaskThrottled,
  kTaskProvisioning,
  kTaskPending,
  kTaskRunning,
  kTaskHealthy,
  kTaskDeactivating,
  kTaskStopping,
  kTaskStopped,
  kSpotInterruptionWarning,
  kScalingActivity,
  kDeploymentInProgress,
  kDeploymentCompleted,
  kDeploymentFailed,
  kTaskPlacementFailed,
  kInstanceLaunched,
  kInstanceActive,
  kInstanceRegistrationFailed,
  kInstanceDraining,
  kInstanceTerminated,
  kInstanceSpotInterruptionWarning,
  kManagedScaling,
  kPredictiveForecast,
  kTaskProtection,
  kDeploymentStage,       ///< a blue/green, linear or canary deployment enters a lifecycle stage
  kTrafficShifted,        ///< production traffic moved between the revisions
  kLifecycleHook,         ///< a lifecycle hook answered (or timed out)
  kAlarmState,            ///< a scenario CloudWatch alarm changed state
  kRebalancingStarted,    ///< availability zone rebalancing found the service's zones uneven
  kRebalancingCompleted,  ///< ... and made them even
};

/// The events.csv spelling of a kind (ECS-style upper snake case).
const char* record_kind_name(RecordKind kind);

/// One row of the event log. `service` and `group` are -1 when not applicable;
/// `task` is 0 when the record is not about a task.
struct Record {
  SimTime time;
  RecordKind kind;
  int service = -1;      ///< service index, or -1
  int group = -1;        ///< runTasks group index, or -1
  std::uint64_t task = 0;
  std::string detail;
  std::uint32_t instance = 0;      ///< EC2 container instance id, or 0
  const Task* task_ref = nullptr;  ///< the task, valid only during the callback
  /// The detail is the task's own (kinds TASK_PROVISIONING, TASK_PENDING, TASK_STOPPED,
  /// RUN_TASK_SUBMITTED) and `detail` is empty: read it with record_detail(), which
  /// formats it from `task_ref` only when someone writes it.
  bool detail_from_task = false;
};

/// Observers read simulator state and never mutate it.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_record(const Simulator& /*sim*/, const Record& /*record*/) {}
  /// Called at t = 0, run.sample, 2*run.sample, ... up to the horizon.
  virtual void on_sample(const Simulator& /*sim*/, SimTime /*now*/) {}
  virtual void on_run_end(const Simulator& /*sim*/) {}
};

}  // namespace ecsim
