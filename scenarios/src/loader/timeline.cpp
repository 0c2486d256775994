// Scenario loading: the timeline of what-if actions.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

namespace ecsim::scenarios::loader {

void Loader::read_timeline(const YAML::Node& n) {
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "timeline")) return;
  const std::vector<std::string> actions = {"updateService", "updateTaskProtection", "spotInterruptions", "spotCapacity"};
  // `service` (required) names a service, and `cluster` (optional) must be its cluster.
  auto service_of = [&](Fields& u, int* service) -> bool {
    auto name = u.str("service", true);
    bool found = false;
    if (name) {
      std::vector<std::string> names;
      for (std::size_t k = 0; k < cfg_.services.size(); ++k) {
        if (!cfg_.services[k].name.empty()) names.push_back(cfg_.services[k].name);
        if (cfg_.services[k].name == *name) {
          *service = static_cast<int>(k);
          found = true;
        }
      }
      if (!found) ctx_.error(u.node()["service"], u.sub("service"), "no service named '" + *name + "'; services: " + detail::join_or_none(names));
    }
    bool ok = found;
    if (u.has("cluster")) {
      auto c = find_cluster(u);
      if (c && found && *c != cfg_.services[*service].cluster) {
        ctx_.error(u.node()["cluster"], u.sub("cluster"), "service '" + *name + "' is in cluster '" +
                                                            cfg_.clusters[cfg_.services[*service].cluster].name + "'");
        ok = false;
      }
      ok = ok && c.has_value();
    } else u.get("cluster");
    return ok;
  };
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = idx("timeline", i);
    Fields f(ctx_, n[i], path);
    if (!f.valid()) continue;
    TimelineEntry e;
    auto at = f.duration("at", true);
    if (at) {
      e.at = SimTime{*at};
      if (*at > cfg_.duration) ctx_.error(n[i]["at"], f.sub("at"), "is after the end of the run (duration " + format_seconds(cfg_.duration) + "s)");
    }
    int given = 0;
    bool ok = at.has_value();
    if (f.has("updateService")) {
      ++given;
      Fields u(ctx_, f.get("updateService"), f.sub("updateService"), "UpdateService");
      UpdateServiceAction a;
      const bool found = service_of(u, &a.service);
      ok = ok && found;
      if (auto v = u.integer("desiredCount", 0, cfg_.account.tasks_per_service)) a.desired_count = static_cast<int>(*v);
      else if (u.has("desiredCount")) ok = false;
      if (u.has("taskDefinition")) {
        if (auto td = find_task_definition(u)) {
          a.task_definition = *td;
          // Placement rules are compiled per service: a revision with other constraints is not modelled.
          auto same = [](const std::vector<PlacementConstraintConfig>& x, const std::vector<PlacementConstraintConfig>& y) {
            return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto& p, const auto& q) {
              return p.type == q.type && p.expression == q.expression;
            });
          };
          if (found && !same(td_constraints_[static_cast<std::size_t>(*td)],
                             td_constraints_[static_cast<std::size_t>(cfg_.services[a.service].task_definition)])) {
            ctx_.error(u.node()["taskDefinition"], u.sub("taskDefinition"),
                       "deploying a revision whose placementConstraints differ from the service's first revision is not modelled: "
                       "give both revisions the same constraints, or run two scenarios");
            ok = false;
          }
          if (found && !cfg_.services[a.service].strategy.empty()) {
            const std::size_t before = ctx_.errors().size();
            check_task_definition_fits(u, *td, cfg_.services[a.service].strategy);
            ok = ok && ctx_.errors().size() == before;
          }
        } else ok = false;
      } else u.get("taskDefinition");
      if (auto v = u.boolean("forceNewDeployment")) a.force_new_deployment = *v;
      if (!u.has("desiredCount") && !u.has("taskDefinition") && !a.force_new_deployment) {
        ctx_.error(u.node(), u.path(), "give desiredCount, taskDefinition or forceNewDeployment (what to change)");
        ok = false;
      }
      e.action = a;
    } else f.get("updateService");
    if (f.has("updateTaskProtection")) {
      ++given;
      Fields u(ctx_, f.get("updateTaskProtection"), f.sub("updateTaskProtection"), "UpdateTaskProtection");
      UpdateTaskProtectionAction a;
      ok = service_of(u, &a.service) && ok;
      if (auto v = u.integer("count", 1, cfg_.account.tasks_per_service, true)) a.count = static_cast<int>(*v);
      else ok = false;
      if (auto v = u.boolean("protectionEnabled", true)) a.enabled = *v;
      else ok = false;
      if (auto v = u.integer("expiresInMinutes", 1, 2880)) {
        a.expires = std::chrono::minutes(*v);
        if (!a.enabled) {
          ctx_.error(u.node()["expiresInMinutes"], u.sub("expiresInMinutes"), "applies only to protectionEnabled: true");
          ok = false;
        }
      } else if (u.has("expiresInMinutes")) ok = false;
      e.action = a;
    } else f.get("updateTaskProtection");
    // FARGATE_SPOT, or (for spotInterruptions) an Auto Scaling group that can hold Spot instances.
    auto spot_provider = [&](Fields& sf, bool allow_asg) -> std::optional<int> {
      auto name = sf.str("capacityProvider", true);
      if (!name) return std::nullopt;
      if (*name == "FARGATE_SPOT") return static_cast<int>(ProviderKind::kFargateSpot);
      std::vector<std::string> valid = {"FARGATE_SPOT"};
      std::optional<int> found;
      for (std::size_t k = 0; k < cfg_.asg_providers.size(); ++k) {
        const auto& a = cfg_.asg_providers[k];
        const bool spot = a.managed_instances ? a.managed_instances->spot : a.mixed && a.on_demand_percent_above_base < 100;
        if (!allow_asg || !spot) continue;
        valid.push_back(a.name);
        if (a.name == *name) found = kNumBuiltinProviders + static_cast<int>(k);
      }
      if (found) return found;
      ctx_.error(sf.node()["capacityProvider"], sf.sub("capacityProvider"),
                 "'" + *name + "' is not a Spot capacity provider here; expected one of: " + detail::join(valid));
      return std::nullopt;
    };
    if (f.has("spotInterruptions")) {
      ++given;
      Fields sf(ctx_, f.get("spotInterruptions"), f.sub("spotInterruptions"));
      SpotInterruptionsAction a;
      auto p = spot_provider(sf, true);
      auto fr = sf.number("fraction", 0, 1, true);
      if (p && fr) {
        a.provider = *p;
        a.fraction = *fr;
        e.action = a;
      } else ok = false;
    } else f.get("spotInterruptions");
    if (f.has("spotCapacity")) {
      ++given;
      Fields sf(ctx_, f.get("spotCapacity"), f.sub("spotCapacity"));
      SpotCapacityAction a;
      auto p = spot_provider(sf, false);
      auto av = sf.boolean("available", true);
      a.duration = sf.duration("for", false, SimDuration{1});
      if (av && *av && a.duration) {
        ctx_.error(sf.node()["for"], sf.sub("for"), "`for` applies only to available: false");
        ok = false;
      }
      if (p && av) {
        a.provider = *p;
        a.available = *av;
        e.action = a;
      } else ok = false;
    } else f.get("spotCapacity");
    if (given != 1) {
      ctx_.error(n[i], path, "give exactly one action: " + detail::join(actions));
      ok = false;
    }
    if (ok) cfg_.timeline.push_back(e);
  }
  std::stable_sort(cfg_.timeline.begin(), cfg_.timeline.end(), [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
}

}  // namespace ecsim::scenarios::loader
