// Scenario loading: ECS Managed Instances capacity providers (managedInstancesProvider).
// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>

#include <cmath>

#include "loader/loader.hpp"
#include "ecsim/placement/query.hpp"
#include "price_table.hpp"

namespace ecsim::scenarios::loader {

namespace {

// EC2's instance type patterns: '*' matches any run of characters ("c6i.*", "m6*.*", "r*"),
// as in the cluster query language.
bool glob_match(const std::string& pattern, const std::string& name) { return placement::wildcard_match(pattern, name); }

struct Range {
  std::optional<double> min, max;
  bool admits(double v) const { return (!min || v >= *min - 1e-9) && (!max || v <= *max + 1e-9); }
};

}  // namespace

void Loader::read_managed_instances(Fields& f, AsgProviderConfig& a) {
  ManagedInstancesConfig mi;
  mi.scale_in_after = cfg_.timings.managed_instances.default_scale_in_after;
  a.managed_draining = true;
  a.min_size = 0;
  a.max_size = 100000;
  Fields m(ctx_, f.get("managedInstancesProvider"), f.sub("managedInstancesProvider"), "ManagedInstancesProvider");
  {
    Fields io(ctx_, m.get("infrastructureOptimization"), m.sub("infrastructureOptimization"), "InfrastructureOptimization");
    if (auto v = io.get("scaleInAfter"); v.IsDefined() && !v.IsNull()) {
      if (auto s = detail::scalar_integer(ctx_, v, io.sub("scaleInAfter"), -1, 3600)) {
        if (*s == -1) mi.scale_in_after.reset();
        else mi.scale_in_after = std::chrono::seconds(*s);
      }
    }
  }
  Fields lt(ctx_, m.get("instanceLaunchTemplate", true), m.sub("instanceLaunchTemplate"), "InstanceLaunchTemplate");
  {
    Fields net(ctx_, lt.get("networkConfiguration", true), lt.sub("networkConfiguration"), "ManagedInstancesNetworkConfiguration");
    auto subnets = net.get("subnets", true);
    if (subnets.IsDefined() && detail::expect_sequence(ctx_, subnets, net.sub("subnets"))) {
      if (subnets.size() == 0) ctx_.error(subnets, net.sub("subnets"), "needs at least one subnet");
      for (std::size_t k = 0; k < subnets.size(); ++k)
        if (auto id = detail::scalar_string(ctx_, subnets[k], idx(net.sub("subnets"), k)))
          a.zones.push_back(zone_of_subnet(*id, idx(net.sub("subnets"), k)));
    }
    std::sort(a.zones.begin(), a.zones.end());
    a.zones.erase(std::unique(a.zones.begin(), a.zones.end()), a.zones.end());
    a.zones.erase(std::remove(a.zones.begin(), a.zones.end(), -1), a.zones.end());
  }
  if (a.zones.empty())
    for (std::size_t z = 0; z < cfg_.availability_zones.size(); ++z) a.zones.push_back(static_cast<int>(z));
  if (auto v = lt.choice("capacityOptionType", {"ON_DEMAND", "SPOT", "RESERVED"})) {
    if (*v == "RESERVED")
      ctx_.error(lt.node()["capacityOptionType"], lt.sub("capacityOptionType"),
                 "capacityOptionType RESERVED (EC2 Capacity Reservations) is not modelled: use ON_DEMAND or SPOT");
    mi.spot = *v == "SPOT";
  }
  // instanceRequirements: EC2 attribute-based selection over the bundled table. Without it,
  // ECS "selects the most cost-optimized general-purpose" types: ecsim takes the M family,
  // generation 5 and later.
  const auto ir_node = lt.get("instanceRequirements");
  Range vcpu, memory, per_vcpu, gpus, enis, bandwidth;
  std::vector<std::string> makers, allowed, excluded;
  std::string burstable = "excluded", bare_metal = "excluded";
  const std::string ir_path = lt.sub("instanceRequirements");
  auto range = [&](Fields& ir, const char* key, bool required, bool whole, Range& out) {
    auto node = ir.get(key, required);
    if (!node.IsDefined()) return;
    Fields r(ctx_, node, ir.sub(key));
    if (!r.valid()) return;
    if (auto v = r.number("min", 0, 1e9, required && std::string(key) != "memoryGiBPerVCpu")) out.min = *v;
    if (auto v = r.number("max", 0, 1e9)) out.max = *v;
    if (whole && ((out.min && *out.min != std::floor(*out.min)) || (out.max && *out.max != std::floor(*out.max))))
      ctx_.error(node, ir.sub(key), "min and max must be whole numbers");
    if (out.min && out.max && *out.min > *out.max) ctx_.error(node, ir.sub(key), "min is above max");
  };
  auto names = [&](Fields& ir, const char* key, std::vector<std::string>& out) {
    auto node = ir.get(key);
    if (!node.IsDefined() || !detail::expect_sequence(ctx_, node, ir.sub(key))) return;
    for (std::size_t k = 0; k < node.size(); ++k)
      if (auto s = detail::scalar_string(ctx_, node[k], idx(ir.sub(key), k))) out.push_back(*s);
  };
  if (ir_node.IsDefined()) {
    Fields ir(ctx_, ir_node, ir_path, "InstanceRequirementsRequest");
    range(ir, "vCpuCount", true, true, vcpu);
    range(ir, "memoryMiB", true, true, memory);
    range(ir, "memoryGiBPerVCpu", false, false, per_vcpu);
    range(ir, "acceleratorCount", false, true, gpus);
    range(ir, "networkInterfaceCount", false, true, enis);
    range(ir, "networkBandwidthGbps", false, false, bandwidth);
    if (ir.has("networkBandwidthGbps") && cfg_.region != "us-east-1")
      ctx_.error(ir.node()["networkBandwidthGbps"], ir.sub("networkBandwidthGbps"),
                 "network bandwidth is in the bundled us-east-1 table only, so it is not modelled in " + cfg_.region + ": remove it");
    if (auto c = ir.get("cpuManufacturers"); c.IsDefined() && detail::expect_sequence(ctx_, c, ir.sub("cpuManufacturers")))
      for (std::size_t k = 0; k < c.size(); ++k) {
        auto s = detail::scalar_string(ctx_, c[k], idx(ir.sub("cpuManufacturers"), k));
        if (!s) continue;
        if (*s != "intel" && *s != "amd" && *s != "amazon-web-services")
          ctx_.error(c[k], idx(ir.sub("cpuManufacturers"), k), "unknown value '" + *s + "'; expected one of: amazon-web-services, amd, intel");
        else makers.push_back(*s);
      }
    names(ir, "allowedInstanceTypes", allowed);
    names(ir, "excludedInstanceTypes", excluded);
    if (!allowed.empty() && !excluded.empty())
      ctx_.error(ir.node()["excludedInstanceTypes"], ir.sub("excludedInstanceTypes"),
                 "give allowedInstanceTypes or excludedInstanceTypes, not both (EC2 rejects both)");
    if (auto v = ir.choice("burstablePerformance", {"included", "required", "excluded"})) burstable = *v;
    if (auto v = ir.choice("bareMetal", {"included", "required", "excluded"})) bare_metal = *v;
    if (auto v = ir.choice("localStorage", {"included", "required", "excluded"}); v && *v != "included")
      ctx_.error(ir.node()["localStorage"], ir.sub("localStorage"),
                 "localStorage " + *v + " is not modelled (the bundled table does not say which types have instance storage): "
                 "remove it, or list types in allowedInstanceTypes");
  }
  auto ternary = [](const std::string& rule, bool has) { return rule == "included" || (rule == "required") == has; };
  std::vector<detail::Ec2TypeRow> rows;
  for (auto& r : detail::ec2_instance_types(cfg_.region)) {
    const auto& t = r.type;
    // Managed Instances never launch nano, micro or 1-vCPU types.
    if (t.vcpu < 2 || t.name.find(".nano") != std::string::npos || t.name.find(".micro") != std::string::npos) continue;
    if (!ir_node.IsDefined()) {
      if (r.category != "m" || r.bare_metal) continue;
      std::size_t k = 1;
      int generation = 0;
      while (k < r.family.size() && std::isdigit(static_cast<unsigned char>(r.family[k]))) generation = generation * 10 + (r.family[k++] - '0');
      if (generation < 5) continue;
    } else {
      if (!vcpu.admits(t.vcpu) || !memory.admits(t.memory_mib) || !per_vcpu.admits(t.memory_mib / 1024.0 / t.vcpu)) continue;
      if (!gpus.admits(t.gpus) || !enis.admits(t.max_enis)) continue;
      if ((bandwidth.min || bandwidth.max) && (!r.has_bandwidth || !bandwidth.admits(t.network_bandwidth_mbps / 1000.0))) continue;
      if (!makers.empty() && std::find(makers.begin(), makers.end(), r.manufacturer) == makers.end()) continue;
      if (!ternary(burstable, r.burstable) || !ternary(bare_metal, r.bare_metal)) continue;
      if (!allowed.empty() && std::none_of(allowed.begin(), allowed.end(), [&](const std::string& p) { return glob_match(p, t.name); })) continue;
      if (std::any_of(excluded.begin(), excluded.end(), [&](const std::string& p) { return glob_match(p, t.name); })) continue;
    }
    if (mi.spot && !r.has_spot_data) continue;  // no Spot price estimate: not a candidate for SPOT
    rows.push_back(std::move(r));
  }
  // ecsim runs one CPU architecture per provider: X86_64 unless only ARM64 types match.
  if (std::any_of(rows.begin(), rows.end(), [](const auto& r) { return r.type.architecture == CpuArchitecture::kX86_64; })) {
    const bool had_arm = std::any_of(rows.begin(), rows.end(), [](const auto& r) { return r.type.architecture == CpuArchitecture::kArm64; });
    rows.erase(std::remove_if(rows.begin(), rows.end(), [](const auto& r) { return r.type.architecture == CpuArchitecture::kArm64; }), rows.end());
    if (had_arm)
      ctx_.note(ir_path, "capacity provider '" + a.name + "': ARM64 and X86_64 types match; ecsim runs one architecture per provider "
                         "and keeps the X86_64 ones (add cpuManufacturers: [amazon-web-services] for Graviton)");
  }
  // The fee: pricing.managedInstances.instanceTypes.<type>.managementFeeUsdPerHour, else a
  // share of the On-Demand price.
  const double fraction = cfg_.pricing.managed_instances_fee_fraction;
  for (auto& r : rows) {
    auto& t = r.type;
    t.price_source = r.source;
    t.management_fee_usd_per_hour = t.on_demand_usd_per_hour * fraction;
    std::string fee_source = "management fee = " + fmt::format("{:.2f}", fraction * 100) +
                             " % of On-Demand (pricing.managedInstances; assumption from the c6a.2xlarge example)";
    if (managed_instances_pricing_.IsDefined() && managed_instances_pricing_.IsMap())
      if (auto o = managed_instances_pricing_[t.name]; o.IsDefined()) {
        Fields fo(ctx_, o, "pricing.managedInstances.instanceTypes." + t.name);
        if (auto v = fo.number("managementFeeUsdPerHour", 0, 1e6)) {
          t.management_fee_usd_per_hour = *v;
          fee_source = "management fee from pricing.managedInstances.instanceTypes." + t.name;
        }
      }
    t.price_source += "; " + fee_source;
    apply_price_override(t, r.has_spot_data, a, lt.node());
  }
  // A type another beats on every resource at a lower price is never the cheapest per task.
  auto rate = [&](const InstanceTypeConfig& t) { return (mi.spot ? t.spot_usd_per_hour : t.on_demand_usd_per_hour) + t.management_fee_usd_per_hour; };
  std::vector<detail::Ec2TypeRow> kept;
  for (const auto& r : rows) {
    const auto& t = r.type;
    const bool dominated = std::any_of(rows.begin(), rows.end(), [&](const auto& o) {
      return rate(o.type) < rate(t) && o.type.vcpu >= t.vcpu && o.type.memory_mib >= t.memory_mib && o.type.gpus >= t.gpus &&
             o.type.max_enis >= t.max_enis;
    });
    if (!dominated) kept.push_back(r);
  }
  if (kept.empty())
    ctx_.error(ir_node.IsDefined() ? ir_node : lt.node(), ir_node.IsDefined() ? ir_path : lt.path(),
               std::string("no instance type in the bundled table for ") + cfg_.region + " satisfies these requirements" +
                   (mi.spot ? " and has a Spot price estimate" : "") + "; widen vCpuCount or memoryMiB, or check allowedInstanceTypes");
  for (auto& r : kept) {
    a.instance_types.push_back(static_cast<int>(cfg_.instance_types.size()));
    cfg_.instance_types.push_back(std::move(r.type));
  }
  Fields e(ctx_, f.get("ecsim"), f.sub("ecsim"));
  if (auto v = e.integer("maxNetworkInterfaces", 2, 1000)) mi.task_enis_per_instance_override = static_cast<int>(*v) - 1;
  a.managed_instances = mi;
}

void Loader::managed_instances_placement(Fields& f, const std::vector<StrategyItem>& strategy, PlacementRulesConfig& rules) {
  if (!uses_managed_instances(strategy)) return;
  if (auto ps = f.get("placementStrategy"); ps.IsDefined() && (!ps.IsSequence() || ps.size() > 0))
    ctx_.error(ps, f.sub("placementStrategy"), "placementStrategy is not supported on Managed Instances (ECS places the tasks itself): remove it");
  for (const auto& c : rules.constraints)
    if (c.type == PlacementConstraintType::kMemberOf) {
      ctx_.error(f.node(), f.sub("placementConstraints"),
                 "memberOf placement constraints on Managed Instances are not modelled (ecsim's instance selection does not read them): "
                 "remove them, or narrow the provider's instanceRequirements instead");
      break;
    }
  // ECS spreads over zones (best effort) and packs several tasks per instance.
  rules.strategies = {{PlacementStrategyType::kSpread, "attribute:ecs.availability-zone"}, {PlacementStrategyType::kBinpack, "memory"}};
}

}  // namespace ecsim::scenarios::loader
