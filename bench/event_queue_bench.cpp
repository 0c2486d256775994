// The pending-event set: hold-model throughput (pop one, push one) at several queue sizes.
#include <benchmark/benchmark.h>

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

}  // namespace

BENCHMARK_MAIN();
