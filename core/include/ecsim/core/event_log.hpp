// Observers that record the event log: as CSV text, or as columns for Python; and the
// plain-data rows and formatters they share (so every writer produces the same bytes).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ecsim/core/observer.hpp"

namespace ecsim {

struct ScenarioConfig;

/// Header of events.csv.
inline constexpr const char* kEventsCsvHeader = "t,kind,service,task,instance,detail";

/// Quotes a CSV field when it holds a comma, quote or newline (RFC 4180).
std::string csv_field(std::string_view s);
/// Appends `s` as a CSV field (quoted only when needed).
void append_csv_field(std::string& out, std::string_view s);

/// The configuration's names as CSV fields, escaped once per run.
struct CsvNames {
  explicit CsvNames(const ScenarioConfig& cfg);
  std::vector<std::string> services, groups, definitions, providers;
};

/// One events.csv row as plain, trivially copyable data: everything its text needs.
/// `text` is a view of the record's detail, or of the stopped task's reason.
struct EventRow {
  SimTime time;
  RecordKind kind;
  int service = -1, group = -1;
  std::uint64_t task = 0;
  std::uint32_t instance = 0;
  bool detail_from_task = false;  ///< the detail is derived from the fields below
  int task_definition = 0, provider = 0, attempt = 1, zone = -1;
  SimDuration work{};
  std::string_view text;
};
/// The row of a record (valid while the record's callback runs).
EventRow event_row(const Record& r);
/// Appends the row's detail (before CSV quoting).
void append_event_detail(const ScenarioConfig& cfg, const EventRow& row, std::string& out);
/// Appends the row as one events.csv line, newline included.
void append_event_csv(const ScenarioConfig& cfg, const CsvNames& names, const EventRow& row, std::string& out);

/// A record's detail as events.csv writes it (before CSV quoting).
std::string record_detail(const Simulator& sim, const Record& r);

/// Writes events.csv rows as they happen: t,kind,service,task,instance,detail.
/// `service` holds the service name, or the runTasks group name for batch tasks.
class EventCsvWriter : public Observer {
 public:
  explicit EventCsvWriter(std::ostream& out, bool write_header = true);
  void on_record(const Simulator& sim, const Record& r) override;

 private:
  std::ostream& out_;
  std::string line_;
  const Simulator* names_for_ = nullptr;
  std::optional<CsvNames> names_;
};

/// Keeps the event log in memory as columns (for the Python bindings and tests).
class EventColumns : public Observer {
 public:
  void on_record(const Simulator& sim, const Record& r) override;
  std::vector<double> t;
  std::vector<std::string> kind, service, instance, detail;
  std::vector<std::uint64_t> task;
};

/// The name written in the `service` column for a record.
std::string record_owner(const Simulator& sim, const Record& r);

}  // namespace ecsim
