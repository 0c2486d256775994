// The pending-event set: hold-model throughput (pop one, push one) at several queue sizes.
#include <benchmark/benchmark.h>

#include <queue>
#include <vector>

#include "ecsim/core/event_queue.hpp"
#include "ecsim/core/rng.hpp"

namespace {

void BM_EventQueueHold(benchmark::State& state) {
  ecsim::EventQueue<int> q;
  ecsim::Rng rng(1);
  const auto n = state.range(0);
  for (std::int64_t i = 0; i < n; ++i) q.push(ecsim::at_millis(static_cast<std::int64_t>(rng.exponential(1e6))), 0);
  for (auto _ : state) {
    auto e = q.pop();
    q.push(e.time + ecsim::SimDuration{static_cast<std::int64_t>(rng.exponential(1e6)) + 1}, e.payload);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueHold)->RangeMultiplier(10)->Range(100, 1'000'000);

// The yardstick: std::priority_queue of (time, sequence, payload), the same hold model.
// (It has no cancellation; ecsim's queue does, lazily.)
void BM_StdPriorityQueueHold(benchmark::State& state) {
  struct Entry {
    std::int64_t time;
    std::uint64_t seq;
    int payload;
    bool operator>(const Entry& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> q;
  ecsim::Rng rng(1);
  std::uint64_t seq = 0;
  const auto n = state.range(0);
  for (std::int64_t i = 0; i < n; ++i) q.push({static_cast<std::int64_t>(rng.exponential(1e6)), seq++, 0});
  for (auto _ : state) {
    auto e = q.top();
    q.pop();
    q.push({e.time + static_cast<std::int64_t>(rng.exponential(1e6)) + 1, seq++, e.payload});
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StdPriorityQueueHold)->RangeMultiplier(10)->Range(100, 1'000'000);

}  // namespace

BENCHMARK_MAIN();
