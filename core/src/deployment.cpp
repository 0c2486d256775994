// Deployment strategies and the deployment circuit breaker.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/deployment.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

namespace ecsim {

void RollingUpdate::step(int service, int old_counted, bool halted, ServiceOps& ops) {
  const ServiceState& s = ops.service(service);
  const ServiceConfig& sc = ops.service_config(service);
  const int lower = (s.desired * sc.minimum_healthy_percent + 99) / 100;
  const int upper = s.desired * sc.maximum_percent / 100;
  // Stop old tasks: unhealthy ones freely, healthy ones while the healthy floor allows.
  for (bool again = true; again && old_counted > 0;) {
    again = false;
    std::uint32_t victim = UINT32_MAX;
    for (auto it = s.live.rbegin(); it != s.live.rend(); ++it) {
      const Task& t = ops.task(*it);
      if (!t.counts_toward_desired || runs_primary(s, t)) continue;
      if (!t.healthy) {
        victim = *it;
        break;
      }
      if (victim == UINT32_MAX && s.healthy - 1 >= lower) victim = *it;
    }
    if (victim != UINT32_MAX) {
      ops.stop(victim, "Deployment of " + ops.task_definition_key(s.primary_task_definition) + " replaces it");
      --old_counted;
      again = true;
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

const std::vector<DeploymentStrategyKind>& deployment_strategies() {
  static const std::vector<DeploymentStrategyKind> kKinds = {
      {"ROLLING", []() -> std::unique_ptr<DeploymentStrategy> { return std::make_unique<RollingUpdate>(); }},
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
