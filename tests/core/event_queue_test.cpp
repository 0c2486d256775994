// EventQueue: (time, seq) order and lazy cancellation.
#include "ecsim/core/event_queue.hpp"

#include <algorithm>
#include <stdexcept>

#include "ecsim/core/rng.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ecsim {
namespace {

TEST(EventQueue, PopsInTimeOrderAndEqualTimesInScheduleOrder) {
  EventQueue<int> q;
  q.push(at_millis(30), 1);
  q.push(at_millis(10), 2);
  q.push(at_millis(30), 3);
  q.push(at_millis(10), 4);
  q.push(at_millis(20), 5);
  std::vector<int> order;
  while (!q.empty()) order.push_back(q.pop().payload);
  EXPECT_EQ(order, (std::vector<int>{2, 4, 5, 1, 3}));
}

TEST(EventQueue, CancelledEventsAreSkipped) {
  EventQueue<int> q;
  const auto a = q.push(at_millis(5), 1);
  q.push(at_millis(6), 2);
  const auto c = q.push(at_millis(7), 3);
  q.cancel(a);
  q.cancel(c);
  ASSERT_EQ(q.next_time(), at_millis(6));
  EXPECT_EQ(q.pop().payload, 2);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.next_time().has_value());
}

TEST(EventQueue, ManyEventsComeOutSorted) {
  EventQueue<std::int64_t> q;
  // A fixed pseudo-random permutation of times.
  for (std::int64_t i = 0; i < 1000; ++i) q.push(at_millis((i * 7919) % 1000), i);
  SimTime last = at_millis(-1);
  EventId last_seq = 0;
  while (!q.empty()) {
    auto e = q.pop();
    ASSERT_TRUE(e.time > last || (e.time == last && e.seq > last_seq));
    last = e.time;
    last_seq = e.seq;
  }
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

TEST(EventQueue, InterleavedPushAndPopMatchAReferenceOrder) {
  // The radix heap against a sorted reference, with pushes at or after the current time
  // (as a simulation makes them), ties, and cancellations.
  EventQueue<int> q;
  std::vector<std::pair<std::int64_t, EventId>> reference;  // pending (time, seq)
  Rng rng(5);
  std::int64_t now = 0;
  std::vector<EventId> live;
  for (int step = 0; step < 20000; ++step) {
    if (reference.empty() || rng.uniform01() < 0.55) {
      const std::int64_t t = now + static_cast<std::int64_t>(rng.uniform_index(3)) * static_cast<std::int64_t>(rng.uniform_index(1000));
      const EventId id = q.push(at_millis(t), step);
      reference.emplace_back(t, id);
      if (rng.uniform01() < 0.1) {
        q.cancel(id);
        reference.pop_back();
      }
      continue;
    }
    auto best = std::min_element(reference.begin(), reference.end());
    ASSERT_EQ(q.next_time(), at_millis(best->first));
    const auto e = q.pop();
    ASSERT_EQ(e.seq, best->second);
    now = best->first;
    reference.erase(best);
  }
}

TEST(EventQueue, SchedulingBeforeTheCurrentEventIsRefused) {
  EventQueue<int> q;
  q.push(at_millis(100), 1);
  q.pop();
  EXPECT_THROW(q.push(at_millis(99), 2), std::logic_error);
  EXPECT_NO_THROW(q.push(at_millis(100), 3));
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

TEST(EventQueue, CancellingAnEventAlreadyPoppedLeavesTheEventThatReusedItsSlot) {
  EventQueue<int> q;
  const auto a = q.push(at_millis(1), 1);
  ASSERT_EQ(q.pop().payload, 1);
  const auto b = q.push(at_millis(2), 2);  // takes the slot a freed
  EXPECT_NE(a, b);
  q.cancel(a);
  q.cancel(a);
  ASSERT_FALSE(q.empty());
  EXPECT_EQ(q.pop().payload, 2);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, IdsGrowInScheduleOrderAndASkippedSlotIsReused) {
  EventQueue<int> q;
  std::vector<EventId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(q.push(at_millis(10 - i), i));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  q.cancel(ids[4]);  // the earliest
  q.cancel(ids[4]);  // twice is once
  EXPECT_EQ(q.size_including_cancelled(), 5u);
  EXPECT_EQ(q.pop().payload, 3);  // the cancelled one was skipped
  EXPECT_EQ(q.size_including_cancelled(), 3u);
  const auto again = q.push(at_millis(7), 9);
  EXPECT_GT(again, ids[4]);
  std::vector<int> rest;
  while (!q.empty()) rest.push_back(q.pop().payload);
  EXPECT_EQ(rest, (std::vector<int>{9, 2, 1, 0}));  // 9 is at the current time, 7
}

}  // namespace
}  // namespace ecsim
