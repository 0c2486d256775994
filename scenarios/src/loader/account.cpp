// Scenario loading: account, timings, pricing and run settings.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

#include <cmath>
#include <utility>
#include <vector>

namespace ecsim::scenarios::loader {

void Loader::read_bucket(Fields& f, const std::string& key, TokenBucketConfig& out) {
  Fields b(ctx_, f.get(key), f.sub(key));
  if (auto v = b.number("burst", 1, 1e9)) out.burst = *v;
  if (auto v = b.number("perSecond", 1e-6, 1e9)) out.per_second = *v;
}

void Loader::read_account(const YAML::Node& n) {
  Fields a(ctx_, n, "account");
  auto& acc = cfg_.account;
  read_bucket(a, "fargateLaunchRate", acc.fargate_launch);
  read_bucket(a, "fargateSpotLaunchRate", acc.fargate_spot_launch);
  read_bucket(a, "runTaskApiRate", acc.run_task_api);
  {
    Fields r(ctx_, a.get("serviceLaunchRatePerMinute"), "account.serviceLaunchRatePerMinute");
    if (auto v = r.number("fargate", 1e-3, 1e9)) acc.service_launch_per_minute_fargate = *v;
    if (auto v = r.number("ec2", 1e-3, 1e9)) acc.service_launch_per_minute_ec2 = *v;
  }
  {
    Fields q(ctx_, a.get("fargateVcpuQuota"), "account.fargateVcpuQuota");
    if (auto v = q.number("onDemand", 0.25, 1e9)) acc.fargate_vcpu_quota = *v;
    if (auto v = q.number("spot", 0.25, 1e9)) acc.fargate_spot_vcpu_quota = *v;
  }
  if (auto v = a.integer("tasksPerService", 1, 1'000'000)) acc.tasks_per_service = static_cast<int>(*v);
  if (auto v = a.integer("provisioningTasksPerCluster", 1, 1'000'000)) acc.provisioning_tasks_per_cluster = static_cast<int>(*v);
  if (auto v = a.integer("containerInstancesPerCluster", 1, 1'000'000)) acc.container_instances_per_cluster = static_cast<int>(*v);
}

void Loader::read_timings(const YAML::Node& n) {
  Fields t(ctx_, n, "timings");
  auto& tm = cfg_.timings;
  {
    Fields f(ctx_, t.get("fargate"), "timings.fargate");
    if (auto v = f.duration("provisioning")) tm.fargate.provisioning = *v;
    if (auto v = f.duration("eniAttach")) tm.fargate.eni_attach = *v;
    if (auto v = f.number("pullMiBPerSecond", 1e-3, 1e9)) tm.fargate.pull_mib_per_second = *v;
    if (auto v = f.duration("containerStart")) tm.fargate.container_start = *v;
    if (auto v = f.number("jitterCv", 0, 10)) tm.fargate.jitter_cv = *v;
  }
  {
    Fields f(ctx_, t.get("autoScaling"), "timings.autoScaling");
    auto& as = tm.auto_scaling;
    if (auto v = f.duration("metricPeriod", false, SimDuration{1000})) {
      if (v->count() % 1000 != 0 || (*v > std::chrono::minutes(1) ? v->count() % 60000 != 0 : 60000 % v->count() != 0))
        ctx_.error(f.node()["metricPeriod"], f.sub("metricPeriod"), "must divide a minute (1s, 5s, 10s, 30s, ...) or be whole minutes");
      else as.metric_period = *v;
    }
    if (auto v = f.duration("metricPublicationLag")) as.publication_lag = *v;
    if (auto v = f.duration("highResolutionPeriod", false, SimDuration{1000})) {
      if (v->count() % 1000 != 0 || 60000 % v->count() != 0)
        ctx_.error(f.node()["highResolutionPeriod"], f.sub("highResolutionPeriod"), "must divide a minute (1s, 5s, 10s, 20s, 30s)");
      else as.high_resolution_period = *v;
    }
    if (auto v = f.duration("highResolutionPublicationLag")) as.high_resolution_publication_lag = *v;
    if (auto v = f.integer("targetTrackingScaleOutDatapoints", 1, 100)) as.target_tracking_scale_out_datapoints = static_cast<int>(*v);
    if (auto v = f.integer("targetTrackingScaleInDatapoints", 1, 100)) as.target_tracking_scale_in_datapoints = static_cast<int>(*v);
    if (auto v = f.number("targetTrackingScaleInFactor", 0.01, 1)) as.target_tracking_scale_in_factor = *v;
    if (auto v = f.boolean("suspendScaleInDuringDeployments")) as.suspend_scale_in_during_deployments = *v;
    if (auto v = f.duration("predictiveMinHistory")) as.predictive_min_history = *v;
    if (auto v = f.duration("predictiveMaxHistory", false, SimDuration{3'600'000})) as.predictive_max_history = *v;
    if (auto v = f.integer("predictiveForecastHours", 1, 720)) as.predictive_forecast_hours = static_cast<int>(*v);
    if (auto v = f.duration("predictiveRefresh", false, SimDuration{60'000})) as.predictive_refresh = *v;
  }
  {
    Fields f(ctx_, t.get("task"), "timings.task");
    if (auto v = f.duration("stopTimeout")) tm.task.stop_timeout = *v;
    if (auto v = f.duration("sigtermExit")) tm.task.sigterm_exit = *v;
  }
  {
    Fields f(ctx_, t.get("service"), "timings.service");
    if (auto v = f.duration("restartBackoffInitial")) tm.service.restart_backoff_initial = *v;
    if (auto v = f.duration("restartBackoffMax")) tm.service.restart_backoff_max = *v;
    if (auto v = f.integer("circuitBreakerMinThreshold", 1, 10000)) tm.service.circuit_breaker_min_threshold = static_cast<int>(*v);
    if (auto v = f.integer("circuitBreakerMaxThreshold", 1, 10000)) tm.service.circuit_breaker_max_threshold = static_cast<int>(*v);
    if (auto v = f.number("circuitBreakerPercent", 0, 100)) tm.service.circuit_breaker_percent = *v;
    if (auto v = f.duration("deploymentAlarmBakeTime")) tm.service.deployment_alarm_bake = *v;
    if (auto v = f.duration("rebalancingRetry", false, SimDuration{1000})) tm.service.rebalancing_retry = *v;
  }
  {
    Fields f(ctx_, t.get("loadBalancer"), "timings.loadBalancer");
    if (auto v = f.duration("deregistrationDelay")) tm.load_balancer.deregistration_delay = *v;
    if (auto v = f.duration("healthCheckInterval", false, SimDuration{1})) tm.load_balancer.health_check_interval = *v;
    if (auto v = f.duration("healthCheckTimeout")) tm.load_balancer.health_check_timeout = *v;
    if (auto v = f.integer("unhealthyThreshold", 2, 10)) tm.load_balancer.unhealthy_threshold = static_cast<int>(*v);
  }
  {
    Fields f(ctx_, t.get("spot"), "timings.spot");
    if (auto v = f.number("interruptionsPerTaskHour", 0, 1e6)) tm.spot.interruptions_per_task_hour = *v;
    if (auto v = f.duration("warning")) tm.spot.warning = *v;
  }
  {
    Fields f(ctx_, t.get("ec2"), "timings.ec2");
    auto& e = tm.ec2;
    if (auto v = f.duration("instanceLaunch")) e.instance_launch = *v;
    if (auto v = f.number("jitterCv", 0, 10)) e.jitter_cv = *v;
    if (auto v = f.duration("boot")) e.boot = *v;
    if (auto v = f.duration("agentRegistration")) e.agent_registration = *v;
    if (auto v = f.integer("reservedMemoryMiB", 0, 1'000'000)) e.reserved_memory_mib = static_cast<int>(*v);
    if (auto v = f.number("pullMiBPerSecond", 1e-3, 1e9)) e.pull_mib_per_second = *v;
    if (auto v = f.duration("eniAttach")) e.eni_attach = *v;
    if (auto v = f.duration("spotWarning")) e.spot_warning = *v;
    if (auto pct = f.get("spotInterruptionPercentPerMonth"); pct.IsDefined() && detail::expect_sequence(ctx_, pct, f.sub("spotInterruptionPercentPerMonth"))) {
      if (pct.size() != 5) {
        ctx_.error(pct, f.sub("spotInterruptionPercentPerMonth"), "give 5 values, one per Spot Advisor band: <5%, 5-10%, 10-15%, 15-20%, >20%");
      } else {
        for (std::size_t k = 0; k < 5; ++k)
          if (auto v = detail::scalar_number(ctx_, pct[k], idx(f.sub("spotInterruptionPercentPerMonth"), k), 0, 99.9))
            e.spot_interruption_percent_per_month[k] = *v;
      }
    }
    if (auto v = f.duration("instanceShutdown")) e.instance_shutdown = *v;
    if (auto v = f.duration("managedScalingPeriod", false, SimDuration{1000})) e.managed_scaling_period = *v;
    if (auto v = f.integer("scaleOutDatapoints", 1, 100)) e.scale_out_datapoints = static_cast<int>(*v);
    if (auto v = f.integer("scaleInDatapoints", 1, 100)) e.scale_in_datapoints = static_cast<int>(*v);
    if (auto v = f.number("firstStepPercent", 100, 10000)) e.first_step_percent = *v;
    if (auto v = f.number("scaleInMaxFraction", 0.01, 1)) e.scale_in_max_fraction = *v;
    if (auto v = f.boolean("mixedGroupsStepByMinimum")) e.mixed_groups_step_by_minimum = *v;
    if (auto v = f.duration("drainingTimeout")) e.draining_timeout = *v;
  }
  {
    Fields f(ctx_, t.get("managedInstances"), "timings.managedInstances");
    auto& m = tm.managed_instances;
    if (auto v = f.duration("defaultScaleInAfter")) m.default_scale_in_after = *v;
    if (auto v = f.duration("maintenanceDrainAfter", false, SimDuration{1000})) m.maintenance_drain_after = *v;
    if (auto v = f.duration("maintenanceTerminateAfter", false, SimDuration{1000})) m.maintenance_terminate_after = *v;
    if (auto v = f.number("trunkTaskEnisPerVcpu", 0, 1000)) m.trunk_task_enis_per_vcpu = *v;
    if (auto v = f.integer("trunkTaskEnisMax", 0, 100000)) m.trunk_task_enis_max = static_cast<int>(*v);
    if (m.maintenance_terminate_after < m.maintenance_drain_after)
      ctx_.error(f.node(), f.path(), "maintenanceTerminateAfter is before maintenanceDrainAfter");
  }
}

void Loader::read_pricing(const YAML::Node& n) {
  Fields p(ctx_, n, "pricing");
  Fields f(ctx_, p.get("fargate"), "pricing.fargate");
  auto od_vcpu = f.number("usdPerVcpuHour", 0, 1e6);
  auto od_gb = f.number("usdPerGbHour", 0, 1e6);
  auto arm_vcpu = f.number("armUsdPerVcpuHour", 0, 1e6);
  auto arm_gb = f.number("armUsdPerGbHour", 0, 1e6);
  auto discount = f.number("spotDiscount", 0, 1);
  auto eph = f.number("ephemeralUsdPerGbHour", 0, 1e6);
  f.finish();
  auto& pr = cfg_.pricing;
  {
    Fields e(ctx_, p.get("ec2"), "pricing.ec2");
    if (auto v = e.duration("minimumBilled")) pr.ec2_minimum_billed = *v;
    Fields split(ctx_, e.get("splitCostAllocation"), "pricing.ec2.splitCostAllocation");
    if (auto v = split.number("cpuWeight", 0, 1e6)) pr.split_cpu_weight = *v;
    if (auto v = split.number("memoryWeight", 0, 1e6)) pr.split_memory_weight = *v;
    split.finish();
    if (pr.split_cpu_weight + pr.split_memory_weight <= 0)
      ctx_.error(e.get("splitCostAllocation"), "pricing.ec2.splitCostAllocation", "cpuWeight and memoryWeight cannot both be 0");
    ec2_price_overrides_ = e.get("instanceTypes");
    if (ec2_price_overrides_.IsDefined() && !ec2_price_overrides_.IsMap())
      ctx_.error(ec2_price_overrides_, "pricing.ec2.instanceTypes", "expected a mapping of instance type to {onDemandUsdPerHour, spotUsdPerHour}");
  }
  savings_plans_ = p.get("savingsPlans");
  reserved_instances_ = p.get("reservedInstances");
  {
    Fields mi(ctx_, p.get("managedInstances"), "pricing.managedInstances");
    if (auto v = mi.number("managementFeePercentOfOnDemand", 0, 1000)) pr.managed_instances_fee_fraction = *v / 100.0;
    managed_instances_pricing_ = mi.get("instanceTypes");
    if (managed_instances_pricing_.IsDefined() && !managed_instances_pricing_.IsMap())
      ctx_.error(managed_instances_pricing_, "pricing.managedInstances.instanceTypes",
                 "expected a mapping of instance type to {managementFeeUsdPerHour}");
  }
  const std::string& region = cfg_.region;
  auto table = [&](const char* platform, const char* capacity) { return detail::fargate_rate(region, platform, capacity); };
  auto x86 = table("Linux/x86", "FARGATE");
  auto arm = table("Linux/ARM", "FARGATE");
  // Rates are checked only for what the scenario runs (check_fargate_rates, after services).
  fargate_x86_known_ = x86 || (od_vcpu && od_gb);
  pr.fargate_x86 = x86.value_or(FargateRate{});
  if (od_vcpu) pr.fargate_x86.usd_per_vcpu_hour = *od_vcpu;
  if (od_gb) pr.fargate_x86.usd_per_gb_hour = *od_gb;
  if (od_vcpu || od_gb) pr.fargate_x86.source = "pricing.fargate (scenario override)" + (x86 && !(od_vcpu && od_gb) ? " and " + x86->source : "");
  pr.fargate_arm = arm.value_or(pr.fargate_x86);
  if (!arm) pr.fargate_arm.source = pr.fargate_x86.source + " (no ARM row: x86 rates)";
  if (arm_vcpu) pr.fargate_arm.usd_per_vcpu_hour = *arm_vcpu;
  if (arm_gb) pr.fargate_arm.usd_per_gb_hour = *arm_gb;
  if (arm_vcpu || arm_gb) pr.fargate_arm.source = "pricing.fargate.armUsdPer* (scenario override)";
  // Spot: the table's Spot rows unless a discount is given or On-Demand rates were overridden.
  auto spot_x86 = table("Linux/x86", "FARGATE_SPOT");
  auto spot_arm = table("Linux/ARM", "FARGATE_SPOT");
  const double d = discount.value_or(0.70);
  auto discounted = [&](const FargateRate& r) {
    return FargateRate{r.usd_per_vcpu_hour * (1 - d), r.usd_per_gb_hour * (1 - d),
                       "On-Demand x (1 - " + std::to_string(d).substr(0, 4) + (discount ? " pricing.fargate.spotDiscount" : " default discount") +
                           ") of: " + r.source};
  };
  pr.fargate_spot_x86 = (discount || od_vcpu || od_gb || !spot_x86) ? discounted(pr.fargate_x86) : *spot_x86;
  pr.fargate_spot_arm = (discount || arm_vcpu || arm_gb || !spot_arm) ? discounted(pr.fargate_arm) : *spot_arm;
  const auto eph_table = detail::fargate_ephemeral_rate(region);
  pr.ephemeral_usd_per_gb_hour = eph.value_or(eph_table.value_or(0.000111));
  pr.ephemeral_source = eph ? "pricing.fargate.ephemeralUsdPerGbHour (scenario override)"
                            : (eph_table ? "scenarios/data/aws_fargate_prices_by_region.csv row " + region + " any ephemeral storage"
                                         : "ecsim default (us-east-1 rate)");
}

// run.memoryLimit: bytes (a number, or with a unit: KiB MiB GiB TiB, KB MB GB TB), or a
// percentage of the memory the machine allows ("80%").
void Loader::read_memory_limit(const YAML::Node& n, const std::string& path) {
  if (!n.IsDefined()) return;
  const std::string valid = "a size such as 8GiB, 512MiB or 2000000000 (bytes), or a share of the machine's memory such as 80%";
  if (!n.IsScalar()) {
    ctx_.error(n, path, "expected " + valid);
    return;
  }
  const std::string text = n.Scalar();
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  auto& run = cfg_.run;
  if (used == 0 || !std::isfinite(v) || v <= 0) {
    ctx_.error(n, path, "'" + text + "' is not " + valid);
    return;
  }
  if (unit == "%") {
    if (v > 100) ctx_.error(n, path, "a share of the machine's memory is at most 100%");
    else run.memory_limit_fraction = v / 100.0;
    return;
  }
  static const std::vector<std::pair<std::string, double>> kUnits = {
      {"", 1}, {"B", 1}, {"KiB", 1024.0}, {"MiB", 1024.0 * 1024}, {"GiB", 1024.0 * 1024 * 1024}, {"TiB", 1024.0 * 1024 * 1024 * 1024},
      {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}};
  for (const auto& [name, scale] : kUnits)
    if (unit == name) {
      const double bytes = v * scale;
      if (bytes < 1024.0 * 1024 || bytes > 1e18) ctx_.error(n, path, "give between 1MiB and 1000000TB");
      else run.memory_limit_bytes = static_cast<std::uint64_t>(bytes);
      return;
    }
  ctx_.error(n, path, "unknown unit '" + unit + "'; expected one of: KiB, MiB, GiB, TiB, KB, MB, GB, TB, %");
}

void Loader::read_run(const YAML::Node& n) {
  Fields r(ctx_, n, "run");
  auto& run = cfg_.run;
  if (auto v = r.duration("sample", false, SimDuration{1000})) run.sample = *v;
  if (auto v = r.integer("replications", 1, 100000)) run.replications = static_cast<int>(*v);
  if (auto v = r.integer("maxLiveTasks", 1, 1'000'000'000)) run.max_live_tasks = *v;
  if (auto v = r.integer("maxOutputBytes", 1024, std::int64_t{1} << 50)) run.max_output_bytes = static_cast<std::uint64_t>(*v);
  read_memory_limit(r.get("memoryLimit"), r.sub("memoryLimit"));
  auto outs = r.get("outputs");
  if (outs.IsDefined() && detail::expect_sequence(ctx_, outs, "run.outputs")) {
    run.write_summary = run.write_timeseries = run.write_events = run.write_tasks = run.write_billing = false;
    const std::vector<std::string> valid = {"summary", "timeseries", "events", "tasks", "billing"};
    for (std::size_t i = 0; i < outs.size(); ++i) {
      auto s = detail::scalar_string(ctx_, outs[i], idx("run.outputs", i));
      if (!s) continue;
      if (*s == "summary") run.write_summary = true;
      else if (*s == "timeseries") run.write_timeseries = true;
      else if (*s == "events") run.write_events = true;
      else if (*s == "tasks") run.write_tasks = true;
      else if (*s == "billing") run.write_billing = true;
      else ctx_.error(outs[i], idx("run.outputs", i), "unknown output '" + *s + "'; expected one of: " + detail::join(valid));
    }
  }
}

// Fargate rates are needed only where the scenario runs Fargate tasks.
void Loader::check_fargate_rates() {
  if (fargate_x86_known_) return;
  const bool used = std::any_of(cfg_.services.begin(), cfg_.services.end(), [&](const ServiceConfig& s) { return uses_fargate(s.strategy); }) ||
                    std::any_of(cfg_.run_tasks.begin(), cfg_.run_tasks.end(), [&](const RunTaskGroupConfig& g) { return uses_fargate(g.strategy); });
  if (!used) return;
  ctx_.error(region_node_, "pricing.fargate",
             "the bundled price table has no Fargate rates for region '" + cfg_.region + "', and the scenario runs Fargate tasks; "
             "regions with rates: " + detail::join(detail::fargate_regions()) + " (or give pricing.fargate.usdPerVcpuHour and usdPerGbHour)");
}

// pricing.savingsPlans: each plan's type, commitment, term and rates. No public table of
// Savings Plans rates is bundled (scenarios/data/PRICES-README.md), so every rate the run could
// use must be given: per usage type under `rates`, or as a percentage off On-Demand under
// `savingsPercent`. A usage the plan could cover without a rate is an error, never skipped.
// pricing.reservedInstances: regional Standard RIs, No Upfront, Linux. The rate is the bundled
// table's (1- or 3-year, a 2019 snapshot, 2019-era types) unless `usdPerHour` gives one.
void Loader::read_reserved_instances() {
  const YAML::Node& n = reserved_instances_;
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "pricing.reservedInstances")) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = idx("pricing.reservedInstances", i);
    Fields f(ctx_, n[i], path);
    if (!f.valid()) continue;
    ReservedInstanceConfig ri;
    auto type = f.str("instanceType", true);
    if (auto v = f.integer("count", 1, 100000)) ri.count = static_cast<int>(*v);
    if (auto v = f.integer("durationSeconds", 1, 1'000'000'000)) {
      if (*v != 31'536'000 && *v != 94'608'000)
        ctx_.error(n[i]["durationSeconds"], f.sub("durationSeconds"), "must be 31536000 (1 year) or 94608000 (3 years)");
      ri.duration_seconds = *v;
    }
    ri.start_unix_seconds = cfg_.start_unix_seconds;
    if (auto v = f.str("start")) {
      if (auto ms = parse_utc_millis(*v)) ri.start_unix_seconds = *ms / 1000;
      else ctx_.error(n[i]["start"], f.sub("start"), "'" + *v + "' is not a UTC time like \"2024-03-01T00:00:00Z\"");
    }
    if (auto v = f.choice("offeringClass", {"standard", "convertible"}); v && *v == "convertible")
      ctx_.error(n[i]["offeringClass"], f.sub("offeringClass"),
                 "convertible Reserved Instances are not modelled (no rates are bundled and exchanges change the reservation): use standard");
    if (auto v = f.choice("offeringType", {"No Upfront", "Partial Upfront", "All Upfront"}); v && *v != "No Upfront" && !f.has("usdPerHour"))
      ctx_.error(n[i]["offeringType"], f.sub("offeringType"),
                 "the bundled rates are No Upfront: give usdPerHour, the effective hourly rate (upfront amortised), for " + *v);
    auto rate = f.number("usdPerHour", 0, 1e6);
    f.finish();
    if (!type) continue;
    ri.instance_type = *type;
    const bool used = std::any_of(cfg_.instance_types.begin(), cfg_.instance_types.end(),
                                  [&](const InstanceTypeConfig& t) { return in_instance_family(t.name, type->substr(0, type->find('.'))); });
    if (!normalization_factor(*type)) {
      ctx_.error(n[i]["instanceType"], f.sub("instanceType"), "'" + *type + "': size flexibility of this size is not modelled (metal or an unknown "
                                                                "size): reserve a sized type such as m5.large");
      continue;
    }
    if (!used)
      ctx_.error(n[i]["instanceType"], f.sub("instanceType"), "no capacity provider here runs the " + type->substr(0, type->find('.')) +
                                                                " family: this reservation would cover nothing");
    if (rate) {
      ri.usd_per_hour = *rate;
      ri.rate_source = "pricing.reservedInstances[].usdPerHour (scenario)";
    } else if (auto r = detail::ec2_reserved_rate(*type, cfg_.region, ri.duration_seconds == 94'608'000 ? 3 : 1)) {
      ri.usd_per_hour = r->first;
      ri.rate_source = r->second;
    } else {
      ctx_.error(n[i]["instanceType"], f.sub("instanceType"), "the bundled table has no Standard RI rate for " + *type + " in " + cfg_.region +
                                                                " (its RI rates are a 2019 snapshot): give usdPerHour");
      continue;
    }
    cfg_.pricing.reserved_instances.push_back(std::move(ri));
  }
}

void Loader::read_savings_plans() {
  read_reserved_instances();
  const YAML::Node& n = savings_plans_;
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "pricing.savingsPlans")) return;
  const auto on_fargate = [&](bool arm) {
    auto uses = [&](const std::vector<StrategyItem>& st, int td) {
      // A task definition that did not resolve (reported elsewhere) says nothing here.
      if (td < 0 || static_cast<std::size_t>(td) >= cfg_.task_definitions.size()) return false;
      return std::any_of(st.begin(), st.end(), [](const StrategyItem& it) { return it.provider == static_cast<int>(ProviderKind::kFargate); }) &&
             (cfg_.task_definitions[static_cast<std::size_t>(td)].architecture == CpuArchitecture::kArm64) == arm;
    };
    return std::any_of(cfg_.services.begin(), cfg_.services.end(), [&](const ServiceConfig& s) { return uses(s.strategy, s.task_definition); }) ||
           std::any_of(cfg_.run_tasks.begin(), cfg_.run_tasks.end(), [&](const RunTaskGroupConfig& g) { return uses(g.strategy, g.task_definition); });
  };
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = idx("pricing.savingsPlans", i);
    Fields f(ctx_, n[i], path);
    if (!f.valid()) continue;
    SavingsPlanConfig sp;
    auto type = f.choice("planType", {"Compute", "EC2Instance"}, true);
    if (type) sp.type = *type == "Compute" ? SavingsPlanConfig::Type::kCompute : SavingsPlanConfig::Type::kEc2Instance;
    if (auto v = f.number("commitment", 0, 5000, true)) sp.commitment_usd_per_hour = *v;
    if (auto v = f.integer("durationSeconds", 1, 1'000'000'000)) {
      if (*v != 31'536'000 && *v != 94'608'000)
        ctx_.error(n[i]["durationSeconds"], f.sub("durationSeconds"), "must be 31536000 (1 year) or 94608000 (3 years)");
      sp.duration_seconds = *v;
    }
    if (auto v = f.choice("paymentOption", {"NO_UPFRONT", "PARTIAL_UPFRONT", "ALL_UPFRONT"})) sp.payment_option = *v;
    sp.start_unix_seconds = cfg_.start_unix_seconds;
    if (auto v = f.str("start")) {
      if (auto ms = parse_utc_millis(*v)) sp.start_unix_seconds = *ms / 1000;
      else ctx_.error(n[i]["start"], f.sub("start"), "'" + *v + "' is not a UTC time like \"2024-03-01T00:00:00Z\"");
    }
    Fields e(ctx_, f.get("ecsim"), f.sub("ecsim"));
    auto family = e.str("instanceFamily");
    auto region = e.str("region");
    if (sp.type == SavingsPlanConfig::Type::kEc2Instance) {
      if (!family) ctx_.error(n[i], f.sub("ecsim.instanceFamily"), "an EC2Instance plan covers one instance family: give ecsim.instanceFamily (for example m5)");
      else sp.instance_family = *family;
      if (region && *region != cfg_.region)
        ctx_.error(n[i]["ecsim"]["region"], e.sub("region"), "the plan's region '" + *region + "' is not the scenario's ('" + cfg_.region +
                                                                 "'): it would cover nothing");
    } else if (family || region) {
      ctx_.error(f.get("ecsim"), f.sub("ecsim"), "a Compute plan covers every family and region: remove ecsim.instanceFamily and region");
    }
    e.finish();
    Fields pct(ctx_, f.get("savingsPercent"), f.sub("savingsPercent"));
    auto pct_fargate = pct.number("fargate", 0, 100);
    auto pct_ec2 = pct.number("ec2", 0, 100);
    pct.finish();
    Fields r(ctx_, f.get("rates"), f.sub("rates"));
    auto fargate_rates = [&](const char* key, std::optional<double>* vcpu, std::optional<double>* gb, const FargateRate& od) {
      Fields fr(ctx_, r.get(key), r.sub(key));
      *vcpu = fr.number("vcpuHour", 0, 1e6);
      *gb = fr.number("gbHour", 0, 1e6);
      fr.finish();
      if (!*vcpu && pct_fargate) *vcpu = od.usd_per_vcpu_hour * (1 - *pct_fargate / 100);
      if (!*gb && pct_fargate) *gb = od.usd_per_gb_hour * (1 - *pct_fargate / 100);
    };
    if (!type) {
      r.get("ec2");
      r.get("fargate");
      r.get("fargateArm");
      continue;  // reported: which usage it covers is unknown
    }
    if (sp.type == SavingsPlanConfig::Type::kCompute) {
      fargate_rates("fargate", &sp.fargate_vcpu, &sp.fargate_gb, cfg_.pricing.fargate_x86);
      fargate_rates("fargateArm", &sp.fargate_arm_vcpu, &sp.fargate_arm_gb, cfg_.pricing.fargate_arm);
      for (bool arm : {false, true}) {
        const bool missing = arm ? !(sp.fargate_arm_vcpu && sp.fargate_arm_gb) : !(sp.fargate_vcpu && sp.fargate_gb);
        if (missing && on_fargate(arm))
          ctx_.error(n[i], f.sub("rates"), std::string("the scenario runs Fargate ") + (arm ? "ARM" : "x86") +
                                               " tasks On-Demand, which a Compute plan covers: give rates." + (arm ? "fargateArm" : "fargate") +
                                               " {vcpuHour, gbHour} (DescribeSavingsPlansOfferingRates gives them) or savingsPercent.fargate");
      }
    } else {
      for (const char* key : {"fargate", "fargateArm"})
        if (r.has(key)) ctx_.error(r.get(key), r.sub(key), "EC2 Instance Savings Plans do not cover Fargate: remove it");
      if (pct_fargate) ctx_.error(f.get("savingsPercent")["fargate"], pct.sub("fargate"), "EC2 Instance Savings Plans do not cover Fargate: remove it");
    }
    auto ec2 = r.get("ec2");
    if (ec2.IsDefined() && !ec2.IsMap()) ctx_.error(ec2, r.sub("ec2"), "expected a mapping of instance type to its Savings Plan rate (USD per hour)");
    sp.ec2.assign(cfg_.instance_types.size(), std::nullopt);
    std::vector<std::string> missing;
    for (std::size_t k = 0; k < cfg_.instance_types.size(); ++k) {
      const auto& t = cfg_.instance_types[k];
      const bool covers = sp.type == SavingsPlanConfig::Type::kCompute || in_instance_family(t.name, sp.instance_family);
      if (!covers) continue;
      if (ec2.IsMap() && ec2[t.name].IsDefined()) {
        try {
          sp.ec2[k] = ec2[t.name].as<double>();
        } catch (const YAML::Exception&) {
          ctx_.error(ec2[t.name], r.sub("ec2." + t.name), "expected a rate in USD per hour");
        }
      } else if (pct_ec2) {
        sp.ec2[k] = t.on_demand_usd_per_hour * (1 - *pct_ec2 / 100);
      } else {
        missing.push_back(t.name);
      }
    }
    if (ec2.IsMap())
      for (auto it = ec2.begin(); it != ec2.end(); ++it) {
        const auto name = it->first.as<std::string>();
        const bool known = std::any_of(cfg_.instance_types.begin(), cfg_.instance_types.end(), [&](const InstanceTypeConfig& t) { return t.name == name; });
        if (!known) ctx_.error(it->first, r.sub("ec2"), "'" + name + "' is not an instance type of any capacity provider here");
        else if (sp.type == SavingsPlanConfig::Type::kEc2Instance && !sp.instance_family.empty() &&
                 !in_instance_family(name, sp.instance_family))
          ctx_.error(it->first, r.sub("ec2"), "'" + name + "' is not in the plan's family " + sp.instance_family +
                                                  ": an EC2 Instance plan covers one family; use a Compute plan for several");
      }
    if (!missing.empty())
      ctx_.error(n[i], f.sub("rates.ec2"), "no rate for " + detail::join(missing) + " (instance types this plan covers): give rates.ec2.<type> "
                                           "(DescribeSavingsPlansOfferingRates gives them) or savingsPercent.ec2");
    r.get("ec2");
    r.finish();
    sp.rates_source = std::string(f.has("rates") ? "pricing.savingsPlans[].rates" : "") + (f.has("rates") && f.has("savingsPercent") ? " and " : "") +
                      (f.has("savingsPercent") ? "savingsPercent off the On-Demand rates" : "");
    f.finish();
    if (type) cfg_.pricing.savings_plans.push_back(std::move(sp));
  }
}

}  // namespace ecsim::scenarios::loader
