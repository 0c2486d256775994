// The kernel: simulated time, the (time, seq) event queue and the loop that runs it. It knows
// nothing of ECS: the model hands it a closed variant of event types and a dispatch function.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include "ecsim/core/event_queue.hpp"
#include "ecsim/core/time.hpp"

namespace ecsim {

/// All a model component may do with time: read it, schedule an event at or after it, and
/// cancel one. Events at the same time run in the order they were scheduled.
template <class Event>
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual SimTime now() const = 0;
  /// Schedules `e` at `t`. Precondition: t >= now() (the queue refuses the past).
  virtual EventId at(SimTime t, Event e) = 0;
  EventId after(SimDuration d, Event e) { return at(now() + d, std::move(e)); }
  /// Cancels a scheduled event (lazily: it is skipped when it comes up). kNoEvent is ignored.
  virtual void cancel(EventId id) = 0;
};

/// The event loop over one queue. One loop body serves run_until and step, so both give the
/// same sequence of events.
template <class Event>
class EventLoop final : public Scheduler<Event> {
 public:
  explicit EventLoop(SimTime horizon) : horizon_(horizon) {}

  SimTime now() const override { return now_; }
  EventId at(SimTime t, Event e) override { return queue_.push(t, std::move(e)); }
  void cancel(EventId id) override { queue_.cancel(id); }

  SimTime horizon() const { return horizon_; }
  std::uint64_t events_processed() const { return processed_; }

  /// Runs every event with time <= min(t, horizon), then moves the clock to that time.
  /// `dispatch(const Event&)` handles one event. Returns how many ran.
  template <class Dispatch>
  std::size_t run_until(SimTime t, Dispatch&& dispatch) {
    t = std::min(t, horizon_);
    std::size_t done = 0;
    while (run_one(t, dispatch)) ++done;
    now_ = std::max(now_, t);
    return done;
  }

  /// Runs at most n events with time <= min(t, horizon); when fewer than n were due, moves
  /// the clock to that time as run_until does. Returns how many ran.
  template <class Dispatch>
  std::size_t run_until_at_most(SimTime t, std::size_t n, Dispatch&& dispatch) {
    t = std::min(t, horizon_);
    std::size_t done = 0;
    while (done < n && run_one(t, dispatch)) ++done;
    if (done < n) now_ = std::max(now_, t);
    return done;
  }

  /// Runs at most n events (none past the horizon); returns how many ran.
  template <class Dispatch>
  std::size_t step(std::size_t n, Dispatch&& dispatch) {
    std::size_t done = 0;
    while (done < n && run_one(horizon_, dispatch)) ++done;
    return done;
  }

  /// Moves the clock forward to `t` (never back): the end of a run.
  void advance_to(SimTime t) { now_ = std::max(now_, t); }

 private:
  template <class Dispatch>
  bool run_one(SimTime limit, Dispatch& dispatch) {
    auto next = queue_.next_time();
    if (!next || *next > limit) return false;
    auto entry = queue_.pop();
    now_ = entry.time;
    ++processed_;
    dispatch(entry.payload);
    return true;
  }

  EventQueue<Event> queue_;
  SimTime now_ = kTimeZero;
  SimTime horizon_;
  std::uint64_t processed_ = 0;
};

}  // namespace ecsim
