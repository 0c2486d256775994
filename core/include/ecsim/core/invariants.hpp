// Invariants of a run, checked against the entity state; a violation throws std::logic_error
// naming it and its simulated time.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ecsim/core/cost_model.hpp"
#include "ecsim/core/world.hpp"

namespace ecsim {

/// Cheap checks after every event (time never goes back; per-service counts non-negative and
/// consistent; desired count within the scalable target's bounds) and, every `full_every`
/// events and on demand, the full ones (every live task counted in exactly one state and the
/// counters equal a recount; reservations for cost allocation equal a recount; no container
/// instance over-committed; costs never go down; tasks never allocated more than their
/// instances cost).
class InvariantChecker {
 public:
  InvariantChecker(const World& w, const CostModel& cost) : w_(w), cost_(cost) {}
  void set_full_every(std::uint64_t n) { full_every_ = std::max<std::uint64_t>(1, n); }
  void after_event(SimTime now, std::uint64_t events_processed);
  void check_now(SimTime now) const;

 private:
  void check_cheap(SimTime now) const;
  void check_full(SimTime now) const;
  const World& w_;
  const CostModel& cost_;
  std::uint64_t full_every_ = 4096;
  SimTime last_event_time_{};
  mutable std::vector<double> last_costs_;  ///< provider costs at the last full check
};

}  // namespace ecsim
