// Observers that record the event log: as CSV text, or as columns for Python.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "ecsim/core/observer.hpp"

namespace ecsim {

/// Header of events.csv.
inline constexpr const char* kEventsCsvHeader = "t,kind,service,task,instance,detail";

/// Quotes a CSV field when it holds a comma, quote or newline (RFC 4180).
std::string csv_field(const std::string& s);

/// Appends a record's detail (its own text, or the one derived from its task).
void append_record_detail(const Simulator& sim, const Record& r, std::string& out);
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
  std::string line_, detail_;
  // Service and group names as CSV fields (quoted when needed), made once per run.
  const Simulator* names_for_ = nullptr;
  std::vector<std::string> service_fields_, group_fields_;
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
