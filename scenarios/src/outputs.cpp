// Run outputs: summary.json, timeseries.csv, events.csv, tasks.csv.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scenarios/outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <iostream>
#include <sstream>

#include "ecsim/core/event_log.hpp"
#include "ecsim/core/instance_placer.hpp"
#include "ecsim/scenarios/async_file.hpp"

namespace ecsim::scenarios {

namespace {

using Json = nlohmann::ordered_json;

// Rounds money to 1e-6 USD and other reals to 1e-6 so the JSON text is stable and short.
double r6(double x) { return std::round(x * 1e6) / 1e6; }

std::string num(double x) { return fmt::format("{:.6g}", x); }
std::string money(double x) { return fmt::format("{:.6f}", x); }

// One timeseries row: what both the CSV writer and the column table record.
struct TimeseriesRow {
  SimTime t;
  std::string_view service;  // empty on provider rows
  std::optional<std::int64_t> desired, pending, running, healthy;
  std::optional<double> cpu, requests_per_second;
  double cost_usd = 0;
  std::string provider;  // empty on service rows
  std::optional<double> served;  // requests/s the healthy tasks serve (service rows)
  std::optional<ForecastView> forecast;  // a predictive policy's forecast (service rows)
};

// Service rows, then capacity provider rows: `desired` holds the EC2 instances in service
// (empty for Fargate), `pending` the tasks not yet running, `running` the running tasks.
template <class F>
void for_each_timeseries_row(const Simulator& sim, SimTime now, F&& f) {
  const auto& cfg = sim.config();
  for (std::size_t i = 0; i < sim.services().size(); ++i) {
    const auto& s = sim.services()[i];
    f(TimeseriesRow{now, cfg.services[i].name, s.desired, s.provisioning + s.pending, s.running, s.healthy, s.cpu_percent,
                    s.demand_rps, sim.service_cost(static_cast<int>(i), now), {}, s.served_rps,
                    s.scaler ? s.scaler->forecast(now) : std::nullopt});
  }
  for (int p = 0; p < cfg.num_providers(); ++p) {
    const auto& ps = sim.providers()[p];
    std::optional<std::int64_t> instances;
    if (ps.asg) instances = ps.asg->in_service;
    f(TimeseriesRow{now, {}, instances, ps.provisioning + ps.pending, ps.running, std::nullopt, std::nullopt, std::nullopt,
                    sim.provider_cost(p, now), cfg.provider_name(p), std::nullopt, std::nullopt});
  }
}

// One tasks.csv row as plain, trivially copyable data. The views point into the
// configuration (stable for the run), except `text`: the task's stoppedReason.
struct TaskRow {
  std::uint64_t id;
  int service, group, task_definition, provider;
  std::string_view owner;
  std::string_view provider_name, zone;  // zone empty before placement
  int attempt;
  SimTime created;
  std::optional<SimTime> pull_started, running_at, healthy_at, stopped_at;
  const char* last_status;  // a static string
  double cost_usd;
  std::uint32_t instance;  // 0: none (Fargate)
  std::string_view text;   // stoppedReason
};

TaskRow task_row(const Simulator& sim, const Task& t) {
  const auto& cfg = sim.config();
  auto when = [](bool has, SimTime x) { return has ? std::optional<SimTime>(x) : std::nullopt; };
  const bool stopped = t.state == TaskState::kStopped;
  return TaskRow{t.id,
                 t.service,
                 t.group,
                 t.task_definition,
                 t.provider,
                 t.service >= 0 ? std::string_view(cfg.services[t.service].name) : std::string_view(cfg.run_tasks[t.group].name),
                 cfg.provider_label(t.provider),
                 t.zone >= 0 ? std::string_view(cfg.availability_zones[t.zone]) : std::string_view(),
                 t.attempt,
                 t.created,
                 when(t.has_pulled, t.pull_started),
                 when(t.has_run, t.running_at),
                 when(t.has_been_healthy, t.healthy_at),
                 when(stopped, t.stopped_at),
                 task_state_name(t.state),
                 stopped ? t.cost_usd : sim.accrued_cost(t, sim.now()),
                 t.instance,
                 t.stop_reason};
}

// Appends one tasks.csv line, newline included.
void append_task_csv(const CsvNames& names, const TaskRow& r, std::string& l) {
  char num[40];
  auto integer = [&](std::uint64_t v) { l.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, v).ptr - num)); };
  auto when = [&](const std::optional<SimTime>& x) {
    if (x) l.append(num, append_seconds(num, x->time_since_epoch()));
    l += ',';
  };
  integer(r.id);
  l += ',';
  l += r.service >= 0 ? names.services[static_cast<std::size_t>(r.service)] : names.groups[static_cast<std::size_t>(r.group)];
  l += ',';
  l += names.definitions[static_cast<std::size_t>(r.task_definition)];
  l += ',';
  l += names.providers[static_cast<std::size_t>(r.provider)];
  l += ',';
  l += r.zone;
  l += ',';
  integer(static_cast<std::uint64_t>(r.attempt));
  l += ',';
  when(r.created);
  when(r.pull_started);
  when(r.running_at);
  when(r.healthy_at);
  when(r.stopped_at);
  l += r.last_status;
  l += ',';
  append_csv_field(l, r.text);
  l += ',';
  l.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, r.cost_usd, std::chars_format::fixed, 6).ptr - num));
  l += ',';
  if (r.instance != 0) append_instance_name(l, r.instance);
  l += '\n';
}

constexpr const char* kTasksCsvHeader =
    "task,service,taskDefinition,capacityProvider,availabilityZone,attempt,createdAt,pullStartedAt,runningAt,"
    "healthyAt,stoppedAt,lastStatus,stoppedReason,costUsd,containerInstance";

// events.csv and tasks.csv for the command line: rows formatted and written by worker threads.
class EventCsvFile : public Observer {
 public:
  EventCsvFile(const Simulator& sim, const std::filesystem::path& path)
      : names_(sim.config()),
        file_(path, kEventsCsvHeader, [this, &cfg = sim.config()](const EventRow& row, std::string& out) {
          append_event_csv(cfg, names_, row, out);
        }, std::size_t{256} << 10, sim.config().run.max_output_bytes) {}
  void on_record(const Simulator& /*sim*/, const Record& r) override { file_.push(event_row(r)); }
  void close() { file_.close(); }
  const AsyncCsvFile<EventRow>& file() const { return file_; }

 private:
  CsvNames names_;
  AsyncCsvFile<EventRow> file_;
};

class TasksCsvFile : public Observer {
 public:
  TasksCsvFile(const Simulator& sim, const std::filesystem::path& path)
      : names_(sim.config()),
        file_(path, kTasksCsvHeader, [this](const TaskRow& row, std::string& out) { append_task_csv(names_, row, out); },
              std::size_t{256} << 10, sim.config().run.max_output_bytes) {}
  void on_record(const Simulator& sim, const Record& r) override {
    if (r.kind == RecordKind::kTaskStopped && r.task_ref) file_.push(task_row(sim, *r.task_ref));
  }
  void on_run_end(const Simulator& sim) override {
    for (const Task* t : sim.live_tasks()) file_.push(task_row(sim, *t));
  }
  void close() { file_.close(); }
  const AsyncCsvFile<TaskRow>& file() const { return file_; }

 private:
  CsvNames names_;
  AsyncCsvFile<TaskRow> file_;
};

}  // namespace

TimeseriesCsvWriter::TimeseriesCsvWriter(std::ostream& out) : out_(out) { out_ << kTimeseriesCsvHeader << '\n'; }

void TimeseriesCsvWriter::on_sample(const Simulator& sim, SimTime now) {
  const std::string t = format_seconds(now);
  auto opt = [](const auto& v, auto&& format) { return v ? format(*v) : std::string(); };
  auto integer = [](std::int64_t v) { return std::to_string(v); };
  for_each_timeseries_row(sim, now, [&](const TimeseriesRow& r) {
    out_ << t << ',' << csv_field(std::string(r.service)) << ',' << opt(r.desired, integer) << ',' << opt(r.pending, integer) << ','
         << opt(r.running, integer) << ',' << opt(r.healthy, integer) << ',' << opt(r.cpu, num) << ','
         << opt(r.requests_per_second, num) << ',' << money(r.cost_usd) << ',' << csv_field(r.provider) << ','
         << opt(r.served, num) << ',';
    const ForecastView fv = r.forecast.value_or(ForecastView{});
    auto count = [](int v) { return std::to_string(v); };
    out_ << opt(fv.load, num) << ',' << opt(fv.capacity, count) << ',' << opt(fv.scheduled, count) << '\n';
  });
}

TasksCsvWriter::TasksCsvWriter(std::ostream& out) : out_(out) { out_ << kTasksCsvHeader << '\n'; }

void TasksCsvWriter::on_record(const Simulator& sim, const Record& r) {
  if (r.kind == RecordKind::kTaskStopped && r.task_ref) write(sim, *r.task_ref);
}

void TasksCsvWriter::on_run_end(const Simulator& sim) {
  for (const Task* t : sim.live_tasks()) write(sim, *t);
}

void TasksCsvWriter::write(const Simulator& sim, const Task& t) {
  if (names_for_ != &sim) {
    names_for_ = &sim;
    names_.emplace(sim.config());
  }
  line_.clear();
  append_task_csv(*names_, task_row(sim, t), line_);
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

// --- column tables ----------------------------------------------------------------------------
void TextColumn::push(std::string_view text) {
  if (text.empty()) {
    codes.push_back(-1);
    return;
  }
  auto [it, inserted] = index_.try_emplace(std::string(text), static_cast<std::int32_t>(categories.size()));
  if (inserted) categories.emplace_back(text);
  codes.push_back(it->second);
}

void EventTable::on_record(const Simulator& sim, const Record& r) {
  t.push_back(to_seconds(r.time));
  kind.push(record_kind_name(r.kind));
  service.push(record_owner(sim, r));
  if (r.task != 0) task.push(static_cast<std::int64_t>(r.task));
  else task.push_missing();
  instance.push(r.instance != 0 ? instance_name(r.instance) : std::string());
  detail.push_back(record_detail(sim, r));
}

void TimeseriesTable::on_sample(const Simulator& sim, SimTime now) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  auto push = [](IntColumn& c, const std::optional<std::int64_t>& v) { v ? c.push(*v) : c.push_missing(); };
  for_each_timeseries_row(sim, now, [&](const TimeseriesRow& r) {
    t.push_back(to_seconds(r.t));
    service.push(r.service);
    push(desired, r.desired);
    push(pending, r.pending);
    push(running, r.running);
    push(healthy, r.healthy);
    cpu.push_back(r.cpu.value_or(kNaN));
    requests_per_second.push_back(r.requests_per_second.value_or(kNaN));
    cost_usd.push_back(r.cost_usd);
    capacity_provider.push(r.provider);
    served_requests_per_second.push_back(r.served.value_or(kNaN));
    const ForecastView fv = r.forecast.value_or(ForecastView{});
    forecast_load.push_back(fv.load.value_or(kNaN));
    auto count = [](const std::optional<int>& v) { return v ? std::optional<std::int64_t>(*v) : std::nullopt; };
    push(forecast_capacity, count(fv.capacity));
    push(scheduled_capacity, count(fv.scheduled));
  });
}

void TasksTable::on_record(const Simulator& sim, const Record& r) {
  if (r.kind == RecordKind::kTaskStopped && r.task_ref) add(sim, *r.task_ref);
}

void TasksTable::on_run_end(const Simulator& sim) {
  for (const Task* t : sim.live_tasks()) add(sim, *t);
}

void TasksTable::add(const Simulator& sim, const Task& t) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const auto r = task_row(sim, t);
  auto secs = [&](const std::optional<SimTime>& x) { return x ? to_seconds(*x) : kNaN; };
  task.push(static_cast<std::int64_t>(r.id));
  service.push(r.owner);
  task_definition.push(sim.config().task_definitions[t.task_definition].key());
  capacity_provider.push(r.provider_name);
  availability_zone.push(r.zone);
  attempt.push(r.attempt);
  created_at.push_back(to_seconds(r.created));
  pull_started_at.push_back(secs(r.pull_started));
  running_at.push_back(secs(r.running_at));
  healthy_at.push_back(secs(r.healthy_at));
  stopped_at.push_back(secs(r.stopped_at));
  last_status.push(r.last_status);
  stopped_reason.emplace_back(r.text);
  cost_usd.push_back(r.cost_usd);
  container_instance.push(r.instance != 0 ? instance_name(r.instance) : std::string());
}

double run_timed(Simulator& sim) {
  const auto t0 = std::chrono::steady_clock::now();
  sim.run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

RunTables run_to_tables(Simulator& sim, bool events, bool timeseries, bool tasks) {
  RunTables out;
  if (events) sim.add_observer((out.events = std::make_unique<EventTable>()).get());
  if (timeseries) sim.add_observer((out.timeseries = std::make_unique<TimeseriesTable>()).get());
  if (tasks) sim.add_observer((out.tasks = std::make_unique<TasksTable>()).get());
  const double wall = run_timed(sim);
  for (Observer* o : {static_cast<Observer*>(out.events.get()), static_cast<Observer*>(out.timeseries.get()),
                      static_cast<Observer*>(out.tasks.get())})
    if (o) sim.remove_observer(o);
  out.summary_json = summary_json(sim, wall);
  out.billing_csv = billing_csv(sim);
  return out;
}

namespace {
// Where the summary goes: a JSON document (summary.json) or the flat leaves of a sweep row.
// The summary is written once, in document order, through this interface, so both forms
// come from one description and the leaves skip building the document.
class SummaryWriter {
 public:
  virtual ~SummaryWriter() = default;
  /// An object member; its members follow until close().
  virtual void open(std::string_view key) = 0;
  virtual void close() = 0;
  /// A scalar member (number, string, bool or null).
  virtual void put(std::string_view key, Json value) = 0;
  /// Lists (deployments, notices) do not fit one cell: only a document takes them.
  virtual bool wants_lists() const = 0;
};

class DocumentWriter final : public SummaryWriter {
 public:
  DocumentWriter() { open_.push_back(&doc_); }
  void open(std::string_view key) override {
    Json& child = (*open_.back())[std::string(key)];
    child = Json::object();
    open_.push_back(&child);
  }
  void close() override { open_.pop_back(); }
  void put(std::string_view key, Json value) override { (*open_.back())[std::string(key)] = std::move(value); }
  bool wants_lists() const override { return true; }
  Json take() { return std::move(doc_); }

 private:
  Json doc_ = Json::object();
  std::vector<Json*> open_;  // the open objects, innermost last (members of closed ones only)
};

// Calls leaf(path, value) for each scalar, path "a.b.c".
template <class Leaf>
class LeafWriter final : public SummaryWriter {
 public:
  explicit LeafWriter(Leaf leaf) : leaf_(std::move(leaf)) {}
  void open(std::string_view key) override {
    marks_.push_back(path_.size());
    append(key);
  }
  void close() override {
    path_.resize(marks_.back());
    marks_.pop_back();
  }
  void put(std::string_view key, Json value) override {
    const std::size_t at = path_.size();
    append(key);
    leaf_(path_, value);
    path_.resize(at);
  }
  bool wants_lists() const override { return false; }

 private:
  void append(std::string_view key) {
    if (!path_.empty()) path_ += '.';
    path_ += key;
  }
  Leaf leaf_;
  std::string path_;
  std::vector<std::size_t> marks_;
};

void put_level(SummaryWriter& w, std::string_view key, const LevelStats& s, SimTime end) {
  w.open(key);
  w.put("min", s.min());
  w.put("max", s.max());
  w.put("mean", r6(s.mean(end)));
  w.close();
}

// RunTask API calls of a runTasks group (or of all): made, throttled, retried, given up.
void put_run_task_api(SummaryWriter& w, std::int64_t calls, std::int64_t throttled, std::int64_t retries, double delay, double max_delay,
                      std::int64_t calls_given_up, std::int64_t tasks_given_up) {
  w.open("runTaskApi");
  w.put("calls", calls);
  w.put("throttledAttempts", throttled);
  w.put("retries", retries);
  w.open("retryDelaySeconds");
  w.put("total", r6(delay));
  w.put("mean", r6(retries > 0 ? delay / static_cast<double>(retries) : 0.0));
  w.put("max", r6(max_delay));
  w.close();
  w.put("callsGivenUp", calls_given_up);
  w.put("tasksGivenUp", tasks_given_up);
  w.close();
}

Json deployments_json(const Simulator& sim, const ServiceState& s, double usd_per_task_hour) {
  const auto& cfg = sim.config();
  Json deps = Json::array();
  for (const auto& d : s.deployments) {
    Json dj{{"taskDefinition", cfg.task_definitions[d.task_definition].key()},
            {"startedAt", to_seconds(d.started)},
            {"rolloutState", rollout_name(d.rollout)}};
    dj["completedAt"] = d.completed ? Json(to_seconds(*d.completed)) : Json(nullptr);
    dj["failedTasks"] = d.failed_tasks;
    dj["rolledBack"] = d.rolled_back;
    dj["rollback"] = d.is_rollback;
    dj["strategy"] = d.strategy;
    dj["failure"] = d.failure.empty() ? Json(nullptr) : Json(d.failure);
    dj["peakTasks"] = d.peak_tasks;
    dj["extraTaskHours"] = r6(d.extra_task_seconds / 3600.0);
    dj["extraTaskCostUsd"] = r6(d.extra_task_seconds / 3600.0 * usd_per_task_hour);
    dj["settledAt"] = d.settled ? Json(to_seconds(*d.settled)) : Json(nullptr);
    dj["newRevisionRequests"] = r6(d.new_revision_requests);
    dj["newRevisionFailedRequests"] = r6(d.new_revision_failed_requests);
    if (d.stage != Deployment::Stage::kNone) {
      dj["stage"] = deployment_stage_name(d.stage);
      dj["scaledUpAt"] = d.scaled_up_at ? Json(to_seconds(*d.scaled_up_at)) : Json(nullptr);
      Json shifts = Json::array();
      for (const auto& sh : d.shifts) shifts.push_back(Json{{"at", to_seconds(sh.at)}, {"percent", sh.tenths / 10.0}});
      dj["trafficShifts"] = shifts;
      dj["bakeEndsAt"] = d.bake_ends ? Json(to_seconds(*d.bake_ends)) : Json(nullptr);
      Json hooks = Json::array();
      for (const auto& h : d.hook_runs)
        hooks.push_back(Json{{"hook", h.hook}, {"stage", h.stage}, {"outcome", h.outcome}, {"startedAt", to_seconds(h.started)},
                             {"endedAt", h.outcome == "IN_PROGRESS" ? Json(nullptr) : Json(to_seconds(h.ended))}});
      dj["lifecycleHooks"] = hooks;
    }
    deps.push_back(dj);
  }
  return deps;
}

void write_cost(const Simulator& sim, SummaryWriter& w) {
  const auto& cfg = sim.config();
  const SimTime end = sim.now();
  double total = 0;
  std::vector<double> by_provider;
  for (int p = 0; p < cfg.num_providers(); ++p) {
    by_provider.push_back(sim.provider_cost(p, end));
    total += by_provider.back();
  }
  // What is paid: Savings Plans settle each hour; byCapacityProvider stays at the list rates.
  const Bill bill = sim.bill(end);
  const bool plans = !cfg.pricing.savings_plans.empty() || !cfg.pricing.reserved_instances.empty();
  w.open("cost");
  w.put("totalUsd", r6(plans ? bill.total() : total));
  w.open("byCapacityProvider");
  for (int p = 0; p < cfg.num_providers(); ++p) w.put(cfg.provider_name(p), r6(by_provider[static_cast<std::size_t>(p)]));
  w.close();
  w.open("byPricingModel");
  w.put("reservedInstanceUsd", r6(bill.reserved_instances));
  w.put("savingsPlanCoveredUsd", r6(bill.savings_plan_covered));
  w.put("unusedCommitmentUsd", r6(bill.unused_commitment));
  w.put("onDemandUsd", r6(bill.on_demand));
  w.put("spotUsd", r6(bill.spot));
  w.put("otherUsd", r6(bill.other));
  w.close();
  if (plans) {
    w.put("listPriceUsd", r6(total));
    if (w.wants_lists()) {
      Json sps = Json::array();
      for (std::size_t k = 0; k < cfg.pricing.savings_plans.size(); ++k) {
        const auto& p = cfg.pricing.savings_plans[k];
        const auto& b = bill.plans[k];
        Json pj{{"planType", p.type == SavingsPlanConfig::Type::kCompute ? "Compute" : "EC2Instance"},
                {"commitmentUsdPerHour", p.commitment_usd_per_hour},
                {"paymentOption", p.payment_option},
                {"hours", b.hours},
                {"committedUsd", r6(b.committed)},
                {"usedUsd", r6(b.used)},
                {"utilizationPercent", r6(b.committed > 0 ? 100.0 * b.used / b.committed : 0.0)},
                {"coveredOnDemandEquivalentUsd", r6(b.covered_on_demand)},
                {"savingsUsd", r6(b.covered_on_demand - b.committed)},
                {"ratesSource", p.rates_source}};
        if (!p.instance_family.empty()) pj["instanceFamily"] = p.instance_family;
        sps.push_back(pj);
      }
      w.put("savingsPlans", sps);
      Json ris = Json::array();
      for (std::size_t k = 0; k < cfg.pricing.reserved_instances.size(); ++k) {
        const auto& ri = cfg.pricing.reserved_instances[k];
        const auto& b = bill.reservations[k];
        ris.push_back(Json{{"instanceType", ri.instance_type},
                           {"count", ri.count},
                           {"usdPerHour", ri.usd_per_hour},
                           {"hours", b.hours},
                           {"paidUsd", r6(b.paid)},
                           {"utilizationPercent", r6(b.units > 0 ? 100.0 * b.used_units / b.units : 0.0)},
                           {"coveredOnDemandEquivalentUsd", r6(b.covered_on_demand)},
                           {"savingsUsd", r6(b.covered_on_demand - b.paid)},
                           {"rateSource", ri.rate_source}});
      }
      w.put("reservedInstances", ris);
    }
    w.put("savingsPlanCoveragePercent", r6(bill.eligible_on_demand > 0 ? 100.0 * bill.covered_on_demand / bill.eligible_on_demand : 0.0));
  }
  w.close();
}

// Every rate the run used, with the table row (or override) it came from.
void write_pricing(const ScenarioConfig& cfg, SummaryWriter& w) {
  const auto& pr = cfg.pricing;
  auto rate = [&](std::string_view key, const FargateRate& r) {
    w.open(key);
    w.put("usdPerVcpuHour", r.usd_per_vcpu_hour);
    w.put("usdPerGbHour", r.usd_per_gb_hour);
    w.put("source", r.source);
    w.close();
  };
  w.open("pricing");
  w.open("fargate");
  w.open("FARGATE");
  rate("X86_64", pr.fargate_x86);
  rate("ARM64", pr.fargate_arm);
  w.close();
  w.open("FARGATE_SPOT");
  rate("X86_64", pr.fargate_spot_x86);
  rate("ARM64", pr.fargate_spot_arm);
  w.close();
  w.put("ephemeralStorageUsdPerGbHour", pr.ephemeral_usd_per_gb_hour);
  w.put("ephemeralStorageSource", pr.ephemeral_source);
  w.put("minimumBilledSeconds", to_seconds(pr.fargate_minimum_billed));
  w.close();
  if (!cfg.instance_types.empty()) {
    w.open("ec2");
    for (const auto& t : cfg.instance_types) {
      w.open(t.name);
      w.put("onDemandUsdPerHour", t.on_demand_usd_per_hour);
      w.put("spotUsdPerHour", t.spot_usd_per_hour);
      w.put("spotAdvisorBand", spot_band_name(t.spot_band));
      w.put("source", t.price_source);
      if (t.management_fee_usd_per_hour > 0) w.put("managementFeeUsdPerHour", r6(t.management_fee_usd_per_hour));
      w.close();
    }
    w.close();
    w.put("ec2MinimumBilledSeconds", to_seconds(pr.ec2_minimum_billed));
    w.open("ec2SplitCostAllocation");
    w.put("cpuWeight", pr.split_cpu_weight);
    w.put("memoryWeight", pr.split_memory_weight);
    w.put("source", "AWS split cost allocation data: instance cost shared by reserved vCPU and GB "
                    "(weights 9:1 unless pricing.ec2.splitCostAllocation overrides them)");
    w.close();
  }
  w.close();
}

void write_services(const Simulator& sim, SummaryWriter& w) {
  const auto& cfg = sim.config();
  const SimTime end = sim.now();
  w.open("services");
  for (std::size_t i = 0; i < sim.services().size(); ++i) {
    const auto& s = sim.services()[i];
    w.open(cfg.services[i].name);
    w.put("tasksStarted", s.tasks_started);
    w.put("tasksStopped", s.tasks_stopped);
    w.put("tasksFailed", s.tasks_failed);
    w.put("spotInterruptions", s.spot_interruptions);
    put_level(w, "desiredCount", s.desired_stats, end);
    put_level(w, "runningCount", s.running_stats, end);
    w.open("cpuUtilization");
    w.put("mean", r6(s.cpu_samples.mean()));
    w.put("p95", r6(s.cpu_samples.percentile(95)));
    w.close();
    w.put("overloadedSeconds", to_seconds(SimDuration{s.overloaded_ms}));
    w.put("unservedRequests", r6(s.unserved_requests));
    w.put("failedRequests", r6(s.failed_requests));
    const double service_cost = sim.service_cost(static_cast<int>(i), end);
    w.put("costUsd", r6(service_cost));
    if (w.wants_lists()) {
      // A deployment's extra tasks are priced at the service's mean cost per running task-hour
      // over the run (Fargate: its rates; EC2: the instance cost allocated to its tasks).
      const double running_task_hours = s.running_stats.mean(end) * to_seconds(end) / 3600.0;
      w.put("deployments", deployments_json(sim, s, running_task_hours > 0 ? service_cost / running_task_hours : 0.0));
    }
    w.put("scalingActions", s.scaling_actions);
    w.put("rebalancedTasks", s.rebalanced_tasks);
    // Datapoints at which target tracking or step scaling asked for a scale-in that a
    // deployment in progress held back.
    if (s.scaler) w.put("scaleInsSuspendedDuringDeployments", s.scaler->suspended_scale_ins());
    if (auto fs = s.scaler ? s.scaler->forecast_stats() : std::nullopt) {
      w.open("predictiveScaling");
      w.put("forecasts", fs->forecasts);
      w.put("scaleOuts", fs->capacity_raises);
      w.put("hoursCompared", fs->hours_compared);
      w.put("loadForecastMeanAbsolutePercentError", r6(fs->mean_absolute_percent_error));
      w.put("maxCapacityRaisedTo", fs->max_capacity_raised_to ? Json(*fs->max_capacity_raised_to) : Json(nullptr));
      w.close();
    }
    w.close();
  }
  w.close();
}

void write_providers(const Simulator& sim, SummaryWriter& w) {
  const auto& cfg = sim.config();
  const SimTime end = sim.now();
  w.open("capacityProviders");
  for (int p = 0; p < cfg.num_providers(); ++p) {
    const auto& ps = sim.providers()[p];
    w.open(cfg.provider_name(p));
    w.put("tasksLaunched", ps.tasks_launched);
    put_level(w, "runningCount", ps.running_stats, end);
    w.put("spotInterruptions", ps.spot_interruptions);
    w.put("lostTaskSeconds", r6(ps.lost_task_seconds));
    w.put("costUsd", r6(sim.provider_cost(p, end)));
    if (ps.asg) {
      const auto& a = *ps.asg;
      const bool managed = cfg.asg(p).managed_instances.has_value();
      w.put("instancesLaunched", a.instances_launched);
      w.put("registrationsRefused", a.registrations_refused);
      w.put("instancesTerminated", a.instances_terminated);
      put_level(w, "instanceCount", a.instance_stats, end);
      // Managed Instances have no desired capacity of their own: the instances in service.
      w.put("desiredCapacity", managed ? a.in_service_units : a.desired);
      if (!managed) {
        w.put("managedScalingActions", a.scaling_actions);
        w.put("capacityProviderReservation", r6(a.reservation));
      }
      // costUsd = what the tasks were allocated (their services' and groups' costUsd) + this.
      w.put("unallocatedCostUsd", r6(sim.unallocated_cost(p, end)));
      if (managed) {
        // Managed Instances: no group, no managed scaling; what ECS did with the instances.
        w.open("managedInstances");
        w.put("provisioningDecisions", a.provisioning_decisions);
        w.put("idleTerminations", a.idle_terminations);
        w.put("consolidations", a.consolidations);
        w.put("maintenanceReplacements", a.maintenance_drains);
        w.put("managementFeeUsd", r6(sim.management_fee(p, end)));
        w.close();
      }
    }
    w.close();
  }
  w.close();
}

void write_run_tasks(const Simulator& sim, SummaryWriter& w) {
  const auto& cfg = sim.config();
  std::int64_t submitted = 0, completed = 0, interrupted = 0, failed = 0;
  std::int64_t calls = 0, throttled = 0, retries = 0, calls_given_up = 0, tasks_given_up = 0;
  double lost = 0, retry_delay = 0, max_retry_delay = 0;
  BinnedSamples waits = BinnedSamples::logarithmic(0.001);
  for (const auto& gs : sim.run_task_groups()) {
    submitted += gs.submitted;
    completed += gs.completed;
    interrupted += gs.interrupted;
    failed += gs.failed;
    waits.merge(gs.wait_seconds);
    lost += gs.lost_task_seconds;
    calls += gs.api_calls;
    throttled += gs.throttled_attempts;
    retries += gs.retries;
    calls_given_up += gs.calls_given_up;
    tasks_given_up += gs.tasks_given_up;
    retry_delay += gs.retry_delay_seconds;
    max_retry_delay = std::max(max_retry_delay, gs.max_retry_delay_seconds);
  }
  w.open("runTasks");
  w.put("submitted", submitted);
  w.put("completed", completed);
  w.put("interrupted", interrupted);
  w.put("failed", failed);
  w.put("lostTaskSeconds", r6(lost));
  w.open("waitSeconds");
  w.put("p50", r6(waits.percentile(50)));
  w.put("p95", r6(waits.percentile(95)));
  w.put("max", r6(waits.max()));
  w.close();
  put_run_task_api(w, calls, throttled, retries, retry_delay, max_retry_delay, calls_given_up, tasks_given_up);
  w.open("groups");
  for (std::size_t g = 0; g < sim.run_task_groups().size(); ++g) {
    const auto& gs = sim.run_task_groups()[g];
    w.open(cfg.run_tasks[g].name);
    w.put("submitted", gs.submitted);
    w.put("completed", gs.completed);
    w.put("interrupted", gs.interrupted);
    w.put("failed", gs.failed);
    w.put("lostTaskSeconds", r6(gs.lost_task_seconds));
    w.put("costUsd", r6(gs.cost_usd));
    put_run_task_api(w, gs.api_calls, gs.throttled_attempts, gs.retries, gs.retry_delay_seconds, gs.max_retry_delay_seconds,
                     gs.calls_given_up, gs.tasks_given_up);
    w.close();
  }
  w.close();
  w.close();
}

void write_summary(const Simulator& sim, double wall_seconds, const std::vector<std::string>& run_notices, SummaryWriter& w) {
  const auto& cfg = sim.config();
  const SimTime end = sim.now();
  w.put("scenario", cfg.name);
  w.put("seed", cfg.seed);
  w.put("replication", sim.replication());
  w.put("simulatedSeconds", to_seconds(end));
  if (sim.interrupted()) {
    w.open("interrupted");
    w.put("atSimulatedSeconds", to_seconds(end));
    if (!sim.stop_reason().empty()) w.put("reason", sim.stop_reason());
    w.close();
  }
  w.put("wallSeconds", std::round(wall_seconds * 1000) / 1000);
  w.put("events", sim.events_processed());
  write_cost(sim, w);
  write_pricing(cfg, w);
  write_services(sim, w);
  write_providers(sim, w);
  write_run_tasks(sim, w);
  if (w.wants_lists()) {
    Json notices = cfg.notices;
    for (const auto& n : run_notices) notices.push_back(n);
    w.put("notices", notices);
  }
}

Json summary_document(const Simulator& sim, double wall_seconds, const std::vector<std::string>& run_notices) {
  DocumentWriter w;
  write_summary(sim, wall_seconds, run_notices, w);
  return w.take();
}
}  // namespace

std::string summary_json(const Simulator& sim, double wall_seconds, const std::vector<std::string>& run_notices) {
  return summary_document(sim, wall_seconds, run_notices).dump(2) + "\n";
}

const std::string* SummaryMetrics::find(std::string_view path) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
    if (it->first == path) return &it->second;
  return nullptr;
}

const std::string& SummaryMetrics::at(std::string_view path) const {
  if (const std::string* v = find(path)) return *v;
  throw std::out_of_range("no summary metric " + std::string(path));
}

SummaryMetrics summary_metrics(const Simulator& sim, double wall_seconds) {
  // Strings as they are, numbers and booleans as JSON spells them (j.dump(), through one
  // serializer and buffer for every leaf).
  std::vector<SummaryMetrics::Entry> out;
  out.reserve(512);
  std::string text;
  nlohmann::detail::serializer<Json> dumper{nlohmann::detail::output_adapter<char>(text), ' '};
  auto leaf = [&](const std::string& p, const Json& j) {
    if (j.is_string()) {
      out.emplace_back(p, j.get_ref<const std::string&>());
      return;
    }
    text.clear();
    dumper.dump(j, false, false, 0);
    out.emplace_back(p, text);
  };
  LeafWriter<decltype(leaf)> w(leaf);
  write_summary(sim, wall_seconds, {}, w);
  return SummaryMetrics(std::move(out));
}

std::vector<std::pair<std::string, SummaryValue>> summary_leaves(const Simulator& sim, double wall_seconds) {
  std::vector<std::pair<std::string, SummaryValue>> out;
  auto leaf = [&](const std::string& p, const Json& j) {
    SummaryValue v;
    switch (j.type()) {
      case Json::value_t::boolean: v = j.get<bool>(); break;
      case Json::value_t::number_integer: v = j.get<std::int64_t>(); break;
      case Json::value_t::number_unsigned: v = j.get<std::uint64_t>(); break;
      case Json::value_t::number_float:
        if (std::isfinite(j.get<double>())) v = j.get<double>();  // JSON spells the others null
        break;
      case Json::value_t::string: v = j.get<std::string>(); break;
      default: break;  // null
    }
    out.emplace_back(p, std::move(v));
  };
  LeafWriter<decltype(leaf)> w(leaf);
  write_summary(sim, wall_seconds, {}, w);
  return out;
}

std::string billing_csv(const Simulator& sim) {
  const Bill bill = sim.bill(sim.now());
  std::string out = std::string(kBillingCsvHeader) + "\n";
  const std::int64_t start = sim.config().start_unix_seconds;
  for (std::size_t h = 0; h < bill.hourly.size(); ++h) {
    const auto& b = bill.hourly[h];
    out += std::to_string(bill.first_hour_unix + static_cast<std::int64_t>(h) * 3600 - start) + ',' + money(b.reserved_instances) + ',' +
           money(b.savings_plan_covered) + ',' +
           money(b.unused_commitment) + ',' + money(b.on_demand) + ',' + money(b.spot) + ',' + money(b.other) + '\n';
  }
  return out;
}

std::string run_to_directory(Simulator& sim, const std::filesystem::path& dir, const std::function<void(double)>& progress) {
  std::filesystem::create_directories(dir);
  const auto& run = sim.config().run;
  // events.csv and tasks.csv are formatted and written by worker threads (the simulation
  // only copies plain rows); timeseries.csv is small and formatted here, written by a thread.
  std::unique_ptr<EventCsvFile> ev;
  std::unique_ptr<TasksCsvFile> tk;
  std::optional<AsyncFileStream> timeseries;
  std::unique_ptr<TimeseriesCsvWriter> ts;
  if (run.write_events) sim.add_observer((ev = std::make_unique<EventCsvFile>(sim, dir / "events.csv")).get());
  if (run.write_timeseries) {
    ts = std::make_unique<TimeseriesCsvWriter>(timeseries.emplace(dir / "timeseries.csv"));
    sim.add_observer(ts.get());
  }
  if (run.write_tasks) sim.add_observer((tk = std::make_unique<TasksCsvFile>(sim, dir / "tasks.csv")).get());
  const auto t0 = std::chrono::steady_clock::now();
  // Run in slices so a progress callback can report; slicing does not change the result.
  constexpr int kSlices = 200;
  const auto horizon = sim.horizon().time_since_epoch();
  for (int k = 1; k <= kSlices && !sim.interrupted(); ++k) {
    sim.run_until(SimTime{horizon * k / kSlices});
    if (progress && !sim.interrupted()) progress(static_cast<double>(k) / kSlices);
  }
  sim.finish();
  for (Observer* o : {static_cast<Observer*>(ev.get()), static_cast<Observer*>(ts.get()), static_cast<Observer*>(tk.get())})
    if (o) sim.remove_observer(o);
  // Every byte is on disk before the wall time is taken: the time is the whole run's. A file
  // that cannot be written (disk full) does not stop the others: each is closed, the summary
  // says which failed, and the error is raised after everything else is written.
  std::vector<std::string> errors;
  auto close = [&](auto& f) {
    try {
      f->close();
    } catch (const std::exception& e) {
      errors.emplace_back(e.what());
    }
  };
  if (ev) close(ev);
  if (tk) close(tk);
  if (timeseries) close(timeseries);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<std::string> notices;
  for (const auto& e : errors) {
    notices.push_back(e + ": that file is incomplete; the other outputs are complete");
  }
  auto limited = [&](const char* name, bool truncated, std::uint64_t bytes) {
    if (!truncated) return;
    notices.push_back(std::string(name) + " stopped at " + std::to_string(bytes) + " bytes (run.maxOutputBytes " +
                      std::to_string(run.max_output_bytes) + "): its later rows are left out, whole rows only; the other "
                      "outputs are complete. Raise run.maxOutputBytes, or drop the file from run.outputs");
    std::cerr << "notice: " << notices.back() << '\n';
  };
  if (ev) limited("events.csv", ev->file().truncated(), ev->file().bytes_written());
  if (tk) limited("tasks.csv", tk->file().truncated(), tk->file().bytes_written());
  std::string summary = summary_json(sim, wall, notices);
  if (run.write_billing) {
    try {
      OutputFile f(dir / "billing.csv");
      f.write_all(billing_csv(sim));
      f.close();
    } catch (const std::exception& e) {
      errors.emplace_back(e.what());
    }
  }
  if (run.write_summary) {
    try {
      OutputFile f(dir / "summary.json");
      f.write_all(summary);
      f.close();
    } catch (const std::exception& e) {
      errors.emplace_back(e.what());
    }
  }
  if (!errors.empty()) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e;
    throw std::runtime_error(all);
  }
  return summary;
}

RunOutputs run_in_memory(Simulator& sim, bool events, bool timeseries, bool tasks) {
  std::ostringstream ev_text, ts_text, tk_text;
  std::optional<EventCsvWriter> ev;
  std::optional<TimeseriesCsvWriter> ts;
  std::optional<TasksCsvWriter> tk;
  if (events) sim.add_observer(&ev.emplace(ev_text));
  if (timeseries) sim.add_observer(&ts.emplace(ts_text));
  if (tasks) sim.add_observer(&tk.emplace(tk_text));
  const double wall = run_timed(sim);
  if (ev) sim.remove_observer(&*ev);
  if (ts) sim.remove_observer(&*ts);
  if (tk) sim.remove_observer(&*tk);
  return RunOutputs{summary_json(sim, wall), ev_text.str(), ts_text.str(), tk_text.str(), billing_csv(sim)};
}

}  // namespace ecsim::scenarios
