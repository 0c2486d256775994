// Scenario loading: service auto scaling: scalable targets, policies, scheduled actions.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

namespace ecsim::scenarios::loader {

std::optional<MetricType> Loader::read_metric_type(Fields& f, const std::string& key, bool required, bool* high_resolution) {
  static const std::vector<std::string> kTypes = {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization",
                                                  "ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilizationHighResolution",
                                                  "ECSServiceAverageMemoryUtilizationHighResolution"};
  auto v = f.choice(key, high_resolution ? kTypes : std::vector<std::string>(kTypes.begin(), kTypes.begin() + 3), required);
  if (!v) return std::nullopt;
  const auto k = std::find(kTypes.begin(), kTypes.end(), *v) - kTypes.begin();
  if (high_resolution) *high_resolution = k >= 3;
  return static_cast<MetricType>(k >= 3 ? k - 3 : k);
}

std::optional<AutoScalingConfig> Loader::read_auto_scaling(const YAML::Node& n, const std::string& path) {
  Fields a(ctx_, n, path, "RegisterScalableTarget");
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
          if (!p->name.empty() && other.name == p->name) ctx_.error(ps[i], idx(a.sub("policies"), i), "two policies are named '" + p->name + "'");
        out.policies.push_back(std::move(*p));
      } else {
        ok = false;
      }
    }
  }
  if (auto sa = a.get("scheduledActions"); sa.IsDefined() && detail::expect_sequence(ctx_, sa, a.sub("scheduledActions"))) {
    for (std::size_t i = 0; i < sa.size(); ++i) {
      const std::string p = idx(a.sub("scheduledActions"), i);
      Fields f(ctx_, sa[i], p, "PutScheduledAction");
      if (!f.valid()) {
        ok = false;
        continue;
      }
      ScheduledActionConfig c;
      c.name = f.str("ScheduledActionName", true).value_or("");
      if (auto tz = f.str("Timezone"); tz && *tz != "UTC" && *tz != "Etc/UTC") {
        ctx_.error(f.node()["Timezone"], f.sub("Timezone"),
                   "time zone '" + *tz + "' is not modelled; schedules are evaluated in UTC: convert the cron hours to UTC and "
                   "remove Timezone (or give UTC)");
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
      Fields act(ctx_, f.get("ScalableTargetAction", true), f.sub("ScalableTargetAction"), "ScalableTargetAction");
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

std::optional<ScalingPolicyConfig> Loader::read_policy(const YAML::Node& n, const std::string& path) {
  Fields f(ctx_, n, path, "PutScalingPolicy");
  if (!f.valid()) return std::nullopt;
  ScalingPolicyConfig p;
  p.name = f.str("PolicyName", true).value_or("");
  auto type = f.choice("PolicyType", {"TargetTrackingScaling", "StepScaling", "PredictiveScaling"}, true);
  auto tt = f.get("TargetTrackingScalingPolicyConfiguration");
  auto st = f.get("StepScalingPolicyConfiguration");
  auto ps = f.get("PredictiveScalingPolicyConfiguration");
  auto alarm = f.get("alarm");
  auto forecaster = f.get("forecaster");
  if (!type) return std::nullopt;
  if (*type != "PredictiveScaling") {
    if (ps.IsDefined()) ctx_.error(ps, f.sub("PredictiveScalingPolicyConfiguration"), "not used with PolicyType " + *type);
    if (forecaster.IsDefined()) ctx_.error(forecaster, f.sub("forecaster"), "only a PredictiveScaling policy has a forecaster");
  }
  if (*type == "PredictiveScaling") {
    for (const char* key : {"TargetTrackingScalingPolicyConfiguration", "StepScalingPolicyConfiguration", "alarm"})
      if (f.has(key)) ctx_.error(f.get(key), f.sub(key), "not used with PolicyType PredictiveScaling");
    if (!ps.IsDefined()) {
      ctx_.error(n, f.sub("PredictiveScalingPolicyConfiguration"), "required for PolicyType PredictiveScaling");
      return std::nullopt;
    }
    auto cfg = read_predictive(ps, f.sub("PredictiveScalingPolicyConfiguration"));
    if (forecaster.IsDefined()) {
      Fields fc(ctx_, forecaster, f.sub("forecaster"));
      fc.choice("type", {"SameHourMean"}, true);
      if (auto v = fc.integer("days", 1, 14); v && cfg) cfg->forecaster_days = static_cast<int>(*v);
    }
    if (!cfg) return std::nullopt;
    p.kind = *cfg;
    return p;
  }
  if (*type == "TargetTrackingScaling") {
    if (!tt.IsDefined()) {
      ctx_.error(n, f.sub("TargetTrackingScalingPolicyConfiguration"), "required for PolicyType TargetTrackingScaling");
      return std::nullopt;
    }
    Fields c(ctx_, tt, f.sub("TargetTrackingScalingPolicyConfiguration"), "TargetTrackingScalingPolicyConfiguration");
    if (!c.valid()) return std::nullopt;  // not a mapping (reported): nothing below can be read
    TargetTrackingConfig cfg;
    auto target = c.number("TargetValue", 1e-9, 1e12, true);
    // A CustomizedMetricSpecification is refused by the field table; it replaces the predefined one.
    Fields pm(ctx_, c.get("PredefinedMetricSpecification", !c.has("CustomizedMetricSpecification")), c.sub("PredefinedMetricSpecification"),
              "PredefinedMetricSpecification");
    bool high_resolution = false;
    auto metric = read_metric_type(pm, "PredefinedMetricType", true, &high_resolution);
    cfg.high_resolution = high_resolution;
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
  Fields c(ctx_, st, f.sub("StepScalingPolicyConfiguration"), "StepScalingPolicyConfiguration");
  auto at = c.choice("AdjustmentType", {"ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"}, true);
  if (at) cfg.adjustment_type = *at == "ChangeInCapacity" ? AdjustmentType::kChangeInCapacity
                                : *at == "PercentChangeInCapacity" ? AdjustmentType::kPercentChangeInCapacity
                                                                   : AdjustmentType::kExactCapacity;
  if (auto v = c.integer("Cooldown", 0, 86400)) cfg.cooldown = std::chrono::seconds(*v);
  if (auto v = c.integer("MinAdjustmentMagnitude", 0, 100000)) cfg.min_adjustment_magnitude = static_cast<int>(*v);
  bool ok = at.has_value();
  if (auto agg = c.choice("MetricAggregationType", {"Average", "Minimum", "Maximum"}); agg && *agg != "Average") {
    ctx_.error(st["MetricAggregationType"], c.sub("MetricAggregationType"),
               "MetricAggregationType " + *agg + " is not modelled: the step is chosen from the alarm's datapoint "
               "(its `statistic`); remove it or give Average");
    ok = false;
  }
  auto steps = c.get("StepAdjustments", true);
  if (steps.IsDefined() && detail::expect_sequence(ctx_, steps, c.sub("StepAdjustments"))) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      Fields sf(ctx_, steps[i], idx(c.sub("StepAdjustments"), i), "StepAdjustment");
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
  if (auto stat = al.choice("statistic", alarm_statistics())) cfg.alarm.statistic = alarm_statistic(*stat);
  if (auto v = al.number("threshold", -1e12, 1e12, true)) cfg.alarm.threshold = *v;
  else ok = false;
  if (auto cmp = al.choice("comparison", alarm_comparisons(), true)) cfg.alarm.comparison = alarm_comparison(*cmp);
  else ok = false;
  if (auto v = al.integer("periodSeconds", 60, 86400)) {
    if (*v % 60 != 0) {
      ctx_.error(alarm["periodSeconds"], al.sub("periodSeconds"), "must be a multiple of 60 (ECS metrics are 1-minute datapoints)");
      ok = false;
    }
    cfg.alarm.period = std::chrono::seconds(*v);
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

std::optional<PredictiveScalingConfig> Loader::read_predictive(const YAML::Node& n, const std::string& path) {
  Fields c(ctx_, n, path, "PredictiveScalingPolicyConfiguration");
  if (!c.valid()) return std::nullopt;
  PredictiveScalingConfig cfg;
  bool ok = true;
  if (auto m = c.choice("Mode", {"ForecastOnly", "ForecastAndScale"})) cfg.forecast_and_scale = *m == "ForecastAndScale";
  // "The amount of time ... the start time can be advanced": 0-3600 s, below the forecast's 1-hour interval.
  if (auto v = c.integer("SchedulingBufferTime", 0, 3600)) {
    if (*v >= 3600) {
      ctx_.error(n["SchedulingBufferTime"], c.sub("SchedulingBufferTime"), "must be less than the forecast's 3600-second interval");
      ok = false;
    }
    cfg.scheduling_buffer = std::chrono::seconds(*v);
  }
  auto breach = c.choice("MaxCapacityBreachBehavior", {"HonorMaxCapacity", "IncreaseMaxCapacity"});
  cfg.increase_max_capacity = breach && *breach == "IncreaseMaxCapacity";
  auto buffer = c.integer("MaxCapacityBuffer", 0, 100);
  if (buffer) cfg.max_capacity_buffer_percent = static_cast<int>(*buffer);
  if (cfg.increase_max_capacity && !buffer) {
    ctx_.error(n, c.sub("MaxCapacityBuffer"), "required with MaxCapacityBreachBehavior IncreaseMaxCapacity");
    ok = false;
  }
  if (!cfg.increase_max_capacity && buffer) {
    ctx_.error(n["MaxCapacityBuffer"], c.sub("MaxCapacityBuffer"), "only used with MaxCapacityBreachBehavior IncreaseMaxCapacity");
    ok = false;
  }
  auto specs = c.get("MetricSpecifications", true);
  if (!specs.IsDefined()) return std::nullopt;
  if (!detail::expect_sequence(ctx_, specs, c.sub("MetricSpecifications"))) return std::nullopt;
  if (specs.size() != 1) {
    ctx_.error(specs, c.sub("MetricSpecifications"), "give exactly one metric specification (AWS supports one)");
    return std::nullopt;
  }
  const std::string sp = idx(c.sub("MetricSpecifications"), 0);
  Fields m(ctx_, specs[0], sp, "PredictiveScalingMetricSpecification");
  if (!m.valid()) return std::nullopt;
  auto target = m.number("TargetValue", 1e-9, 1e12, true);
  if (target) cfg.target_value = *target;
  else ok = false;
  // The families: a metric pair's name, its load metric's and its scaling metric's.
  static const std::vector<std::string> kPairs = {"ECSServiceCPUUtilization", "ECSServiceMemoryUtilization", "ALBRequestCount"};
  static const std::vector<std::string> kLoads = {"ECSServiceTotalCPUUtilization", "ECSServiceTotalMemoryUtilization", "TotalALBRequestCount"};
  static const std::vector<std::string> kScalings = {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization",
                                                     "ALBRequestCountPerTarget"};
  auto family = [](const std::vector<std::string>& list, const std::string& v) { return std::find(list.begin(), list.end(), v) - list.begin(); };
  const bool pair = m.has("PredefinedMetricPairSpecification");
  std::optional<std::ptrdiff_t> fam;
  if (pair) {
    for (const char* key : {"PredefinedLoadMetricSpecification", "PredefinedScalingMetricSpecification"})
      if (m.has(key)) {
        ctx_.error(m.get(key), m.sub(key), "give a PredefinedMetricPairSpecification or a load and a scaling metric, not both");
        ok = false;
      }
    Fields pf(ctx_, m.get("PredefinedMetricPairSpecification"), m.sub("PredefinedMetricPairSpecification"),
              "PredictiveScalingPredefinedMetricPairSpecification");
    if (auto v = pf.choice("PredefinedMetricType", kPairs, true)) fam = family(kPairs, *v);
  } else if (!m.has("CustomizedLoadMetricSpecification") && !m.has("CustomizedScalingMetricSpecification") &&
             !m.has("CustomizedCapacityMetricSpecification")) {
    Fields lf(ctx_, m.get("PredefinedLoadMetricSpecification", true), m.sub("PredefinedLoadMetricSpecification"),
              "PredictiveScalingPredefinedLoadMetricSpecification");
    Fields sf(ctx_, m.get("PredefinedScalingMetricSpecification", true), m.sub("PredefinedScalingMetricSpecification"),
              "PredictiveScalingPredefinedScalingMetricSpecification");
    auto l = lf.valid() ? lf.choice("PredefinedMetricType", kLoads, true) : std::nullopt;
    auto s = sf.valid() ? sf.choice("PredefinedMetricType", kScalings, true) : std::nullopt;
    if (l && s) {
      if (family(kLoads, *l) != family(kScalings, *s)) {
        ctx_.error(m.node(), m.path(),
                   "a load metric of one family with a scaling metric of another (" + *l + " with " + *s +
                       ") is not modelled: AWS learns how the two relate, which ecsim does not; use the pair " +
                       kPairs[static_cast<std::size_t>(family(kLoads, *l))] + " or " + kPairs[static_cast<std::size_t>(family(kScalings, *s))]);
        ok = false;
      } else {
        fam = family(kLoads, *l);
      }
    }
  }
  if (!fam) return std::nullopt;
  cfg.metric = static_cast<PredictiveMetric>(*fam);
  if (cfg.metric != PredictiveMetric::kAlbRequestCount && cfg.target_value > 100) {
    ctx_.error(specs[0]["TargetValue"], m.sub("TargetValue"), "a utilization target is a percentage (at most 100)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return cfg;
}

}  // namespace ecsim::scenarios::loader
