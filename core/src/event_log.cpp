// Event-log observers.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/event_log.hpp"

#include <charconv>

#include "ecsim/core/instance_placer.hpp"
#include "ecsim/core/simulator.hpp"

namespace ecsim {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

std::string record_owner(const Simulator& sim, const Record& r) {
  if (r.service >= 0) return sim.config().services[r.service].name;
  if (r.group >= 0) return sim.config().run_tasks[r.group].name;
  return "";
}

EventCsvWriter::EventCsvWriter(std::ostream& out, bool write_header) : out_(out) {
  if (write_header) out_ << kEventsCsvHeader << '\n';
}

namespace {
bool needs_quotes(std::string_view s) {
  for (char c : s)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  return false;
}
// Appends `s`, quoted only when it holds a comma, quote or newline (RFC 4180).
void append_field(std::string& line, const std::string& s) {
  if (needs_quotes(s)) line += csv_field(s);
  else line += s;
}
void append_int(std::string& out, std::uint64_t v) {
  char num[24];
  out.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, v).ptr - num));
}
}  // namespace

void append_record_detail(const Simulator& sim, const Record& r, std::string& out) {
  if (!r.detail_from_task || r.task_ref == nullptr) {
    out += r.detail;
    return;
  }
  const Task& t = *r.task_ref;
  const auto& cfg = sim.config();
  switch (r.kind) {
    case RecordKind::kTaskProvisioning: {
      const auto& td = cfg.task_definitions[static_cast<std::size_t>(t.task_definition)];
      out += "taskDefinition=";
      out += td.family;
      out += ':';
      append_int(out, static_cast<std::uint64_t>(td.revision));
      out += " capacityProvider=";
      out += cfg.provider_label(t.provider);
      if (t.attempt > 1) {
        out += " attempt=";
        append_int(out, static_cast<std::uint64_t>(t.attempt));
      }
      return;
    }
    case RecordKind::kTaskPending:
      out += "availabilityZone=";
      out += cfg.availability_zones[static_cast<std::size_t>(t.zone)];
      return;
    case RecordKind::kTaskStopped:
      out += "stoppedReason=";
      out += t.stop_reason;
      return;
    case RecordKind::kRunTaskSubmitted: {
      char num[32];
      out += "group=";
      out += cfg.run_tasks[static_cast<std::size_t>(t.group)].name;
      out += " work=";
      out.append(num, append_seconds(num, t.work));
      out += 's';
      return;
    }
    default:
      out += r.detail;
  }
}

std::string record_detail(const Simulator& sim, const Record& r) {
  std::string d;
  append_record_detail(sim, r, d);
  return d;
}

void EventCsvWriter::on_record(const Simulator& sim, const Record& r) {
  if (names_for_ != &sim) {  // the owners' names, escaped once
    names_for_ = &sim;
    service_fields_.clear();
    group_fields_.clear();
    for (const auto& s : sim.config().services) service_fields_.push_back(csv_field(s.name));
    for (const auto& g : sim.config().run_tasks) group_fields_.push_back(csv_field(g.name));
  }
  char num[32];
  line_.assign(num, append_seconds(num, r.time.time_since_epoch()));
  line_ += ',';
  line_ += record_kind_name(r.kind);
  line_ += ',';
  if (r.service >= 0) line_ += service_fields_[static_cast<std::size_t>(r.service)];
  else if (r.group >= 0) line_ += group_fields_[static_cast<std::size_t>(r.group)];
  line_ += ',';
  if (r.task != 0) append_int(line_, r.task);
  line_ += ',';
  if (r.instance != 0) append_instance_name(line_, r.instance);  // empty for Fargate tasks
  line_ += ',';
  if (r.detail_from_task) {
    detail_.clear();
    append_record_detail(sim, r, detail_);
    append_field(line_, detail_);
  } else {
    append_field(line_, r.detail);
  }
  line_ += '\n';
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
