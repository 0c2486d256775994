// Load and metrics: what each service serves, its CPU and memory, the CloudWatch datapoints
// ECS publishes, and the scaling driver that hands them to the service's auto scaling.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/load_metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace ecsim {

namespace {
// Memory follows each running revision's idle-to-full-load line, weighted by the memory its
// running tasks reserve.
void add_memory_line(LoadShape& out, int running, const TaskDefinitionConfig& td, double running_mem) {
  const double mem_weight = running * static_cast<double>(td.memory_mib) / running_mem;
  out.idle_memory += mem_weight * td.memory_idle_percent;
  out.full_memory += mem_weight * td.memory_full_load_percent;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
}  // namespace

LoadShape LoadMetrics::shape(int service) const {
  const auto& s = w_.services[service];
  if (s.primary_traffic_tenths >= 0) return split_shape(service);
  LoadShape out;
  const TaskDefinitionConfig* only = nullptr;  // the one (capacity, CPU, memory) running, if one
  bool mixed = false;
  double running_cpu = 0, running_mem = 0;
  for (std::size_t k = 0; k < s.running_by_revision.size(); ++k) {
    const int running = s.running_by_revision[k];
    if (running <= 0) continue;
    const auto& td = w_.config.task_definitions[k];
    if (!only) only = &td;
    else if (td.requests_per_second != only->requests_per_second || td.cpu_units != only->cpu_units ||
             td.memory_mib != only->memory_mib || td.memory_idle_percent != only->memory_idle_percent ||
             td.memory_full_load_percent != only->memory_full_load_percent)
      mixed = true;
    running_cpu += running * static_cast<double>(td.cpu_units);
    running_mem += running * static_cast<double>(td.memory_mib);
    out.has_capacity = out.has_capacity || td.requests_per_second > 0;
  }
  if (!only) return out;
  if (!mixed) {
    const double c = only->requests_per_second;
    out.idle_memory = only->memory_idle_percent;
    out.full_memory = only->memory_full_load_percent;
    if (c <= 0) return out;
    out.served_rps = std::min(s.demand_rps, s.healthy * c);
    out.busy_share = out.served_rps / (s.running * c);
    out.failed_rps = out.served_rps * only->error_rate;
    if (s.healthy > 0) {
      out.primary_served_rps = out.served_rps * primary_healthy(s) / s.healthy;
      out.primary_failed_rps = out.primary_served_rps * w_.config.task_definitions[static_cast<std::size_t>(s.primary_task_definition)].error_rate;
    }
    return out;
  }
  const double per_target = s.healthy > 0 ? s.demand_rps / s.healthy : 0.0;
  double busy_cpu = 0;
  for (std::size_t k = 0; k < s.running_by_revision.size(); ++k) {
    const int running = s.running_by_revision[k];
    if (running <= 0) continue;
    const auto& td = w_.config.task_definitions[k];
    add_memory_line(out, running, td, running_mem);
    const int healthy = s.healthy_by_revision[k];
    if (healthy <= 0 || td.requests_per_second <= 0) continue;
    const double served = std::min(per_target, td.requests_per_second);
    out.served_rps += healthy * served;
    busy_cpu += healthy * served / td.requests_per_second * td.cpu_units;
    out.failed_rps += healthy * served * td.error_rate;
    if (static_cast<int>(k) == s.primary_task_definition) {
      const double primary = (healthy - s.forced_out_healthy) * served;
      out.primary_served_rps += primary;
      out.primary_failed_rps += primary * td.error_rate;
    }
  }
  out.busy_share = busy_cpu / running_cpu;
  return out;
}

// Two target groups: production traffic splits by the listener's weights, and within each
// group the load balancer spreads it over that group's healthy targets. The primary
// revision's tasks (green) are one group, every other task (blue, forced-out tasks too) the
// other. A group with no healthy target serves nothing of its share.
LoadShape LoadMetrics::split_shape(int service) const {
  const auto& s = w_.services[service];
  LoadShape out;
  const std::size_t primary = static_cast<std::size_t>(s.primary_task_definition);
  const double green_share = s.primary_traffic_tenths / 1000.0;
  const int green_healthy = primary_healthy(s);
  const int blue_healthy = s.healthy - green_healthy;
  const double green_per_target = green_healthy > 0 ? s.demand_rps * green_share / green_healthy : 0.0;
  const double blue_per_target = blue_healthy > 0 ? s.demand_rps * (1.0 - green_share) / blue_healthy : 0.0;
  double running_cpu = 0, running_mem = 0, busy_cpu = 0;
  for (std::size_t k = 0; k < s.running_by_revision.size(); ++k) {
    const int running = s.running_by_revision[k];
    if (running <= 0) continue;
    const auto& td = w_.config.task_definitions[k];
    running_cpu += running * static_cast<double>(td.cpu_units);
    running_mem += running * static_cast<double>(td.memory_mib);
    out.has_capacity = out.has_capacity || td.requests_per_second > 0;
  }
  if (running_mem <= 0) return out;
  for (std::size_t k = 0; k < s.running_by_revision.size(); ++k) {
    const int running = s.running_by_revision[k];
    if (running <= 0) continue;
    const auto& td = w_.config.task_definitions[k];
    add_memory_line(out, running, td, running_mem);
    if (td.requests_per_second <= 0) continue;
    // (healthy tasks, load per task) in the green group and in the blue group
    const int green = k == primary ? green_healthy : 0;
    const int blue = s.healthy_by_revision[k] - green;
    const double green_served = green * std::min(green_per_target, td.requests_per_second);
    const double blue_served = blue * std::min(blue_per_target, td.requests_per_second);
    out.served_rps += green_served + blue_served;
    out.primary_served_rps += green_served;
    out.failed_rps += (green_served + blue_served) * td.error_rate;
    out.primary_failed_rps += green_served * td.error_rate;
    busy_cpu += (green_served + blue_served) / td.requests_per_second * td.cpu_units;
  }
  out.busy_share = running_cpu > 0 ? busy_cpu / running_cpu : 0.0;
  return out;
}

// Integrates the service's load state since the last call: served share of running capacity
// (CPU), healthy targets, requests, and what went unserved. Called before every change of
// demand, running or healthy counts, so each integral is exact for piecewise-constant load.
void LoadMetrics::accumulate(int service) {
  auto& s = w_.services[service];
  const double dt_ms = static_cast<double>(to_millis(sched_.now()) - to_millis(s.acc_last));
  s.acc_last = sched_.now();
  if (dt_ms <= 0) return;
  const double demand = s.demand_rps;
  const LoadShape shape = this->shape(service);
  s.acc_requests += demand * dt_ms / 1000.0;
  s.acc_healthy_ms += s.healthy * dt_ms;
  if (s.running > 0) {
    s.acc_running_ms += dt_ms;
    s.acc_busy_ms += shape.busy_share * dt_ms;
    s.acc_task_ms += s.running * dt_ms;
    s.acc_busy_task_ms += shape.busy_share * s.running * dt_ms;
  }
  if (demand > shape.served_rps && demand > 0) {
    s.overloaded_ms += static_cast<std::int64_t>(dt_ms);
    s.unserved_requests += (demand - shape.served_rps) * dt_ms / 1000.0;
    s.acc_unserved += (demand - shape.served_rps) * dt_ms / 1000.0;
  }
  if (shape.failed_rps > 0) {
    s.failed_requests += shape.failed_rps * dt_ms / 1000.0;
    s.acc_failed += shape.failed_rps * dt_ms / 1000.0;
  }
  // What the new revision served while its deployment was in progress (its exposure).
  if (!s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress) {
    auto& d = s.deployments.back();
    d.new_revision_requests += shape.primary_served_rps * dt_ms / 1000.0;
    d.new_revision_failed_requests += shape.primary_failed_rps * dt_ms / 1000.0;
  }
}

void LoadMetrics::on(const events::LoadChange& e) {
  auto& s = w_.services[e.service];
  accumulate(e.service);
  s.load->advance(sched_.now());
  s.demand_rps = s.load->rate();
  if (auto next = s.load->next_change()) sched_.at(*next, events::LoadChange{e.service});
}

// One tick per resolution: standard services every timings.autoScaling.metricPeriod, those
// with 20-second metrics (monitoring.metricConfigurations) every highResolutionPeriod.
void LoadMetrics::on(const events::MetricTick& e) {
  const auto& at = w_.config.timings.auto_scaling;
  const SimDuration period = e.high_resolution ? at.high_resolution_period : at.metric_period;
  const SimDuration lag = e.high_resolution ? at.high_resolution_publication_lag : at.publication_lag;
  const double period_ms = static_cast<double>(period.count());
  for (std::size_t i = 0; i < w_.services.size(); ++i) {
    if (w_.config.services[i].high_resolution_metrics() != e.high_resolution) continue;
    auto& s = w_.services[i];
    accumulate(static_cast<int>(i));
    // Memory follows CPU on each revision's idle-to-full-load line; with several revisions
    // running, their lines are weighted by the memory they reserve now.
    const LoadShape shape = this->shape(static_cast<int>(i));
    MetricDatapoint d = MetricDatapoint::over(sched_.now() - period, period);
    if (s.acc_running_ms > 0 && (shape.has_capacity || s.running == 0)) {
      const double cpu = 100.0 * s.acc_busy_ms / s.acc_running_ms;
      d.cpu_percent = cpu;
      d.memory_percent = shape.idle_memory + (shape.full_memory - shape.idle_memory) * cpu / 100.0;
      d.cpu_total_percent = 100.0 * s.acc_busy_task_ms / period_ms;
      d.memory_total_percent = (shape.idle_memory * s.acc_task_ms + (shape.full_memory - shape.idle_memory) * s.acc_busy_task_ms) / period_ms;
      s.cpu_samples.add(cpu);
    }
    const double mean_healthy = s.acc_healthy_ms / period_ms;
    if (mean_healthy > 0) d.requests_per_target = s.acc_requests / mean_healthy;
    d.requests = s.acc_requests;
    d.failed_requests = s.acc_failed;
    d.unserved_requests = s.acc_unserved;
    s.acc_busy_ms = s.acc_running_ms = s.acc_healthy_ms = s.acc_requests = 0;
    s.acc_failed = s.acc_unserved = 0;
    s.acc_task_ms = s.acc_busy_task_ms = 0;
    if (s.scaler || s.has_alarms) s.unpublished.push_back(d);
  }
  if (lag <= SimDuration{0}) {
    published_.on(events::MetricPublish{e.high_resolution});  // no lag: visible within this tick
  } else {
    sched_.at(sched_.now() + lag, events::MetricPublish{e.high_resolution});
  }
  sched_.at(sched_.now() + period, events::MetricTick{e.high_resolution});
}

void ScalingDriver::on(const events::MetricPublish& e) {
  for (std::size_t i = 0; i < w_.services.size(); ++i) {
    if (w_.config.services[i].high_resolution_metrics() != e.high_resolution) continue;
    auto& s = w_.services[i];
    if (s.unpublished.empty()) continue;
    const MetricDatapoint d = s.unpublished.front();
    s.unpublished.pop_front();
    if (s.has_alarms) evaluate_alarms(static_cast<int>(i), d);
    if (!s.scaler) continue;
    // "Application Auto Scaling turns off scale-in processes while Amazon ECS deployments are
    // in progress ... scale-out processes continue" (ECS guide, service auto scaling).
    s.scaler->suspend_dynamic_scale_in(w_.config.timings.auto_scaling.suspend_scale_in_during_deployments &&
                                       !s.deployments.empty() && s.deployments.back().rollout == Deployment::Rollout::kInProgress);
    apply(static_cast<int>(i), s.scaler->on_datapoint(d, sched_.now(), s.desired));
  }
}

// The scenario's CloudWatch alarms on this service's metrics see the datapoint as it becomes
// visible; each alarm in ALARM is reported to the deployments that watch it.
void ScalingDriver::evaluate_alarms(int service, const MetricDatapoint& d) {
  for (std::size_t k = 0; k < w_.alarms.size(); ++k) {
    const auto& ac = w_.config.alarms[k];
    if (ac.service != service) continue;
    auto& a = w_.alarms[k];
    const bool was = a.in_alarm();
    if (!a.add(d)) continue;
    if (a.in_alarm() != was && rec_.enabled()) {
      const auto v = a.last_statistic();
      rec_.emit(RecordKind::kAlarmState, nullptr, service,
                "alarm=" + ac.name + " state=" + (a.in_alarm() ? "ALARM" : "OK") + " metric=" + ac.metric_name +
                    " statistic=" + (v ? format_number(*v) : std::string("none")) + " threshold=" + format_number(ac.alarm.threshold));
    }
    if (a.in_alarm()) alarms_.on_alarm(static_cast<int>(k));
  }
}

void ScalingDriver::schedule_next(int service) {
  if (auto next = w_.services[service].scaler->next_scheduled(sched_.now())) {
    if (*next <= horizon_) sched_.at(*next, events::ScheduledScaling{service});
  }
}

void ScalingDriver::schedule_first(int service) {
  if (auto first = w_.services[service].scaler->first_scheduled()) {
    if (*first <= horizon_) sched_.at(*first, events::ScheduledScaling{service});
  }
}

void ScalingDriver::on(const events::ScheduledScaling& e) {
  auto& s = w_.services[e.service];
  auto action = s.scaler->on_scheduled(sched_.now(), s.desired);
  emit_notes(e.service);
  apply(e.service, action);
  schedule_next(e.service);
}

void ScalingDriver::emit_notes(int service) {
  auto notes = w_.services[service].scaler->take_notes();
  if (!rec_.enabled()) return;
  for (auto& n : notes) rec_.emit(RecordKind::kPredictiveForecast, nullptr, service, std::move(n));
}

void ScalingDriver::apply(int service, const std::optional<ScalingAction>& action) {
  if (!action) return;
  auto& s = w_.services[service];
  const int to = std::min(action->desired, w_.config.account.tasks_per_service);
  if (to == s.desired) return;
  ++s.scaling_actions;
  if (rec_.enabled())
    rec_.emit(RecordKind::kScalingActivity, nullptr, service,
         "policy=" + action->policy + " from=" + std::to_string(s.desired) + " to=" + std::to_string(to) + " reason=" + action->reason.str());
  desired_.set_desired(service, to, "autoScaling");
}

}  // namespace ecsim
