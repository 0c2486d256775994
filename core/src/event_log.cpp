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
// Appends `s`, quoted only when it holds a comma, quote or newline (RFC 4180).
void append_field(std::string& line, const std::string& s) {
  bool plain = true;
  for (char c : s)
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      plain = false;
      break;
    }
  if (plain) line += s;
  else line += csv_field(s);
}
}  // namespace

void EventCsvWriter::on_record(const Simulator& sim, const Record& r) {
  char num[32];
  line_.assign(num, append_seconds(num, r.time.time_since_epoch()));
  line_ += ',';
  line_ += record_kind_name(r.kind);
  line_ += ',';
  if (r.service >= 0) append_field(line_, sim.config().services[static_cast<std::size_t>(r.service)].name);
  else if (r.group >= 0) append_field(line_, sim.config().run_tasks[static_cast<std::size_t>(r.group)].name);
  line_ += ',';
  if (r.task != 0) line_.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, r.task).ptr - num));
  line_ += ',';
  if (r.instance != 0) line_ += instance_name(r.instance);  // empty for Fargate tasks
  line_ += ',';
  append_field(line_, r.detail);
  line_ += '\n';
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

void EventColumns::on_record(const Simulator& sim, const Record& r) {
  t.push_back(to_seconds(r.time));
  kind.emplace_back(record_kind_name(r.kind));
  service.push_back(record_owner(sim, r));
  task.push_back(r.task);
  instance.push_back(r.instance != 0 ? instance_name(r.instance) : std::string());
  detail.push_back(r.detail);
}

}  // namespace ecsim
