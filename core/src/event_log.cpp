// Event-log observers.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/event_log.hpp"

#include <charconv>

#include "ecsim/core/instance_placer.hpp"
#include "ecsim/core/simulator.hpp"

namespace ecsim {

namespace {
bool needs_quotes(std::string_view s) {
  for (char c : s)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  return false;
}
void append_int(std::string& out, std::uint64_t v) {
  char num[24];
  out.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, v).ptr - num));
}
}  // namespace

void append_csv_field(std::string& out, std::string_view s) {
  if (!needs_quotes(s)) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_field(std::string_view s) {
  std::string q;
  append_csv_field(q, s);
  return q;
}

std::string record_owner(const Simulator& sim, const Record& r) {
  if (r.service >= 0) return sim.config().services[r.service].name;
  if (r.group >= 0) return sim.config().run_tasks[r.group].name;
  return "";
}

CsvNames::CsvNames(const ScenarioConfig& cfg) {
  for (const auto& x : cfg.services) services.push_back(csv_field(x.name));
  for (const auto& x : cfg.run_tasks) groups.push_back(csv_field(x.name));
  for (const auto& x : cfg.task_definitions) definitions.push_back(csv_field(x.key()));
  for (int p = 0; p < cfg.num_providers(); ++p) providers.push_back(csv_field(cfg.provider_label(p)));
}

EventRow event_row(const Record& r) {
  EventRow row;
  row.time = r.time;
  row.kind = r.kind;
  row.service = r.service;
  row.group = r.group;
  row.task = r.task;
  row.instance = r.instance;
  row.text = r.detail;
  if (r.detail_from_task && r.task_ref != nullptr) {
    const Task& t = *r.task_ref;
    row.detail_from_task = true;
    row.task_definition = t.task_definition;
    row.provider = t.provider;
    row.attempt = t.attempt;
    row.zone = t.zone;
    row.work = t.work;
    if (r.kind == RecordKind::kTaskStopped) row.text = t.stop_reason;
  }
  return row;
}

void append_event_detail(const ScenarioConfig& cfg, const EventRow& row, std::string& out) {
  if (!row.detail_from_task) {
    out += row.text;
    return;
  }
  switch (row.kind) {
    case RecordKind::kTaskProvisioning: {
      const auto& td = cfg.task_definitions[static_cast<std::size_t>(row.task_definition)];
      out += "taskDefinition=";
      out += td.family;
      out += ':';
      append_int(out, static_cast<std::uint64_t>(td.revision));
      out += " capacityProvider=";
      out += cfg.provider_label(row.provider);
      if (row.attempt > 1) {
        out += " attempt=";
        append_int(out, static_cast<std::uint64_t>(row.attempt));
      }
      return;
    }
    case RecordKind::kTaskPending:
      out += "availabilityZone=";
      out += cfg.availability_zones[static_cast<std::size_t>(row.zone)];
      return;
    case RecordKind::kTaskStopped:
      out += "stoppedReason=";
      out += row.text;
      return;
    case RecordKind::kRunTaskSubmitted: {
      char num[32];
      out += "group=";
      out += cfg.run_tasks[static_cast<std::size_t>(row.group)].name;
      out += " work=";
      out.append(num, append_seconds(num, row.work));
      out += 's';
      return;
    }
    default:
      out += row.text;
  }
}

std::string record_detail(const Simulator& sim, const Record& r) {
  std::string d;
  append_event_detail(sim.config(), event_row(r), d);
  return d;
}

void append_event_csv(const ScenarioConfig& cfg, const CsvNames& names, const EventRow& row, std::string& out) {
  char num[32];
  out.append(num, append_seconds(num, row.time.time_since_epoch()));
  out += ',';
  out += record_kind_name(row.kind);
  out += ',';
  if (row.service >= 0) out += names.services[static_cast<std::size_t>(row.service)];
  else if (row.group >= 0) out += names.groups[static_cast<std::size_t>(row.group)];
  out += ',';
  if (row.task != 0) append_int(out, row.task);
  out += ',';
  if (row.instance != 0) append_instance_name(out, row.instance);  // empty for Fargate tasks
  out += ',';
  if (!row.detail_from_task) {
    append_csv_field(out, row.text);
  } else {
    // Derived details are short: format in place, then quote only if needed.
    const std::size_t start = out.size();
    append_event_detail(cfg, row, out);
    if (needs_quotes(std::string_view(out).substr(start))) {
      const std::string detail = out.substr(start);
      out.resize(start);
      append_csv_field(out, detail);
    }
  }
  out += '\n';
}

EventCsvWriter::EventCsvWriter(std::ostream& out, bool write_header) : out_(out) {
  if (write_header) out_ << kEventsCsvHeader << '\n';
}

void EventCsvWriter::on_record(const Simulator& sim, const Record& r) {
  if (names_for_ != &sim) {
    names_for_ = &sim;
    names_.emplace(sim.config());
  }
  line_.clear();
  append_event_csv(sim.config(), *names_, event_row(r), line_);
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

void EventColumns::on_record(const Simulator& sim, const Record& r) {
  t.push_back(to_seconds(r.time));
  kind.emplace_back(record_kind_name(r.kind));
  service.push_back(record_owner(sim, r));
  task.push_back(r.task);
  instance.emplace_back();
  if (r.instance != 0) append_instance_name(instance.back(), r.instance);
  detail.push_back(record_detail(sim, r));
}

}  // namespace ecsim
