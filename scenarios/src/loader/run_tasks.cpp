// Scenario loading: batch groups (runTasks).
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

namespace ecsim::scenarios::loader {

void Loader::read_run_tasks(const YAML::Node& n) {
  if (!n.IsDefined() || !detail::expect_sequence(ctx_, n, "runTasks")) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string path = idx("runTasks", i);
    Fields f(ctx_, n[i], path, "RunTask");
    if (!f.valid()) continue;
    RunTaskGroupConfig g;
    g.name = f.str("name").value_or(path);
    auto cluster = find_cluster(f);
    auto td = find_task_definition(f);
    if (auto v = f.integer("count", 1, 10)) g.tasks_per_call = static_cast<int>(*v);
    if (cluster) {
      g.cluster = *cluster;
      if (auto st = resolve_strategy(f, *cluster, td)) {
        g.strategy = *st;
        g.placement = read_placement(f, g.strategy.front().provider >= kNumBuiltinProviders, false);
        if (td) merge_task_definition_constraints(f, *td, g.strategy.front().provider >= kNumBuiltinProviders, g.placement);
        managed_instances_placement(f, g.strategy, g.placement);
      }
    } else {
      f.get("launchType");
      f.get("capacityProviderStrategy");
    }
    f.get("placementStrategy");
    f.get("placementConstraints");
    if (td) g.task_definition = *td;
    g.zones = read_network_zones(f, !td || cfg_.task_definitions[*td].network_mode == NetworkMode::kAwsvpc);
    if (!g.zones.empty() && uses_asg(g.strategy))
      g.placement.constraints.push_back(zone_constraint(g.zones));
    {
      Fields r(ctx_, f.get("retry"), f.sub("retry"));
      if (auto v = r.integer("attempts", 0, 100)) g.retry_attempts = static_cast<int>(*v);
    }
    read_sdk_client(f, g.client);
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
      if (a.has("trace") && f.has("count"))
        ctx_.error(n[i]["count"], f.sub("count"),
                   "with trace arrivals the trace's count column gives the tasks at each time (started by RunTask calls of at most 10); remove count");
    }
    cfg_.run_tasks.push_back(std::move(g));
  }
}

// runTasks[].client: the caller's AWS SDK retry settings (standard mode only).
void Loader::read_sdk_client(Fields& f, SdkRetryConfig& out) {
  Fields c(ctx_, f.get("client"), f.sub("client"));
  if (!c.valid()) return;
  if (auto mode = c.str("retryMode"); mode && *mode != "standard") {
    if (*mode == "adaptive" || *mode == "legacy")
      ctx_.error(c.node()["retryMode"], c.sub("retryMode"),
                 "not modelled: retry mode '" + *mode + "' (ecsim models the SDKs' standard mode); use standard, and set maxAttempts or retryQuota to shape it");
    else
      ctx_.error(c.node()["retryMode"], c.sub("retryMode"), "unknown retry mode '" + *mode + "'; expected one of: standard");
  }
  if (auto v = c.integer("maxAttempts", 1, 1000)) out.max_attempts = static_cast<int>(*v);
  if (auto v = c.duration("baseDelay")) out.base_delay = *v;
  if (auto v = c.duration("maxBackoff")) out.max_backoff = *v;
  Fields q(ctx_, c.get("retryQuota"), c.sub("retryQuota"));
  if (auto v = q.integer("capacity", 0, 1'000'000'000)) out.quota_capacity = static_cast<int>(*v);
  if (auto v = q.integer("retryCost", 0, 1'000'000)) out.retry_cost = static_cast<int>(*v);
  if (auto v = q.integer("noRetryIncrement", 0, 1'000'000)) out.no_retry_increment = static_cast<int>(*v);
}

std::optional<TraceArrivals> Loader::read_trace_arrivals(const YAML::Node& n, const std::string& path) {
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

}  // namespace ecsim::scenarios::loader
