// Placement decisions per second on clusters of 100, 1,000 and 10,000 container instances.
// Rules: spread over availability zones, binpack on memory, one memberOf constraint (half the
// instances are m5, half c5). The cluster is kept about half full: every iteration places one
// task and releases the oldest, so the state stays comparable across sizes.
// BM_Place_* time a decision with its bookkeeping (reserve on the chosen instance, release
// of an old task); BM_Decide_* the decision alone.
// Target (issue 4): under 2 us per decision at 10,000 instances and under 3x the cost at 100.
// BM_Decide_DefaultSpreadMemberOfByScan is the reference scan the index must equal.
#include <benchmark/benchmark.h>

#include <deque>

#include "ecsim/placement/ec2_placer.hpp"

namespace {

using namespace ecsim;

PlacementRulesConfig rules(bool indexed_shape) {
  PlacementRulesConfig r;
  if (indexed_shape) {
    r.strategies = {{PlacementStrategyType::kSpread, "attribute:ecs.availability-zone"}, {PlacementStrategyType::kBinpack, "memory"}};
  } else {
    // ECS's default for services: spread over zones, then over instances.
    r.strategies = {{PlacementStrategyType::kSpread, "attribute:ecs.availability-zone"}, {PlacementStrategyType::kSpread, "instanceId"}};
  }
  r.constraints = {{PlacementConstraintType::kMemberOf, "attribute:ecs.instance-type =~ m5.*"}};
  return r;
}

enum class Mode { kPlaceAndRelease, kDecideOnly, kDecideByScan };

void run(benchmark::State& state, bool indexed_shape, Mode mode = Mode::kPlaceAndRelease) {
  const int n = static_cast<int>(state.range(0));
  placement::Ec2Placer p({rules(indexed_shape), rules(indexed_shape), rules(indexed_shape), rules(indexed_shape)}, 1, 3);
  const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
  for (int i = 0; i < n; ++i) {
    InstanceInfo in;
    in.id = static_cast<std::uint32_t>(i + 1);
    in.zone = i % 3;
    in.cpu_units = 4096;
    in.memory_mib = 15872;
    in.task_enis = 3;
    in.attributes = {{"ecs.instance-type", i % 2 ? "c5.xlarge" : "m5.xlarge"}, {"ecs.availability-zone", zones[i % 3]}};
    p.add_instance(in);
  }
  Rng rng(1);
  const TaskDemand sizes[] = {{256, 512, false, {}}, {512, 1024, false, {}}, {1024, 2048, false, {}}, {256, 1536, false, {}}};
  struct Live {
    std::uint32_t id;
    int group;
    int size;
  };
  std::deque<Live> live;
  // Fill to about half of the m5 capacity: n/2 instances x 15872 MiB / ~1.3 GiB per task / 2.
  const int target = std::max(1, n * 3);
  int k = 0;
  while (static_cast<int>(live.size()) < target) {
    const int s = k % 4, g = k % 4;
    auto r = p.place(0, g, sizes[s], rng);
    if (!r.instance) break;
    live.push_back({r.instance, g, s});
    ++k;
  }
  if (mode != Mode::kPlaceAndRelease) {
    // The decision alone (choose, no reservation) against the same half-full cluster; by
    // the index, or by the reference scan it must equal.
    for (auto _ : state) {
      const int s = k % 4, g = k % 4;
      benchmark::DoNotOptimize(mode == Mode::kDecideOnly ? p.choose(0, g, sizes[s], rng).instance
                                                         : p.choose_by_scan(0, g, sizes[s], rng).instance);
      ++k;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["instances"] = n;
    return;
  }
  for (auto _ : state) {
    const int s = k % 4, g = k % 4;
    auto r = p.place(0, g, sizes[s], rng);
    benchmark::DoNotOptimize(r.instance);
    if (r.instance) live.push_back({r.instance, g, s});
    const auto old = live.front();
    live.pop_front();
    p.release(old.id, old.group, sizes[old.size]);
    ++k;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["instances"] = n;
}

void BM_Place_SpreadZoneBinpackMemberOf(benchmark::State& state) { run(state, true); }
void BM_Place_DefaultSpreadMemberOf(benchmark::State& state) { run(state, false); }
void BM_Decide_SpreadZoneBinpackMemberOf(benchmark::State& state) { run(state, true, Mode::kDecideOnly); }
void BM_Decide_DefaultSpreadMemberOf(benchmark::State& state) { run(state, false, Mode::kDecideOnly); }
void BM_Decide_DefaultSpreadMemberOfByScan(benchmark::State& state) { run(state, false, Mode::kDecideByScan); }

BENCHMARK(BM_Place_SpreadZoneBinpackMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Place_DefaultSpreadMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_SpreadZoneBinpackMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_DefaultSpreadMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_DefaultSpreadMemberOfByScan)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
