// Scenario validation: the YAML tree into ScenarioConfig, every problem collected.
// SPDX-License-Identifier: Apache-2.0
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <deque>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "ecsim/core/load_source.hpp"
#include "ecsim/placement/fargate_placer.hpp"
#include "ecsim/placement/query.hpp"
#include "ecsim/scaling/auto_scaler.hpp"
#include "ecsim/scaling/schedule.hpp"
#include "ecsim/scenarios/scenario.hpp"
#include "overrides.hpp"
#include "price_table.hpp"
#include "task_graph.hpp"
#include "yaml_reader.hpp"

namespace ecsim::scenarios {

using detail::Ctx;
using detail::Fields;

std::string Diagnostic::str() const {
  std::string loc = file;
  // A --set expression has no position; anything else in a file is at least at 1:1.
  if (file.rfind("--set ", 0) != 0) loc += ":" + std::to_string(std::max(line, 1)) + ":" + std::to_string(std::max(column, 1));
  return loc + ": " + path + ": " + message;
}

namespace {
std::string join_errors(const std::vector<Diagnostic>& errors) {
  std::string s;
  for (const auto& d : errors) {
    if (!s.empty()) s += '\n';
    s += d.str();
  }
  return s;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> errors)
    : std::runtime_error(join_errors(errors)), errors_(std::move(errors)) {}

namespace {
// Scenario files are a few kB; data belongs in CSV traces. The YAML reader needs ~14x a
// file's size in memory, so a bound keeps a stray multi-GB file from exhausting memory.
constexpr std::uintmax_t kMaxScenarioBytes = 16u << 20;
Diagnostic too_big(const std::string& file, std::uintmax_t size) {
  return Diagnostic{file, 0, 0, "(file)",
                    "the scenario is " + std::to_string(size >> 20) + " MiB; scenario files are read up to 16 MiB "
                    "(put large data in CSV traces named by `file:`)"};
}
}  // namespace

std::vector<int> fargate_memory_choices(int cpu) {
  std::vector<int> out;
  auto range = [&](int lo, int hi, int step) {
    for (int m = lo; m <= hi; m += step) out.push_back(m);
  };
  switch (cpu) {
    case 256: out = {512, 1024, 2048}; break;
    case 512: range(1024, 4096, 1024); break;
    case 1024: range(2048, 8192, 1024); break;
    case 2048: range(4096, 16384, 1024); break;
    case 4096: range(8192, 30720, 1024); break;
    case 8192: range(16384, 61440, 4096); break;
    case 16384: range(32768, 122880, 8192); break;
    default: break;
  }
  return out;
}

ScenarioSource read_scenario_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ScenarioError({Diagnostic{path.string(), 0, 0, "(file)", "cannot read the scenario file (does it exist?)"}});
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxScenarioBytes) throw ScenarioError({too_big(path.string(), size)});
  std::ostringstream ss;
  ss << in.rdbuf();
  ScenarioSource src;
  src.text = ss.str();
  src.file_name = path.string();
  src.base_dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  return src;
}

namespace {

// AWS-only fields: accepted so a user can paste API input or describe-* output, and ignored.
const std::vector<std::string> kCreateServiceIgnored = {
    "clientToken", "platformVersion", "role", "networkConfiguration", "serviceRegistries",
    "tags", "enableECSManagedTags", "propagateTags", "enableExecuteCommand", "serviceConnectConfiguration",
    "volumeConfigurations", "vpcLatticeConfigurations", "availabilityZoneRebalancing", "serviceArn", "clusterArn",
    "status", "runningCount", "pendingCount", "deployments", "events", "createdAt", "createdBy", "roleArn",
    "platformFamily", "taskSets", "currentServiceDeployment", "currentServiceRevisions", "resourceManagementType"};
const std::vector<std::string> kTaskDefinitionIgnored = {
    "taskRoleArn", "executionRoleArn", "volumes", "placementConstraints", "tags", "pidMode", "ipcMode",
    "proxyConfiguration", "inferenceAccelerators", "enableFaultInjection", "taskDefinitionArn", "revision", "status",
    "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt"};
const std::vector<std::string> kContainerIgnored = {
    "repositoryCredentials", "links", "restartPolicy", "entryPoint", "command",
    "environment", "environmentFiles", "mountPoints", "volumesFrom", "linuxParameters", "secrets", "startTimeout",
    "versionConsistency", "hostname", "user", "workingDirectory", "disableNetworking", "privileged",
    "readonlyRootFilesystem", "dnsServers", "dnsSearchDomains", "extraHosts", "dockerSecurityOptions", "interactive",
    "pseudoTerminal", "dockerLabels", "ulimits", "logConfiguration", "systemControls", "resourceRequirements",
    "firelensConfiguration", "credentialSpecs"};
const std::vector<std::string> kClusterIgnored = {"tags", "settings", "configuration", "serviceConnectDefaults",
                                                  "clusterArn", "status", "registeredContainerInstancesCount",
                                                  "runningTasksCount", "pendingTasksCount", "activeServicesCount",
                                                  "statistics", "attachments", "attachmentsStatus"};
const std::vector<std::string> kRunTaskIgnored = {"networkConfiguration", "platformVersion", "overrides", "tags",
                                                  "enableECSManagedTags", "propagateTags", "enableExecuteCommand",
                                                  "startedBy", "group", "referenceId", "clientToken",
                                                  "volumeConfigurations"};
const std::vector<std::string> kPortMappingIgnored = {"name", "appProtocol", "containerPortRange"};
const std::vector<std::string> kLoadBalancerIgnored = {"loadBalancerName"};
// DeploymentConfiguration fields of the blue/green, linear and canary strategies (2025) and
// CloudWatch alarm rollback are read below and refused unless they leave a rolling update
// as it is: they change what a deployment does, so they may not be silently ignored.

const std::vector<std::string> kBuiltinProviders = {"FARGATE", "FARGATE_SPOT"};
const std::vector<std::string> kCapacityProviderIgnored = {"tags", "cluster", "capacityProviderArn", "status", "updateStatus",
                                                           "updateStatusReason"};
const std::vector<std::string> kAsgProviderIgnored = {"autoScalingGroupArn"};
const std::vector<std::string> kAsgIgnored = {
    "AutoScalingGroupARN", "LaunchConfigurationName", "LaunchTemplate", "InstanceId", "DefaultCooldown",
    "LoadBalancerNames", "TargetGroupARNs", "HealthCheckType", "HealthCheckGracePeriod", "PlacementGroup",
    "VPCZoneIdentifier", "TerminationPolicies", "NewInstancesProtectedFromScaleIn", "CapacityRebalance",
    "LifecycleHookSpecificationList", "Tags", "ServiceLinkedRoleARN", "MaxInstanceLifetime", "Context",
    "DesiredCapacityType", "DefaultInstanceWarmup", "TrafficSources", "InstanceMaintenancePolicy",
    "AvailabilityZoneDistribution", "AvailabilityZoneImpairmentPolicy", "SkipZonalShiftValidation",
    "CapacityReservationSpecification", "Instances", "CreatedTime", "Status", "EnabledMetrics",
    "SuspendedProcesses", "WarmPoolConfiguration", "WarmPoolSize"};

std::string idx(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

// A parsed amount as whole units; huge, negative or non-finite amounts are not values.
std::optional<int> whole_units(double v) {
  if (!std::isfinite(v) || v < 0 || v > 1e9) return std::nullopt;
  return static_cast<int>(std::llround(v));
}
// "<number> <unit>" with the unit compared case-insensitively: the number, or nothing.
std::optional<double> amount_in(const std::string& s, const std::string& unit_lower) {
  double v = 0;
  char unit[16] = {0};
  if (std::sscanf(s.c_str(), "%lf %15s", &v, unit) != 2) return std::nullopt;
  std::string u(unit);
  std::transform(u.begin(), u.end(), u.begin(), ::tolower);
  if (u != unit_lower) return std::nullopt;
  return v;
}
bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// "512", "0.5 vCPU", "1 vcpu" -> CPU units
std::optional<int> parse_cpu(const std::string& s) {
  if (all_digits(s)) return whole_units(std::strtod(s.c_str(), nullptr));
  if (auto v = amount_in(s, "vcpu")) return whole_units(*v * 1024);
  return std::nullopt;
}
// "1024", "1 GB", "1GB" -> MiB
std::optional<int> parse_memory(const std::string& s) {
  if (all_digits(s)) return whole_units(std::strtod(s.c_str(), nullptr));
  if (auto v = amount_in(s, "gb")) return whole_units(*v * 1024);
  return std::nullopt;
}

class Loader {
 public:
  Loader(Ctx& ctx, std::filesystem::path base_dir) : ctx_(ctx), base_dir_(std::move(base_dir)) {}

  ScenarioConfig load(const YAML::Node& root) {
    Fields top(ctx_, root, "");
    if (!top.valid()) {
      if (!root.IsDefined() || root.IsNull()) ctx_.error_at(YAML::Mark::null_mark(), "(top level)", "the scenario is empty");
      return cfg_;
    }
    if (auto v = top.integer("ecsim", 1, 1000, true); v && *v != 1)
      ctx_.error(root["ecsim"], "ecsim", "unsupported format version " + std::to_string(*v) + "; this ecsim reads version 1");
    if (auto v = top.str("name", true)) cfg_.name = *v;
    if (auto v = top.integer("seed", 0, INT64_MAX)) cfg_.seed = static_cast<std::uint64_t>(*v);
    if (auto v = top.duration("duration", true, SimDuration{1})) cfg_.duration = *v;
    if (auto n = top.get("start"); n.IsDefined()) {
      if (auto s = detail::scalar_string(ctx_, n, "start")) {
        if (auto t = parse_utc_millis(*s)) cfg_.start_unix_seconds = *t / 1000;
        else ctx_.error(n, "start", "'" + *s + "' is not a UTC time like \"1998-06-22T00:00:00Z\"");
      }
    }
    region_node_ = top.get("region");
    cfg_.region = top.str("region").value_or("us-east-1");
    read_zones(top);
    read_account(top.get("account"));
    read_timings(top.get("timings"));
    read_pricing(top.get("pricing"));
    read_run(top.get("run"));
    read_capacity_providers(top.get("capacityProviders"));
    read_task_definitions(top.get("taskDefinitions", true));
    read_clusters(top.get("clusters", true));
    read_services(top.get("services"));
    read_run_tasks(top.get("runTasks"));
    read_timeline(top.get("timeline"));
    top.finish();
    cfg_.notices = ctx_.notices();
    return cfg_;
  }

 private:
  // --- account, timings, pricing, run ------------------------------------------------------
  void read_zones(Fields& top) {
    auto n = top.get("availabilityZones");
    if (n.IsDefined() && detail::expect_sequence(ctx_, n, "availabilityZones")) {
      for (std::size_t i = 0; i < n.size(); ++i)
        if (auto s = detail::scalar_string(ctx_, n[i], idx("availabilityZones", i))) cfg_.availability_zones.push_back(*s);
      if (n.size() == 0) ctx_.error(n, "availabilityZones", "needs at least one availability zone");
    }
    if (cfg_.availability_zones.empty())
      for (const char* z : {"a", "b", "c"}) cfg_.availability_zones.push_back(cfg_.region + z);
  }

  void read_bucket(Fields& f, const std::string& key, TokenBucketConfig& out) {
    Fields b(ctx_, f.get(key), f.sub(key));
    if (auto v = b.number("burst", 1, 1e9)) out.burst = *v;
    if (auto v = b.number("perSecond", 1e-6, 1e9)) out.per_second = *v;
  }

  void read_account(const YAML::Node& n) {
    Fields a(ctx_, n, "account");
    auto& acc = cfg_.account;
    read_bucket(a, "fargateLaunchRate", acc.fargate_launch);
    read_bucket(a, "fargateSpotLaunchRate", acc.fargate_spot_launch);
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
  }

  void read_timings(const YAML::Node& n) {
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
      if (auto v = f.integer("targetTrackingScaleOutDatapoints", 1, 100)) as.target_tracking_scale_out_datapoints = static_cast<int>(*v);
      if (auto v = f.integer("targetTrackingScaleInDatapoints", 1, 100)) as.target_tracking_scale_in_datapoints = static_cast<int>(*v);
      if (auto v = f.number("targetTrackingScaleInFactor", 0.01, 1)) as.target_tracking_scale_in_factor = *v;
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
      if (auto v = f.duration("drainingTimeout")) e.draining_timeout = *v;
    }
  }

  void read_pricing(const YAML::Node& n) {
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
    const std::string& region = cfg_.region;
    auto table = [&](const char* platform, const char* capacity) { return detail::fargate_rate(region, platform, capacity); };
    auto x86 = table("Linux/x86", "FARGATE");
    auto arm = table("Linux/ARM", "FARGATE");
    if (!x86 && !(od_vcpu && od_gb)) {
      ctx_.error(region_node_, "pricing.fargate",
                 "the bundled price table has no Fargate rates for region '" + region +
                     "'; regions with rates: " + detail::join(detail::fargate_regions()) +
                     " (or give pricing.fargate.usdPerVcpuHour and usdPerGbHour)");
      return;
    }
    const std::string kTable = "scenarios/data/aws_fargate_prices.csv row ";
    auto row = [&](const char* platform, const char* capacity) { return kTable + region + " " + platform + " " + capacity; };
    pr.fargate_x86 = x86.value_or(FargateRate{});
    pr.fargate_x86.source = x86 ? row("Linux/x86", "FARGATE") : "";
    if (od_vcpu) pr.fargate_x86.usd_per_vcpu_hour = *od_vcpu;
    if (od_gb) pr.fargate_x86.usd_per_gb_hour = *od_gb;
    if (od_vcpu || od_gb) pr.fargate_x86.source = "pricing.fargate (scenario override)" + (x86 && !(od_vcpu && od_gb) ? " and " + row("Linux/x86", "FARGATE") : "");
    pr.fargate_arm = arm.value_or(pr.fargate_x86);
    pr.fargate_arm.source = arm ? row("Linux/ARM", "FARGATE") : pr.fargate_x86.source + " (no ARM row: x86 rates)";
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
    if (pr.fargate_spot_x86.source.empty()) pr.fargate_spot_x86.source = row("Linux/x86", "FARGATE_SPOT");
    pr.fargate_spot_arm = (discount || arm_vcpu || arm_gb || !spot_arm) ? discounted(pr.fargate_arm) : *spot_arm;
    if (pr.fargate_spot_arm.source.empty()) pr.fargate_spot_arm.source = row("Linux/ARM", "FARGATE_SPOT");
    const auto eph_table = detail::fargate_ephemeral_rate(region);
    pr.ephemeral_usd_per_gb_hour = eph.value_or(eph_table.value_or(0.000111));
    pr.ephemeral_source = eph ? "pricing.fargate.ephemeralUsdPerGbHour (scenario override)"
                              : (eph_table ? kTable + region + " ephemeral storage" : "ecsim default (us-east-1 rate)");
  }

  void read_run(const YAML::Node& n) {
    Fields r(ctx_, n, "run");
    auto& run = cfg_.run;
    if (auto v = r.duration("sample", false, SimDuration{1000})) run.sample = *v;
    if (auto v = r.integer("replications", 1, 100000)) run.replications = static_cast<int>(*v);
    auto outs = r.get("outputs");
    if (outs.IsDefined() && detail::expect_sequence(ctx_, outs, "run.outputs")) {
      run.write_summary = run.write_timeseries = run.write_events = run.write_tasks = false;
      const std::vector<std::string> valid = {"summary", "timeseries", "events", "tasks"};
      for (std::size_t i = 0; i < outs.size(); ++i) {
        auto s = detail::scalar_string(ctx_, outs[i], idx("run.outputs", i));
        if (!s) continue;
        if (*s == "summary") run.write_summary = true;
        else if (*s == "timeseries") run.write_timeseries = true;
        else if (*s == "events") run.write_events = true;
        else if (*s == "tasks") run.write_tasks = true;
        else ctx_.error(outs[i], idx("run.outputs", i), "unknown output '" + *s + "'; expected one of: " + detail::join(valid));
      }
    }
  }

  // --- task definitions ----------------------------------------------------------------------
  void read_task_definitions(const YAML::Node& n) {
    if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "taskDefinitions")) return;
    if (n.size() == 0) ctx_.error(n, "taskDefinitions", "needs at least one task definition");
    std::map<std::string, int> revisions;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string path = idx("taskDefinitions", i);
      Fields f(ctx_, n[i], path, "RegisterTaskDefinition", &kTaskDefinitionIgnored);
      if (!f.valid()) continue;
      TaskDefinitionConfig td;
      td.family = f.str("family", true).value_or("?");
      td.revision = ++revisions[td.family];
      std::vector<std::string> compat;
      if (auto c = f.get("requiresCompatibilities"); c.IsDefined() && detail::expect_sequence(ctx_, c, f.sub("requiresCompatibilities"))) {
        for (std::size_t k = 0; k < c.size(); ++k) {
          auto s = detail::scalar_string(ctx_, c[k], idx(f.sub("requiresCompatibilities"), k));
          if (!s) continue;
          if (*s != "FARGATE" && *s != "EC2" && *s != "EXTERNAL" && *s != "MANAGED_INSTANCES")
            ctx_.error(c[k], idx(f.sub("requiresCompatibilities"), k), "unknown value '" + *s + "'; expected one of: EC2, EXTERNAL, FARGATE, MANAGED_INSTANCES");
          compat.push_back(*s);
        }
      }
      const bool fargate = std::find(compat.begin(), compat.end(), "FARGATE") != compat.end();
      // Without requiresCompatibilities a task definition is EC2-compatible (the AWS default).
      td_ec2_.push_back(compat.empty() || std::find(compat.begin(), compat.end(), "EC2") != compat.end());
      auto mode = f.choice("networkMode", {"awsvpc", "bridge", "host", "none"});
      if (mode) {
        td.network_mode = *mode == "awsvpc" ? NetworkMode::kAwsvpc
                          : *mode == "bridge" ? NetworkMode::kBridge
                          : *mode == "host"   ? NetworkMode::kHost
                                              : NetworkMode::kNone;
      } else if (!fargate) {
        td.network_mode = NetworkMode::kBridge;  // the EC2 default
      }
      if (fargate && mode && *mode != "awsvpc")
        ctx_.error(n[i]["networkMode"], f.sub("networkMode"), "Fargate tasks need networkMode awsvpc, got '" + *mode + "'");
      if (fargate && !f.has("networkMode")) ctx_.error(n[i], f.sub("networkMode"), "Fargate tasks need networkMode awsvpc");
      td_fargate_.push_back(fargate);
      auto cpu_node = f.get("cpu", fargate);
      auto mem_node = f.get("memory", fargate);
      std::optional<int> cpu, mem;
      if (cpu_node.IsDefined()) {
        if (auto s = detail::scalar_string(ctx_, cpu_node, f.sub("cpu"))) {
          cpu = parse_cpu(*s);
          if (!cpu) ctx_.error(cpu_node, f.sub("cpu"), "'" + *s + "' is not a CPU value; give CPU units (\"512\") or vCPU (\"0.5 vCPU\")");
        }
      }
      if (mem_node.IsDefined()) {
        if (auto s = detail::scalar_string(ctx_, mem_node, f.sub("memory"))) {
          mem = parse_memory(*s);
          if (!mem) ctx_.error(mem_node, f.sub("memory"), "'" + *s + "' is not a memory value; give MiB (\"1024\") or GB (\"1 GB\")");
        }
      }
      if (fargate && cpu) {
        auto choices = fargate_memory_choices(*cpu);
        if (choices.empty()) {
          ctx_.error(cpu_node, f.sub("cpu"), "cpu " + std::to_string(*cpu) +
                                                 " is not a Fargate size; valid cpu values: 256, 512, 1024, 2048, 4096, 8192, 16384");
        } else if (mem && std::find(choices.begin(), choices.end(), *mem) == choices.end()) {
          std::vector<std::string> s;
          for (int c : choices) s.push_back(std::to_string(c));
          ctx_.error(mem_node, f.sub("memory"), "memory " + std::to_string(*mem) + " is not valid with cpu " + std::to_string(*cpu) +
                                                   " on Fargate; valid memory values (MiB): " + detail::join(s));
        }
      }
      td.cpu_units = cpu.value_or(0);
      td.memory_mib = mem.value_or(0);
      task_level_memory_ = mem.has_value();
      task_level_cpu_ = cpu.has_value();
      {
        Fields rp(ctx_, f.get("runtimePlatform"), f.sub("runtimePlatform"), "RegisterTaskDefinition", &kTaskDefinitionIgnored);
        if (auto a = rp.choice("cpuArchitecture", {"X86_64", "ARM64"})) td.architecture = *a == "ARM64" ? CpuArchitecture::kArm64 : CpuArchitecture::kX86_64;
        if (auto o = rp.str("operatingSystemFamily")) {
          if (*o == "LINUX") td.os_family = OsFamily::kLinux;
          else if (o->rfind("WINDOWS", 0) == 0) {
            td.os_family = OsFamily::kWindows;
            ctx_.error(rp.node()["operatingSystemFamily"], rp.sub("operatingSystemFamily"),
                       "Windows tasks are not modelled in this version of ecsim (Fargate Windows pricing and start times differ); use LINUX");
          } else ctx_.error(rp.node()["operatingSystemFamily"], rp.sub("operatingSystemFamily"), "unknown value '" + *o + "'; expected LINUX or a WINDOWS_SERVER_* family");
        }
      }
      {
        Fields es(ctx_, f.get("ephemeralStorage"), f.sub("ephemeralStorage"));
        if (auto v = es.integer("sizeInGiB", 21, 200)) td.ephemeral_storage_gib = static_cast<int>(*v);
      }
      read_containers(f, td);
      if (!td_ec2_.back() || fargate) td_memory_missing_.push_back(false);
      else td_memory_missing_.push_back(td.memory_mib <= 0);
      {
        Fields e(ctx_, f.get("ecsim"), f.sub("ecsim"));
        if (auto v = e.number("imageSizeMiB", 0, 1e7)) td.image_size_mib = *v;
        if (auto v = e.duration("appStartTime")) td.app_start_time = *v;
        if (auto v = e.boolean("failToStart")) td.fail_to_start = *v;
        if (auto v = e.number("unhealthyFraction", 0, 1)) td.unhealthy_fraction = *v;
        Fields cap(ctx_, e.get("capacity"), e.sub("capacity"));
        if (auto v = cap.number("requestsPerSecond", 0, 1e12)) td.requests_per_second = *v;
        cap.finish();
        Fields mu(ctx_, e.get("memoryUtilization"), e.sub("memoryUtilization"));
        if (auto v = mu.number("idlePercent", 0, 100)) td.memory_idle_percent = *v;
        if (auto v = mu.number("fullLoadPercent", 0, 100)) td.memory_full_load_percent = *v;
      }
      cfg_.task_definitions.push_back(std::move(td));
    }
  }

  void read_containers(Fields& f, TaskDefinitionConfig& td) {
    auto c = f.get("containerDefinitions", true);
    const std::string path = f.sub("containerDefinitions");
    if (!c.IsDefined() || !detail::expect_sequence(ctx_, c, path)) return;
    if (c.size() == 0) {
      ctx_.error(c, path, "needs at least one container");
      return;
    }
    std::map<std::string, int> index;
    std::vector<std::pair<int, int>> edges;
    struct Dep {
      int container;
      std::string name, condition, path;
      YAML::Node node;
    };
    std::vector<Dep> deps;
    for (std::size_t k = 0; k < c.size(); ++k) {
      const std::string cp = idx(path, k);
      Fields cf(ctx_, c[k], cp, "ContainerDefinition", &kContainerIgnored);
      if (!cf.valid()) continue;
      ContainerConfig cc;
      cc.name = cf.str("name", true).value_or("?");
      if (!index.emplace(cc.name, static_cast<int>(td.containers.size())).second)
        ctx_.error(c[k]["name"], cf.sub("name"), "two containers are named '" + cc.name + "'");
      cf.str("image", true);
      cc.essential = cf.boolean("essential").value_or(true);
      if (auto v = cf.integer("stopTimeout", 2, 120)) cc.stop_timeout = std::chrono::seconds(*v);
      // Container-level reservations add up to the task's when the task level has none (EC2).
      auto ccpu = cf.integer("cpu", 0, 10 * 1024 * 192);
      auto cmem = cf.integer("memory", 6, 10'000'000);
      auto cres = cf.integer("memoryReservation", 4, 10'000'000);
      if (!task_level_cpu_ && ccpu) td.cpu_units += static_cast<int>(*ccpu);
      if (!task_level_memory_) td.memory_mib += static_cast<int>(cres ? *cres : cmem.value_or(0));
      if (auto pm = cf.get("portMappings"); pm.IsDefined() && detail::expect_sequence(ctx_, pm, cf.sub("portMappings"))) {
        for (std::size_t q = 0; q < pm.size(); ++q) {
          Fields p(ctx_, pm[q], idx(cf.sub("portMappings"), q), "PortMapping",
                   &kPortMappingIgnored);
          auto container_port = p.integer("containerPort", 0, 65535);
          auto host_port = p.integer("hostPort", 0, 65535);
          p.choice("protocol", {"tcp", "udp"});
          // Host ports a task holds on its instance: host mode binds the container port,
          // bridge mode a fixed hostPort (0 or none: a dynamic port, never in conflict).
          int bound = 0;
          if (td.network_mode == NetworkMode::kHost) bound = static_cast<int>(host_port.value_or(container_port.value_or(0)));
          else if (td.network_mode == NetworkMode::kBridge) bound = static_cast<int>(host_port.value_or(0));
          if (bound > 0) {
            if (std::find(td.host_ports.begin(), td.host_ports.end(), bound) != td.host_ports.end())
              ctx_.error(pm[q], p.path(), "host port " + std::to_string(bound) + " is mapped twice in this task definition");
            else td.host_ports.push_back(bound);
          }
        }
      }
      if (auto hc = cf.get("healthCheck"); hc.IsDefined()) {
        Fields h(ctx_, hc, cf.sub("healthCheck"));
        HealthCheckConfig cfgh;
        if (auto cmd = h.get("command", true); cmd.IsDefined()) detail::expect_sequence(ctx_, cmd, h.sub("command"));
        if (auto v = h.integer("interval", 5, 300)) cfgh.interval = std::chrono::seconds(*v);
        if (auto v = h.integer("timeout", 2, 60)) cfgh.timeout = std::chrono::seconds(*v);
        if (auto v = h.integer("retries", 1, 10)) cfgh.retries = static_cast<int>(*v);
        if (auto v = h.integer("startPeriod", 0, 300)) cfgh.start_period = std::chrono::seconds(*v);
        cc.health_check = cfgh;
      }
      if (auto d = cf.get("dependsOn"); d.IsDefined() && detail::expect_sequence(ctx_, d, cf.sub("dependsOn"))) {
        for (std::size_t q = 0; q < d.size(); ++q) {
          Fields df(ctx_, d[q], idx(cf.sub("dependsOn"), q));
          auto name = df.str("containerName", true);
          auto cond = df.choice("condition", {"START", "COMPLETE", "SUCCESS", "HEALTHY"}, true);
          if (name) deps.push_back(Dep{static_cast<int>(td.containers.size()), *name, cond.value_or("START"), df.path(), d[q]});
        }
      }
      td.containers.push_back(cc);
    }
    for (const auto& [container, name, cond, dep_path, node] : deps) {
      auto it = index.find(name);
      if (it == index.end()) {
        std::vector<std::string> names;
        for (auto& [nm, _] : index) names.push_back(nm);
        ctx_.error(node["containerName"], dep_path + ".containerName",
                   "no container named '" + name + "' in this task definition; containers: " + detail::join(names));
        continue;
      }
      if (cond == "HEALTHY" && !td.containers[it->second].health_check)
        ctx_.error(node["condition"], dep_path + ".condition", "condition HEALTHY needs a healthCheck on container '" + name + "'");
      edges.emplace_back(container, it->second);
    }
    if (std::none_of(td.containers.begin(), td.containers.end(), [](const ContainerConfig& x) { return x.essential; }))
      ctx_.error(c, path, "at least one container must be essential");
    auto order = detail::container_start_order(static_cast<int>(td.containers.size()), edges);
    if (!order.acyclic) {
      std::vector<std::string> names;
      for (int v : order.cycle) names.push_back(td.containers[v].name);
      ctx_.error(c, path, "dependsOn forms a cycle through containers: " + detail::join(names));
    } else {
      td.start_order = order.order;
      td.start_chain_length = order.chain_length;
    }
  }

  // --- clusters -----------------------------------------------------------------------------
  std::optional<std::vector<StrategyItem>> read_strategy(const YAML::Node& n, const std::string& path,
                                                         const std::vector<int>* allowed) {
    if (!detail::expect_sequence(ctx_, n, path)) return std::nullopt;
    std::vector<StrategyItem> out;
    int with_base = 0;
    bool ok = true;
    for (std::size_t i = 0; i < n.size(); ++i) {
      Fields f(ctx_, n[i], idx(path, i));
      if (!f.valid()) {
        ok = false;
        continue;
      }
      StrategyItem item;
      auto name = f.str("capacityProvider", true);
      if (auto b = f.integer("base", 0, 100000)) item.base = static_cast<int>(*b);
      if (auto w = f.integer("weight", 0, 1000)) item.weight = static_cast<int>(*w);
      if (item.base > 0) ++with_base;
      if (!name) {
        ok = false;
        continue;
      }
      auto it = std::find(provider_names_.begin(), provider_names_.end(), *name);
      if (it == provider_names_.end()) {
        ctx_.error(n[i]["capacityProvider"], f.sub("capacityProvider"),
                   "unknown capacity provider '" + *name + "'; expected one of: " + detail::join(provider_names_));
        ok = false;
        continue;
      }
      item.provider = static_cast<int>(it - provider_names_.begin());
      if (allowed && std::find(allowed->begin(), allowed->end(), item.provider) == allowed->end()) {
        ctx_.error(n[i]["capacityProvider"], f.sub("capacityProvider"),
                   "capacity provider '" + *name + "' is not associated with the cluster (add it to the cluster's capacityProviders)");
        ok = false;
      }
      for (const auto& prev : out)
        if (prev.provider == item.provider) {
          ctx_.error(n[i], f.sub("capacityProvider"), "capacity provider '" + *name + "' appears twice in the strategy");
          ok = false;
        }
      out.push_back(item);
    }
    if (with_base > 1) {
      ctx_.error(n, path, "only one capacity provider in a strategy can have a base");
      ok = false;
    }
    if (n.size() > 6) {
      ctx_.error(n, path, "a capacity provider strategy holds at most 6 capacity providers");
      ok = false;
    }
    if (ok && !out.empty() && std::all_of(out.begin(), out.end(), [](const StrategyItem& s) { return s.weight == 0 && s.base == 0; })) {
      ctx_.error(n, path, "at least one capacity provider in a strategy needs a weight above 0");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  void read_clusters(const YAML::Node& n) {
    if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "clusters")) return;
    if (n.size() == 0) ctx_.error(n, "clusters", "needs at least one cluster");
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string path = idx("clusters", i);
      Fields f(ctx_, n[i], path, "CreateCluster", &kClusterIgnored);
      if (!f.valid()) continue;
      ClusterConfig c;
      c.name = f.str("clusterName", true).value_or("?");
      for (const auto& other : cfg_.clusters)
        if (other.name == c.name) ctx_.error(n[i]["clusterName"], f.sub("clusterName"), "two clusters are named '" + c.name + "'");
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

  std::optional<int> find_cluster(Fields& f) {
    auto node = f.get("cluster");
    std::string name = "default";
    if (node.IsDefined()) {
      auto s = detail::scalar_string(ctx_, node, f.sub("cluster"));
      if (!s) return std::nullopt;
      name = *s;
    } else if (cfg_.clusters.size() == 1) {
      return 0;  // one cluster: it is the one meant (AWS would use "default")
    }
    if (cfg_.clusters.empty()) return std::nullopt;  // `clusters` itself is wrong: reported there
    std::vector<std::string> names;
    for (std::size_t i = 0; i < cfg_.clusters.size(); ++i) {
      if (cfg_.clusters[i].name == name) return static_cast<int>(i);
      names.push_back(cfg_.clusters[i].name);
    }
    ctx_.error(node.IsDefined() ? node : f.node(), f.sub("cluster"), "no cluster named '" + name + "'; clusters: " + detail::join(names));
    return std::nullopt;
  }

  std::optional<int> find_task_definition(Fields& f) {
    auto node = f.get("taskDefinition", true);
    if (!node.IsDefined()) return std::nullopt;
    auto s = detail::scalar_string(ctx_, node, f.sub("taskDefinition"));
    if (!s) return std::nullopt;
    std::string ref = *s;
    // Accept an ARN: arn:aws:ecs:REGION:ACCOUNT:task-definition/family:revision
    if (auto slash = ref.rfind("task-definition/"); slash != std::string::npos) ref = ref.substr(slash + 16);
    std::optional<int> latest;
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < cfg_.task_definitions.size(); ++i) {
      const auto& td = cfg_.task_definitions[i];
      keys.push_back(td.key());
      if (td.key() == ref) return static_cast<int>(i);
      if (td.family == ref) latest = static_cast<int>(i);  // family alone: the latest revision
    }
    if (latest) return latest;
    ctx_.error(node, f.sub("taskDefinition"), "no task definition '" + *s + "'; task definitions: " + detail::join(keys));
    return std::nullopt;
  }

  // launchType / capacityProviderStrategy / the cluster default, resolved to a strategy.
  std::optional<std::vector<StrategyItem>> resolve_strategy(Fields& f, int cluster, std::optional<int> td) {
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
    } else {
      ctx_.error(f.node(), f.sub("launchType"),
                 "no launchType, no capacityProviderStrategy, and cluster '" + cfg_.clusters[cluster].name +
                     "' has no defaultCapacityProviderStrategy; give one of them");
      return std::nullopt;
    }
    const bool on_fargate = std::any_of(out->begin(), out->end(), [](const StrategyItem& it) { return it.provider < kNumBuiltinProviders; });
    const bool on_ec2 = std::any_of(out->begin(), out->end(), [](const StrategyItem& it) { return it.provider >= kNumBuiltinProviders; });
    if (on_fargate && on_ec2) {
      ctx_.error(f.node(), f.sub("capacityProviderStrategy"),
                 "a capacity provider strategy cannot mix Fargate and Auto Scaling group capacity providers");
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
  void check_task_definition_fits(Fields& f, int td, const std::vector<StrategyItem>& strategy) {
    const auto& d = cfg_.task_definitions[td];
    const bool on_ec2 = !strategy.empty() && strategy.front().provider >= kNumBuiltinProviders;
    if (!on_ec2) {
      if (!td_fargate_[td])
        ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() + " does not list FARGATE in requiresCompatibilities");
      return;
    }
    if (!td_ec2_[td]) {
      ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() + " does not list EC2 in requiresCompatibilities");
      return;
    }
    if (td_memory_missing_[td]) {
      ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() +
                                                      " needs memory on EC2: a task-level memory, or memory/memoryReservation on each container");
      return;
    }
    for (const auto& item : strategy) {
      const auto& a = cfg_.asg_providers[item.provider - kNumBuiltinProviders];
      int best_cpu = 0, best_mem = 0;
      bool arch_ok = false;
      for (int t : a.instance_types) {
        const auto& it = cfg_.instance_types[t];
        best_cpu = std::max(best_cpu, it.vcpu * 1024);
        best_mem = std::max(best_mem, it.memory_mib - cfg_.timings.ec2.reserved_memory_mib);
        arch_ok = arch_ok || it.architecture == d.architecture;
      }
      if (!arch_ok)
        ctx_.error(f.node(), f.sub("taskDefinition"), "task definition " + d.key() + " is " +
                                                        (d.architecture == CpuArchitecture::kArm64 ? "ARM64" : "X86_64") +
                                                        " but capacity provider '" + a.name + "' has no instance type of that architecture");
      else if (d.cpu_units > best_cpu || d.memory_mib > best_mem)
        ctx_.error(f.node(), f.sub("taskDefinition"),
                   "task definition " + d.key() + " needs cpu " + std::to_string(d.cpu_units) + " and memory " + std::to_string(d.memory_mib) +
                       " MiB; the largest instance of capacity provider '" + a.name + "' registers cpu " + std::to_string(best_cpu) +
                       " and memory " + std::to_string(best_mem) + " MiB, so it could never be placed");
    }
  }

  // placementStrategy / placementConstraints (EC2 only), with the documented defaults.
  PlacementRulesConfig read_placement(Fields& f, bool on_ec2, bool service) {
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
    if (pc.IsDefined() && detail::expect_sequence(ctx_, pc, f.sub("placementConstraints"))) {
      if (pc.size() > 10) ctx_.error(pc, f.sub("placementConstraints"), "at most 10 placement constraints");
      for (std::size_t k = 0; k < pc.size(); ++k) {
        Fields p(ctx_, pc[k], idx(f.sub("placementConstraints"), k), "PlacementConstraint");
        if (!p.valid()) continue;
        auto type = p.choice("type", {"distinctInstance", "memberOf"}, true);
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
        r.constraints.push_back(cc);
      }
    }
    return r;
  }

  // --- capacity providers (EC2 Auto Scaling groups) ------------------------------------------------
  void read_capacity_providers(const YAML::Node& n) {
    provider_names_ = kBuiltinProviders;
    if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "capacityProviders")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string path = idx("capacityProviders", i);
      Fields f(ctx_, n[i], path, "CreateCapacityProvider", &kCapacityProviderIgnored);
      if (!f.valid()) continue;
      AsgProviderConfig a;
      a.name = f.str("name", true).value_or("?");
      std::string lower = a.name;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (std::find(provider_names_.begin(), provider_names_.end(), a.name) != provider_names_.end())
        ctx_.error(n[i]["name"], f.sub("name"), "a capacity provider named '" + a.name + "' already exists");
      else if (lower.rfind("aws", 0) == 0 || lower.rfind("ecs", 0) == 0 || lower.rfind("fargate", 0) == 0)
        ctx_.error(n[i]["name"], f.sub("name"), "capacity provider names cannot start with aws, ecs or fargate (AWS reserves them)");
      {
        Fields g(ctx_, f.get("autoScalingGroupProvider", true), f.sub("autoScalingGroupProvider"), "AutoScalingGroupProvider",
                 &kAsgProviderIgnored);
        Fields ms(ctx_, g.get("managedScaling"), g.sub("managedScaling"));
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
        Fields g(ctx_, f.get("autoScalingGroup", true), f.sub("autoScalingGroup"), "CreateAutoScalingGroup", &kAsgIgnored);
        a.group_name = g.str("AutoScalingGroupName").value_or(a.name);
        auto lo = g.integer("MinSize", 0, 100000, true);
        auto hi = g.integer("MaxSize", 0, 100000, true);
        auto want = g.integer("DesiredCapacity", 0, 100000);
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
          Fields d(ctx_, mp.get("InstancesDistribution"), mp.sub("InstancesDistribution"), "InstancesDistribution",
                   new_ignored({"SpotInstancePools", "SpotMaxPrice"}));
          d.choice("OnDemandAllocationStrategy", {"prioritized", "lowest-price"});
          a.spot_allocation = SpotAllocation::kLowestPrice;  // the API default
          if (auto v = d.integer("OnDemandBaseCapacity", 0, 100000)) a.on_demand_base = static_cast<int>(*v);
          if (auto v = d.integer("OnDemandPercentageAboveBaseCapacity", 0, 100)) a.on_demand_percent_above_base = static_cast<int>(*v);
          if (auto v = d.choice("SpotAllocationStrategy", {"price-capacity-optimized", "capacity-optimized",
                                                            "capacity-optimized-prioritized", "lowest-price"}))
            a.spot_allocation = *v == "lowest-price" ? SpotAllocation::kLowestPrice
                                : *v == "price-capacity-optimized" ? SpotAllocation::kPriceCapacityOptimized
                                                                   : SpotAllocation::kCapacityOptimized;
          Fields lt(ctx_, mp.get("LaunchTemplate", true), mp.sub("LaunchTemplate"), "LaunchTemplate",
                    new_ignored({"LaunchTemplateSpecification"}));
          auto ov = lt.get("Overrides", true);
          if (ov.IsDefined() && detail::expect_sequence(ctx_, ov, lt.sub("Overrides"))) {
            if (ov.size() == 0) ctx_.error(ov, lt.sub("Overrides"), "needs at least one instance type");
            for (std::size_t k = 0; k < ov.size(); ++k) {
              Fields o(ctx_, ov[k], idx(lt.sub("Overrides"), k), "LaunchTemplateOverrides",
                       new_ignored({"WeightedCapacity", "LaunchTemplateSpecification", "InstanceRequirements", "ImageId"}));
              if (auto t = o.str("InstanceType", true)) types.emplace_back(*t, ov[k]["InstanceType"]);
            }
          }
        } else {
          ctx_.error(g.node(), g.path(), "give InstanceType (one type) or MixedInstancesPolicy (several)");
        }
        std::optional<CpuArchitecture> arch;
        for (const auto& [name, node] : types) {
          auto row = detail::ec2_instance_type(name);
          if (!row) {
            auto hint = detail::closest(name, detail::ec2_instance_type_names());
            ctx_.error(node, g.path(), "unknown instance type '" + name + "' (not in the bundled us-east-1 table)" +
                                           (hint ? "; did you mean '" + *hint + "'?" : ""));
            continue;
          }
          if (!row->has_price) {
            ctx_.error(node, g.path(), "instance type '" + name + "' has no On-Demand price in the bundled table; give one under pricing.ec2.instanceTypes");
          }
          if (arch && *arch != row->type.architecture)
            ctx_.error(node, g.path(), "instance types of one group must share a CPU architecture ('" + name + "' differs)");
          arch = row->type.architecture;
          if (max_enis) row->type.max_enis = static_cast<int>(*max_enis);
          apply_price_override(row->type, row->has_spot_data, a);
          a.instance_types.push_back(static_cast<int>(cfg_.instance_types.size()));
          cfg_.instance_types.push_back(row->type);
        }
      }
      if (cfg_.region != "us-east-1")
        ctx_.note("capacityProviders", "EC2 prices come from the bundled us-east-1 table; the scenario's region is " + cfg_.region);
      cfg_.asg_providers.push_back(std::move(a));
      provider_names_.push_back(cfg_.asg_providers.back().name);
    }
  }

  void apply_price_override(InstanceTypeConfig& t, bool has_spot_data, const AsgProviderConfig& a) {
    bool spot_price_given = false;
    t.price_source = "scenarios/data/aws_ec2_us-east-1_linux_prices_specs.csv row " + t.name +
                     " (On-Demand 2026-07-20" + (has_spot_data ? "; Spot = On-Demand x (1 - Spot Advisor savings), 2025-06)" : "; no Spot Advisor data)");
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
    if (may_use_spot && !has_spot_data && !spot_price_given)
      ctx_.note("capacityProviders", "instance type " + t.name + " has no Spot Instance Advisor data: its Spot price is taken as On-Demand and its band as >20%");
  }

  // --- services ---------------------------------------------------------------------------------
  // Only ECS rolling updates are modelled. Any other deployment controller or strategy, and
  // the fields that only they (or alarm-based rollback) use, are refused with what to do.
  void read_unmodelled_deployment_fields(Fields& service, Fields& d) {
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

  void read_services(const YAML::Node& n) {
    if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "services")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string path = idx("services", i);
      Fields f(ctx_, n[i], path, "CreateService", &kCreateServiceIgnored);
      if (!f.valid()) continue;
      ServiceConfig s;
      s.name = f.str("serviceName", true).value_or("?");
      for (const auto& other : cfg_.services)
        if (other.name == s.name) ctx_.error(n[i]["serviceName"], f.sub("serviceName"), "two services are named '" + s.name + "'");
      auto cluster = find_cluster(f);
      auto td = find_task_definition(f);
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
        Fields cb(ctx_, d.get("deploymentCircuitBreaker"), d.sub("deploymentCircuitBreaker"));
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
          Fields lb(ctx_, lbs[k], idx(f.sub("loadBalancers"), k), "LoadBalancer", &kLoadBalancerIgnored);
          lb.str("targetGroupArn", true);
          lb.str("containerName", true);
          lb.integer("containerPort", 0, 65535, true);
        }
        s.load_balanced = lbs.size() > 0;
      }
      read_load(f, s);
      if (auto a = f.get("autoScaling"); a.IsDefined()) s.auto_scaling = read_auto_scaling(a, f.sub("autoScaling"));
      if (td && cfg_.task_definitions[*td].requests_per_second <= 0) {
        const bool needs = !std::holds_alternative<std::monostate>(s.load) || s.auto_scaling;
        if (needs)
          ctx_.error(n[i], f.sub("taskDefinition"), "task definition " + cfg_.task_definitions[*td].key() +
                                                    " needs ecsim.capacity.requestsPerSecond (the load one task serves at 100% CPU) "
                                                    "for a service with load or autoScaling");
      }
      if (cluster) s.cluster = *cluster;
      if (td) s.task_definition = *td;
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
      cfg_.services.push_back(std::move(s));
    }
  }

  void read_load(Fields& f, ServiceConfig& s) {
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
            if (!probe.next(&ms, &v)) ctx_.error(t.node()["file"], t.sub("file"), "the trace has no rows");
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
  }

  // --- autoScaling ---------------------------------------------------------------------------
  std::optional<MetricType> read_metric_type(Fields& f, const std::string& key, bool required) {
    static const std::vector<std::string> kTypes = {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization",
                                                    "ALBRequestCountPerTarget"};
    auto v = f.choice(key, kTypes, required);
    if (!v) return std::nullopt;
    return static_cast<MetricType>(std::find(kTypes.begin(), kTypes.end(), *v) - kTypes.begin());
  }

  std::optional<AutoScalingConfig> read_auto_scaling(const YAML::Node& n, const std::string& path) {
    static const std::vector<std::string> kIgnored = {"ServiceNamespace", "ResourceId", "ScalableDimension", "RoleARN",
                                                      "SuspendedState", "Tags"};
    Fields a(ctx_, n, path, "RegisterScalableTarget", &kIgnored);
    if (!a.valid()) return std::nullopt;
    AutoScalingConfig out;
    auto lo = a.integer("MinCapacity", 0, cfg_.account.tasks_per_service, true);
    auto hi = a.integer("MaxCapacity", 0, cfg_.account.tasks_per_service, true);
    if (lo) out.min_capacity = static_cast<int>(*lo);
    if (hi) out.max_capacity = static_cast<int>(*hi);
    if (lo && hi && *lo > *hi) ctx_.error(n["MaxCapacity"], a.sub("MaxCapacity"), "MaxCapacity is below MinCapacity (" + std::to_string(*lo) + ")");
    bool ok = lo && hi;
    if (auto ps = a.get("policies"); ps.IsDefined() && detail::expect_sequence(ctx_, ps, a.sub("policies"))) {
      for (std::size_t i = 0; i < ps.size(); ++i) {
        if (auto p = read_policy(ps[i], idx(a.sub("policies"), i))) {
          for (const auto& other : out.policies)
            if (other.name == p->name) ctx_.error(ps[i], idx(a.sub("policies"), i), "two policies are named '" + p->name + "'");
          out.policies.push_back(std::move(*p));
        } else {
          ok = false;
        }
      }
    }
    if (auto sa = a.get("scheduledActions"); sa.IsDefined() && detail::expect_sequence(ctx_, sa, a.sub("scheduledActions"))) {
      static const std::vector<std::string> kSchedIgnored = {"ServiceNamespace", "ResourceId", "ScalableDimension", "Timezone"};
      for (std::size_t i = 0; i < sa.size(); ++i) {
        const std::string p = idx(a.sub("scheduledActions"), i);
        Fields f(ctx_, sa[i], p, "PutScheduledAction", &kSchedIgnored);
        if (!f.valid()) {
          ok = false;
          continue;
        }
        ScheduledActionConfig c;
        c.name = f.str("ScheduledActionName", true).value_or("?");
        if (auto tz = f.node()["Timezone"]; tz.IsDefined() && tz.IsScalar() && tz.Scalar() != "UTC" && tz.Scalar() != "Etc/UTC") {
          ctx_.error(tz, f.sub("Timezone"), "only UTC schedules are modelled; got '" + tz.Scalar() + "'");
          ok = false;
        }
        if (auto sch = f.str("Schedule", true)) {
          std::string err;
          if (scaling::Schedule::parse(*sch, &err)) c.schedule = *sch;
          else {
            ctx_.error(f.node()["Schedule"], f.sub("Schedule"), err);
            ok = false;
          }
        } else ok = false;
        for (const char* key : {"StartTime", "EndTime"}) {
          if (auto v = f.str(key)) {
            auto ms = parse_utc_millis(*v);
            if (!ms) {
              ctx_.error(f.node()[key], f.sub(key), "'" + *v + "' is not a UTC time like \"2024-03-01T08:00:00Z\"");
              ok = false;
            } else (std::string(key) == "StartTime" ? c.start_unix_seconds : c.end_unix_seconds) = *ms / 1000;
          }
        }
        Fields act(ctx_, f.get("ScalableTargetAction", true), f.sub("ScalableTargetAction"));
        if (auto v = act.integer("MinCapacity", 0, cfg_.account.tasks_per_service)) c.min_capacity = static_cast<int>(*v);
        if (auto v = act.integer("MaxCapacity", 0, cfg_.account.tasks_per_service)) c.max_capacity = static_cast<int>(*v);
        if (act.valid() && !c.min_capacity && !c.max_capacity) {
          ctx_.error(act.node(), act.path(), "give MinCapacity, MaxCapacity or both");
          ok = false;
        }
        if (c.min_capacity && c.max_capacity && *c.min_capacity > *c.max_capacity) {
          ctx_.error(act.node(), act.path(), "MinCapacity is above MaxCapacity");
          ok = false;
        }
        out.scheduled_actions.push_back(std::move(c));
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<ScalingPolicyConfig> read_policy(const YAML::Node& n, const std::string& path) {
    static const std::vector<std::string> kIgnored = {"ServiceNamespace", "ResourceId", "ScalableDimension", "PolicyARN", "Alarms"};
    Fields f(ctx_, n, path, "PutScalingPolicy", &kIgnored);
    if (!f.valid()) return std::nullopt;
    ScalingPolicyConfig p;
    p.name = f.str("PolicyName", true).value_or("?");
    auto type = f.choice("PolicyType", {"TargetTrackingScaling", "StepScaling"}, true);
    auto tt = f.get("TargetTrackingScalingPolicyConfiguration");
    auto st = f.get("StepScalingPolicyConfiguration");
    auto alarm = f.get("alarm");
    if (!type) return std::nullopt;
    if (*type == "TargetTrackingScaling") {
      if (!tt.IsDefined()) {
        ctx_.error(n, f.sub("TargetTrackingScalingPolicyConfiguration"), "required for PolicyType TargetTrackingScaling");
        return std::nullopt;
      }
      static const std::vector<std::string> kTtIgnored = {"CustomizedMetricSpecification"};
      Fields c(ctx_, tt, f.sub("TargetTrackingScalingPolicyConfiguration"), "TargetTrackingScalingPolicyConfiguration", &kTtIgnored);
      if (!c.valid()) return std::nullopt;  // not a mapping (reported): nothing below can be read
      TargetTrackingConfig cfg;
      auto target = c.number("TargetValue", 1e-9, 1e12, true);
      if (auto custom = c.get("CustomizedMetricSpecification"); custom.IsDefined())
        ctx_.error(custom, c.sub("CustomizedMetricSpecification"),
                   "custom metrics are not modelled; use PredefinedMetricSpecification");
      Fields pm(ctx_, c.get("PredefinedMetricSpecification", true), c.sub("PredefinedMetricSpecification"),
                "PredefinedMetricSpecification", new_ignored({"ResourceLabel"}));
      auto metric = read_metric_type(pm, "PredefinedMetricType", true);
      if (auto v = c.integer("ScaleOutCooldown", 0, 86400)) cfg.scale_out_cooldown = std::chrono::seconds(*v);
      if (auto v = c.integer("ScaleInCooldown", 0, 86400)) cfg.scale_in_cooldown = std::chrono::seconds(*v);
      if (auto v = c.boolean("DisableScaleIn")) cfg.disable_scale_in = *v;
      if (!target || !metric) return std::nullopt;
      cfg.target_value = *target;
      cfg.metric = *metric;
      if (cfg.metric != MetricType::kAlbRequestCountPerTarget && cfg.target_value > 100)
        ctx_.error(tt["TargetValue"], c.sub("TargetValue"), "a utilization target is a percentage (at most 100)");
      p.kind = cfg;
      if (st.IsDefined()) ctx_.error(st, f.sub("StepScalingPolicyConfiguration"), "not used with PolicyType TargetTrackingScaling");
      if (alarm.IsDefined()) ctx_.error(alarm, f.sub("alarm"), "target tracking creates its own alarms; remove `alarm`");
      return p;
    }
    if (!st.IsDefined() || !alarm.IsDefined()) {
      ctx_.error(n, f.path(), "PolicyType StepScaling needs StepScalingPolicyConfiguration and an `alarm`");
      return std::nullopt;
    }
    if (tt.IsDefined()) ctx_.error(tt, f.sub("TargetTrackingScalingPolicyConfiguration"), "not used with PolicyType StepScaling");
    StepScalingConfig cfg;
    Fields c(ctx_, st, f.sub("StepScalingPolicyConfiguration"), "StepScalingPolicyConfiguration", new_ignored({"MetricAggregationType"}));
    auto at = c.choice("AdjustmentType", {"ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"}, true);
    if (at) cfg.adjustment_type = *at == "ChangeInCapacity" ? AdjustmentType::kChangeInCapacity
                                  : *at == "PercentChangeInCapacity" ? AdjustmentType::kPercentChangeInCapacity
                                                                     : AdjustmentType::kExactCapacity;
    if (auto v = c.integer("Cooldown", 0, 86400)) cfg.cooldown = std::chrono::seconds(*v);
    if (auto v = c.integer("MinAdjustmentMagnitude", 0, 100000)) cfg.min_adjustment_magnitude = static_cast<int>(*v);
    bool ok = at.has_value();
    auto steps = c.get("StepAdjustments", true);
    if (steps.IsDefined() && detail::expect_sequence(ctx_, steps, c.sub("StepAdjustments"))) {
      for (std::size_t i = 0; i < steps.size(); ++i) {
        Fields sf(ctx_, steps[i], idx(c.sub("StepAdjustments"), i));
        StepAdjustment sa;
        sa.lower = sf.number("MetricIntervalLowerBound", -1e12, 1e12);
        sa.upper = sf.number("MetricIntervalUpperBound", -1e12, 1e12);
        auto adj = sf.integer("ScalingAdjustment", -100000, 100000, true);
        if (!adj) {
          ok = false;
          continue;
        }
        sa.adjustment = static_cast<int>(*adj);
        if (sa.lower && sa.upper && *sa.lower >= *sa.upper) {
          ctx_.error(steps[i], sf.path(), "MetricIntervalLowerBound must be below MetricIntervalUpperBound");
          ok = false;
        }
        if (!sa.lower && !sa.upper && steps.size() > 1) {
          ctx_.error(steps[i], sf.path(), "only a single step may leave both bounds open");
          ok = false;
        }
        cfg.steps.push_back(sa);
      }
    }
    Fields al(ctx_, alarm, f.sub("alarm"));
    if (auto m = read_metric_type(al, "metric", true)) cfg.alarm.metric = *m;
    else ok = false;
    auto stat = al.choice("statistic", {"Average", "Maximum", "Minimum", "Sum", "SampleCount"});
    if (stat) cfg.alarm.statistic = *stat == "Average" ? Statistic::kAverage : *stat == "Maximum" ? Statistic::kMaximum
                                    : *stat == "Minimum" ? Statistic::kMinimum : *stat == "Sum" ? Statistic::kSum : Statistic::kSampleCount;
    if (auto v = al.number("threshold", -1e12, 1e12, true)) cfg.alarm.threshold = *v;
    else ok = false;
    auto cmp = al.choice("comparison", {"GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold",
                                        "LessThanOrEqualToThreshold"}, true);
    if (cmp) cfg.alarm.comparison = *cmp == "GreaterThanThreshold" ? Comparison::kGreaterThan
                                    : *cmp == "GreaterThanOrEqualToThreshold" ? Comparison::kGreaterThanOrEqual
                                    : *cmp == "LessThanThreshold" ? Comparison::kLessThan : Comparison::kLessThanOrEqual;
    else ok = false;
    if (auto v = al.integer("periodSeconds", 60, 86400)) {
      if (*v % 60 != 0) {
        ctx_.error(alarm["periodSeconds"], al.sub("periodSeconds"), "must be a multiple of 60 (ECS metrics are 1-minute datapoints)");
        ok = false;
      }
      cfg.alarm.period_minutes = static_cast<int>(*v / 60);
    }
    if (auto v = al.integer("evaluationPeriods", 1, 1440)) cfg.alarm.evaluation_periods = static_cast<int>(*v);
    cfg.alarm.datapoints_to_alarm = cfg.alarm.evaluation_periods;
    if (auto v = al.integer("datapointsToAlarm", 1, 1440)) {
      if (*v > cfg.alarm.evaluation_periods) {
        ctx_.error(alarm["datapointsToAlarm"], al.sub("datapointsToAlarm"), "cannot exceed evaluationPeriods");
        ok = false;
      }
      cfg.alarm.datapoints_to_alarm = static_cast<int>(*v);
    }
    if (!ok) return std::nullopt;
    p.kind = cfg;
    return p;
  }

  const std::vector<std::string>* new_ignored(std::initializer_list<const char*> names) {
    ignored_lists_.emplace_back(names.begin(), names.end());
    return &ignored_lists_.back();
  }

  // --- runTasks -----------------------------------------------------------------------------------
  void read_run_tasks(const YAML::Node& n) {
    if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "runTasks")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string path = idx("runTasks", i);
      Fields f(ctx_, n[i], path, "RunTask", &kRunTaskIgnored);
      if (!f.valid()) continue;
      RunTaskGroupConfig g;
      g.name = f.str("name").value_or(path);
      auto cluster = find_cluster(f);
      auto td = find_task_definition(f);
      f.integer("count", 1, 10);
      if (cluster) {
        g.cluster = *cluster;
        if (auto st = resolve_strategy(f, *cluster, td)) {
          g.strategy = *st;
          g.placement = read_placement(f, g.strategy.front().provider >= kNumBuiltinProviders, false);
        }
      } else {
        f.get("launchType");
        f.get("capacityProviderStrategy");
      }
      f.get("placementStrategy");
      f.get("placementConstraints");
      if (td) g.task_definition = *td;
      {
        Fields r(ctx_, f.get("retry"), f.sub("retry"));
        if (auto v = r.integer("attempts", 0, 100)) g.retry_attempts = static_cast<int>(*v);
      }
      Fields a(ctx_, f.get("arrivals", true), f.sub("arrivals"));
      if (a.valid()) {
        if (a.has("poisson") && a.has("trace")) ctx_.error(a.node(), a.path(), "give one of poisson or trace, not both");
        if (a.has("poisson")) {
          PoissonArrivals pa;
          Fields p(ctx_, a.get("poisson"), a.sub("poisson"));
          if (auto v = p.number("ratePerSecond", 1e-9, 1e6, true)) pa.rate_per_second = *v;
          if (auto dn = p.get("diurnal"); dn.IsDefined()) {
            Fields df(ctx_, dn, p.sub("diurnal"));
            if (auto v = df.number("amplitude", 0, 1, true)) pa.amplitude = *v;
            if (auto v = df.duration("period", false, SimDuration{1000})) pa.period = *v;
            if (auto v = df.duration("phase")) pa.phase = *v;
          }
          Fields d(ctx_, p.get("duration", true), p.sub("duration"));
          if (d.valid()) {
            auto mean = d.duration("exponentialMean", false, SimDuration{1});
            auto fixed = d.duration("fixed");
            if (mean && fixed) ctx_.error(d.node(), d.path(), "give one of exponentialMean or fixed, not both");
            else if (mean) pa.duration = ExponentialDuration{*mean};
            else if (fixed) pa.duration = FixedDuration{*fixed};
            else if (!d.has("exponentialMean") && !d.has("fixed"))
              ctx_.error(d.node(), d.path(), "give one of: exponentialMean, fixed");
          }
          g.arrivals = pa;
        } else {
          a.get("poisson");
        }
        if (a.has("trace") && !a.has("poisson")) {
          if (auto tr = read_trace_arrivals(a.get("trace"), a.sub("trace"))) g.arrivals = *tr;
        } else {
          a.get("trace");
        }
        if (!a.has("poisson") && !a.has("trace")) ctx_.error(a.node(), a.path(), "give one of: poisson, trace");
      }
      cfg_.run_tasks.push_back(std::move(g));
    }
  }

  std::optional<TraceArrivals> read_trace_arrivals(const YAML::Node& n, const std::string& path) {
    Fields t(ctx_, n, path);
    if (!t.valid()) return std::nullopt;
    TraceArrivals tr;
    auto file = t.str("file", true);
    auto time = t.str("time", true);
    if (auto v = t.str("count")) tr.count_column = *v;
    if (auto v = t.number("scale", 0, 1e6)) tr.scale = *v;
    if (auto v = t.duration("timeUnit", false, SimDuration{1})) tr.time_unit_seconds = to_seconds(*v);
    if (auto d = t.get("duration"); d.IsDefined()) {
      Fields df(ctx_, d, t.sub("duration"));
      if (auto v = df.str("end")) tr.end_column = *v;
      if (auto v = df.str("column")) tr.duration_column = *v;
      if (tr.end_column.empty() == tr.duration_column.empty())
        ctx_.error(d, df.path(), "give one of: end (a column with each task's end time) or column (a column with its duration)");
    } else {
      ctx_.error(n, t.sub("duration"), "give duration: {end: COLUMN} or {column: COLUMN} (how long each task runs)");
    }
    if (auto w = t.str("where")) {
      // "column == value": the one filter form the contract uses.
      const auto eq = w->find("==");
      auto trim = [](std::string x) {
        const auto b = x.find_first_not_of(" \t\"'"), e = x.find_last_not_of(" \t\"'");
        return b == std::string::npos ? std::string() : x.substr(b, e - b + 1);
      };
      if (eq == std::string::npos || trim(w->substr(0, eq)).empty())
        ctx_.error(t.node()["where"], t.sub("where"), "expected \"COLUMN == VALUE\", e.g. \"status == Terminated\"");
      else {
        tr.where_column = trim(w->substr(0, eq));
        tr.where_value = trim(w->substr(eq + 2));
      }
    }
    if (!file || !time) return std::nullopt;
    tr.time_column = *time;
    tr.path = (base_dir_ / *file).lexically_normal().string();
    // Probe the header now so a wrong file or column is a validation error, not a crash.
    std::ifstream in(tr.path, std::ios::binary);
    std::string header;
    if (!in || !std::getline(in, header)) {
      ctx_.error(t.node()["file"], t.sub("file"), "cannot read trace file " + *file);
      return std::nullopt;
    }
    if (header.size() >= 3 && header.compare(0, 3, "\xEF\xBB\xBF") == 0) header.erase(0, 3);
    const auto cols = split_csv_line(header);
    bool ok = true;
    for (auto [key, col] : {std::pair<const char*, std::string>{"time", tr.time_column}, {"count", tr.count_column},
                            {"where", tr.where_column}, {"duration.end", tr.end_column}, {"duration.column", tr.duration_column}}) {
      if (col.empty() || std::find(cols.begin(), cols.end(), col) != cols.end()) continue;
      ctx_.error(n, t.sub(key), "trace has no column '" + col + "'; columns: " + detail::join(cols));
      ok = false;
    }
    if (!ok) return std::nullopt;
    return tr;
  }

  // --- timeline -----------------------------------------------------------------------------------
  void read_timeline(const YAML::Node& n) {
    if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "timeline")) return;
    const std::vector<std::string> actions = {"updateService", "spotInterruptions", "spotCapacity"};
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
        Fields u(ctx_, f.get("updateService"), f.sub("updateService"));
        UpdateServiceAction a;
        auto name = u.str("service", true);
        bool found = false;
        if (name) {
          std::vector<std::string> names;
          for (std::size_t k = 0; k < cfg_.services.size(); ++k) {
            names.push_back(cfg_.services[k].name);
            if (cfg_.services[k].name == *name) {
              a.service = static_cast<int>(k);
              found = true;
            }
          }
          if (!found) ctx_.error(u.node()["service"], u.sub("service"), "no service named '" + *name + "'; services: " + detail::join(names));
        }
        ok = ok && found;
        if (auto v = u.integer("desiredCount", 0, cfg_.account.tasks_per_service)) a.desired_count = static_cast<int>(*v);
        else if (u.has("desiredCount")) ok = false;
        if (u.has("taskDefinition")) {
          if (auto td = find_task_definition(u)) {
            a.task_definition = *td;
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
      // FARGATE_SPOT, or (for spotInterruptions) an Auto Scaling group that can hold Spot instances.
      auto spot_provider = [&](Fields& sf, bool allow_asg) -> std::optional<int> {
        auto name = sf.str("capacityProvider", true);
        if (!name) return std::nullopt;
        if (*name == "FARGATE_SPOT") return static_cast<int>(ProviderKind::kFargateSpot);
        std::vector<std::string> valid = {"FARGATE_SPOT"};
        std::optional<int> found;
        for (std::size_t k = 0; k < cfg_.asg_providers.size(); ++k) {
          const auto& a = cfg_.asg_providers[k];
          if (!allow_asg || !a.mixed || a.on_demand_percent_above_base >= 100) continue;
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

  Ctx& ctx_;
  std::filesystem::path base_dir_;
  std::deque<std::vector<std::string>> ignored_lists_;  // stable addresses for Fields
  ScenarioConfig cfg_;
  YAML::Node region_node_;
  std::vector<bool> td_fargate_;
  std::vector<bool> td_ec2_;
  std::vector<bool> td_memory_missing_;
  bool task_level_cpu_ = false, task_level_memory_ = false;
  std::vector<std::string> provider_names_;
  YAML::Node ec2_price_overrides_;
};

}  // namespace

ScenarioConfig load(const ScenarioSource& source) {
  if (source.text.size() > kMaxScenarioBytes) throw ScenarioError({too_big(source.file_name, source.text.size())});
  Ctx ctx(source.file_name);
  YAML::Node root;
  try {
    root = YAML::Load(source.text);
  } catch (const YAML::DeepRecursion& e) {
    throw ScenarioError({Diagnostic{source.file_name, e.mark.line + 1, e.mark.column + 1, "(syntax)",
                                    "lists or mappings nested " + std::to_string(e.depth()) +
                                        " deep: more than the YAML reader accepts (a scenario needs a few levels)"}});
  } catch (const YAML::ParserException& e) {
    throw ScenarioError({Diagnostic{source.file_name, e.mark.line + 1, e.mark.column + 1, "(syntax)", e.msg}});
  } catch (const YAML::Exception& e) {
    throw ScenarioError({Diagnostic{source.file_name, 0, 0, "(syntax)", e.msg}});
  }
  detail::check_duplicate_keys(ctx, root, "");
  detail::apply_overrides(ctx, root, source.overrides);
  Loader loader(ctx, source.base_dir);
  ScenarioConfig cfg = loader.load(root);
  if (!ctx.ok()) {
    auto errors = ctx.errors();
    std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
      if (a.file != b.file) return a.file.rfind("--set", 0) != 0 && b.file.rfind("--set", 0) == 0;
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    throw ScenarioError(std::move(errors));
  }
  return cfg;
}

std::unique_ptr<Simulator> build(const ScenarioConfig& config, std::uint64_t replication) {
  return build(config, replication, {});
}

std::unique_ptr<Simulator> build(const ScenarioConfig& config, std::uint64_t replication, ExtraPolicies extra) {
  std::vector<std::unique_ptr<ServiceScaler>> scalers;
  for (const auto& s : config.services) {
    if (!s.auto_scaling) {
      scalers.push_back(nullptr);
      continue;
    }
    auto scaler = scaling::make_auto_scaler(*s.auto_scaling, config.timings.auto_scaling, config.start_unix_seconds);
    if (auto it = extra.find(s.name); it != extra.end()) {
      for (auto& p : it->second) scaler->add_policy(std::move(p));
      extra.erase(it);
    }
    scalers.push_back(std::move(scaler));
  }
  if (!extra.empty())
    throw std::invalid_argument("policies for service '" + extra.begin()->first +
                                "': no such service with autoScaling (give it MinCapacity and MaxCapacity)");
  return std::make_unique<Simulator>(config, placement::make_default_placer(), std::move(scalers), replication);
}

}  // namespace ecsim::scenarios
