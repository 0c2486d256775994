// The pending-event set: a radix heap ordered by (time, sequence number), lazy cancel.
// SPDX-License-Identifier: Apache-2.0
#pragma once

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
/// were pushed, because seq grows monotonically. A radix heap: a simulation never schedules
/// before the event it is running, so keys only grow, and each key sits in the bucket of
/// the highest bit where it differs from the last key popped (O(1) push; a pop scans at most
/// 129 buckets and redistributes one). cancel() is lazy: the entry stays queued and is
/// skipped when it comes up.
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
    const Key key = make_key(time, id);
    if (key < last_) throw std::logic_error("an event was scheduled before the event being run");
    buckets_[bucket_of(key)].push_back(Node{key, std::move(payload)});
    ++size_;
    return id;
  }

  void cancel(EventId id) {
    if (id != kNoEvent) cancelled_.insert(id);
  }

  std::optional<SimTime> next_time() {
    if (!settle()) return std::nullopt;
    return time_of(buckets_[0].back().key());
  }

  /// Removes and returns the next live event. Precondition: next_time() has a value.
  Entry pop() {
    settle();
    Node n = std::move(buckets_[0].back());
    buckets_[0].pop_back();
    --size_;
    return Entry{time_of(n.key()), seq_of(n.key()), std::move(n.payload)};
  }

  bool empty() { return !settle(); }
  std::size_t size_including_cancelled() const { return size_; }

 private:
  // time (ms, offset to unsigned) << 64 | seq. __extension__: GCC and Clang have 128-bit
  // integers; -Wpedantic would flag the (non-ISO) type otherwise.
  __extension__ using Key = unsigned __int128;
  // The key is kept as two 64-bit halves: a 128-bit member would align the node to 16 bytes
  // and pad it (48 bytes instead of 40 with a 24-byte payload); nodes are moved between
  // buckets on every pop, so their size is most of the queue's cost.
  struct Node {
    Node(Key k, Payload p) : hi(static_cast<std::uint64_t>(k >> 64)), lo(static_cast<std::uint64_t>(k)), payload(std::move(p)) {}
    std::uint64_t hi, lo;
    Payload payload;
    Key key() const { return (static_cast<Key>(hi) << 64) | lo; }
  };
  static constexpr int kBuckets = 129;

  static Key make_key(SimTime t, EventId seq) {
    const auto ms = static_cast<std::uint64_t>(to_millis(t)) ^ (std::uint64_t{1} << 63);  // order-preserving
    return (static_cast<Key>(ms) << 64) | seq;
  }
  static SimTime time_of(Key k) { return at_millis(static_cast<std::int64_t>(static_cast<std::uint64_t>(k >> 64) ^ (std::uint64_t{1} << 63))); }
  static EventId seq_of(Key k) { return static_cast<EventId>(k); }
  static int bit_length(Key x) {
    const auto hi = static_cast<std::uint64_t>(x >> 64);
    if (hi) return 128 - __builtin_clzll(hi);
    const auto lo = static_cast<std::uint64_t>(x);
    return lo ? 64 - __builtin_clzll(lo) : 0;
  }
  int bucket_of(Key k) const { return bit_length(k ^ last_); }

  // Brings the smallest live key into bucket 0 (alone: keys are unique); false when empty.
  bool settle() {
    for (;;) {
      if (buckets_[0].empty()) {
        int i = 1;
        while (i < kBuckets && buckets_[i].empty()) ++i;
        if (i == kBuckets) return false;
        auto& b = buckets_[i];
        Key lowest = b.front().key();
        for (const auto& n : b) lowest = n.key() < lowest ? n.key() : lowest;
        last_ = lowest;
        std::vector<Node> moving;
        moving.swap(b);
        for (auto& n : moving) buckets_[bucket_of(n.key())].push_back(std::move(n));
        moving.clear();
        b.swap(moving);  // keep the bucket's capacity
      }
      if (cancelled_.empty()) return true;
      auto it = cancelled_.find(seq_of(buckets_[0].back().key()));
      if (it == cancelled_.end()) return true;
      cancelled_.erase(it);
      buckets_[0].pop_back();
      --size_;
    }
  }

  std::array<std::vector<Node>, kBuckets> buckets_;
  Key last_ = 0;
  std::size_t size_ = 0;
  // Membership only: iteration order of this set never affects outcomes.
  std::unordered_set<EventId> cancelled_;
  EventId last_seq_ = 0;
};

}  // namespace ecsim
