// The scenario loader's internals: the Loader class, split by scenario section over
// scenarios/src/loader/*.cpp, and the helpers its sections share.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <deque>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
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

namespace ecsim::scenarios::loader {

using detail::Ctx;
using detail::Fields;


// AWS fields: what the loader does with each is in the AWS field table (aws_fields.hpp).
inline const std::vector<std::string> kBuiltinProviders = {"FARGATE", "FARGATE_SPOT"};
/// The resource part after `kind` ("cluster/", "task-definition/") of an ECS ARN
/// (arn:PARTITION:ecs:REGION:ACCOUNT:kind/NAME), or nothing when `arn` is not one.
inline std::optional<std::string> arn_resource(const std::string& arn, const std::string& kind) {
  if (arn.rfind("arn:", 0) != 0) return std::nullopt;
  std::size_t colons = 0, pos = 0;
  while (colons < 5 && (pos = arn.find(':', pos)) != std::string::npos) ++colons, ++pos;
  if (colons < 5 || arn.compare(pos, kind.size(), kind) != 0 || pos + kind.size() >= arn.size()) return std::nullopt;
  return arn.substr(pos + kind.size());
}

/// Whether a strategy holds a Fargate provider / an Auto Scaling group provider.
inline bool uses_fargate(const std::vector<StrategyItem>& st) {
  return std::any_of(st.begin(), st.end(), [](const StrategyItem& it) { return it.provider < kNumBuiltinProviders; });
}
/// CloudWatch's spellings of an alarm's statistic and comparison, as the alarm takes them.
inline const std::vector<std::string>& alarm_statistics() {
  static const std::vector<std::string> k = {"Average", "Maximum", "Minimum", "Sum", "SampleCount"};
  return k;
}
inline Statistic alarm_statistic(const std::string& s) {
  return s == "Average" ? Statistic::kAverage : s == "Maximum" ? Statistic::kMaximum : s == "Minimum" ? Statistic::kMinimum
         : s == "Sum"   ? Statistic::kSum     : Statistic::kSampleCount;
}
inline const std::vector<std::string>& alarm_comparisons() {
  static const std::vector<std::string> k = {"GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold",
                                             "LessThanOrEqualToThreshold"};
  return k;
}
inline Comparison alarm_comparison(const std::string& c) {
  return c == "GreaterThanThreshold"            ? Comparison::kGreaterThan
         : c == "GreaterThanOrEqualToThreshold" ? Comparison::kGreaterThanOrEqual
         : c == "LessThanThreshold"             ? Comparison::kLessThan
                                                : Comparison::kLessThanOrEqual;
}

inline bool uses_asg(const std::vector<StrategyItem>& st) {
  return std::any_of(st.begin(), st.end(), [](const StrategyItem& it) { return it.provider >= kNumBuiltinProviders; });
}

inline std::string idx(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

// A parsed amount as whole units; huge, negative or non-finite amounts are not values.
inline std::optional<int> whole_units(double v) {
  if (!std::isfinite(v) || v < 0 || v > 1e9) return std::nullopt;
  return static_cast<int>(std::llround(v));
}
// "<number> <unit>" with the unit compared case-insensitively: the number, or nothing.
inline std::optional<double> amount_in(const std::string& s, const std::string& unit_lower) {
  double v = 0;
  char unit[16] = {0};
  if (std::sscanf(s.c_str(), "%lf %15s", &v, unit) != 2) return std::nullopt;
  std::string u(unit);
  std::transform(u.begin(), u.end(), u.begin(), ::tolower);
  if (u != unit_lower) return std::nullopt;
  return v;
}
inline bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// "512", "0.5 vCPU", "1 vcpu" -> CPU units
inline std::optional<int> parse_cpu(const std::string& s) {
  if (all_digits(s)) return whole_units(std::strtod(s.c_str(), nullptr));
  if (auto v = amount_in(s, "vcpu")) return whole_units(*v * 1024);
  return std::nullopt;
}
// "1024", "1 GB", "1GB" -> MiB
inline std::optional<int> parse_memory(const std::string& s) {
  if (all_digits(s)) return whole_units(std::strtod(s.c_str(), nullptr));
  if (auto v = amount_in(s, "gb")) return whole_units(*v * 1024);
  return std::nullopt;
}


/// Everything a Loader knows between sections but its Ctx: what a sweep's loads copy from a
/// load stopped before `services` (LoadReuse in loader.cpp).
struct LoaderState {
  std::filesystem::path base_dir_;
  ScenarioConfig cfg_;
  bool fargate_x86_known_ = true;  // Fargate rates for the region (table or override)
  std::vector<std::vector<PlacementConstraintConfig>> td_constraints_;  // per task definition
  std::map<std::string, int> subnet_zone_;    // subnet id -> zone index
  std::set<std::string> described_subnets_;   // those given in `subnets`
  YAML::Node region_node_;
  std::vector<bool> td_fargate_;
  std::vector<bool> td_ec2_;
  std::vector<bool> td_managed_instances_;  // requiresCompatibilities lists MANAGED_INSTANCES
  YAML::Node managed_instances_pricing_;      // pricing.managedInstances
  std::vector<bool> td_memory_missing_;
  bool task_level_cpu_ = false, task_level_memory_ = false;
  std::vector<std::string> provider_names_;
  std::map<std::string, int> target_groups_;  // targetGroupArn / alternateTargetGroupArn -> service
  struct AlarmRef {
    int service;
    std::string name;
    YAML::Node node;
    std::string path;
  };
  std::vector<AlarmRef> alarm_refs_;  // deploymentConfiguration.alarms.alarmNames, resolved by read_alarms
  YAML::Node ec2_price_overrides_;
  YAML::Node savings_plans_;                  // pricing.savingsPlans, read after the providers
  YAML::Node reserved_instances_;             // pricing.reservedInstances, likewise
};

/// What reading one service item did besides its ServiceConfig, so that a later load of the
/// same item (the same node, after the same sections) can replay it instead of reading it.
struct ServiceRecord {
  ServiceConfig config;
  std::vector<std::string> target_groups;  // set to this service, in order
  std::vector<LoaderState::AlarmRef> alarm_refs;
  std::vector<detail::Ctx::Call> calls;    // notices and inert fields noted
  /// The item changed state that later items read (a subnet's zone in order of first use) or
  /// pushed no service: it cannot be replayed alone.
  bool replayable = true;
};

class Loader : private LoaderState {
 public:
  Loader(Ctx& ctx, std::filesystem::path base_dir) : ctx_(ctx) { base_dir_ = std::move(base_dir); }
  /// Resumes from a load that stopped after read_head (LoadReuse).
  Loader(Ctx& ctx, const LoaderState& state) : LoaderState(state), ctx_(ctx) {}

  ScenarioConfig load(const YAML::Node& root);

  // A load in steps, for sweeps that change services only (LoadReuse in loader.cpp):
  // load() is is_cloudformation, read_head, read_services and read_tail.
  /// A CloudFormation template given as a scenario (reported).
  bool is_cloudformation(const YAML::Node& root);
  /// The top-level fields and every section before `services`.
  void read_head(const YAML::Node& root, Fields& top);
  void read_service(const YAML::Node& item, std::size_t i);
  ServiceRecord read_service_recorded(const YAML::Node& item, std::size_t i);
  void replay_service(const ServiceRecord& record);
  /// The sections after `services`, the unknown top-level keys, the notices.
  void read_tail(const YAML::Node& root, Fields& top);
  const LoaderState& state() const { return *this; }
  ScenarioConfig take_config() { return std::move(cfg_); }

 private:
  // --- account, timings, pricing, run ------------------------------------------------------
  void read_zones(Fields& top);

  // --- subnets (subnets.cpp) ------------------------------------------------------------------
  /// Top-level `subnets`: describe-subnets entries {SubnetId, AvailabilityZone, ...}.
  void read_subnets(Fields& top);
  /// The zone of a subnet: from `subnets`, or else one zone per subnet in order of first use
  /// (with a notice saying so).
  int zone_of_subnet(const std::string& id, const std::string& path);
  /// networkConfiguration.awsvpcConfiguration.subnets as zones (sorted, distinct); empty when
  /// absent. `awsvpc` is whether the task definition uses awsvpc (ECS refuses it otherwise).
  std::vector<int> read_network_zones(Fields& f, bool awsvpc);
  /// A memberOf constraint keeping EC2 tasks on instances in `zones`.
  PlacementConstraintConfig zone_constraint(const std::vector<int>& zones) const;

  void read_bucket(Fields& f, const std::string& key, TokenBucketConfig& out);

  void read_account(const YAML::Node& n);

  void read_timings(const YAML::Node& n);

  void read_pricing(const YAML::Node& n);
  void check_fargate_rates();

  void read_run(const YAML::Node& n);

  // --- task definitions ----------------------------------------------------------------------
  void read_task_definitions(const YAML::Node& n);

  void read_containers(Fields& f, TaskDefinitionConfig& td);

  // --- clusters -----------------------------------------------------------------------------
  std::optional<std::vector<StrategyItem>> read_strategy(const YAML::Node& n, const std::string& path,
                                                         const std::vector<int>* allowed) {
    if (!detail::expect_sequence(ctx_, n, path)) return std::nullopt;
    std::vector<StrategyItem> out;
    int with_base = 0;
    bool ok = true;
    for (std::size_t i = 0; i < n.size(); ++i) {
      Fields f(ctx_, n[i], idx(path, i), "CapacityProviderStrategyItem");
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

  void read_clusters(const YAML::Node& n);

  /// `cluster` (a name or an ARN); with describe_arn, a describe-services `clusterArn` too.
  std::optional<int> find_cluster(Fields& f, bool describe_arn = false);

  std::optional<int> find_task_definition(Fields& f, bool required = true);

  // launchType / capacityProviderStrategy / the cluster default, resolved to a strategy.
  std::optional<std::vector<StrategyItem>> resolve_strategy(Fields& f, int cluster, std::optional<int> td);

  // Whether a task definition can run on every provider of a strategy.
  void check_task_definition_fits(Fields& f, int td, const std::vector<StrategyItem>& strategy);

  // placementStrategy / placementConstraints (EC2 only), with the documented defaults.
  PlacementRulesConfig read_placement(Fields& f, bool on_ec2, bool service);
  std::vector<PlacementConstraintConfig> read_constraints(const YAML::Node& pc, const std::string& path, bool task_definition);
  /// Adds the task definition's placement constraints to a service's or RunTask's (as ECS
  /// merges them); they need EC2 capacity, and 10 in all at most.
  void merge_task_definition_constraints(Fields& f, int td, bool on_ec2, PlacementRulesConfig& rules);

  // --- capacity providers (EC2 Auto Scaling groups) ------------------------------------------------
  void read_capacity_providers(const YAML::Node& n);

  void apply_price_override(InstanceTypeConfig& t, bool has_spot_data, const AsgProviderConfig& a, const YAML::Node& at);
  /// managedInstancesProvider: the candidate instance types (instanceRequirements over the
  /// bundled table), zones, purchase option, scaleInAfter and the management fee.
  void read_managed_instances(Fields& f, AsgProviderConfig& a);
  /// A service's or RunTask's placement on Managed Instances: ECS places (no placementStrategy;
  /// zones spread, then binpack), placement constraints other than distinctInstance refused.
  void managed_instances_placement(Fields& f, const std::vector<StrategyItem>& strategy, PlacementRulesConfig& rules);
  bool uses_managed_instances(const std::vector<StrategyItem>& st) const {
    return std::any_of(st.begin(), st.end(), [&](const StrategyItem& it) {
      return it.provider >= kNumBuiltinProviders && cfg_.asg(it.provider).managed_instances.has_value();
    });
  }

  // --- services ---------------------------------------------------------------------------------
  // Only ECS rolling updates are modelled. Any other deployment controller or strategy, and
  // the fields that only they (or alarm-based rollback) use, are refused with what to do.
  /// deploymentController, deploymentConfiguration's strategy fields, lifecycle hooks and
  /// alarms, and a CODE_DEPLOY service's codeDeploy block.
  void read_deployment_strategy(Fields& service, Fields& d, ServiceConfig& s);
  /// cloudWatchAlarms (PutMetricAlarm on a service's metrics); then resolves the services' alarmNames.
  void read_alarms(const YAML::Node& n);
  LifecycleHookConfig read_lifecycle_hook(const YAML::Node& n, const std::string& path, std::size_t index);

  void read_services(const YAML::Node& n);

  void read_load(Fields& f, ServiceConfig& s);

  // --- autoScaling ---------------------------------------------------------------------------
  /// A predefined metric type; `high_resolution` (target tracking only) accepts the
  /// ...HighResolution types and says whether it was one.
  std::optional<MetricType> read_metric_type(Fields& f, const std::string& key, bool required, bool* high_resolution = nullptr);

  std::optional<AutoScalingConfig> read_auto_scaling(const YAML::Node& n, const std::string& path);

  std::optional<ScalingPolicyConfig> read_policy(const YAML::Node& n, const std::string& path);
  std::optional<PredictiveScalingConfig> read_predictive(const YAML::Node& n, const std::string& path);
  void read_savings_plans();
  void read_reserved_instances();

  // --- runTasks -----------------------------------------------------------------------------------
  void read_run_tasks(const YAML::Node& n);

  void read_sdk_client(Fields& f, SdkRetryConfig& out);
  void read_memory_limit(const YAML::Node& n, const std::string& path);
  std::optional<TraceArrivals> read_trace_arrivals(const YAML::Node& n, const std::string& path);

  // --- timeline -----------------------------------------------------------------------------------
  void read_timeline(const YAML::Node& n);

  void set_target_group(const std::string& arn) {
    target_groups_[arn] = static_cast<int>(cfg_.services.size());
    if (recorded_target_groups_) recorded_target_groups_->push_back(arn);
  }

  Ctx& ctx_;
  std::vector<std::string>* recorded_target_groups_ = nullptr;  // read_service_recorded
};

}  // namespace ecsim::scenarios::loader
