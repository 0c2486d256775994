// The kernel: EventLoop runs (time, seq) order through one loop body for run_until and step.
#include "ecsim/core/event_loop.hpp"

#include <gtest/gtest.h>

#include <limits>

#include <string>
#include <vector>

#include "ecsim/core/rng.hpp"

namespace ecsim {
namespace {

using Loop = EventLoop<int>;

TEST(EventLoop, RunsEqualTimesInSchedulingOrderAndStopsAtTheLimit) {
  Loop loop(at_millis(10'000));
  std::vector<std::pair<double, int>> seen;
  loop.at(at_millis(2000), 1);
  loop.at(at_millis(1000), 2);
  loop.at(at_millis(2000), 3);
  loop.at(at_millis(5000), 4);
  EXPECT_EQ(loop.run_until(at_millis(2000), [&](int e) { seen.push_back({to_seconds(loop.now()), e}); }), 3u);
  EXPECT_EQ(seen, (std::vector<std::pair<double, int>>{{1, 2}, {2, 1}, {2, 3}}));
  EXPECT_EQ(to_seconds(loop.now()), 2.0);
  EXPECT_EQ(loop.events_processed(), 3u);
}

TEST(EventLoop, RunUntilMovesTheClockToTheLimitEvenWithoutEvents) {
  Loop loop(at_millis(10'000));
  EXPECT_EQ(loop.run_until(at_millis(4000), [](int) {}), 0u);
  EXPECT_EQ(to_seconds(loop.now()), 4.0);
  loop.run_until(at_millis(99'000), [](int) {});
  EXPECT_EQ(to_seconds(loop.now()), 10.0);  // clamped to the horizon
}

TEST(EventLoop, StepRunsAtMostNAndNothingPastTheHorizon) {
  Loop loop(at_millis(3000));
  for (int i = 0; i < 5; ++i) loop.at(at_millis(1000 * i), i);
  std::vector<int> seen;
  EXPECT_EQ(loop.step(2, [&](int e) { seen.push_back(e); }), 2u);
  EXPECT_EQ(loop.step(10, [&](int e) { seen.push_back(e); }), 2u);  // 4 is at 4 s, past the horizon
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(to_seconds(loop.now()), 3.0);
}

TEST(EventLoop, ADispatchMaySchedulePastNowButNotBeforeIt) {
  Loop loop(at_millis(10'000));
  loop.at(at_millis(1000), 0);
  std::vector<int> seen;
  loop.run_until(at_millis(10'000), [&](int e) {
    seen.push_back(e);
    if (e < 3) loop.after(SimDuration{0}, e + 1);  // zero delay: runs after what is already due now
  });
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_THROW(loop.at(at_millis(500), 9), std::logic_error);
}

TEST(EventLoop, CancelledEventsDoNotRun) {
  Loop loop(at_millis(10'000));
  const EventId a = loop.at(at_millis(1000), 1);
  loop.at(at_millis(2000), 2);
  Scheduler<int>& sched = loop;  // components see only the Scheduler
  sched.cancel(a);
  sched.cancel(kNoEvent);
  std::vector<int> seen;
  loop.run_until(at_millis(10'000), [&](int e) { seen.push_back(e); });
  EXPECT_EQ(seen, std::vector<int>{2});
  EXPECT_EQ(loop.events_processed(), 1u);
}

// Times are written as seconds with the millisecond fraction's trailing zeros trimmed, negative
// durations (a what-if offset, a lag) with a sign.
TEST(FormatSeconds, TrimsTheFractionAndKeepsTheSign) {
  using std::chrono::milliseconds;
  EXPECT_EQ(format_seconds(SimDuration{milliseconds(34'750)}), "34.75");
  EXPECT_EQ(format_seconds(SimDuration{milliseconds(12'005)}), "12.005");
  EXPECT_EQ(format_seconds(SimDuration{milliseconds(100)}), "0.1");
  EXPECT_EQ(format_seconds(SimDuration{milliseconds(0)}), "0");
  EXPECT_EQ(format_seconds(SimDuration{milliseconds(-1'500)}), "-1.5");
  EXPECT_EQ(format_seconds(SimDuration{milliseconds(-1)}), "-0.001");
  EXPECT_EQ(format_seconds(SimDuration{milliseconds(-3'000)}), "-3");
  EXPECT_EQ(format_seconds(SimDuration{milliseconds(std::numeric_limits<std::int64_t>::min())}), "-9223372036854775.808");
}

TEST(RngStreams, AStreamDependsOnlyOnSeedReplicationAndName) {
  const RngStreams a(7, 0), b(7, 0), c(7, 1);
  auto first = [](Rng r) { return r.next_u64(); };
  EXPECT_EQ(first(a.stream("ec2/placement")), first(b.stream("ec2/placement")));
  EXPECT_NE(first(a.stream("ec2/placement")), first(a.stream("fargate/latency")));
  EXPECT_NE(first(a.stream("ec2/placement")), first(c.stream("ec2/placement")));
  EXPECT_EQ(first(a.stream("x")), Rng(derive_stream_seed(7, 0, "x")).next_u64());
}

}  // namespace
}  // namespace ecsim
