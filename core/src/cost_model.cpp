// Cost: Fargate per-second billing with its one-minute minimum, EC2 instance billing, and
// AWS split cost allocation of instance cost to the tasks reserving it.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/cost_model.hpp"

#include <algorithm>

namespace ecsim {

namespace {
constexpr double kMsPerHour = 3'600'000.0;
bool is_spot(int provider) { return provider == static_cast<int>(ProviderKind::kFargateSpot); }
// An instance is billed to `until`, or to its termination if that came first.
SimTime billed_until(const ContainerInstance& in, SimTime until) {
  return in.state == InstanceState::kTerminated ? std::min(until, in.terminated_at) : until;
}
// USD per instance-hour: the EC2 rate, plus the management fee on Managed Instances.
double hourly_rate(const ContainerInstance& in, const InstanceTypeConfig& type) {
  return (in.spot ? type.spot_usd_per_hour : type.on_demand_usd_per_hour) + type.management_fee_usd_per_hour;
}
}  // namespace

double CostModel::accrued_cost(const Task& t, SimTime until) const {
  if (w_.config.is_asg(t.provider)) {
    // EC2: instances are billed (provider_cost); a task is allocated its share of its
    // instance's cost while it holds a reservation there (split cost allocation).
    if (t.instance == 0) return 0.0;
    const auto [per_vcpu, per_gb] = split_marks(w_.instances[t.instance - 1], until);
    const auto& d = w_.demand_of(t.task_definition);
    return d.cpu_units / 1024.0 * (per_vcpu - t.split_vcpu_mark) + d.memory_mib / 1024.0 * (per_gb - t.split_gb_mark);
  }
  if (!t.has_pulled || until <= t.pull_started) return 0.0;
  const auto& td = w_.config.task_definitions[t.task_definition];
  const auto& pr = w_.config.pricing;
  const bool arm = td.architecture == CpuArchitecture::kArm64;
  const FargateRate& rate = is_spot(t.provider) ? (arm ? pr.fargate_spot_arm : pr.fargate_spot_x86)
                                                : (arm ? pr.fargate_arm : pr.fargate_x86);
  const double hours = static_cast<double>(to_millis(until) - to_millis(t.pull_started)) / kMsPerHour;
  const double vcpu = td.cpu_units / 1024.0;
  const double gb = td.memory_mib / 1024.0;
  const double extra_storage = std::max(0, td.ephemeral_storage_gib - 20);
  return hours * (vcpu * rate.usd_per_vcpu_hour + gb * rate.usd_per_gb_hour + extra_storage * pr.ephemeral_usd_per_gb_hour);
}

double CostModel::service_cost(int service, SimTime until) const {
  const auto& s = w_.services[service];
  double c = s.cost_usd;
  for (auto slot : s.live) c += accrued_cost(w_.tasks[slot], until);
  return c;
}

double CostModel::provider_cost(int provider, SimTime until) const {
  if (const auto& a = w_.providers[provider].asg) {
    double c = a->instance_cost_usd;
    for (auto id : a->members) c += instance_cost(w_.instances[id - 1], until);
    return c;
  }
  double c = w_.providers[provider].cost_usd;
  for (std::size_t i = 0; i < w_.tasks.size(); ++i) {
    const Task& t = w_.tasks[i];
    if (t.provider == provider && World::live(t)) c += accrued_cost(t, until);
  }
  return c;
}

std::pair<double, double> CostModel::split_marks(const ContainerInstance& in, SimTime until) const {
  const SimTime to = billed_until(in, until);
  if (to <= in.split_at) return {in.usd_per_reserved_vcpu, in.usd_per_reserved_gb};
  const auto& type = w_.config.instance_types[in.type];
  const auto& pr = w_.config.pricing;
  const double rate = hourly_rate(in, type);
  const double vcpu = type.vcpu, gb = type.memory_mib / 1024.0;
  const double unit = rate / (pr.split_cpu_weight * vcpu + pr.split_memory_weight * gb);  // USD per weighted unit-hour
  const double hours = static_cast<double>((to - in.split_at).count()) / kMsPerHour;
  // Each part of the instance's cost goes to the tasks reserving that resource; with no
  // reservation it stays unallocated (reported per provider).
  double per_vcpu = in.usd_per_reserved_vcpu, per_gb = in.usd_per_reserved_gb;
  if (in.reserved_cpu_units > 0) per_vcpu += pr.split_cpu_weight * unit * vcpu * hours / (static_cast<double>(in.reserved_cpu_units) / 1024.0);
  if (in.reserved_memory_mib > 0) per_gb += pr.split_memory_weight * unit * gb * hours / (static_cast<double>(in.reserved_memory_mib) / 1024.0);
  return {per_vcpu, per_gb};
}

double CostModel::unallocated_cost(int provider, SimTime until) const {
  const auto& p = w_.providers[provider];
  if (!p.asg) return 0.0;
  double allocated = p.cost_usd;  // stopped tasks' allocations
  for (const auto& t : w_.tasks)
    if (World::live(t) && t.provider == provider) allocated += accrued_cost(t, until);
  return provider_cost(provider, until) - allocated;
}

double CostModel::instance_cost(const ContainerInstance& in, SimTime until) const {
  const auto& type = w_.config.instance_types[in.type];
  const SimTime end = billed_until(in, until);
  if (end <= in.launched) return 0.0;
  SimDuration billed = end - in.launched;
  if (in.state == InstanceState::kTerminated) billed = std::max(billed, w_.config.pricing.ec2_minimum_billed);
  return static_cast<double>(billed.count()) / kMsPerHour * hourly_rate(in, type);
}

double CostModel::management_fee(int provider, SimTime until) const {
  const auto& a = w_.providers[provider].asg;
  if (!a) return 0.0;
  double fee = a->management_fee_usd;
  for (auto id : a->members) {
    const auto& in = w_.instances[id - 1];
    if (const double share = fee_share(in); share > 0) fee += instance_cost(in, until) * share;
  }
  return fee;
}

double CostModel::fee_share(const ContainerInstance& in) const {
  const auto& type = w_.config.instance_types[in.type];
  return type.management_fee_usd_per_hour > 0 ? type.management_fee_usd_per_hour / hourly_rate(in, type) : 0.0;
}

void CostModel::advance_split(ContainerInstance& in, SimTime now) const {
  std::tie(in.usd_per_reserved_vcpu, in.usd_per_reserved_gb) = split_marks(in, now);
  in.split_at = std::max(in.split_at, billed_until(in, now));
}

}  // namespace ecsim
