// How a component writes the event log: records stamped with the current time, handed to the
// run's observers. Details are built only when someone listens (enabled()).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <utility>

#include "ecsim/core/events.hpp"
#include "ecsim/core/state.hpp"
#include "ecsim/core/trace.hpp"

namespace ecsim {

class Recorder {
 public:
  Recorder(const Trace& trace, const Simulator& sim, const ModelScheduler& clock) : trace_(trace), sim_(sim), clock_(clock) {}
  bool enabled() const { return trace_.enabled(); }
  /// A record with a detail text; `instance` 0 takes the task's instance.
  void emit(RecordKind kind, const Task* task, int service, std::string detail, std::uint32_t instance = 0) const {
    if (!trace_.enabled()) return;
    trace_.record(sim_, Record{clock_.now(), kind, service, task ? task->group : -1, task ? task->id : 0, std::move(detail),
                               instance != 0 ? instance : (task ? task->instance : 0), task});
  }
  /// A record about a runTasks group, not one task.
  void emit_group(RecordKind kind, int group, std::string detail) const {
    if (!trace_.enabled()) return;
    trace_.record(sim_, Record{clock_.now(), kind, -1, group, 0, std::move(detail), 0, nullptr});
  }
  /// A record whose detail is derived from the task (formatted only by whoever writes it).
  void emit_task_detail(RecordKind kind, const Task& task, int service) const {
    if (!trace_.enabled()) return;
    trace_.record(sim_, Record{clock_.now(), kind, service, task.group, task.id, std::string(), task.instance, &task, true});
  }

 private:
  const Trace& trace_;
  const Simulator& sim_;
  const ModelScheduler& clock_;
};

}  // namespace ecsim
