// Scenario loading: the public entry points (read, load, build) and the top level.
// SPDX-License-Identifier: Apache-2.0
#include "loader/loader.hpp"

#include <atomic>
#include <mutex>
#include <optional>

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

}  // namespace ecsim::scenarios

namespace ecsim::scenarios::loader {

ScenarioConfig Loader::load(const YAML::Node& root) {
  if (is_cloudformation(root)) return cfg_;
  Fields top(ctx_, root, "");
  if (!top.valid()) {
    if (!root.IsDefined() || root.IsNull()) ctx_.error_at(YAML::Mark::null_mark(), "(top level)", "the scenario is empty");
    return cfg_;
  }
  read_head(root, top);
  read_services(top.get("services"));
  read_tail(root, top);
  return cfg_;
}

bool Loader::is_cloudformation(const YAML::Node& root) {
  if (!(root.IsMap() && (root["AWSTemplateFormatVersion"].IsDefined() || (root["Resources"].IsDefined() && !root["ecsim"].IsDefined()))))
    return false;
  ctx_.error(root, "(top level)",
             "this is a CloudFormation template, not an ecsim scenario: copy each resource's Properties into the matching "
             "section (AWS::ECS::TaskDefinition -> taskDefinitions, AWS::ECS::Service -> services, ...) with the API's "
             "camelCase field names, and values in place of !Ref and !Sub");
  return true;
}

void Loader::read_head(const YAML::Node& root, Fields& top) {
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
  read_subnets(top);
  read_account(top.get("account"));
  read_timings(top.get("timings"));
  read_pricing(top.get("pricing"));
  read_run(top.get("run"));
  read_capacity_providers(top.get("capacityProviders"));
  read_task_definitions(top.get("taskDefinitions", true));
  read_clusters(top.get("clusters", true));
}

void Loader::read_tail(const YAML::Node& root, Fields& top) {
  read_alarms(top.get("cloudWatchAlarms"));
  read_run_tasks(top.get("runTasks"));
  read_timeline(top.get("timeline"));
  check_fargate_rates();
  read_savings_plans();
  // Top-level keys starting with "x-" hold YAML anchors for merge keys (as in Docker Compose).
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar().rfind("x-", 0) == 0) top.get(it->first.Scalar());
  top.finish();
  cfg_.notices = ctx_.notices();
}

ServiceRecord Loader::read_service_recorded(const YAML::Node& item, std::size_t i) {
  ServiceRecord r;
  const std::size_t services = cfg_.services.size(), alarms = alarm_refs_.size(), subnets = subnet_zone_.size();
  recorded_target_groups_ = &r.target_groups;
  ctx_.set_tap(&r.calls);
  read_service(item, i);
  ctx_.set_tap(nullptr);
  recorded_target_groups_ = nullptr;
  r.replayable = cfg_.services.size() == services + 1 && subnet_zone_.size() == subnets;
  if (r.replayable) r.config = cfg_.services.back();
  r.alarm_refs.assign(alarm_refs_.begin() + static_cast<std::ptrdiff_t>(alarms), alarm_refs_.end());
  return r;
}

void Loader::replay_service(const ServiceRecord& r) {
  ctx_.replay(r.calls);
  for (const auto& arn : r.target_groups) set_target_group(arn);
  alarm_refs_.insert(alarm_refs_.end(), r.alarm_refs.begin(), r.alarm_refs.end());
  cfg_.services.push_back(r.config);
}

void Loader::read_zones(Fields& top) {
  auto n = top.get("availabilityZones");
  if (n.IsDefined() && detail::expect_sequence(ctx_, n, "availabilityZones")) {
    for (std::size_t i = 0; i < n.size(); ++i)
      if (auto s = detail::scalar_string(ctx_, n[i], idx("availabilityZones", i))) cfg_.availability_zones.push_back(*s);
    if (n.size() == 0) ctx_.error(n, "availabilityZones", "needs at least one availability zone");
  }
  if (cfg_.availability_zones.empty())
    for (const char* z : {"a", "b", "c"}) cfg_.availability_zones.push_back(cfg_.region + z);
}

}  // namespace ecsim::scenarios::loader

namespace ecsim::scenarios {

using loader::Loader;

namespace {

// The text parsed, its duplicate keys checked and its merge keys expanded: what every load of
// it starts from. Problems go to `ctx`.
YAML::Node parse(detail::Ctx& ctx, const ScenarioSource& source) {
  if (source.text.size() > kMaxScenarioBytes) throw ScenarioError({too_big(source.file_name, source.text.size())});
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
  detail::expand_merge_keys_and_tags(ctx, root);
  return root;
}

// Overrides and the loader on a parsed tree; every problem at once, in file order.
ScenarioConfig load_tree(detail::Ctx& ctx, YAML::Node root, const ScenarioSource& source, const std::vector<std::string>& overrides) {
  detail::apply_overrides(ctx, root, overrides);
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

}  // namespace

ScenarioConfig load(const ScenarioSource& source) {
  detail::Ctx ctx(source.file_name);
  YAML::Node root = parse(ctx, source);
  return load_tree(ctx, root, source, source.overrides);
}

namespace {

// A sweep point that changes service items only (services[NAME or i].PATH=VALUE, the knobs
// sweeps turn most) reads just those items again: every other section and item comes from a
// load of the same tree stopped before `services` and the record of each item's reading.
// Everything the loader carries from one section to the next is in LoaderState, and what an
// item does besides its ServiceConfig is in its ServiceRecord, so the result is what a full
// load gives; a point with any problem is loaded in full again, which reports it.
struct LoadReuse {
  explicit LoadReuse(const std::string& file) : ctx(file) {}
  YAML::Node root;  // a copy of the parsed tree, the source's own overrides applied
  detail::Ctx ctx;  // as it was after the sections before `services`
  loader::LoaderState head;
  std::vector<loader::ServiceRecord> services;  // one per item
};

// Null when the scenario cannot be loaded in parts: it has problems of its own, or an item's
// reading depends on the items before it (a subnet's zone in order of first use).
std::unique_ptr<LoadReuse> make_reuse(const ScenarioSource& source, YAML::Node copy) {
  auto r = std::make_unique<LoadReuse>(source.file_name);
  r->root = std::move(copy);
  detail::Ctx ctx(source.file_name);
  detail::apply_overrides(ctx, r->root, source.overrides);
  Loader loader(ctx, source.base_dir);
  if (!ctx.ok() || !r->root.IsMap() || loader.is_cloudformation(r->root)) return nullptr;
  Fields top(ctx, r->root, "");
  loader.read_head(r->root, top);
  const YAML::Node services = top.get("services");
  if (!ctx.ok() || (services.IsDefined() && !services.IsSequence())) return nullptr;
  r->ctx = ctx;
  r->head = loader.state();
  for (std::size_t i = 0; i < services.size(); ++i) {
    r->services.push_back(loader.read_service_recorded(services[i], i));
    if (!r->services.back().replayable || !ctx.ok()) return nullptr;
  }
  loader.read_tail(r->root, top);  // the whole scenario loads (unknown top-level keys included)
  if (!ctx.ok()) return nullptr;
  return r;
}

// The point's load from `r`, or nothing when it must be loaded in full: an override outside
// the service items, or any problem (whose message needs the full load's positions).
std::optional<ScenarioConfig> load_reusing(const LoadReuse& r, const std::vector<std::string>& overrides) {
  const YAML::Node& root = r.root;
  const YAML::Node services = root["services"];
  std::vector<std::vector<std::string>> per_item(r.services.size());
  for (const auto& expr : overrides) {
    const auto o = detail::item_override(expr, "services");
    if (!o) return std::nullopt;
    const auto index = detail::find_item(services, o->selector);
    if (!index) return std::nullopt;
    per_item[*index].push_back(o->expression);
  }
  detail::Ctx ctx = r.ctx;
  Loader loader(ctx, r.head);
  std::vector<YAML::Node> items;  // the changed items, alive while the loader may point into them
  for (std::size_t i = 0; i < per_item.size(); ++i) {
    if (per_item[i].empty()) {
      loader.replay_service(r.services[i]);
      continue;
    }
    items.push_back(YAML::Clone(services[i]));
    detail::apply_overrides(ctx, items.back(), per_item[i]);
    loader.read_service(items.back(), i);
  }
  Fields top(ctx, root, "");
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it->first.IsScalar()) top.get(it->first.Scalar());  // make_reuse found no unknown key
  loader.read_tail(root, top);
  if (!ctx.ok()) return std::nullopt;
  return loader.take_config();
}

}  // namespace

struct PreparedScenario::Tree {
  YAML::Node root;
  std::mutex mutex;  // guards what follows; copies of one tree are taken one at a time (yaml-cpp promises no more)
  bool reusable = true;                            // false once make_reuse said no
  std::vector<std::unique_ptr<LoadReuse>> idle;    // one per load running at once, at most
  std::atomic<std::size_t> reused{0};
};

PreparedScenario::PreparedScenario(ScenarioSource source) : source_(std::move(source)) {
  detail::Ctx ctx(source_.file_name);
  YAML::Node root;
  try {
    root = parse(ctx, source_);
  } catch (const ScenarioError&) {
    return;  // a syntax error: every load() reports it
  }
  if (!ctx.ok()) return;
  tree_ = std::make_unique<Tree>();
  tree_->root = root;
}

PreparedScenario::~PreparedScenario() = default;

std::size_t PreparedScenario::reused_loads() const { return tree_ ? tree_->reused.load() : 0; }

ScenarioConfig PreparedScenario::load(const std::vector<std::string>& overrides) const {
  ScenarioSource src = source_;
  src.overrides.insert(src.overrides.end(), overrides.begin(), overrides.end());
  if (!tree_) return scenarios::load(src);
  // A point that changes service items only: from a LoadReuse this thread alone uses.
  std::unique_ptr<LoadReuse> reuse;
  bool items_only = true;
  for (const auto& expr : overrides) items_only = items_only && detail::item_override(expr, "services").has_value();
  if (items_only) {
    YAML::Node copy;
    {
      std::lock_guard lock(tree_->mutex);
      if (!tree_->idle.empty()) {
        reuse = std::move(tree_->idle.back());
        tree_->idle.pop_back();
      } else if (tree_->reusable) {
        copy = YAML::Clone(tree_->root);
      }
    }
    if (!reuse && copy.IsDefined()) {
      reuse = make_reuse(source_, copy);
      if (!reuse) {
        std::lock_guard lock(tree_->mutex);
        tree_->reusable = false;
      }
    }
  }
  if (reuse) {
    auto cfg = load_reusing(*reuse, overrides);
    {
      std::lock_guard lock(tree_->mutex);
      tree_->idle.push_back(std::move(reuse));
    }
    if (cfg) {
      ++tree_->reused;
      return std::move(*cfg);
    }
  }
  YAML::Node root;
  {
    std::lock_guard lock(tree_->mutex);
    root = YAML::Clone(tree_->root);
  }
  detail::Ctx ctx(src.file_name);
  try {
    return load_tree(ctx, root, src, src.overrides);
  } catch (const ScenarioError&) {
    return scenarios::load(src);  // the same errors again, now with their lines and columns
  }
}

std::unique_ptr<Simulator> build(const ScenarioConfig& config, std::uint64_t replication) {
  return build(config, replication, {});
}

namespace {

// Predictive scaling's history before t=0: the service's demand per hour over its history
// window, as the policy's load metric (CPU: the tasks' summed utilization serving it all at
// the task definition's requestsPerSecond; ALB: requests per minute).
std::vector<scaling::HourlyLoad> predictive_history(const ScenarioConfig& config, const ServiceConfig& s,
                                                    const PredictiveScalingConfig& p) {
  std::vector<scaling::HourlyLoad> out;
  const auto max_s = config.timings.auto_scaling.predictive_max_history.count() / 1000;
  std::int64_t from = 0;
  switch (s.load_history.kind) {
    case LoadHistory::Kind::kNone: return out;
    case LoadHistory::Kind::kDefault:
      if (!std::holds_alternative<TraceLoad>(s.load)) return out;
      from = config.start_unix_seconds - max_s;
      break;
    case LoadHistory::Kind::kFrom: from = std::max(s.load_history.from_unix_seconds, config.start_unix_seconds - max_s); break;
  }
  const double per_task = config.task_definitions[s.task_definition].requests_per_second;
  for (const auto& h : demand_history(s.load, config.start_unix_seconds, from)) {
    double load = 0;
    switch (p.metric) {
      case PredictiveMetric::kCpu: load = per_task > 0 ? 100.0 * h.mean_rps / per_task : 0.0; break;
      case PredictiveMetric::kAlbRequestCount: load = 60.0 * h.mean_rps; break;
      case PredictiveMetric::kMemory: continue;  // refused by the loader
    }
    out.push_back(scaling::HourlyLoad{h.hour_unix, load, h.covered_seconds});
  }
  return out;
}

}  // namespace

std::unique_ptr<Simulator> build(const ScenarioConfig& config, std::uint64_t replication, ExtraPolicies extra) {
  return build(config, replication, std::move(extra), {});
}

std::unique_ptr<Simulator> build(const ScenarioConfig& config, std::uint64_t replication, ExtraPolicies extra,
                                 ExtraForecasters forecasters) {
  std::vector<std::unique_ptr<ServiceScaler>> scalers;
  for (const auto& s : config.services) {
    if (!s.auto_scaling) {
      scalers.push_back(nullptr);
      continue;
    }
    scaling::PolicyContext context;
    context.timings = config.timings.auto_scaling;
    context.start_unix_seconds = config.start_unix_seconds;
    for (const auto& p : s.auto_scaling->policies)
      if (const auto* pc = std::get_if<PredictiveScalingConfig>(&p.kind)) {
        context.history = predictive_history(config, s, *pc);
        if (auto it = forecasters.find(s.name); it != forecasters.end()) {
          context.forecaster = std::move(it->second);
          forecasters.erase(it);
        }
      }
    auto scaler = scaling::make_auto_scaler(*s.auto_scaling, context);
    if (auto it = extra.find(s.name); it != extra.end()) {
      for (auto& p : it->second) scaler->add_policy(std::move(p));
      extra.erase(it);
    }
    scalers.push_back(std::move(scaler));
  }
  if (!extra.empty())
    throw std::invalid_argument("policies for service '" + extra.begin()->first +
                                "': no such service with autoScaling (give it MinCapacity and MaxCapacity)");
  if (!forecasters.empty())
    throw std::invalid_argument("forecaster for service '" + forecasters.begin()->first +
                                "': no such service with a PredictiveScaling policy");
  return std::make_unique<Simulator>(config, placement::make_default_placer(), std::move(scalers), replication);
}

}  // namespace ecsim::scenarios

