// Cost: Fargate per-second billing with its one-minute minimum, EC2 instance billing, and
// AWS split cost allocation of instance cost to the tasks reserving it.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/cost_model.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <numeric>
#include <tuple>

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

std::optional<double> normalization_factor(const std::string& instance_type) {
  const auto dot = instance_type.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string size = instance_type.substr(dot + 1);
  static const std::pair<const char*, double> kFixed[] = {{"nano", 0.25}, {"micro", 0.5}, {"small", 1}, {"medium", 2},
                                                          {"large", 4},   {"xlarge", 8}};
  for (const auto& [name, f] : kFixed)
    if (size == name) return f;
  // "Nxlarge": 8 N.
  const auto x = size.find("xlarge");
  if (x == std::string::npos || x == 0 || x + 6 != size.size()) return std::nullopt;
  for (std::size_t i = 0; i < x; ++i)
    if (!std::isdigit(static_cast<unsigned char>(size[i]))) return std::nullopt;
  return 8.0 * std::stod(size.substr(0, x));
}

// --- Savings Plans and Reserved Instances -----------------------------------------------------
namespace {
constexpr std::int64_t kHourMs = kMsPerUtcHour;

// Adds `qty` units over [a, b) (Unix ms) to usage[hour - first][slot], split at UTC hours.
void spread(std::vector<double>& usage, std::size_t slots, std::int64_t first_hour, std::size_t slot, std::int64_t a,
            std::int64_t b, double qty) {
  for_each_utc_hour(a, b, [&](std::int64_t hour, std::int64_t ms) {
    const auto h = static_cast<std::size_t>(hour - first_hour);
    if (h * slots + slot < usage.size()) usage[h * slots + slot] += qty * static_cast<double>(ms) / kMsPerHour;
  });
}

// A task's Fargate slots: its vCPU slot (its GB slot follows), On-Demand 0-3, Spot 4-7.
std::size_t fargate_slot(const TaskDefinitionConfig& td, bool spot) {
  return (spot ? 4 : 0) + (td.architecture == CpuArchitecture::kArm64 ? 2 : 0);
}
constexpr std::size_t kStorageSlot = 8;
}  // namespace

void CostModel::book_fargate_usage(World& w, const Task& t, SimTime from, SimTime to) {
  if (to <= from) return;
  const auto& td = w.config.task_definitions[t.task_definition];
  const std::int64_t start_ms = w.config.start_unix_seconds * 1000;
  const std::int64_t first_hour = floor_div(start_ms, kHourMs);
  const std::size_t slot = fargate_slot(td, is_spot(t.provider));
  const double storage = std::max(0, td.ephemeral_storage_gib - 20);
  for_each_utc_hour(start_ms + to_millis(from), start_ms + to_millis(to), [&](std::int64_t hour, std::int64_t ms) {
    const auto h = static_cast<std::size_t>(hour - first_hour);
    if (w.fargate_usage_by_hour.size() <= h) w.fargate_usage_by_hour.resize(h + 1, {});
    const double hours = static_cast<double>(ms) / kMsPerHour;
    auto& u = w.fargate_usage_by_hour[h];
    u[slot] += td.cpu_units / 1024.0 * hours;
    u[slot + 1] += td.memory_mib / 1024.0 * hours;
    u[kStorageSlot] += storage * hours;
  });
}

Bill CostModel::bill(SimTime until) const {
  const auto& cfg = w_.config;
  const auto& pr = cfg.pricing;
  Bill b;
  const std::int64_t start_ms = cfg.start_unix_seconds * 1000;
  const std::int64_t end_ms = start_ms + to_millis(until);
  const std::int64_t first_hour = floor_div(start_ms, kHourMs);
  const std::int64_t hours = std::max<std::int64_t>(1, floor_div(end_ms - 1, kHourMs) - first_hour + 1);
  b.first_hour_unix = first_hour * 3600;
  b.hourly.assign(static_cast<std::size_t>(hours), {});
  // Usage slots: the nine Fargate ones (World::fargate_usage_by_hour), then one per EC2 instance
  // type (On-Demand instance-hours). Spot and the fee go straight to their hours in USD.
  const std::size_t nf = World::kFargateUsageSlots;
  const std::size_t slots = nf + cfg.instance_types.size();
  std::vector<double> rate(slots, 0.0);
  const FargateRate* fr[4] = {&pr.fargate_x86, &pr.fargate_arm, &pr.fargate_spot_x86, &pr.fargate_spot_arm};
  for (std::size_t k = 0; k < 4; ++k) {
    rate[2 * k] = fr[k]->usd_per_vcpu_hour;
    rate[2 * k + 1] = fr[k]->usd_per_gb_hour;
  }
  rate[kStorageSlot] = pr.ephemeral_usd_per_gb_hour;
  for (std::size_t k = 0; k < cfg.instance_types.size(); ++k) rate[nf + k] = cfg.instance_types[k].on_demand_usd_per_hour;
  std::vector<double> usage(static_cast<std::size_t>(hours) * slots, 0.0);
  for (std::size_t h = 0; h < w_.fargate_usage_by_hour.size() && h < static_cast<std::size_t>(hours); ++h)
    for (std::size_t k = 0; k < nf; ++k) usage[h * slots + k] += w_.fargate_usage_by_hour[h][k];
  for (const Task& t : w_.tasks) {
    if (!World::live(t) || cfg.is_asg(t.provider) || !t.has_pulled || until <= t.pull_started) continue;
    const auto& td = cfg.task_definitions[t.task_definition];
    const std::size_t slot = fargate_slot(td, is_spot(t.provider));
    const std::int64_t a = start_ms + to_millis(t.pull_started);
    spread(usage, slots, first_hour, slot, a, end_ms, td.cpu_units / 1024.0);
    spread(usage, slots, first_hour, slot + 1, a, end_ms, td.memory_mib / 1024.0);
    spread(usage, slots, first_hour, kStorageSlot, a, end_ms, std::max(0, td.ephemeral_storage_gib - 20));
  }
  // Spot instances and the Managed Instances fee: USD per hour, spread into one-slot series.
  std::vector<double> spot_usd(static_cast<std::size_t>(hours), 0.0), fee_usd(static_cast<std::size_t>(hours), 0.0);
  for (const auto& in : w_.instances) {
    const SimTime end = billed_until(in, until);
    if (end <= in.launched) continue;
    SimDuration billed = end - in.launched;
    if (in.state == InstanceState::kTerminated) billed = std::max(billed, pr.ec2_minimum_billed);
    const std::int64_t a = start_ms + to_millis(in.launched);
    const auto& type = cfg.instance_types[in.type];
    if (type.management_fee_usd_per_hour > 0) spread(fee_usd, 1, first_hour, 0, a, a + billed.count(), type.management_fee_usd_per_hour);
    if (in.spot) spread(spot_usd, 1, first_hour, 0, a, a + billed.count(), type.spot_usd_per_hour);
    else spread(usage, slots, first_hour, nf + static_cast<std::size_t>(in.type), a, a + billed.count(), 1.0);
  }
  for (std::size_t h = 0; h < static_cast<std::size_t>(hours); ++h) {
    const double* u = &usage[h * slots];
    auto& hb = b.hourly[h];
    for (std::size_t k = 4; k < 8; ++k) hb.spot += u[k] * rate[k];
    hb.spot += spot_usd[h];
    hb.other = u[kStorageSlot] * rate[kStorageSlot] + fee_usd[h];
  }
  // The usage plans can cover: On-Demand Fargate (slots 0-3) and On-Demand EC2.
  std::vector<double> od(slots, 0.0);
  for (std::size_t k = 0; k < 4; ++k) od[k] = rate[k];
  for (std::size_t k = nf; k < slots; ++k) od[k] = rate[k];
  // Each hour: every plan's commitment for the part of the hour the run and its term share;
  // EC2 Instance plans first, then Compute plans; within each, the (plan, usage) pairs with the
  // highest savings percentage first (ties: the lower rate), until commitment or usage runs out.
  const auto& plans = pr.savings_plans;
  b.plans.assign(plans.size(), {});
  auto rate_of = [&](const SavingsPlanConfig& p, std::size_t slot) -> std::optional<double> {
    switch (slot) {
      case 0: return p.fargate_vcpu;
      case 1: return p.fargate_gb;
      case 2: return p.fargate_arm_vcpu;
      case 3: return p.fargate_arm_gb;
      default: {
        if (slot < nf) return std::nullopt;  // Spot and storage: never covered
        const std::size_t k = slot - nf;
        if (p.type == SavingsPlanConfig::Type::kEc2Instance && !in_instance_family(cfg.instance_types[k].name, p.instance_family))
          return std::nullopt;
        return k < p.ec2.size() ? p.ec2[k] : std::nullopt;
      }
    }
  };
  struct Pair {
    int order;  // 0: EC2 Instance plans, 1: Compute
    double savings, rate;
    std::size_t plan, slot;
  };
  std::vector<Pair> pairs;
  std::vector<bool> eligible(slots, false);
  for (std::size_t p = 0; p < plans.size(); ++p)
    for (std::size_t k = 0; k < slots; ++k)
      if (auto r = rate_of(plans[p], k); r && od[k] > 0) {
        pairs.push_back({plans[p].type == SavingsPlanConfig::Type::kEc2Instance ? 0 : 1, 1.0 - *r / od[k], *r, p, k});
        eligible[k] = true;
      }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
    return std::tie(x.order, y.savings, x.rate, x.plan, x.slot) < std::tie(y.order, x.savings, y.rate, y.plan, y.slot);
  });
  // Each Reserved Instance's family slots: its own type first, then by size, smallest first.
  const auto& ris = pr.reserved_instances;
  b.reservations.assign(ris.size(), {});
  std::vector<double> ri_factor(ris.size(), 0.0);
  std::vector<std::vector<std::size_t>> ri_slots(ris.size());
  for (std::size_t r = 0; r < ris.size(); ++r) {
    ri_factor[r] = normalization_factor(ris[r].instance_type).value_or(0.0);
    const std::string family = ris[r].instance_type.substr(0, ris[r].instance_type.find('.'));
    for (std::size_t k = 0; k < cfg.instance_types.size(); ++k)
      if (in_instance_family(cfg.instance_types[k].name, family) && normalization_factor(cfg.instance_types[k].name))
        ri_slots[r].push_back(nf + k);
    std::stable_sort(ri_slots[r].begin(), ri_slots[r].end(), [&](std::size_t a, std::size_t c) {
      const bool own_a = cfg.instance_types[a - nf].name == ris[r].instance_type, own_c = cfg.instance_types[c - nf].name == ris[r].instance_type;
      if (own_a != own_c) return own_a;
      return *normalization_factor(cfg.instance_types[a - nf].name) < *normalization_factor(cfg.instance_types[c - nf].name);
    });
  }
  std::vector<double> left(plans.size());
  for (std::int64_t h = 0; h < hours; ++h) {
    auto& hb = b.hourly[static_cast<std::size_t>(h)];
    const std::int64_t hour_start = (first_hour + h) * kHourMs, hour_end = hour_start + kHourMs;
    for (std::size_t p = 0; p < plans.size(); ++p) {
      const std::int64_t from = std::max({hour_start, start_ms, plans[p].start_unix_seconds * 1000});
      const std::int64_t to = std::min({hour_end, end_ms, (plans[p].start_unix_seconds + plans[p].duration_seconds) * 1000});
      left[p] = to > from ? plans[p].commitment_usd_per_hour * static_cast<double>(to - from) / kMsPerHour : 0.0;
      b.plans[p].committed += left[p];
      if (to > from) ++b.plans[p].hours;
    }
    double* u = &usage[static_cast<std::size_t>(h) * slots];
    // Reserved Instances first ("EC2 Reserved Instances first"): each covers instance-hours of
    // its family by normalized units, its own size first, then the others smallest first.
    for (std::size_t r = 0; r < ris.size(); ++r) {
      const auto& ri = ris[r];
      const std::int64_t from = std::max({hour_start, start_ms, ri.start_unix_seconds * 1000});
      const std::int64_t to = std::min({hour_end, end_ms, (ri.start_unix_seconds + ri.duration_seconds) * 1000});
      if (to <= from) continue;
      const double fraction = static_cast<double>(to - from) / kMsPerHour;
      const double paid = ri.count * ri.usd_per_hour * fraction;
      auto& rb = b.reservations[r];
      rb.paid += paid;
      ++rb.hours;
      hb.reserved_instances += paid;
      double units = ri.count * ri_factor[r] * fraction;
      rb.units += units;
      for (std::size_t k : ri_slots[r]) {
        if (units <= 0) break;
        const double f = *normalization_factor(cfg.instance_types[k - nf].name);
        const double q = std::min(u[k], units / f);
        u[k] -= q;
        units -= q * f;
        rb.used_units += q * f;
        rb.covered_on_demand += q * od[k];
      }
    }
    for (std::size_t k = 0; k < slots; ++k)
      if (eligible[k]) b.eligible_on_demand += u[k] * od[k];
    for (const Pair& x : pairs) {
      if (left[x.plan] <= 0 || u[x.slot] <= 0) continue;
      const double q = std::min(u[x.slot], left[x.plan] / x.rate);
      left[x.plan] -= q * x.rate;
      u[x.slot] -= q;
      b.plans[x.plan].used += q * x.rate;
      b.plans[x.plan].covered_on_demand += q * od[x.slot];
      hb.savings_plan_covered += q * x.rate;
      b.covered_on_demand += q * od[x.slot];
    }
    for (std::size_t k = 0; k < slots; ++k) hb.on_demand += u[k] * od[k];
    hb.unused_commitment = std::accumulate(left.begin(), left.end(), 0.0);
  }
  for (const auto& hb : b.hourly) {
    b.reserved_instances += hb.reserved_instances;
    b.savings_plan_covered += hb.savings_plan_covered;
    b.unused_commitment += hb.unused_commitment;
    b.on_demand += hb.on_demand;
    b.spot += hb.spot;
    b.other += hb.other;
  }
  return b;
}

}  // namespace ecsim
