// Deployment strategies and the deployment circuit breaker.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/deployment.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace ecsim {

void RollingUpdate::step(int service, int old_counted, bool halted, ServiceOps& ops) {
  const ServiceState& s = ops.service(service);
  const ServiceConfig& sc = ops.service_config(service);
  const int lower = (s.desired * sc.minimum_healthy_percent + 99) / 100;
  const int upper = s.desired * sc.maximum_percent / 100;
  // Stop old tasks: unhealthy ones freely (newest first), then healthy ones (newest first)
  // while the healthy floor allows. One pass gathers them: stopping a task changes no other
  // task's health, and reconciles are requested, not run, so `live` does not move meanwhile.
  // Healthy tasks all count toward desired, so without forced-out tasks the old healthy ones
  // number exactly healthy - healthy(primary) and the old unhealthy ones the rest of
  // old_counted: the pass skips the primary revision's tasks by their revision alone and ends
  // once it has what may go. (Forced-out primary tasks are old too: then every task is read.)
  const bool exact = s.forced_out_counted == 0;
  const int primary = s.primary_task_definition;
  const int old_healthy_at_least = s.healthy - s.healthy_by_revision[static_cast<std::size_t>(primary)];
  if (old_counted > 0 && (old_counted > old_healthy_at_least || s.healthy - 1 >= lower)) {
    const std::size_t may_stop_healthy = static_cast<std::size_t>(std::max(0, s.healthy - lower));
    const std::size_t old_unhealthy = exact ? static_cast<std::size_t>(old_counted - old_healthy_at_least) : SIZE_MAX;
    std::vector<std::uint32_t> unhealthy, healthy;
    const int* revision = s.live.task_definitions();
    const std::uint32_t* live = s.live.data();
    // The newest tasks that run the primary revision are skipped at once (exact only: with
    // forced-out tasks, primary ones may go too).
    for (std::size_t k = exact ? s.live.size() - s.primary_suffix : s.live.size(); k-- > 0;) {
      if (unhealthy.size() >= old_unhealthy && healthy.size() >= may_stop_healthy) break;
      if (exact && revision[k] == primary) {
        while (k > 0 && revision[k - 1] == primary) --k;  // the newest tasks: a run of the primary revision
        continue;
      }
      const Task& t = ops.task(live[k]);
      if (!t.counts_toward_desired || runs_primary(s, t)) continue;
      if (ops.is_protected(live[k])) continue;  // "not terminated until protectionEnabled is unset or expires"
      if (!t.healthy) unhealthy.push_back(live[k]);
      else if (healthy.size() < may_stop_healthy) healthy.push_back(live[k]);
    }
    unhealthy.insert(unhealthy.end(), healthy.begin(), healthy.end());
    if (static_cast<int>(unhealthy.size()) > old_counted) unhealthy.resize(static_cast<std::size_t>(old_counted));
    if (!unhealthy.empty()) {
      const std::string why = "Deployment of " + ops.task_definition_key(primary) + " replaces it";
      for (auto slot : unhealthy) ops.stop(slot, why);
      old_counted -= static_cast<int>(unhealthy.size());
    }
  }
  if (halted) return;
  if (ops.backing_off(service)) return;
  int new_counted = s.counted - old_counted;
  while (new_counted < s.desired && s.counted < std::max(upper, 1)) {
    if (!ops.start_task(service)) return;
    ++new_counted;
  }
}

const char* lifecycle_stage_name(LifecycleStage s) {
  switch (s) {
    case LifecycleStage::kReconcileService: return "RECONCILE_SERVICE";
    case LifecycleStage::kPreScaleUp: return "PRE_SCALE_UP";
    case LifecycleStage::kPostScaleUp: return "POST_SCALE_UP";
    case LifecycleStage::kTestTrafficShift: return "TEST_TRAFFIC_SHIFT";
    case LifecycleStage::kPostTestTrafficShift: return "POST_TEST_TRAFFIC_SHIFT";
    case LifecycleStage::kPreProductionTrafficShift: return "PRE_PRODUCTION_TRAFFIC_SHIFT";
    case LifecycleStage::kProductionTrafficShift: return "PRODUCTION_TRAFFIC_SHIFT";
    case LifecycleStage::kPostProductionTrafficShift: return "POST_PRODUCTION_TRAFFIC_SHIFT";
  }
  return "?";
}

// BLUE_GREEN: all production traffic at once. LINEAR: stepPercent per shift until the next
// would reach 100 %, then the rest (CloudFormation's count of step bakes: 100/step - 1 when
// the step divides 100, floor(100/step) otherwise). CANARY: canaryPercent, then the rest.
std::vector<int> DeploymentStrategyConfig::shifts() const {
  std::vector<int> out;
  if (name == "LINEAR")
    for (int t = step_tenths; t < 1000; t += step_tenths) out.push_back(t);
  else if (name == "CANARY" && canary_tenths < 1000)
    out.push_back(canary_tenths);
  out.push_back(1000);
  return out;
}

SimDuration DeploymentStrategyConfig::wait_after_shift(std::size_t k) const {
  if (k + 1 >= shifts().size()) return SimDuration{0};
  return name == "LINEAR" ? step_bake : name == "CANARY" ? canary_bake : SimDuration{0};
}

const std::vector<DeploymentStrategyKind>& deployment_strategies() {
  static const std::vector<DeploymentStrategyKind> kKinds = {
      {"ROLLING", []() -> std::unique_ptr<DeploymentStrategy> { return std::make_unique<RollingUpdate>(); }},
      {"BLUE_GREEN", []() -> std::unique_ptr<DeploymentStrategy> { return std::make_unique<TrafficShift>("BLUE_GREEN"); }},
      {"LINEAR", []() -> std::unique_ptr<DeploymentStrategy> { return std::make_unique<TrafficShift>("LINEAR"); }},
      {"CANARY", []() -> std::unique_ptr<DeploymentStrategy> { return std::make_unique<TrafficShift>("CANARY"); }},
  };
  return kKinds;
}

std::unique_ptr<DeploymentStrategy> make_deployment_strategy(std::string_view name) {
  for (const auto& k : deployment_strategies())
    if (k.name == name) return k.make();
  return nullptr;
}

namespace circuit_breaker {

int threshold(const ServiceConfig& sc, const ServiceTimings& st, int desired_count) {
  const double value = sc.breaker_threshold_value.value_or(static_cast<int>(st.circuit_breaker_percent));
  const double desired = desired_count;
  switch (sc.breaker_threshold_type) {
    case ServiceConfig::BreakerThreshold::kCount: return std::max(1, static_cast<int>(value));
    case ServiceConfig::BreakerThreshold::kUnboundedPercent: return std::max(1, static_cast<int>(std::ceil(value / 100.0 * desired)));
    case ServiceConfig::BreakerThreshold::kBoundedPercent: break;
  }
  return std::clamp(static_cast<int>(std::ceil(value / 100.0 * desired)), st.circuit_breaker_min_threshold,
                    st.circuit_breaker_max_threshold);
}

bool on_task_failed(Deployment& d, const ServiceConfig& sc, int threshold) {
  ++d.failed_tasks;
  ++d.breaker_count;
  return sc.circuit_breaker && d.breaker_count >= threshold;
}

void on_task_healthy(Deployment& d, const ServiceConfig& sc) {
  if (sc.reset_on_healthy_task) d.breaker_count = 0;
}

}  // namespace circuit_breaker
}  // namespace ecsim
