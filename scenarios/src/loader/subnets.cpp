// Scenario loading: subnets and the zones they put tasks and instances in.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

namespace ecsim::scenarios::loader {

void Loader::read_subnets(Fields& top) {
  auto n = top.get("subnets");
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "subnets")) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    Fields f(ctx_, n[i], idx("subnets", i), "Subnet");
    if (!f.valid()) continue;
    auto id = f.str("SubnetId", true);
    auto zone = f.str("AvailabilityZone", true);
    if (!id || !zone) continue;
    auto it = std::find(cfg_.availability_zones.begin(), cfg_.availability_zones.end(), *zone);
    if (it == cfg_.availability_zones.end()) {
      ctx_.error(n[i]["AvailabilityZone"], f.sub("AvailabilityZone"),
                 "unknown availability zone '" + *zone + "'; the scenario's zones: " + detail::join(cfg_.availability_zones));
      continue;
    }
    if (!subnet_zone_.emplace(*id, static_cast<int>(it - cfg_.availability_zones.begin())).second)
      ctx_.error(n[i]["SubnetId"], f.sub("SubnetId"), "subnet '" + *id + "' is listed twice");
    described_subnets_.insert(*id);
  }
}

int Loader::zone_of_subnet(const std::string& id, const std::string& path) {
  if (auto it = subnet_zone_.find(id); it != subnet_zone_.end()) return it->second;
  // Not described: the next zone in turn, so that n subnets cover n zones, as subnets usually do.
  std::size_t undescribed = subnet_zone_.size() - described_subnets_.size();
  const int zone = static_cast<int>(undescribed % cfg_.availability_zones.size());
  subnet_zone_.emplace(id, zone);
  ctx_.note(path, "subnet " + id + " is not in `subnets`; ecsim puts it in " + cfg_.availability_zones[static_cast<std::size_t>(zone)] +
                      " (one zone per subnet, in the order they first appear): list it under `subnets` with its AvailabilityZone "
                      "to say otherwise");
  return zone;
}

std::vector<int> Loader::read_network_zones(Fields& f, bool awsvpc) {
  auto nc = f.get("networkConfiguration");
  if (!nc.IsDefined()) return {};
  if (!awsvpc) {
    ctx_.error(nc, f.sub("networkConfiguration"),
               "networkConfiguration is only for task definitions with networkMode awsvpc (ECS rejects it otherwise)");
    return {};
  }
  Fields n(ctx_, nc, f.sub("networkConfiguration"), "NetworkConfiguration");
  Fields a(ctx_, n.get("awsvpcConfiguration", true), n.sub("awsvpcConfiguration"), "AwsVpcConfiguration");
  std::vector<int> zones;
  auto subnets = a.get("subnets", true);
  if (!subnets.IsDefined() || !detail::expect_sequence(ctx_, subnets, a.sub("subnets"))) return zones;
  if (subnets.size() == 0) ctx_.error(subnets, a.sub("subnets"), "needs at least one subnet");
  if (subnets.size() > 16) ctx_.error(subnets, a.sub("subnets"), "at most 16 subnets (ECS's limit)");
  for (std::size_t k = 0; k < subnets.size(); ++k) {
    auto id = detail::scalar_string(ctx_, subnets[k], idx(a.sub("subnets"), k));
    if (!id) continue;
    zones.push_back(zone_of_subnet(*id, idx(a.sub("subnets"), k)));
  }
  std::sort(zones.begin(), zones.end());
  zones.erase(std::unique(zones.begin(), zones.end()), zones.end());
  return zones;
}

PlacementConstraintConfig Loader::zone_constraint(const std::vector<int>& zones) const {
  std::vector<std::string> names;
  for (int z : zones) names.push_back(cfg_.availability_zones[static_cast<std::size_t>(z)]);
  PlacementConstraintConfig c;
  c.type = PlacementConstraintType::kMemberOf;
  c.expression = "attribute:ecs.availability-zone in [" + detail::join(names) + "]";
  return c;
}

}  // namespace ecsim::scenarios::loader
