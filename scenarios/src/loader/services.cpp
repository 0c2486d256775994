// Scenario loading: services, their deployment configuration and load.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

namespace ecsim::scenarios::loader {

// Only ECS rolling updates are modelled. Any other deployment controller or strategy, and
// the fields that only they (or alarm-based rollback) use, are refused with what to do.
void Loader::read_unmodelled_deployment_fields(Fields& service, Fields& d) {
  const std::string kRolling = "; ecsim models rolling updates (deploymentController ECS, strategy ROLLING): remove it, "
                               "or compare strategies with two rolling configurations (maximumPercent/minimumHealthyPercent)";
  if (auto dc = service.get("deploymentController"); dc.IsDefined()) {
    Fields c(ctx_, dc, service.sub("deploymentController"), "DeploymentController");
    if (auto type = c.choice("type", {"ECS", "CODE_DEPLOY", "EXTERNAL"}); type && *type != "ECS")
      ctx_.error(dc["type"], c.sub("type"), "deployment controller " + *type + " is not modelled" + kRolling);
  }
  if (auto st = d.choice("strategy", {"ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"}); st && *st != "ROLLING")
    ctx_.error(d.node()["strategy"], d.sub("strategy"), "deployment strategy " + *st + " is not modelled" + kRolling);
  if (auto v = d.integer("bakeTimeInMinutes", 0, 1440); v && *v != 0)
    ctx_.error(d.node()["bakeTimeInMinutes"], d.sub("bakeTimeInMinutes"),
               "bake time is not modelled (it belongs to blue/green, linear and canary deployments)" + kRolling);
  for (const char* key : {"lifecycleHooks", "canaryConfiguration", "linearConfiguration"})
    if (auto n = d.get(key); n.IsDefined() && !(n.IsSequence() && n.size() == 0))
      ctx_.error(n, d.sub(key), std::string(key) + " is not modelled (blue/green, linear and canary deployments)" + kRolling);
  if (auto alarms = d.get("alarms"); alarms.IsDefined()) {
    Fields a(ctx_, alarms, d.sub("alarms"), "DeploymentAlarms");
    a.get("alarmNames");
    a.boolean("rollback");
    if (auto on = a.boolean("enable"); on && *on)
      ctx_.error(alarms["enable"], a.sub("enable"),
                 "deployment alarms are not modelled (ecsim has no CloudWatch alarms on application metrics); "
                 "set enable: false, or use deploymentCircuitBreaker, which is modelled");
  }
}

void Loader::read_services(const YAML::Node& n) {
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "services")) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = idx("services", i);
    Fields f(ctx_, n[i], path, "CreateService");
    if (!f.valid()) continue;
    ServiceConfig s;
    s.name = f.str("serviceName", true).value_or("");
    for (const auto& other : cfg_.services)
      if (!s.name.empty() && other.name == s.name) ctx_.error(n[i]["serviceName"], f.sub("serviceName"), "two services are named '" + s.name + "'");
    auto cluster = find_cluster(f, /*describe_arn=*/true);
    if (auto r = f.choice("availabilityZoneRebalancing", {"ENABLED", "DISABLED"}); r && *r == "ENABLED")
      ctx_.error(n[i]["availabilityZoneRebalancing"], f.sub("availabilityZoneRebalancing"),
                 "availability zone rebalancing is not modelled (ecsim spreads new tasks over zones but never moves running "
                 "ones): give DISABLED, which is what ecsim simulates");
    // An EXTERNAL controller's service has no task definition (its task sets do); the
    // controller itself is refused below, without a companion "taskDefinition is missing".
    bool external = false;
    if (f.has("deploymentController")) {
      const YAML::Node dc = f.node()["deploymentController"];
      if (dc.IsMap()) {
        const YAML::Node type = dc["type"];
        external = type.IsDefined() && type.IsScalar() && type.Scalar() == "EXTERNAL";
      }
    }
    auto td = find_task_definition(f, !external);
    if (auto v = f.integer("desiredCount", 0, cfg_.account.tasks_per_service)) s.desired_count = static_cast<int>(*v);
    if (auto ss = f.choice("schedulingStrategy", {"REPLICA", "DAEMON"}); ss && *ss == "DAEMON") {
      s.daemon = true;
      s.maximum_percent = 100;  // DAEMON defaults
      s.minimum_healthy_percent = 0;
      if (s.desired_count != 0) ctx_.error(n[i]["desiredCount"], f.sub("desiredCount"), "a DAEMON service has no desiredCount (one task per container instance)");
    }
    {
      Fields d(ctx_, f.get("deploymentConfiguration"), f.sub("deploymentConfiguration"), "DeploymentConfiguration");
      read_unmodelled_deployment_fields(f, d);
      if (auto v = d.integer("maximumPercent", 100, 200)) s.maximum_percent = static_cast<int>(*v);
      if (auto v = d.integer("minimumHealthyPercent", 0, 100)) s.minimum_healthy_percent = static_cast<int>(*v);
      Fields cb(ctx_, d.get("deploymentCircuitBreaker"), d.sub("deploymentCircuitBreaker"), "DeploymentCircuitBreaker");
      s.circuit_breaker = cb.boolean("enable").value_or(false);
      s.rollback = cb.boolean("rollback").value_or(false);
      s.reset_on_healthy_task = cb.boolean("resetOnHealthyTask").value_or(true);
      Fields th(ctx_, cb.get("thresholdConfiguration"), cb.sub("thresholdConfiguration"), "ThresholdConfiguration");
      if (auto v = th.choice("type", {"BOUNDED_PERCENT", "UNBOUNDED_PERCENT", "COUNT"}, th.valid() && th.node().IsDefined()))
        s.breaker_threshold_type = *v == "COUNT" ? ServiceConfig::BreakerThreshold::kCount
                                   : *v == "UNBOUNDED_PERCENT" ? ServiceConfig::BreakerThreshold::kUnboundedPercent
                                                               : ServiceConfig::BreakerThreshold::kBoundedPercent;
      if (auto v = th.integer("value", 1, 100000, th.valid() && th.node().IsDefined())) s.breaker_threshold_value = static_cast<int>(*v);
    }
    if (auto v = f.integer("healthCheckGracePeriodSeconds", 0, 2147483647)) s.health_check_grace_period = std::chrono::seconds(*v);
    if (auto lbs = f.get("loadBalancers"); lbs.IsDefined() && detail::expect_sequence(ctx_, lbs, f.sub("loadBalancers"))) {
      for (std::size_t k = 0; k < lbs.size(); ++k) {
        Fields lb(ctx_, lbs[k], idx(f.sub("loadBalancers"), k), "LoadBalancer");
        lb.str("targetGroupArn", !lb.has("loadBalancerName"));  // a Classic Load Balancer is refused by the field table
        lb.str("containerName", true);
        lb.integer("containerPort", 0, 65535, true);
      }
      s.load_balanced = lbs.size() > 0;
    }
    read_load(f, s);
    {
      // monitoring.metricConfigurations: the resolution of CPUUtilization and MemoryUtilization.
      Fields mon(ctx_, f.get("monitoring"), f.sub("monitoring"), "MonitoringConfiguration");
      auto list = mon.get("metricConfigurations");
      if (list.IsDefined() && detail::expect_sequence(ctx_, list, mon.sub("metricConfigurations")))
        for (std::size_t k = 0; k < list.size(); ++k) {
          Fields mc(ctx_, list[k], idx(mon.sub("metricConfigurations"), k), "MetricConfiguration");
          auto res = mc.integer("resolutionSeconds", 20, 60, true);
          if (res && *res != 20 && *res != 60)
            ctx_.error(list[k]["resolutionSeconds"], mc.sub("resolutionSeconds"), "must be 20 or 60, got " + std::to_string(*res));
          auto names = mc.get("metricNames", true);
          if (!names.IsDefined() || !detail::expect_sequence(ctx_, names, mc.sub("metricNames"))) continue;
          for (std::size_t j = 0; j < names.size(); ++j) {
            auto name = detail::scalar_string(ctx_, names[j], idx(mc.sub("metricNames"), j));
            if (!name) continue;
            if (*name != "CPUUtilization" && *name != "MemoryUtilization") {
              ctx_.error(names[j], idx(mc.sub("metricNames"), j), "unknown metric '" + *name + "'; expected one of: CPUUtilization, MemoryUtilization");
              continue;
            }
            (*name == "CPUUtilization" ? s.cpu_high_resolution : s.memory_high_resolution) = res && *res == 20;
          }
        }
    }
    if (auto a = f.get("autoScaling"); a.IsDefined()) s.auto_scaling = read_auto_scaling(a, f.sub("autoScaling"));
    if (s.auto_scaling)
      for (const auto& p : s.auto_scaling->policies)
        if (const auto* tt = std::get_if<TargetTrackingConfig>(&p.kind); tt && tt->high_resolution) {
          const bool cpu = tt->metric == MetricType::kCpuUtilization;
          if (cpu ? !s.cpu_high_resolution : !s.memory_high_resolution)
            ctx_.error(f.get("autoScaling"), f.sub("autoScaling"),
                       "policy '" + p.name + "' tracks a HighResolution metric, which needs the service's " +
                           (cpu ? "CPUUtilization" : "MemoryUtilization") + " at 20 seconds: add monitoring: {metricConfigurations: [{metricNames: [" +
                           (cpu ? "CPUUtilization" : "MemoryUtilization") + "], resolutionSeconds: 20}]}");
        }
    if (s.auto_scaling) {
      int predictive = 0;
      for (const auto& p : s.auto_scaling->policies) {
        const auto* pc = std::get_if<PredictiveScalingConfig>(&p.kind);
        if (!pc) continue;
        if (++predictive == 2)
          ctx_.error(f.get("autoScaling"), f.sub("autoScaling"),
                     "a second PredictiveScaling policy ('" + p.name + "') is not modelled: ecsim runs one per service; keep one");
        const bool history = s.load_history.kind == LoadHistory::Kind::kFrom ||
                             (s.load_history.kind == LoadHistory::Kind::kDefault && std::holds_alternative<TraceLoad>(s.load));
        if (pc->metric == PredictiveMetric::kMemory && history)
          ctx_.error(f.get("autoScaling"), f.sub("autoScaling"),
                     "policy '" + p.name + "': ECSServiceMemoryUtilization learnt from the load before `start` is not modelled "
                     "(the history gives requests, not how many tasks held them in memory): use ECSServiceCPUUtilization or "
                     "ALBRequestCount, or set load.history: none so that the policy learns from the run's own datapoints");
        if (pc->metric == PredictiveMetric::kAlbRequestCount && !s.load_balanced)
          ctx_.error(f.get("autoScaling"), f.sub("autoScaling"),
                     "policy '" + p.name + "' forecasts ALBRequestCount, which needs the service behind a load balancer (loadBalancers)");
      }
    }
    if (td && cfg_.task_definitions[*td].requests_per_second <= 0) {
      const bool needs = !std::holds_alternative<std::monostate>(s.load) || s.auto_scaling;
      if (needs)
        ctx_.error(n[i], f.sub("taskDefinition"), "task definition " + cfg_.task_definitions[*td].key() +
                                                  " needs ecsim.capacity.requestsPerSecond (the load one task serves at 100% CPU) "
                                                  "for a service with load or autoScaling");
    }
    if (cluster) s.cluster = *cluster;
    if (td) s.task_definition = *td;
    s.zones = read_network_zones(f, !td || cfg_.task_definitions[*td].network_mode == NetworkMode::kAwsvpc);
    if (cluster && s.daemon) {
      // DAEMON: every ACTIVE instance of the cluster's Auto Scaling group providers.
      for (const char* key : {"launchType", "capacityProviderStrategy"})
        if (f.has(key)) ctx_.error(f.get(key), f.sub(key), "a DAEMON service runs on every container instance of the cluster; drop " + std::string(key));
      for (int p : cfg_.clusters[*cluster].providers)
        if (p >= kNumBuiltinProviders) s.strategy.push_back(StrategyItem{p, 0, 1});
      if (s.strategy.empty())
        ctx_.error(n[i]["schedulingStrategy"], f.sub("schedulingStrategy"),
                   "DAEMON services need EC2 capacity: cluster '" + cfg_.clusters[*cluster].name + "' has no Auto Scaling group capacity provider");
      else if (td) check_task_definition_fits(f, *td, s.strategy);
      if (s.auto_scaling) ctx_.error(f.get("autoScaling"), f.sub("autoScaling"), "a DAEMON service cannot be auto scaled");
      if (f.has("placementStrategy")) ctx_.error(f.get("placementStrategy"), f.sub("placementStrategy"), "DAEMON services take no placementStrategy");
      s.placement = read_placement(f, true, true);
      s.placement.strategies.clear();
    } else if (cluster) {
      if (auto st = resolve_strategy(f, *cluster, td)) {
        s.strategy = *st;
        s.placement = read_placement(f, s.strategy.front().provider >= kNumBuiltinProviders, true);
        if (td) merge_task_definition_constraints(f, *td, s.strategy.front().provider >= kNumBuiltinProviders, s.placement);
        managed_instances_placement(f, s.strategy, s.placement);
      } else {
        f.get("placementStrategy");
        f.get("placementConstraints");
      }
    } else {
      f.get("launchType");
      f.get("capacityProviderStrategy");
      f.get("placementStrategy");
      f.get("placementConstraints");
    }
    // EC2 tasks of an awsvpc service run only on instances in its subnets' zones.
    if (!s.zones.empty() && uses_asg(s.strategy))
      s.placement.constraints.push_back(zone_constraint(s.zones));
    cfg_.services.push_back(std::move(s));
  }
}

void Loader::read_load(Fields& f, ServiceConfig& s) {
  auto n = f.get("load");
  if (!n.IsDefined()) return;
  Fields l(ctx_, n, f.sub("load"));
  if (!l.valid()) return;
  int kinds = 0;
  if (l.has("constant")) {
    ++kinds;
    Fields c(ctx_, l.get("constant"), l.sub("constant"));
    if (auto v = c.number("requestsPerSecond", 0, 1e12, true)) s.load = ConstantLoad{*v};
  } else l.get("constant");
  if (l.has("diurnal")) {
    ++kinds;
    Fields d(ctx_, l.get("diurnal"), l.sub("diurnal"));
    DiurnalLoad dl;
    if (auto v = d.number("meanRequestsPerSecond", 0, 1e12, true)) dl.mean_requests_per_second = *v;
    if (auto v = d.number("amplitude", 0, 1)) dl.amplitude = *v;
    if (auto v = d.duration("period", false, SimDuration{1000})) dl.period = *v;
    if (auto v = d.duration("phase")) dl.phase = *v;
    if (auto v = d.duration("resolution", false, SimDuration{1000})) dl.resolution = *v;
    s.load = dl;
  } else l.get("diurnal");
  if (l.has("trace")) {
    ++kinds;
    Fields t(ctx_, l.get("trace"), l.sub("trace"));
    TraceLoad tl;
    auto file = t.str("file", true);
    if (auto v = t.str("time", true)) tl.time_column = *v;
    if (auto v = t.str("value")) tl.value_column = *v;
    if (auto v = t.duration("per", false, SimDuration{1})) tl.per = *v;
    if (auto v = t.number("scale", 0, 1e12)) tl.scale = *v;
    if (file) {
      std::filesystem::path p(*file);
      if (p.is_relative()) p = base_dir_ / p;
      tl.path = p.string();
      if (!tl.time_column.empty()) {
        try {
          CsvTraceReader probe(tl.path, tl.time_column, tl.value_column);
          std::int64_t ms;
          double v;
          if (!probe.next(&ms, &v)) {
            ctx_.error(t.node()["file"], t.sub("file"), "the trace has no rows");
          } else {
            // The run replays [start, start + duration) of the trace: a trace with no row there
            // would be a run at zero load. Rows are in time order; stop at the first in the window.
            const std::int64_t from = cfg_.start_unix_seconds * 1000, to = from + cfg_.duration.count();
            const std::int64_t first = ms;
            std::int64_t last = ms;
            bool inside = ms >= from && ms < to;
            while (!inside && ms < from && probe.next(&ms, &v)) {
              last = ms;
              inside = ms >= from && ms < to;
            }
            if (!inside)
              ctx_.error(t.node()["file"], t.sub("file"),
                         "the trace has no row within the run, which covers " + format_utc(from) + " to " + format_utc(to) + " (" +
                             (last < from ? "the trace runs from " + format_utc(first) + " to " + format_utc(last)
                                          : "its first row from the start on is at " + format_utc(last)) +
                             "): set `start` to a time inside the trace");
          }
        } catch (const std::exception& e) {
          // Name the file as the scenario wrote it, so messages do not depend on the checkout.
          std::string msg = e.what();
          if (auto pos = msg.find(tl.path); pos != std::string::npos) msg.replace(pos, tl.path.size(), *file);
          ctx_.error(t.node()["file"], t.sub("file"), msg);
        }
      }
    }
    s.load = tl;
  } else l.get("trace");
  if (kinds != 1) ctx_.error(n, l.path(), "give exactly one of: constant, diurnal, trace");
  // The load before `start` that predictive scaling learns from.
  if (auto h = l.get("history"); h.IsDefined()) {
    if (h.IsScalar()) {
      if (h.as<std::string>() == "none") s.load_history.kind = LoadHistory::Kind::kNone;
      else ctx_.error(h, l.sub("history"), "expected `none` or a mapping with `start` (a UTC time) or `days`");
    } else {
      Fields hf(ctx_, h, l.sub("history"));
      auto start = hf.str("start");
      auto days = hf.number("days", 1.0 / 24.0, 3650);
      if (start && days) ctx_.error(h, hf.path(), "give `start` or `days`, not both");
      else if (start) {
        auto ms = parse_utc_millis(*start);
        if (!ms) ctx_.error(h["start"], hf.sub("start"), "'" + *start + "' is not a UTC time like \"2024-03-01T08:00:00Z\"");
        else if (*ms / 1000 >= cfg_.start_unix_seconds) ctx_.error(h["start"], hf.sub("start"), "the history must start before the run's `start`");
        else s.load_history = LoadHistory{LoadHistory::Kind::kFrom, *ms / 1000};
      } else if (days) {
        s.load_history = LoadHistory{LoadHistory::Kind::kFrom, cfg_.start_unix_seconds - static_cast<std::int64_t>(std::llround(*days * 86400))};
      } else if (hf.valid()) {
        ctx_.error(h, hf.path(), "give `start` (a UTC time) or `days`");
      }
    }
  }
}

}  // namespace ecsim::scenarios::loader
