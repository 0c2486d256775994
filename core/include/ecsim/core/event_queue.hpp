// The pending-event set: a binary heap ordered by (time, sequence number), lazy cancel.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ecsim/core/time.hpp"

namespace ecsim {

/// Identifies a scheduled event so it can be cancelled. 0 is never issued.
using EventId = std::uint64_t;
inline constexpr EventId kNoEvent = 0;

/// Min-heap of events keyed by (time, seq). Equal-time events pop in the order they were
/// pushed, because seq grows monotonically. cancel() is lazy: the entry stays in the heap
/// and is skipped when it reaches the top.
template <typename Payload>
class EventQueue {
 public:
  struct Entry {
    SimTime time;
    EventId seq;
    Payload payload;
  };

  EventId push(SimTime time, Payload payload) {
    const EventId id = ++last_seq_;
    heap_.push_back(Entry{time, id, std::move(payload)});
    sift_up(heap_.size() - 1);
    return id;
  }

  /// Marks a pending event cancelled; kNoEvent is ignored. Callers cancel only events that
  /// have not run yet (they forget an id when its event fires), so the set stays small.
  void cancel(EventId id) {
    if (id != kNoEvent) cancelled_.insert(id);
  }

  /// Time of the next live event, if any.
  std::optional<SimTime> next_time() {
    drop_cancelled();
    if (heap_.empty()) return std::nullopt;
    return heap_.front().time;
  }

  /// Removes and returns the next live event. Precondition: next_time() has a value.
  Entry pop() {
    drop_cancelled();
    Entry top = std::move(heap_.front());
    remove_top();
    return top;
  }

  bool empty() {
    drop_cancelled();
    return heap_.empty();
  }
  std::size_t size_including_cancelled() const { return heap_.size(); }

 private:
  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  void drop_cancelled() {
    while (!heap_.empty() && !cancelled_.empty()) {
      auto it = cancelled_.find(heap_.front().seq);
      if (it == cancelled_.end()) break;
      cancelled_.erase(it);
      remove_top();
    }
  }
  void remove_top() {
    heap_.front() = std::move(heap_.back());
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
  }
  void sift_up(std::size_t i) {
    Entry e = std::move(heap_[i]);
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent])) break;
      heap_[i] = std::move(heap_[parent]);
      i = parent;
    }
    heap_[i] = std::move(e);
  }
  void sift_down(std::size_t i) {
    const std::size_t n = heap_.size();
    Entry e = std::move(heap_[i]);
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], e)) break;
      heap_[i] = std::move(heap_[child]);
      i = child;
    }
    heap_[i] = std::move(e);
  }

  std::vector<Entry> heap_;
  // Membership only: iteration order of this set never affects outcomes.
  std::unordered_set<EventId> cancelled_;
  EventId last_seq_ = 0;
};

}  // namespace ecsim
