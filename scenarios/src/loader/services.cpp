// Scenario loading: services, their deployment configuration and load.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

namespace ecsim::scenarios::loader {

namespace {
/// A percentage in multiples of 0.1 (linearConfiguration.stepPercent, canaryPercent), in tenths.
std::optional<int> tenths_of_percent(Ctx& ctx, Fields& f, const std::string& key, double min) {
  auto v = f.number(key, min, 100.0);
  if (!v) return std::nullopt;
  const double tenths = *v * 10.0;
  if (std::abs(tenths - std::round(tenths)) > 1e-6) {
    ctx.error(f.node()[key], f.sub(key), "must be a multiple of 0.1 (for example 5.0 or 12.5)");
    return std::nullopt;
  }
  return static_cast<int>(std::lround(tenths));
}

/// CodeDeploy's predefined ECS deployment configurations, as the stages of a native one.
struct CodeDeployConfig {
  const char* name;
  const char* strategy;
  int tenths;
  int minutes;
};
constexpr CodeDeployConfig kCodeDeployConfigs[] = {
    {"CodeDeployDefault.ECSAllAtOnce", "BLUE_GREEN", 1000, 0},
    {"CodeDeployDefault.ECSCanary10Percent5Minutes", "CANARY", 100, 5},
    {"CodeDeployDefault.ECSCanary10Percent15Minutes", "CANARY", 100, 15},
    {"CodeDeployDefault.ECSLinear10PercentEvery1Minutes", "LINEAR", 100, 1},
    {"CodeDeployDefault.ECSLinear10PercentEvery3Minutes", "LINEAR", 100, 3},
};
}  // namespace

LifecycleHookConfig Loader::read_lifecycle_hook(const YAML::Node& n, const std::string& path, std::size_t index) {
  LifecycleHookConfig h;
  Fields f(ctx_, n, path, "DeploymentLifecycleHook");
  h.pause = f.choice("targetType", {"AWS_LAMBDA", "PAUSE"}).value_or("AWS_LAMBDA") == "PAUSE";
  auto arn = f.str("hookTargetArn", !h.pause);
  if (h.pause && arn) ctx_.error(n["hookTargetArn"], f.sub("hookTargetArn"), "a PAUSE hook has no hookTargetArn (it is for AWS_LAMBDA hooks)");
  h.name = !h.pause && arn ? *arn : "PAUSE#" + std::to_string(index);
  f.str("roleArn");
  f.get("hookDetails");
  std::vector<std::string> stages;  // in LifecycleStage's order, as core spells them
  for (int k = 0; k <= static_cast<int>(LifecycleStage::kPostProductionTrafficShift); ++k)
    stages.emplace_back(lifecycle_stage_name(static_cast<LifecycleStage>(k)));
  auto list = f.get("lifecycleStages", true);
  if (list.IsDefined() && detail::expect_sequence(ctx_, list, f.sub("lifecycleStages"))) {
    if (list.size() == 0) ctx_.error(list, f.sub("lifecycleStages"), "give at least one stage; expected some of: " + detail::join(stages));
    for (std::size_t k = 0; k < list.size(); ++k) {
      auto st = detail::scalar_string(ctx_, list[k], idx(f.sub("lifecycleStages"), k));
      if (!st) continue;
      auto it = std::find(stages.begin(), stages.end(), *st);
      if (it == stages.end()) {
        ctx_.error(list[k], idx(f.sub("lifecycleStages"), k), "unknown stage '" + *st + "'; expected one of: " + detail::join(stages));
        continue;
      }
      const auto stage = static_cast<LifecycleStage>(it - stages.begin());
      if (h.pause && (stage == LifecycleStage::kTestTrafficShift || stage == LifecycleStage::kProductionTrafficShift))
        ctx_.error(list[k], idx(f.sub("lifecycleStages"), k),
                   "PAUSE hooks cannot run at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT (only AWS_LAMBDA hooks can)");
      h.stages.push_back(stage);
    }
  }
  Fields t(ctx_, f.get("timeoutConfiguration"), f.sub("timeoutConfiguration"), "DeploymentLifecycleHookTimeoutConfiguration");
  if (auto v = t.integer("timeoutInMinutes", 1, 20160)) h.timeout = std::chrono::minutes(*v);
  h.timeout_rolls_back = t.choice("action", {"CONTINUE", "ROLLBACK"}).value_or("ROLLBACK") == "ROLLBACK";
  // What the hook answers: ecsim runs no Lambda function and nobody calls ContinueServiceDeployment.
  if (!f.has("ecsim"))
    ctx_.error(n, f.sub("ecsim"),
               std::string("ecsim runs no hook: say what it answers and when, ecsim: {outcome: ") +
                   (h.pause ? "CONTINUE|ROLLBACK|NONE" : "SUCCEEDED|FAILED|NONE") + ", after: 30s} (NONE: it never answers and times out)");
  Fields e(ctx_, f.get("ecsim"), f.sub("ecsim"));
  const std::vector<std::string> outcomes =
      h.pause ? std::vector<std::string>{"CONTINUE", "ROLLBACK", "NONE"} : std::vector<std::string>{"SUCCEEDED", "FAILED", "NONE"};
  auto outcome = e.choice("outcome", outcomes, e.valid() && f.has("ecsim"));
  auto after = e.duration("after", outcome && *outcome != "NONE");
  if (outcome && *outcome != "NONE") {
    h.succeeds = *outcome == "SUCCEEDED" || *outcome == "CONTINUE";
    h.after = after;
  } else if (outcome && after) {
    ctx_.error(n["ecsim"]["after"], e.sub("after"), "outcome NONE never answers (the hook times out): remove after");
  }
  return h;
}

// deploymentController ECS (ROLLING, BLUE_GREEN, LINEAR, CANARY) or CODE_DEPLOY (its
// predefined ECS configurations, on the same stages); EXTERNAL is refused.
void Loader::read_deployment_strategy(Fields& service, Fields& d, ServiceConfig& s) {
  auto& dep = s.deployment;
  bool code_deploy = false;
  if (auto dc = service.get("deploymentController"); dc.IsDefined()) {
    Fields c(ctx_, dc, service.sub("deploymentController"), "DeploymentController");
    auto type = c.choice("type", {"ECS", "CODE_DEPLOY", "EXTERNAL"});
    if (type && *type == "EXTERNAL")
      ctx_.error(dc["type"], c.sub("type"),
                 "deployment controller EXTERNAL is not modelled (a third-party controller drives its own task sets): "
                 "use ECS with the strategy closest to yours (ROLLING, BLUE_GREEN, LINEAR, CANARY), or CODE_DEPLOY");
    code_deploy = type && *type == "CODE_DEPLOY";
  }
  if (auto st = d.choice("strategy", {"ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"})) dep.name = *st;
  auto bake = d.integer("bakeTimeInMinutes", 0, 1440);
  if (bake) dep.bake_time = std::chrono::minutes(*bake);
  if (dep.name == "BLUE_GREEN" && !bake && !code_deploy)
    ctx_.error(d.valid() ? d.node() : service.node(), d.sub("bakeTimeInMinutes"),
               "bakeTimeInMinutes is required with strategy BLUE_GREEN (0-1440 minutes; ECS needs it)");
  if (bake && dep.name == "ROLLING" && *bake != 0)
    ctx_.error(d.node()["bakeTimeInMinutes"], d.sub("bakeTimeInMinutes"),
               "a bake time belongs to BLUE_GREEN, LINEAR and CANARY deployments; a ROLLING one has none: remove it or set strategy");
  {
    Fields l(ctx_, d.get("linearConfiguration"), d.sub("linearConfiguration"), "LinearConfiguration");
    if (l.valid() && l.node().IsDefined() && dep.name != "LINEAR")
      ctx_.error(l.node(), l.path(), "linearConfiguration is only valid with strategy LINEAR (the strategy is " + dep.name + ")");
    if (auto v = tenths_of_percent(ctx_, l, "stepPercent", 3.0)) dep.step_tenths = *v;
    if (auto v = l.integer("stepBakeTimeInMinutes", 0, 1440)) dep.step_bake = std::chrono::minutes(*v);
  }
  {
    Fields c(ctx_, d.get("canaryConfiguration"), d.sub("canaryConfiguration"), "CanaryConfiguration");
    if (c.valid() && c.node().IsDefined() && dep.name != "CANARY")
      ctx_.error(c.node(), c.path(), "canaryConfiguration is only valid with strategy CANARY (the strategy is " + dep.name + ")");
    if (auto v = tenths_of_percent(ctx_, c, "canaryPercent", 0.1)) dep.canary_tenths = *v;
    if (auto v = c.integer("canaryBakeTimeInMinutes", 0, 1440)) dep.canary_bake = std::chrono::minutes(*v);
  }
  if (auto hooks = d.get("lifecycleHooks"); hooks.IsDefined() && detail::expect_sequence(ctx_, hooks, d.sub("lifecycleHooks"))) {
    int pauses = 0, lambdas = 0;
    for (std::size_t k = 0; k < hooks.size(); ++k) {
      dep.hooks.push_back(read_lifecycle_hook(hooks[k], idx(d.sub("lifecycleHooks"), k), k));
      ++(dep.hooks.back().pause ? pauses : lambdas);
    }
    if (pauses > 10 || lambdas > 10)
      ctx_.error(hooks, d.sub("lifecycleHooks"), "at most 10 PAUSE and 10 AWS_LAMBDA hooks per service (ECS quota)");
    if (!dep.hooks.empty() && dep.name == "ROLLING")
      ctx_.error(hooks, d.sub("lifecycleHooks"),
                 "lifecycle hooks run at the stages of BLUE_GREEN, LINEAR and CANARY deployments; which stages a ROLLING "
                 "deployment exposes is not documented, so ecsim does not model them there: set strategy, or remove them");
    if (!dep.hooks.empty() && code_deploy)
      ctx_.error(hooks, d.sub("lifecycleHooks"), "lifecycleHooks belong to the ECS deployment controller; CODE_DEPLOY uses AppSpec hooks, which are not modelled: remove them");
  }
  if (auto alarms = d.get("alarms"); alarms.IsDefined()) {
    // All three are required by the API; the names are resolved against cloudWatchAlarms.
    Fields a(ctx_, alarms, d.sub("alarms"), "DeploymentAlarms");
    const bool on = a.boolean("enable", true).value_or(false);
    auto names = a.get("alarmNames", on);
    dep.alarms_rollback = a.boolean("rollback", on).value_or(false);
    if (on && names.IsDefined() && detail::expect_sequence(ctx_, names, a.sub("alarmNames"))) {
      if (names.size() == 0) ctx_.error(names, a.sub("alarmNames"), "give at least one alarm name (from cloudWatchAlarms) with enable: true");
      for (std::size_t k = 0; k < names.size(); ++k)
        if (auto name = detail::scalar_string(ctx_, names[k], idx(a.sub("alarmNames"), k)))
          alarm_refs_.push_back({static_cast<int>(cfg_.services.size()), *name, names[k], idx(a.sub("alarmNames"), k)});
    }
  }
  // CODE_DEPLOY: the deployment group's configuration (ecsim's codeDeploy block, in CodeDeploy's names).
  auto cd = service.get("codeDeploy");
  if (!code_deploy) {
    if (cd.IsDefined()) ctx_.error(cd, service.sub("codeDeploy"), "codeDeploy is read only with deploymentController type CODE_DEPLOY: remove it or set the controller");
    return;
  }
  if (d.has("strategy") && dep.name != "ROLLING")
    ctx_.error(d.node()["strategy"], d.sub("strategy"), "with deploymentController CODE_DEPLOY the traffic shifting comes from codeDeploy.deploymentConfigName: remove strategy");
  Fields c(ctx_, cd, service.sub("codeDeploy"));
  if (!cd.IsDefined())
    ctx_.error(service.node(), service.sub("codeDeploy"),
               "a CODE_DEPLOY service needs codeDeploy: {deploymentConfigName, terminationWaitTimeInMinutes} (its deployment group's settings)");
  std::vector<std::string> names;
  for (const auto& k : kCodeDeployConfigs) names.emplace_back(k.name);
  if (auto name = c.choice("deploymentConfigName", names, cd.IsDefined())) {
    for (const auto& k : kCodeDeployConfigs)
      if (*name == k.name) {
        dep.name = k.strategy;
        dep.code_deploy_config = k.name;
        dep.step_tenths = dep.canary_tenths = k.tenths;
        dep.step_bake = dep.canary_bake = std::chrono::minutes(k.minutes);
      }
  }
  if (auto v = c.integer("terminationWaitTimeInMinutes", 0, 2880, cd.IsDefined())) dep.bake_time = std::chrono::minutes(*v);
}

void Loader::read_services(const YAML::Node& n) {
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "services")) return;
  for (std::size_t i = 0; i < n.size(); ++i) read_service(n[i], i);
}

void Loader::read_service(const YAML::Node& item, std::size_t i) {
  const std::string path = idx("services", i);
  Fields f(ctx_, item, path, "CreateService");
  if (!f.valid()) return;
  ServiceConfig s;
  s.name = f.str("serviceName", true).value_or("");
  for (const auto& other : cfg_.services)
    if (!s.name.empty() && other.name == s.name) ctx_.error(item["serviceName"], f.sub("serviceName"), "two services are named '" + s.name + "'");
  auto cluster = find_cluster(f, /*describe_arn=*/true);
  const auto rebalancing = f.choice("availabilityZoneRebalancing", {"ENABLED", "DISABLED"});
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
    if (s.desired_count != 0) ctx_.error(item["desiredCount"], f.sub("desiredCount"), "a DAEMON service has no desiredCount (one task per container instance)");
  }
  {
    Fields d(ctx_, f.get("deploymentConfiguration"), f.sub("deploymentConfiguration"), "DeploymentConfiguration");
    read_deployment_strategy(f, d, s);
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
      if (auto tg = lb.str("targetGroupArn", !lb.has("loadBalancerName")))  // a Classic Load Balancer is refused by the field table
        set_target_group(*tg);
      lb.str("containerName", true);
      lb.integer("containerPort", 0, 65535, true);
      if (auto adv = lb.get("advancedConfiguration"); adv.IsDefined()) {
        Fields a(ctx_, adv, lb.sub("advancedConfiguration"), "AdvancedConfiguration");
        if (auto tg = a.str("alternateTargetGroupArn", true)) set_target_group(*tg);
        a.str("productionListenerRule", true);
        a.str("testListenerRule");
        a.str("roleArn");
      }
    }
    s.load_balanced = lbs.size() > 0;
  }
  if (!s.load_balanced && (s.deployment.name == "LINEAR" || s.deployment.name == "CANARY"))
    ctx_.error(item, f.sub("deploymentConfiguration.strategy"),
               s.deployment.name + " deployments shift production traffic between two target groups: give loadBalancers "
               "(a headless service may use BLUE_GREEN, which then replaces tasks without shifting traffic)");
  if (s.daemon && s.deployment.name != "ROLLING")
    ctx_.error(item, f.sub("deploymentConfiguration.strategy"), "a DAEMON service deploys by ROLLING only");
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
      ctx_.error(item, f.sub("taskDefinition"), "task definition " + cfg_.task_definitions[*td].key() +
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
      ctx_.error(item["schedulingStrategy"], f.sub("schedulingStrategy"),
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
  // availabilityZoneRebalancing: "Create without a value -> ENABLED" for services that spread
  // over zones first (Fargate places by zone; on EC2 the first placement strategy must be
  // spread attribute:ecs.availability-zone); "not compatible - such as those using the
  // binpack placement strategy - will default to false" (AWS notice, 2025).
  const bool zone_spread_first =
      !uses_asg(s.strategy) ||
      (!s.placement.strategies.empty() && s.placement.strategies.front().type == PlacementStrategyType::kSpread &&
       s.placement.strategies.front().field == "attribute:ecs.availability-zone");
  const bool compatible = zone_spread_first && !s.daemon;
  // Managed Instances: ECS places the tasks itself (zone spread, best effort) and
  // consolidates instances; whether rebalancing applies there is not documented, so it is
  // on only when the scenario says ENABLED (an assumption).
  s.az_rebalancing = rebalancing ? *rebalancing == "ENABLED" : compatible && !uses_managed_instances(s.strategy);
  if (rebalancing && *rebalancing == "ENABLED" && !compatible)
    ctx_.error(item["availabilityZoneRebalancing"], f.sub("availabilityZoneRebalancing"),
               s.daemon ? "a DAEMON service has no availability zone rebalancing (one task per instance): give DISABLED"
                        : "availability zone rebalancing needs the first placement strategy to spread over zones "
                          "({type: spread, field: attribute:ecs.availability-zone}): change placementStrategy, or give DISABLED");
  // EC2 tasks of an awsvpc service run only on instances in its subnets' zones.
  if (!s.zones.empty() && uses_asg(s.strategy))
    s.placement.constraints.push_back(zone_constraint(s.zones));
  cfg_.services.push_back(std::move(s));
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

// cloudWatchAlarms: PutMetricAlarm on one service's metrics. AWS/ECS CPUUtilization and
// MemoryUtilization by ServiceName (and ClusterName); AWS/ApplicationELB RequestCount,
// RequestCountPerTarget, HTTPCode_Target_5XX_Count and HTTPCode_ELB_5XX_Count by TargetGroup
// (a service's targetGroupArn or alternateTargetGroupArn: both revisions' targets count).
void Loader::read_alarms(const YAML::Node& n) {
  if (n.IsDefined() && detail::expect_sequence(ctx_, n, "cloudWatchAlarms")) {
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string path = idx("cloudWatchAlarms", i);
      Fields f(ctx_, n[i], path, "PutMetricAlarm");
      if (!f.valid()) continue;
      CloudWatchAlarmConfig a;
      bool ok = true;
      a.name = f.str("AlarmName", true).value_or("");
      for (const auto& other : cfg_.alarms)
        if (!a.name.empty() && other.name == a.name) ctx_.error(n[i]["AlarmName"], f.sub("AlarmName"), "two alarms are named '" + a.name + "'");
      f.str("AlarmDescription");
      f.boolean("ActionsEnabled");
      f.str("Unit");
      f.get("Tags");
      for (const char* key : {"OKActions", "AlarmActions", "InsufficientDataActions"}) {
        auto list = f.get(key);
        if (!list.IsDefined() || !detail::expect_sequence(ctx_, list, f.sub(key))) continue;
        for (std::size_t k = 0; k < list.size(); ++k) {
          auto arn = detail::scalar_string(ctx_, list[k], idx(f.sub(key), k));
          if (arn && arn->rfind("arn:aws:sns:", 0) != 0)
            ctx_.error(list[k], idx(f.sub(key), k),
                       "only SNS notifications are accepted (they change nothing ecsim simulates); ecsim runs no other alarm "
                       "action: give a step scaling policy its alarm in autoScaling.policies[].alarm instead");
        }
      }
      auto ns = f.choice("Namespace", {"AWS/ECS", "AWS/ApplicationELB"}, true);
      const bool ecs = ns && *ns == "AWS/ECS";
      const std::vector<std::string> metrics =
          ecs ? std::vector<std::string>{"CPUUtilization", "MemoryUtilization"}
              : std::vector<std::string>{"RequestCount", "RequestCountPerTarget", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"};
      auto metric = ns ? f.choice("MetricName", metrics, true) : f.str("MetricName", true);
      if (metric && ns) {
        a.metric_name = *metric;
        a.alarm.metric = *metric == "CPUUtilization"          ? MetricType::kCpuUtilization
                         : *metric == "MemoryUtilization"     ? MetricType::kMemoryUtilization
                         : *metric == "RequestCount"          ? MetricType::kRequestCount
                         : *metric == "RequestCountPerTarget" ? MetricType::kAlbRequestCountPerTarget
                         : *metric == "HTTPCode_Target_5XX_Count" ? MetricType::kTargetErrors
                                                                   : MetricType::kUnserved;
      } else {
        ok = false;
      }
      // Dimensions: which service's metrics.
      std::optional<int> service;
      auto dims = f.get("Dimensions", true);
      if (dims.IsDefined() && detail::expect_sequence(ctx_, dims, f.sub("Dimensions"))) {
        for (std::size_t k = 0; k < dims.size(); ++k) {
          Fields d(ctx_, dims[k], idx(f.sub("Dimensions"), k), "Dimension");
          auto name = d.str("Name", true);
          auto value = d.str("Value", true);
          if (!name || !value || !ns) continue;
          if (ecs && *name == "ServiceName") {
            for (std::size_t s = 0; s < cfg_.services.size(); ++s)
              if (cfg_.services[s].name == *value) service = static_cast<int>(s);
            if (!service) ctx_.error(dims[k]["Value"], d.sub("Value"), "no service is named '" + *value + "'");
          } else if (ecs && *name == "ClusterName") {
            // checked against the service below
          } else if (!ecs && *name == "TargetGroup") {
            // CloudWatch's value is the ARN's suffix (targetgroup/NAME/ID); the ARN itself is accepted too.
            for (const auto& [arn, s] : target_groups_)
              if (arn == *value || (arn.size() > value->size() && arn.compare(arn.size() - value->size(), value->size(), *value) == 0 &&
                                    arn[arn.size() - value->size() - 1] == ':'))
                service = s;
            if (!service)
              ctx_.error(dims[k]["Value"], d.sub("Value"), "no service's targetGroupArn or alternateTargetGroupArn is '" + *value + "'");
          } else if (!ecs && *name == "LoadBalancer") {
            // the load balancer: the target group already names the service
          } else {
            ctx_.error(dims[k]["Name"], d.sub("Name"),
                       "dimension '" + *name + "' is not modelled; expected " +
                           (ecs ? "ServiceName (and ClusterName)" : "TargetGroup (and LoadBalancer)") + " for namespace " + *ns);
          }
        }
        if (!service && ns) ctx_.error(dims, f.sub("Dimensions"), ecs ? "give the service: {Name: ServiceName, Value: <serviceName>}"
                                                                       : "give the service's target group: {Name: TargetGroup, Value: <targetGroupArn>}");
        if (service && ecs && static_cast<std::size_t>(cfg_.services[static_cast<std::size_t>(*service)].cluster) < cfg_.clusters.size())
          for (std::size_t k = 0; k < dims.size(); ++k)
            if (dims[k].IsMap() && dims[k]["Name"].IsScalar() && dims[k]["Name"].Scalar() == "ClusterName" && dims[k]["Value"].IsScalar() &&
                dims[k]["Value"].Scalar() != cfg_.clusters[static_cast<std::size_t>(cfg_.services[*service].cluster)].name)
              ctx_.error(dims[k]["Value"], idx(f.sub("Dimensions"), k) + ".Value", "the service is in cluster '" +
                                                                                   cfg_.clusters[static_cast<std::size_t>(cfg_.services[*service].cluster)].name + "'");
      }
      if (service) a.service = *service;
      else ok = false;
      if (auto stat = f.choice("Statistic", alarm_statistics(), true)) a.alarm.statistic = alarm_statistic(*stat);
      if (auto v = f.integer("Period", 10, 86400, true)) {
        if (*v % 60 != 0) {
          ctx_.error(n[i]["Period"], f.sub("Period"), "must be a multiple of 60 (ECS and load balancer metrics are 1-minute datapoints)");
          ok = false;
        }
        a.alarm.period = std::chrono::seconds(*v);
      }
      auto periods = f.integer("EvaluationPeriods", 1, 1440, true);
      if (periods) a.alarm.evaluation_periods = a.alarm.datapoints_to_alarm = static_cast<int>(*periods);
      if (auto v = f.integer("DatapointsToAlarm", 1, 1440)) {
        if (periods && *v > *periods) ctx_.error(n[i]["DatapointsToAlarm"], f.sub("DatapointsToAlarm"), "cannot exceed EvaluationPeriods");
        a.alarm.datapoints_to_alarm = static_cast<int>(*v);
      }
      if (auto v = f.number("Threshold", -1e15, 1e15, true)) a.alarm.threshold = *v;
      else ok = false;
      if (auto cmp = f.choice("ComparisonOperator", alarm_comparisons(), true)) a.alarm.comparison = alarm_comparison(*cmp);
      else ok = false;
      // ecsim always has a datapoint for the load balancer's counts (0 when none), and none for
      // CPU and memory only while no task runs: missing data does not breach.
      f.choice("TreatMissingData", {"missing", "notBreaching"});
      if (ok) cfg_.alarms.push_back(std::move(a));
      else cfg_.alarms.push_back(CloudWatchAlarmConfig{a.name, -1, "", {}});  // keeps indices; the run never starts
    }
  }
  for (const auto& ref : alarm_refs_) {
    int found = -1;
    for (std::size_t k = 0; k < cfg_.alarms.size(); ++k)
      if (cfg_.alarms[k].name == ref.name) found = static_cast<int>(k);
    if (found < 0) {
      std::vector<std::string> names;
      for (const auto& a : cfg_.alarms) names.push_back(a.name);
      ctx_.error(ref.node, ref.path, "no alarm named '" + ref.name + "' in cloudWatchAlarms; defined: " + detail::join_or_none(names));
      continue;
    }
    cfg_.services[static_cast<std::size_t>(ref.service)].deployment.alarms.push_back(found);
  }
}

}  // namespace ecsim::scenarios::loader
