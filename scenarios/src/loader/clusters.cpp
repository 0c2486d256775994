// Scenario loading: clusters, capacity provider strategies and placement.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

#include <climits>

namespace ecsim::scenarios::loader {

void Loader::read_clusters(const YAML::Node& n) {
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "clusters")) return;
  if (n.size() == 0) ctx_.error(n, "clusters", "needs at least one cluster");
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = idx("clusters", i);
    Fields f(ctx_, n[i], path, "CreateCluster");
    if (!f.valid()) continue;
    ClusterConfig c;
    // A describe-clusters paste names the cluster twice; the ARN's last part is the name.
    auto arn = f.str("clusterArn");
    auto name = f.str("clusterName", !arn);
    if (arn && !arn_resource(*arn, "cluster/"))
      ctx_.error(n[i]["clusterArn"], f.sub("clusterArn"), "'" + *arn + "' is not a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)");
    else if (arn && name && *arn_resource(*arn, "cluster/") != *name)
      ctx_.error(n[i]["clusterArn"], f.sub("clusterArn"), "the ARN names cluster '" + *arn_resource(*arn, "cluster/") +
                                                             "', clusterName '" + *name + "'");
    c.name = name ? *name : arn ? arn_resource(*arn, "cluster/").value_or("") : "";
    for (const auto& other : cfg_.clusters)
      if (!c.name.empty() && other.name == c.name) ctx_.error(n[i]["clusterName"], f.sub("clusterName"), "two clusters are named '" + c.name + "'");
    if (auto cps = f.get("capacityProviders"); cps.IsDefined() && detail::expect_sequence(ctx_, cps, f.sub("capacityProviders"))) {
      for (std::size_t k = 0; k < cps.size(); ++k) {
        auto s = detail::scalar_string(ctx_, cps[k], idx(f.sub("capacityProviders"), k));
        if (!s) continue;
        auto it = std::find(provider_names_.begin(), provider_names_.end(), *s);
        if (it == provider_names_.end()) {
          ctx_.error(cps[k], idx(f.sub("capacityProviders"), k),
                     "unknown capacity provider '" + *s + "'; expected one of: " + detail::join(provider_names_));
          continue;
        }
        const int provider = static_cast<int>(it - provider_names_.begin());
        if (provider >= kNumBuiltinProviders) {
          // An Auto Scaling group capacity provider belongs to one cluster.
          for (const auto& other : cfg_.clusters)
            if (std::find(other.providers.begin(), other.providers.end(), provider) != other.providers.end())
              ctx_.error(cps[k], idx(f.sub("capacityProviders"), k),
                         "capacity provider '" + *s + "' is already associated with cluster '" + other.name +
                             "' (an Auto Scaling group capacity provider belongs to one cluster)");
        }
        c.providers.push_back(provider);
      }
    }
    if (auto ds = f.get("defaultCapacityProviderStrategy"); ds.IsDefined()) {
      if (auto s = read_strategy(ds, f.sub("defaultCapacityProviderStrategy"), &c.providers)) c.default_strategy = *s;
    }
    cfg_.clusters.push_back(std::move(c));
  }
}

std::optional<int> Loader::find_cluster(Fields& f, bool describe_arn) {
  auto node = f.get("cluster");
  std::string key = "cluster";
  if (describe_arn && !node.IsDefined() && f.has("clusterArn")) {  // a describe-services paste: clusterArn only
    node = f.get("clusterArn");
    key = "clusterArn";
  } else if (describe_arn && !node.IsDefined()) {
    f.get("clusterArn");
  }
  YAML::Node also_arn = describe_arn && key == "cluster" ? f.get("clusterArn") : YAML::Node(YAML::NodeType::Undefined);
  std::string name = "default";
  if (node.IsDefined()) {
    auto s = detail::scalar_string(ctx_, node, f.sub(key));
    if (!s) return std::nullopt;
    name = *s;
    // A cluster ARN: arn:aws:ecs:REGION:ACCOUNT:cluster/NAME
    if (name.rfind("arn:", 0) == 0) {
      auto r = arn_resource(name, "cluster/");
      if (!r) {
        ctx_.error(node, f.sub(key), "'" + name + "' is not a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)");
        return std::nullopt;
      }
      name = *r;
    }
    if (also_arn.IsDefined()) {  // both given: they must agree
      auto other = also_arn.IsScalar() ? arn_resource(also_arn.Scalar(), "cluster/") : std::nullopt;
      if (!other || *other != name) {
        ctx_.error(also_arn, f.sub("clusterArn"), "clusterArn does not name cluster '" + name + "'");
        return std::nullopt;
      }
    }
  } else if (cfg_.clusters.size() == 1) {
    return 0;  // one cluster: it is the one meant (AWS would use "default")
  }
  if (cfg_.clusters.empty()) return std::nullopt;  // `clusters` itself is wrong: reported there
  std::vector<std::string> names;
  for (std::size_t i = 0; i < cfg_.clusters.size(); ++i) {
    if (cfg_.clusters[i].name == name) return static_cast<int>(i);
    if (!cfg_.clusters[i].name.empty()) names.push_back(cfg_.clusters[i].name);  // an unnamed one is reported where it is
  }
  ctx_.error(node.IsDefined() ? node : f.node(), f.sub(key), "no cluster named '" + name + "'; clusters: " + detail::join(names));
  return std::nullopt;
}

std::optional<int> Loader::find_task_definition(Fields& f, bool required) {
  auto node = f.get("taskDefinition", required);
  if (!node.IsDefined()) return std::nullopt;
  auto s = detail::scalar_string(ctx_, node, f.sub("taskDefinition"));
  if (!s) return std::nullopt;
  std::string ref = *s;
  // Accept an ARN: arn:aws:ecs:REGION:ACCOUNT:task-definition/family:revision
  if (ref.rfind("arn:", 0) == 0) {
    auto r = arn_resource(ref, "task-definition/");
    if (!r) {
      ctx_.error(node, f.sub("taskDefinition"), "'" + ref + "' is not a task definition ARN (arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION)");
      return std::nullopt;
    }
    ref = *r;
  }
  std::optional<int> latest;
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < cfg_.task_definitions.size(); ++i) {
    const auto& td = cfg_.task_definitions[i];
    if (!td.family.empty()) keys.push_back(td.key());
    if (td.key() == ref) return static_cast<int>(i);
    if (td.family == ref && (!latest || td.revision > cfg_.task_definitions[*latest].revision))
      latest = static_cast<int>(i);  // family alone: the latest (highest) revision
  }
  if (latest) return latest;
  ctx_.error(node, f.sub("taskDefinition"), "no task definition '" + *s + "'; task definitions: " + detail::join_or_none(keys));
  return std::nullopt;
}

// launchType / capacityProviderStrategy / the cluster default, resolved to a strategy.
std::optional<std::vector<StrategyItem>> Loader::resolve_strategy(Fields& f, int cluster, std::optional<int> td) {
  auto lt = f.choice("launchType", {"FARGATE", "EC2", "EXTERNAL", "MANAGED_INSTANCES"});
  auto cps = f.get("capacityProviderStrategy");
  std::optional<std::vector<StrategyItem>> out;
  if (lt && cps.IsDefined()) {
    ctx_.error(cps, f.sub("capacityProviderStrategy"), "launchType and capacityProviderStrategy cannot both be given");
    return std::nullopt;
  }
  if (lt) {
    if (*lt == "EC2") {
      ctx_.error(f.node()["launchType"], f.sub("launchType"),
                 "launchType EC2 uses container instances registered outside capacity providers, which ecsim does not model; "
                 "give a capacityProviderStrategy with an Auto Scaling group capacity provider (see capacityProviders)");
      return std::nullopt;
    }
    if (*lt != "FARGATE") {
      ctx_.error(f.node()["launchType"], f.sub("launchType"),
                 "launchType " + *lt + " is not modelled in this version of ecsim; use FARGATE or a capacityProviderStrategy");
      return std::nullopt;
    }
    out = std::vector<StrategyItem>{StrategyItem{/*provider=*/0, /*base=*/0, /*weight=*/1}};
  } else if (cps.IsDefined()) {
    out = read_strategy(cps, f.sub("capacityProviderStrategy"), &cfg_.clusters[cluster].providers);
    if (!out) return std::nullopt;
    if (out->empty()) ctx_.error(cps, f.sub("capacityProviderStrategy"), "the strategy is empty");
  } else if (!cfg_.clusters[cluster].default_strategy.empty()) {
    out = cfg_.clusters[cluster].default_strategy;
  } else if (f.has_pascal("launchType") || f.has_pascal("capacityProviderStrategy")) {
    return std::nullopt;  // given in CloudFormation's spelling, which is reported
  } else {
    ctx_.error(f.node(), f.sub("launchType"),
               "no launchType, no capacityProviderStrategy, and cluster '" + cfg_.clusters[cluster].name +
                   "' has no defaultCapacityProviderStrategy; give one of them");
    return std::nullopt;
  }
  const bool on_fargate = uses_fargate(*out);
  const bool on_ec2 = uses_asg(*out);
  if (on_fargate && on_ec2) {
    ctx_.error(f.node(), f.sub("capacityProviderStrategy"),
               "a capacity provider strategy cannot mix Fargate and Auto Scaling group capacity providers");
    return std::nullopt;
  }
  if (uses_managed_instances(*out) &&
      std::any_of(out->begin(), out->end(), [&](const StrategyItem& it) { return !cfg_.asg(it.provider).managed_instances; })) {
    ctx_.error(f.node(), f.sub("capacityProviderStrategy"),
               "a strategy mixing Managed Instances and Auto Scaling group capacity providers is not modelled (their placement "
               "rules differ): give each its own service");
    return std::nullopt;
  }
  if (td) check_task_definition_fits(f, *td, *out);
  if (td && cfg_.task_definitions[*td].architecture == CpuArchitecture::kArm64) {
    for (const auto& item : *out)
      if (item.provider == static_cast<int>(ProviderKind::kFargateSpot))
        ctx_.error(f.node(), f.path(), "FARGATE_SPOT does not run ARM64 tasks (task definition " + cfg_.task_definitions[*td].key() + ")");
  }
  return out;
}

// Whether a task definition can run on every provider of a strategy.
void Loader::check_task_definition_fits(Fields& f, int td, const std::vector<StrategyItem>& strategy) {
  const auto& d = cfg_.task_definitions[td];
  const bool on_ec2 = !strategy.empty() && strategy.front().provider >= kNumBuiltinProviders;
  if (!on_ec2) {
    if (!td_fargate_[td])
      ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() + " does not list FARGATE in requiresCompatibilities");
    return;
  }
  const bool managed = uses_managed_instances(strategy);
  if (managed ? !td_managed_instances_[td] : !td_ec2_[td]) {
    ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() + " does not list " +
                                                    (managed ? "MANAGED_INSTANCES" : "EC2") + " in requiresCompatibilities");
    return;
  }
  if (td_memory_missing_[td]) {
    ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() +
                                                    " needs memory on EC2: a task-level memory, or memory/memoryReservation on each container");
    return;
  }
  for (const auto& item : strategy) {
    const auto& a = cfg_.asg_providers[item.provider - kNumBuiltinProviders];
    int best_cpu = 0, best_mem = 0, best_gpus = 0;
    int least_cpu = INT_MAX, least_mem = INT_MAX, least_gpus = INT_MAX;
    bool arch_ok = false;
    for (int t : a.instance_types) {
      const auto& it = cfg_.instance_types[t];
      best_gpus = std::max(best_gpus, it.gpus);
      best_cpu = std::max(best_cpu, it.vcpu * 1024);
      best_mem = std::max(best_mem, it.memory_mib - cfg_.timings.ec2.reserved_memory_mib);
      least_gpus = std::min(least_gpus, it.gpus);
      least_mem = std::min(least_mem, it.memory_mib - cfg_.timings.ec2.reserved_memory_mib);
      least_cpu = std::min(least_cpu, it.vcpu * 1024);
      arch_ok = arch_ok || it.architecture == d.architecture;
    }
    if (a.managed_scaling.enabled && a.instance_types.size() > 1 &&
        (d.cpu_units > least_cpu || d.memory_mib > least_mem || d.gpus > least_gpus) && d.cpu_units <= best_cpu &&
        d.memory_mib <= best_mem && d.gpus <= best_gpus)
      ctx_.note(f.sub("taskDefinition"), "task definition " + d.key() + " needs more than the smallest instance types of capacity provider '" +
                                             a.name + "' offer (cpu " + std::to_string(least_cpu) + ", memory " + std::to_string(least_mem) +
                                             " MiB, GPUs " + std::to_string(least_gpus) + ", the least of each over its types): managed scaling "
                                             "leaves its tasks out of the scale-out estimate, so they wait for room on larger instances "
                                             "(\"Amazon ECS managed scaling behavior\")");
    if (!arch_ok)
      ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() + " is " +
                                                      (d.architecture == CpuArchitecture::kArm64 ? "ARM64" : "X86_64") +
                                                      " but capacity provider '" + a.name + "' has no instance type of that architecture");
    else if (d.gpus > best_gpus)
      ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() + " needs " + std::to_string(d.gpus) +
                                                      " GPUs; the instance types of capacity provider '" + a.name + "' have at most " +
                                                      std::to_string(best_gpus) + ", so it could never be placed");
    else if (d.cpu_units > best_cpu || d.memory_mib > best_mem)
      ctx_.error(f.node(), f.sub("taskDefinition"),
                 "task definition " + d.key() + " needs cpu " + std::to_string(d.cpu_units) + " and memory " + std::to_string(d.memory_mib) +
                     " MiB; the largest instance of capacity provider '" + a.name + "' registers cpu " + std::to_string(best_cpu) +
                     " and memory " + std::to_string(best_mem) + " MiB, so it could never be placed");
  }
}

// placementStrategy / placementConstraints (EC2 only), with the documented defaults.
PlacementRulesConfig Loader::read_placement(Fields& f, bool on_ec2, bool service) {
  PlacementRulesConfig r;
  auto ps = f.get("placementStrategy");
  auto pc = f.get("placementConstraints");
  if (!on_ec2) {
    for (auto [node, key] : {std::pair{ps, "placementStrategy"}, std::pair{pc, "placementConstraints"}}) {
      if (node.IsDefined() && node.IsSequence() && node.size() > 0)
        ctx_.error(node, f.sub(key), std::string(key) + " is not supported for tasks on Fargate (ECS rejects it)");
      else if (node.IsDefined()) detail::expect_sequence(ctx_, node, f.sub(key));
    }
    return r;
  }
  if (ps.IsDefined() && detail::expect_sequence(ctx_, ps, f.sub("placementStrategy"))) {
    if (ps.size() > 5) ctx_.error(ps, f.sub("placementStrategy"), "at most 5 placement strategies");
    for (std::size_t k = 0; k < ps.size(); ++k) {
      Fields p(ctx_, ps[k], idx(f.sub("placementStrategy"), k), "PlacementStrategy");
      if (!p.valid()) continue;
      auto type = p.choice("type", {"binpack", "spread", "random"}, true);
      auto field = p.str("field");
      if (!type) continue;
      PlacementStrategyConfig sc;
      if (*type == "random") {
        sc.type = PlacementStrategyType::kRandom;
      } else if (*type == "binpack") {
        sc.type = PlacementStrategyType::kBinpack;
        std::string fl = field.value_or("");
        std::transform(fl.begin(), fl.end(), fl.begin(), ::tolower);
        if (fl != "cpu" && fl != "memory") {
          ctx_.error(field ? p.node()["field"] : p.node(), p.sub("field"),
                     field ? "binpack field '" + *field + "' is not valid; expected one of: cpu, memory" : "binpack needs field: cpu or memory");
          continue;
        }
        sc.field = fl;
      } else {
        sc.type = PlacementStrategyType::kSpread;
        if (!field || (*field != "instanceId" && *field != "host" && !(field->rfind("attribute:", 0) == 0 && field->size() > 10))) {
          ctx_.error(field ? p.node()["field"] : p.node(), p.sub("field"),
                     field ? "spread field '" + *field + "' is not valid; expected one of: instanceId, host, attribute:NAME (e.g. attribute:ecs.availability-zone)"
                           : "spread needs field: instanceId, host or attribute:NAME");
          continue;
        }
        sc.field = *field;
      }
      r.strategies.push_back(sc);
    }
  } else if (service) {
    // ECS's default for services: spread over zones, then over instances.
    r.strategies = {{PlacementStrategyType::kSpread, "attribute:ecs.availability-zone"}, {PlacementStrategyType::kSpread, "instanceId"}};
  } else {
    r.strategies = {{PlacementStrategyType::kRandom, ""}};  // RunTask's default
  }
  r.constraints = read_constraints(pc, f.sub("placementConstraints"), /*task_definition=*/false);
  return r;
}

// placementConstraints of a service, a RunTask or a task definition (memberOf only there).
std::vector<PlacementConstraintConfig> Loader::read_constraints(const YAML::Node& pc, const std::string& path, bool task_definition) {
  std::vector<PlacementConstraintConfig> out;
  if (!pc.IsDefined() || !detail::expect_sequence(ctx_, pc, path)) return out;
  if (pc.size() > 10) ctx_.error(pc, path, "at most 10 placement constraints");
  for (std::size_t k = 0; k < pc.size(); ++k) {
    Fields p(ctx_, pc[k], idx(path, k), "PlacementConstraint");
    if (!p.valid()) continue;
    auto type = task_definition ? p.choice("type", {"memberOf"}, true) : p.choice("type", {"distinctInstance", "memberOf"}, true);
    auto expr = p.str("expression");
    if (!type) continue;
    PlacementConstraintConfig cc;
    if (*type == "distinctInstance") {
      cc.type = PlacementConstraintType::kDistinctInstance;
      if (expr) ctx_.error(p.node()["expression"], p.sub("expression"), "distinctInstance takes no expression");
    } else {
      cc.type = PlacementConstraintType::kMemberOf;
      if (!expr) {
        ctx_.error(p.node(), p.sub("expression"), "memberOf needs an expression, e.g. \"attribute:ecs.instance-type =~ m5.*\"");
        continue;
      }
      try {
        (void)placement::Query::parse(*expr);
      } catch (const placement::QueryError& e) {
        ctx_.error(p.node()["expression"], p.sub("expression"),
                   std::string(e.what()) + " (at character " + std::to_string(e.offset() + 1) + " of the expression)");
        continue;
      }
      cc.expression = *expr;
    }
    out.push_back(cc);
  }
  return out;
}

void Loader::merge_task_definition_constraints(Fields& f, int td, bool on_ec2, PlacementRulesConfig& rules) {
  const auto& extra = td_constraints_[static_cast<std::size_t>(td)];
  if (extra.empty()) return;
  if (!on_ec2) {
    ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + cfg_.task_definitions[static_cast<std::size_t>(td)].key() +
                                                    " has placementConstraints, which tasks on Fargate do not support (RegisterTaskDefinition reference): "
                                                    "run it on an Auto Scaling group capacity provider, or remove them");
    return;
  }
  rules.constraints.insert(rules.constraints.end(), extra.begin(), extra.end());
  if (rules.constraints.size() > 10)
    ctx_.error(f.node(), f.sub("placementConstraints"), "at most 10 placement constraints, the task definition's included");
}

}  // namespace ecsim::scenarios::loader
