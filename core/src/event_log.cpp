// Event-log observers.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/event_log.hpp"

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

void EventCsvWriter::on_record(const Simulator& sim, const Record& r) {
  line_ = format_seconds(r.time);
  line_ += ',';
  line_ += record_kind_name(r.kind);
  line_ += ',';
  line_ += csv_field(record_owner(sim, r));
  line_ += ',';
  if (r.task != 0) line_ += std::to_string(r.task);
  line_ += ',';
  if (r.instance != 0) line_ += instance_name(r.instance);  // empty for Fargate tasks
  line_ += ',';
  line_ += csv_field(r.detail);
  line_ += '\n';
  out_ << line_;
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
