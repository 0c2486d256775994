// Who listens to a run: the observer list, and the one place records and samples reach them.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <vector>

#include "ecsim/core/observer.hpp"

namespace ecsim {

/// Observers are not owned and must outlive the run. They are called in the order added.
class Trace {
 public:
  void add(Observer* o) { observers_.push_back(o); }
  void remove(Observer* o) { observers_.erase(std::remove(observers_.begin(), observers_.end(), o), observers_.end()); }
  /// Whether anyone listens: callers skip building record details otherwise.
  bool enabled() const { return !observers_.empty(); }
  void record(const Simulator& sim, const Record& r) const {
    for (auto* o : observers_) o->on_record(sim, r);
  }
  void sample(const Simulator& sim, SimTime now) const {
    for (auto* o : observers_) o->on_sample(sim, now);
  }
  void run_end(const Simulator& sim) const {
    for (auto* o : observers_) o->on_run_end(sim);
  }

 private:
  std::vector<Observer*> observers_;
};

}  // namespace ecsim
