// Scenario loading: capacity providers and their Auto Scaling groups.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

namespace ecsim::scenarios::loader {

void Loader::read_capacity_providers(const YAML::Node& n) {
  provider_names_ = kBuiltinProviders;
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "capacityProviders")) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = idx("capacityProviders", i);
    Fields f(ctx_, n[i], path, "CreateCapacityProvider");
    if (!f.valid()) continue;
    AsgProviderConfig a;
    a.name = f.str("name", true).value_or("");
    std::string lower = a.name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (std::find(provider_names_.begin(), provider_names_.end(), a.name) != provider_names_.end())
      ctx_.error(n[i]["name"], f.sub("name"), "a capacity provider named '" + a.name + "' already exists");
    else if (lower.rfind("aws", 0) == 0 || lower.rfind("ecs", 0) == 0 || lower.rfind("fargate", 0) == 0)
      ctx_.error(n[i]["name"], f.sub("name"), "capacity provider names cannot start with aws, ecs or fargate (AWS reserves them)");
    const bool managed = f.has("managedInstancesProvider");
    if (managed && f.has("autoScalingGroupProvider")) {
      ctx_.error(f.get("managedInstancesProvider"), f.sub("managedInstancesProvider"),
                 "give autoScalingGroupProvider or managedInstancesProvider, not both");
      f.get("autoScalingGroupProvider");
      f.get("autoScalingGroup");
    }
    if (managed) {
      read_managed_instances(f, a);
      cfg_.asg_providers.push_back(std::move(a));
      provider_names_.push_back(cfg_.asg_providers.back().name);
      continue;
    }
    {
      Fields g(ctx_, f.get("autoScalingGroupProvider", true), f.sub("autoScalingGroupProvider"), "AutoScalingGroupProvider");
      Fields ms(ctx_, g.get("managedScaling"), g.sub("managedScaling"), "ManagedScaling");
      auto& m = a.managed_scaling;
      if (auto v = ms.choice("status", {"ENABLED", "DISABLED"})) m.enabled = *v == "ENABLED";
      if (auto v = ms.integer("targetCapacity", 1, 100)) m.target_capacity = static_cast<int>(*v);
      if (auto v = ms.integer("minimumScalingStepSize", 1, 10000)) m.minimum_step = static_cast<int>(*v);
      if (auto v = ms.integer("maximumScalingStepSize", 1, 10000)) m.maximum_step = static_cast<int>(*v);
      if (auto v = ms.integer("instanceWarmupPeriod", 0, 10000)) m.instance_warmup = std::chrono::seconds(*v);
      if (m.minimum_step > m.maximum_step)
        ctx_.error(ms.node(), ms.path(), "minimumScalingStepSize is above maximumScalingStepSize");
      if (auto v = g.choice("managedTerminationProtection", {"ENABLED", "DISABLED"})) {
        a.managed_termination_protection = *v == "ENABLED";
        if (a.managed_termination_protection && !m.enabled)
          ctx_.error(g.node()["managedTerminationProtection"], g.sub("managedTerminationProtection"),
                     "managed termination protection needs managedScaling.status ENABLED (ECS rejects it otherwise)");
      }
      if (auto v = g.choice("managedDraining", {"ENABLED", "DISABLED"})) a.managed_draining = *v == "ENABLED";
    }
    Fields e(ctx_, f.get("ecsim"), f.sub("ecsim"));
    auto max_enis = e.integer("maxNetworkInterfaces", 1, 100);
    if (auto attrs = e.get("attributes"); attrs.IsDefined()) {
      if (!attrs.IsMap()) ctx_.error(attrs, e.sub("attributes"), "expected a mapping of attribute name to value");
      else
        for (auto it = attrs.begin(); it != attrs.end(); ++it) {
          auto k = detail::scalar_string(ctx_, it->first, e.sub("attributes"));
          auto v = detail::scalar_string(ctx_, it->second, e.sub("attributes") + "." + it->first.as<std::string>(""));
          if (k && v) a.attributes.emplace_back(*k, *v);
        }
    }
    {
      Fields g(ctx_, f.get("autoScalingGroup", true), f.sub("autoScalingGroup"), "CreateAutoScalingGroup");
      a.group_name = g.str("AutoScalingGroupName").value_or(a.name);
      auto lo = g.integer("MinSize", 0, 100000, true);
      auto hi = g.integer("MaxSize", 0, 100000, true);
      auto want = g.integer("DesiredCapacity", 0, 100000);
      const auto protect = g.boolean("NewInstancesProtectedFromScaleIn");
      if (a.managed_termination_protection && !protect.value_or(false))
        ctx_.error(g.node(), g.sub("NewInstancesProtectedFromScaleIn"),
                   "managedTerminationProtection ENABLED needs NewInstancesProtectedFromScaleIn: true on the group "
                   "(ECS rejects the capacity provider otherwise)");
      a.min_size = static_cast<int>(lo.value_or(0));
      a.max_size = static_cast<int>(hi.value_or(0));
      a.desired_capacity = static_cast<int>(want.value_or(a.min_size));
      if (lo && hi && *lo > *hi) ctx_.error(g.node()["MinSize"], g.sub("MinSize"), "MinSize is above MaxSize");
      if (want && hi && lo && (*want < *lo || *want > *hi))
        ctx_.error(g.node()["DesiredCapacity"], g.sub("DesiredCapacity"), "DesiredCapacity must lie within [MinSize, MaxSize]");
      if (auto z = g.get("AvailabilityZones"); z.IsDefined() && detail::expect_sequence(ctx_, z, g.sub("AvailabilityZones"))) {
        for (std::size_t k = 0; k < z.size(); ++k) {
          auto name = detail::scalar_string(ctx_, z[k], idx(g.sub("AvailabilityZones"), k));
          if (!name) continue;
          auto it = std::find(cfg_.availability_zones.begin(), cfg_.availability_zones.end(), *name);
          if (it == cfg_.availability_zones.end())
            ctx_.error(z[k], idx(g.sub("AvailabilityZones"), k),
                       "unknown availability zone '" + *name + "'; the scenario's zones: " + detail::join(cfg_.availability_zones));
          else a.zones.push_back(static_cast<int>(it - cfg_.availability_zones.begin()));
        }
      }
      // VPCZoneIdentifier: comma-separated subnets, whose zones the group launches in.
      if (auto v = g.str("VPCZoneIdentifier")) {
        std::vector<int> zones;
        std::size_t start = 0;
        while (start <= v->size()) {
          const std::size_t comma = std::min(v->find(',', start), v->size());
          std::string id = v->substr(start, comma - start);
          id.erase(0, id.find_first_not_of(' '));
          id.erase(id.find_last_not_of(' ') + 1);
          if (!id.empty()) zones.push_back(zone_of_subnet(id, g.sub("VPCZoneIdentifier")));
          start = comma + 1;
        }
        std::sort(zones.begin(), zones.end());
        zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
        auto given = a.zones;
        std::sort(given.begin(), given.end());
        if (zones.empty()) ctx_.error(g.node()["VPCZoneIdentifier"], g.sub("VPCZoneIdentifier"), "names no subnet");
        else if (!given.empty() && given != zones)
          ctx_.error(g.node()["VPCZoneIdentifier"], g.sub("VPCZoneIdentifier"),
                     "the subnets' zones differ from AvailabilityZones; give one of them, or make them agree");
        else a.zones = zones;
      }
      if (a.zones.empty())
        for (std::size_t z = 0; z < cfg_.availability_zones.size(); ++z) a.zones.push_back(static_cast<int>(z));
      std::vector<std::pair<std::string, YAML::Node>> types;
      auto single = g.get("InstanceType");
      auto mixed = g.get("MixedInstancesPolicy");
      if (single.IsDefined() && mixed.IsDefined()) {
        ctx_.error(mixed, g.sub("MixedInstancesPolicy"), "give InstanceType or MixedInstancesPolicy, not both");
      } else if (single.IsDefined()) {
        if (auto t = detail::scalar_string(ctx_, single, g.sub("InstanceType"))) types.emplace_back(*t, single);
      } else if (mixed.IsDefined()) {
        a.mixed = true;
        Fields mp(ctx_, mixed, g.sub("MixedInstancesPolicy"), "MixedInstancesPolicy");
        Fields d(ctx_, mp.get("InstancesDistribution"), mp.sub("InstancesDistribution"), "InstancesDistribution");
        if (auto v = d.choice("OnDemandAllocationStrategy", {"prioritized", "lowest-price"}))
          a.on_demand_lowest_price = *v == "lowest-price";
        a.spot_allocation = SpotAllocation::kLowestPrice;  // the API default
        if (auto v = d.integer("OnDemandBaseCapacity", 0, 100000)) a.on_demand_base = static_cast<int>(*v);
        if (auto v = d.integer("OnDemandPercentageAboveBaseCapacity", 0, 100)) a.on_demand_percent_above_base = static_cast<int>(*v);
        if (auto v = d.choice("SpotAllocationStrategy", {"price-capacity-optimized", "capacity-optimized",
                                                          "capacity-optimized-prioritized", "lowest-price"}))
          a.spot_allocation = *v == "lowest-price" ? SpotAllocation::kLowestPrice
                              : *v == "price-capacity-optimized" ? SpotAllocation::kPriceCapacityOptimized
                                                                 : SpotAllocation::kCapacityOptimized;
        Fields lt(ctx_, mp.get("LaunchTemplate", true), mp.sub("LaunchTemplate"), "LaunchTemplate");
        auto ov = lt.get("Overrides", true);
        if (ov.IsDefined() && detail::expect_sequence(ctx_, ov, lt.sub("Overrides"))) {
          if (ov.size() == 0) ctx_.error(ov, lt.sub("Overrides"), "needs at least one instance type");
          int weighted = 0;
          for (std::size_t k = 0; k < ov.size(); ++k) {
            Fields o(ctx_, ov[k], idx(lt.sub("Overrides"), k), "LaunchTemplateOverrides");
            if (auto t = o.str("InstanceType", true)) types.emplace_back(*t, ov[k]["InstanceType"]);
            // WeightedCapacity: the capacity units one instance of the type counts for ("1" to "999").
            int weight = 1;
            if (auto w = o.str("WeightedCapacity")) {
              ++weighted;
              if (!all_digits(*w) || w->size() > 3 || std::stoi(*w) < 1)
                ctx_.error(ov[k]["WeightedCapacity"], o.sub("WeightedCapacity"), "'" + *w + "' is not a weight; give a whole number from 1 to 999");
              else weight = std::stoi(*w);
            }
            if (o.has("InstanceType")) a.weights.push_back(weight);
          }
          if (weighted > 0 && weighted != static_cast<int>(ov.size()))
            ctx_.error(ov, lt.sub("Overrides"), "give WeightedCapacity for every override or for none (AWS requires both or neither)");
          if (weighted == 0) a.weights.clear();
          if (weighted > 0 && a.managed_scaling.enabled)
            ctx_.error(ov, lt.sub("Overrides"),
                       "managed scaling of a group with WeightedCapacity is not modelled (ecsim's managed scaling counts "
                       "instances): set managedScaling.status DISABLED, or remove the weights");
        }
      } else {
        ctx_.error(g.node(), g.path(), "give InstanceType (one type) or MixedInstancesPolicy (several)");
      }
      std::optional<CpuArchitecture> arch;
      for (const auto& [name, node] : types) {
        auto row = detail::ec2_instance_type(name, cfg_.region);
        if (!row) {
          auto hint = detail::closest(name, detail::ec2_instance_type_names(cfg_.region));
          ctx_.error(node, g.path(), "unknown instance type '" + name + "' (not in the bundled table for " + cfg_.region + ")" +
                                         (hint ? "; did you mean '" + *hint + "'?" : ""));
          continue;
        }
        if (!row->has_price) {
          ctx_.error(node, g.path(), "instance type '" + name + "' has no On-Demand price in the bundled table; give one under pricing.ec2.instanceTypes");
        }
        if (arch && *arch != row->type.architecture)
          ctx_.error(node, g.path(), "a group mixing CPU architectures is not modelled ('" + name +
                                         "' differs from the first type; AWS allows it with a launch template per architecture): "
                                         "give each architecture its own group and capacity provider");
        arch = row->type.architecture;
        if (max_enis) row->type.max_enis = static_cast<int>(*max_enis);
        row->type.price_source = row->source;
        apply_price_override(row->type, row->has_spot_data, a, node);
        a.instance_types.push_back(static_cast<int>(cfg_.instance_types.size()));
        cfg_.instance_types.push_back(row->type);
      }
    }
    cfg_.asg_providers.push_back(std::move(a));
    provider_names_.push_back(cfg_.asg_providers.back().name);
  }
}

void Loader::apply_price_override(InstanceTypeConfig& t, bool has_spot_data, const AsgProviderConfig& a, const YAML::Node& at) {
  bool spot_price_given = false;
  if (ec2_price_overrides_.IsDefined() && ec2_price_overrides_.IsMap()) {
    if (auto o = ec2_price_overrides_[t.name]; o.IsDefined()) {
      Fields f(ctx_, o, "pricing.ec2.instanceTypes." + t.name);
      if (auto v = f.number("onDemandUsdPerHour", 0, 1e6)) {
        t.on_demand_usd_per_hour = *v;
        t.price_source += "; On-Demand from pricing.ec2.instanceTypes." + t.name;
      }
      if (auto v = f.number("spotUsdPerHour", 0, 1e6)) {
        t.spot_usd_per_hour = *v;
        spot_price_given = true;
        t.price_source += "; Spot from pricing.ec2.instanceTypes." + t.name;
      }
    }
  }
  const bool may_use_spot = a.mixed && (a.on_demand_percent_above_base < 100);
  // Without an estimate a Spot price would be a guess: refuse rather than bill Spot at On-Demand.
  if (may_use_spot && !has_spot_data && !spot_price_given)
    ctx_.error(at, "pricing.ec2.instanceTypes." + t.name + ".spotUsdPerHour",
               "the bundled tables have no Spot price estimate for " + t.name + " in " + cfg_.region +
                   " (the Spot Advisor snapshot of 2025-06 has no entry for it): give pricing.ec2.instanceTypes." + t.name +
                   ".spotUsdPerHour, or keep the group On-Demand");
}

}  // namespace ecsim::scenarios::loader
