// Blue/green, linear and canary deployments: the stage machine of an ECS service deployment
// with managed traffic shifting (ServiceDeploymentLifecycleStage), which CODE_DEPLOY
// services run too, with their CodeDeploy configuration's steps.
// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "ecsim/core/deployment.hpp"

namespace ecsim {

namespace {
using Stage = Deployment::Stage;
// DeploymentTimer.hook values that are no hook: the stage's own wait ran out, or CLEAN_UP's
// timer, which only brings the service's reconcile.
constexpr int kStageWait = -1;
constexpr int kReconcileOnly = -2;

std::string percent(int tenths) {
  return std::to_string(tenths / 10) + (tenths % 10 != 0 ? "." + std::to_string(tenths % 10) : std::string());
}

/// The hook stage a lifecycle stage runs hooks at, if any.
std::optional<LifecycleStage> hook_stage(Stage st) {
  switch (st) {
    case Stage::kReconcileService: return LifecycleStage::kReconcileService;
    case Stage::kPreScaleUp: return LifecycleStage::kPreScaleUp;
    case Stage::kPostScaleUp: return LifecycleStage::kPostScaleUp;
    case Stage::kTestTrafficShift: return LifecycleStage::kTestTrafficShift;
    case Stage::kPostTestTrafficShift: return LifecycleStage::kPostTestTrafficShift;
    case Stage::kPreProductionTrafficShift: return LifecycleStage::kPreProductionTrafficShift;
    case Stage::kProductionTrafficShift: return LifecycleStage::kProductionTrafficShift;
    case Stage::kPostProductionTrafficShift: return LifecycleStage::kPostProductionTrafficShift;
    default: return std::nullopt;
  }
}

/// When a hook answers, and what: a hook that does not answer within its timeout gets the
/// timeout's action at the timeout.
struct HookAnswer {
  SimDuration after;
  bool proceed;
  const char* outcome;
};
HookAnswer answer(const LifecycleHookConfig& h) {
  if (h.after && *h.after <= h.timeout)
    return {*h.after, h.succeeds, h.succeeds ? (h.pause ? "CONTINUE" : "SUCCEEDED") : (h.pause ? "ROLLBACK" : "FAILED")};
  return {h.timeout, !h.timeout_rolls_back, h.timeout_rolls_back ? "TIMED_OUT_ROLLBACK" : "TIMED_OUT_CONTINUE"};
}
}  // namespace

void TrafficShift::start(int service, ServiceOps& ops) {
  Deployment& d = ops.deployment(service);
  const ServiceState& s = ops.service(service);
  if (d.is_rollback) {
    // Blue still runs: the rollback moves production traffic back to it at once and scales
    // the green tasks to zero (CLEAN_UP of the failed revision).
    ops.set_primary_traffic(service, 1000);
    d.shifts.push_back({ops.now(), 1000});
    ops.note(service, RecordKind::kTrafficShifted, "production=" + ops.task_definition_key(s.primary_task_definition) + " percent=100 rollback=true");
    d.stage = Stage::kCleanUp;
    ++d.generation;
    ops.note(service, RecordKind::kDeploymentStage, "stage=CLEAN_UP rollback=true");
    return;
  }
  ops.set_primary_traffic(service, 0);
  // RECONCILE_SERVICE: "only when more than one service revision is ACTIVE" (the blue tasks
  // run more than one revision, as after an interrupted deployment).
  bool several = false;
  int first = -1;
  for (std::size_t k = 0; k < s.live.size(); ++k) {
    const Task& t = ops.task(s.live[k]);
    if (!t.counts_toward_desired || runs_primary(s, t)) continue;
    if (first < 0) first = t.task_definition;
    else if (t.task_definition != first) several = true;
  }
  enter(service, several ? Stage::kReconcileService : Stage::kPreScaleUp, ops);
}

Stage TrafficShift::next(const Deployment& d, const ServiceConfig& sc) const {
  switch (d.stage) {
    case Stage::kNone: return Stage::kNone;
    case Stage::kReconcileService: return Stage::kPreScaleUp;
    case Stage::kPreScaleUp: return Stage::kScaleUp;
    case Stage::kScaleUp: return Stage::kPostScaleUp;
    case Stage::kPostScaleUp: return Stage::kTestTrafficShift;
    case Stage::kTestTrafficShift: return Stage::kPostTestTrafficShift;
    case Stage::kPostTestTrafficShift: return Stage::kPreProductionTrafficShift;
    case Stage::kPreProductionTrafficShift: return Stage::kProductionTrafficShift;
    case Stage::kProductionTrafficShift:
      return d.shifts.size() < sc.deployment.shifts().size() ? Stage::kStepBake : Stage::kPostProductionTrafficShift;
    case Stage::kStepBake: return Stage::kPreProductionTrafficShift;
    case Stage::kPostProductionTrafficShift: return Stage::kBakeTime;
    case Stage::kBakeTime: return Stage::kCleanUp;
    case Stage::kCleanUp: return Stage::kCleanUp;
  }
  return Stage::kNone;
}

bool TrafficShift::run_hooks(int service, LifecycleStage stage, ServiceOps& ops) {
  Deployment& d = ops.deployment(service);
  const auto& hooks = ops.service_config(service).deployment.hooks;
  d.hooks_running = 0;
  for (std::size_t k = 0; k < hooks.size(); ++k) {
    const auto& h = hooks[k];
    if (std::find(h.stages.begin(), h.stages.end(), stage) == h.stages.end()) continue;
    ++d.hooks_running;
    d.hook_runs.push_back({h.name, lifecycle_stage_name(stage), "IN_PROGRESS", ops.now(), ops.now()});
    ops.set_timer(service, ops.now() + answer(h).after, d.generation, static_cast<int>(k));
  }
  return d.hooks_running > 0;
}

// Enters a stage and does what it does; a stage with nothing to wait for hands on to the next
// at once, so stages without hooks or waits take no time.
void TrafficShift::enter(int service, Stage stage, ServiceOps& ops) {
  const ServiceConfig& sc = ops.service_config(service);
  for (;;) {
    Deployment& d = ops.deployment(service);
    d.stage = stage;
    ++d.generation;
    ops.note(service, RecordKind::kDeploymentStage, std::string("stage=") + deployment_stage_name(stage));
    const SimTime now = ops.now();
    switch (stage) {
      case Stage::kScaleUp:
        // Green scales to the full desired count (the service's reconcile starts the tasks);
        // the stage ends when that many are healthy (step()).
        if (primary_healthy(ops.service(service)) < ops.service(service).desired) return;
        d.scaled_up_at = now;
        break;
      case Stage::kProductionTrafficShift: {
        const auto shifts = sc.deployment.shifts();
        const int tenths = shifts[d.shifts.size()];
        d.shifts.push_back({now, tenths});
        ops.set_primary_traffic(service, tenths);
        ops.note(service, RecordKind::kTrafficShifted,
                 "production=" + ops.task_definition_key(ops.service(service).primary_task_definition) + " percent=" + percent(tenths) +
                     " step=" + std::to_string(d.shifts.size()) + "/" + std::to_string(shifts.size()));
        if (run_hooks(service, LifecycleStage::kProductionTrafficShift, ops)) return;
        break;
      }
      case Stage::kStepBake: {
        const SimDuration wait = sc.deployment.wait_after_shift(d.shifts.size() - 1);
        if (wait > SimDuration{0}) {
          ops.set_timer(service, now + wait, d.generation, kStageWait);
          return;
        }
        break;
      }
      case Stage::kBakeTime:
        d.bake_ends = now + sc.deployment.bake_time;
        if (sc.deployment.bake_time > SimDuration{0}) {
          ops.set_timer(service, *d.bake_ends, d.generation, kStageWait);
          return;
        }
        break;
      case Stage::kCleanUp:
        // The blue tasks stop in the service's reconcile (step()); the deployment completes
        // when none is left.
        ops.set_timer(service, now, d.generation, kReconcileOnly);
        return;
      default:
        if (auto hs = hook_stage(stage); hs && run_hooks(service, *hs, ops)) return;
        break;
    }
    stage = next(ops.deployment(service), sc);
  }
}

void TrafficShift::on_timer(int service, int hook, ServiceOps& ops) {
  Deployment& d = ops.deployment(service);
  const ServiceConfig& sc = ops.service_config(service);
  if (hook == kReconcileOnly) return;
  if (hook >= 0) {
    const auto& h = sc.deployment.hooks[static_cast<std::size_t>(hook)];
    const HookAnswer a = answer(h);
    for (auto it = d.hook_runs.rbegin(); it != d.hook_runs.rend(); ++it)
      if (it->hook == h.name && it->outcome == "IN_PROGRESS") {
        it->outcome = a.outcome;
        it->ended = ops.now();
        ops.note(service, RecordKind::kLifecycleHook,
                 "hook=" + h.name + " stage=" + it->stage + " outcome=" + a.outcome + " after=" + format_seconds(a.after) + "s");
        break;
      }
    if (!a.proceed) {
      ops.fail_deployment(service, "lifecycleHook " + h.name, /*rollback=*/true);
      return;
    }
    if (--d.hooks_running > 0) return;
  }
  enter(service, next(d, sc), ops);
}

void TrafficShift::step(int service, int old_counted, bool halted, ServiceOps& ops) {
  const ServiceState& s = ops.service(service);
  Deployment& d = ops.deployment(service);
  const bool in_progress = d.rollout == Deployment::Rollout::kInProgress;
  if (in_progress && d.stage == Stage::kCleanUp && old_counted > 0) {
    // CLEAN_UP: the blue revision scales to zero (protected tasks stay until their protection ends).
    std::vector<std::uint32_t> old;
    for (std::size_t k = 0; k < s.live.size(); ++k) {
      const Task& t = ops.task(s.live[k]);
      if (t.counts_toward_desired && !runs_primary(s, t) && !ops.is_protected(s.live[k])) old.push_back(s.live[k]);
    }
    const std::string why = (d.is_rollback ? "Rollback to " : "Deployment of ") + ops.task_definition_key(s.primary_task_definition) +
                            (d.is_rollback ? " stops the failed revision" : " replaces it");
    for (auto slot : old) ops.stop(slot, why);
    old_counted -= static_cast<int>(old.size());
  }
  if (halted || ops.backing_off(service)) return;
  // Green (the primary revision) to the full desired count beside the blue tasks: no
  // maximumPercent ceiling, as SCALE_UP "scales up to 100%" of the desired count.
  int green = s.counted - old_counted;
  while (green < s.desired) {
    if (!ops.start_task(service)) break;
    ++green;
  }
  if (in_progress && d.stage == Stage::kScaleUp && primary_healthy(s) >= s.desired && s.desired > 0) {
    d.scaled_up_at = ops.now();
    enter(service, next(d, ops.service_config(service)), ops);
  }
}

}  // namespace ecsim
