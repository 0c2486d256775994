// Names of the entity states as ECS spells them (events.csv, tasks.csv, summary.json).
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/state.hpp"

namespace ecsim {

const char* instance_state_name(InstanceState s) {
  switch (s) {
    case InstanceState::kPending: return "PENDING";
    case InstanceState::kBooting: return "REGISTERING";
    case InstanceState::kActive: return "ACTIVE";
    case InstanceState::kDraining: return "DRAINING";
    case InstanceState::kTerminated: return "TERMINATED";
  }
  return "?";
}

const char* rollout_name(Deployment::Rollout r) {
  switch (r) {
    case Deployment::Rollout::kInProgress: return "IN_PROGRESS";
    case Deployment::Rollout::kCompleted: return "COMPLETED";
    case Deployment::Rollout::kFailed: return "FAILED";
  }
  return "?";
}

const char* deployment_stage_name(Deployment::Stage s) {
  using S = Deployment::Stage;
  switch (s) {
    case S::kNone: return "";
    case S::kReconcileService: return "RECONCILE_SERVICE";
    case S::kPreScaleUp: return "PRE_SCALE_UP";
    case S::kScaleUp: return "SCALE_UP";
    case S::kPostScaleUp: return "POST_SCALE_UP";
    case S::kTestTrafficShift: return "TEST_TRAFFIC_SHIFT";
    case S::kPostTestTrafficShift: return "POST_TEST_TRAFFIC_SHIFT";
    case S::kPreProductionTrafficShift: return "PRE_PRODUCTION_TRAFFIC_SHIFT";
    case S::kProductionTrafficShift: return "PRODUCTION_TRAFFIC_SHIFT";
    case S::kStepBake: return "STEP_BAKE";
    case S::kPostProductionTrafficShift: return "POST_PRODUCTION_TRAFFIC_SHIFT";
    case S::kBakeTime: return "BAKE_TIME";
    case S::kCleanUp: return "CLEAN_UP";
  }
  return "?";
}

const char* task_state_name(TaskState s) {
  switch (s) {
    case TaskState::kProvisioning: return "PROVISIONING";
    case TaskState::kPending: return "PENDING";
    case TaskState::kRunning: return "RUNNING";
    case TaskState::kDeactivating: return "DEACTIVATING";
    case TaskState::kStopping: return "STOPPING";
    case TaskState::kStopped: return "STOPPED";
  }
  return "?";
}

}  // namespace ecsim
