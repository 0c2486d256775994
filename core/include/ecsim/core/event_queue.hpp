// The pending-event set: a radix heap ordered by (time, sequence number), lazy cancel.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ecsim/core/time.hpp"

namespace ecsim {

/// Identifies a scheduled event so it can be cancelled. 0 is never issued.
using EventId = std::uint64_t;
inline constexpr EventId kNoEvent = 0;

/// The pending events, popped in (time, seq) order: equal-time events pop in the order they
/// were pushed, because seq grows monotonically. A radix heap on the time: a simulation never
/// schedules before the event it is running, so times only grow, and each event sits in the
/// bucket of the highest bit where its time differs from the current time (O(1) push; when
/// the current time's events are done, a pop scans at most 64 buckets and redistributes one).
/// The events of the current time are kept apart in seq order (sorted once when their time
/// comes; later pushes at that time have the highest seq and append). cancel() is lazy: the
/// entry stays queued and is skipped when it comes up.
template <typename Payload>
class EventQueue {
 public:
  struct Entry {
    SimTime time;
    EventId seq;
    Payload payload;
  };

  /// `time` must not be before the last popped event's time (a simulation never schedules
  /// into the past); the simulator guarantees it.
  EventId push(SimTime time, Payload payload) {
    const EventId id = ++last_seq_;
    const std::uint64_t t = key_of(time);
    if (t < last_) throw std::logic_error("an event was scheduled before the event being run");
    if (t == last_) current_.push_back(Node{t, id, std::move(payload)});  // the highest seq: order kept
    else put(Node{t, id, std::move(payload)});
    ++size_;
    return id;
  }

  void cancel(EventId id) {
    if (id != kNoEvent) cancelled_.insert(id);
  }

  std::optional<SimTime> next_time() {
    if (!settle()) return std::nullopt;
    return time_of(current_[head_].t);
  }

  /// Removes and returns the next live event. Precondition: next_time() has a value.
  Entry pop() {
    settle();
    Node& n = current_[head_++];
    Entry e{time_of(n.t), n.seq, std::move(n.payload)};
    if (head_ == current_.size()) {
      current_.clear();  // keeps the capacity
      head_ = 0;
    }
    --size_;
    return e;
  }

  bool empty() { return !settle(); }
  std::size_t size_including_cancelled() const { return size_; }

 private:
  struct Node {
    std::uint64_t t;  ///< time, order-preserving (key_of)
    EventId seq;
    Payload payload;
  };
  static constexpr int kBuckets = 65;  // bucket i > 0: times whose highest differing bit from last_ is bit i-1
  static constexpr std::array<std::uint64_t, kBuckets> filled(std::uint64_t v) {
    std::array<std::uint64_t, kBuckets> a{};
    a.fill(v);
    return a;
  }

  static std::uint64_t key_of(SimTime t) { return static_cast<std::uint64_t>(to_millis(t)) ^ (std::uint64_t{1} << 63); }
  static SimTime time_of(std::uint64_t k) { return at_millis(static_cast<std::int64_t>(k ^ (std::uint64_t{1} << 63))); }
  int bucket_of(std::uint64_t t) const { return 64 - __builtin_clzll(t ^ last_); }  // t != last_

  // Files a node of a later time than last_ in its bucket.
  void put(Node&& n) {
    const int b = bucket_of(n.t);
    lowest_[b] = n.t < lowest_[b] ? n.t : lowest_[b];
    buckets_[b].push_back(std::move(n));
  }

  // Brings the next live event to current_[head_]; false when none is left.
  bool settle() {
    for (;;) {
      if (head_ == current_.size()) {
        int i = 1;
        while (i < kBuckets && buckets_[i].empty()) ++i;
        if (i == kBuckets) return false;
        auto& b = buckets_[i];
        last_ = lowest_[i];  // kept at each put: no pass over the bucket to find it
        lowest_[i] = kEmpty;
        std::vector<Node> moving;
        moving.swap(b);
        for (auto& n : moving) {
          if (n.t == last_) current_.push_back(std::move(n));
          else put(std::move(n));
        }
        moving.clear();
        b.swap(moving);  // keep the bucket's capacity
        // Nodes reach a bucket both pushed and redistributed: put this time's in seq order.
        if (!std::is_sorted(current_.begin(), current_.end(), [](const Node& a, const Node& c) { return a.seq < c.seq; }))
          std::sort(current_.begin(), current_.end(), [](const Node& a, const Node& c) { return a.seq < c.seq; });
      }
      if (cancelled_.empty()) return true;
      auto it = cancelled_.find(current_[head_].seq);
      if (it == cancelled_.end()) return true;
      cancelled_.erase(it);
      if (++head_ == current_.size()) {
        current_.clear();
        head_ = 0;
      }
      --size_;
    }
  }

  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  std::array<std::vector<Node>, kBuckets> buckets_;
  std::array<std::uint64_t, kBuckets> lowest_ = filled(kEmpty);  ///< each bucket's earliest time (kEmpty: none)
  std::vector<Node> current_;  ///< the events at time last_, in seq order from head_
  std::size_t head_ = 0;
  std::uint64_t last_ = 0;
  std::size_t size_ = 0;
  // Membership only: iteration order of this set never affects outcomes.
  std::unordered_set<EventId> cancelled_;
  EventId last_seq_ = 0;
};

}  // namespace ecsim
