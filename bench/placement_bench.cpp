// Placement decisions per second on clusters of 100, 1,000 and 10,000 container instances.
// Rules: spread over availability zones, binpack on memory, one memberOf constraint (half the
// instances are m5, half c5). The cluster is kept about half full: every iteration places one
// task and releases the oldest, so the state stays comparable across sizes.
// BM_Place_* time a decision with its bookkeeping (reserve on the chosen instance, release
// of an old task); BM_Decide_* the decision alone.
// Target (issue 4): under 2 us per decision at 10,000 instances and under 3x the cost at 100.
// BM_Decide_*ByScan is the reference scan the index must equal. Besides the two common
// chains: random (drawn among the fitting instances) and binpack then spread over zones (an
// attribute after a key part: every zone's first fit is compared).
#include <benchmark/benchmark.h>

#include <deque>

#include "ecsim/placement/ec2_placer.hpp"

namespace {

using namespace ecsim;

enum class Shape { kSpreadZoneBinpack, kDefault, kRandom, kBinpackSpreadZone };

PlacementRulesConfig rules(Shape shape) {
  using T = PlacementStrategyType;
  PlacementRulesConfig r;
  switch (shape) {
    case Shape::kSpreadZoneBinpack: r.strategies = {{T::kSpread, "attribute:ecs.availability-zone"}, {T::kBinpack, "memory"}}; break;
    // ECS's default for services: spread over zones, then over instances.
    case Shape::kDefault: r.strategies = {{T::kSpread, "attribute:ecs.availability-zone"}, {T::kSpread, "instanceId"}}; break;
    case Shape::kRandom: r.strategies = {{T::kRandom, ""}}; break;
    case Shape::kBinpackSpreadZone: r.strategies = {{T::kBinpack, "memory"}, {T::kSpread, "attribute:ecs.availability-zone"}}; break;
  }
  r.constraints = {{PlacementConstraintType::kMemberOf, "attribute:ecs.instance-type =~ m5.*"}};
  return r;
}

enum class Mode { kPlaceAndRelease, kDecideOnly, kDecideByScan };

void run(benchmark::State& state, Shape shape, Mode mode = Mode::kPlaceAndRelease) {
  const int n = static_cast<int>(state.range(0));
  placement::Ec2Placer p({rules(shape), rules(shape), rules(shape), rules(shape)}, 1, 3);
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

void BM_Place_SpreadZoneBinpackMemberOf(benchmark::State& state) { run(state, Shape::kSpreadZoneBinpack); }
void BM_Place_DefaultSpreadMemberOf(benchmark::State& state) { run(state, Shape::kDefault); }
void BM_Place_RandomMemberOf(benchmark::State& state) { run(state, Shape::kRandom); }
void BM_Decide_SpreadZoneBinpackMemberOf(benchmark::State& state) { run(state, Shape::kSpreadZoneBinpack, Mode::kDecideOnly); }
void BM_Decide_DefaultSpreadMemberOf(benchmark::State& state) { run(state, Shape::kDefault, Mode::kDecideOnly); }
void BM_Decide_DefaultSpreadMemberOfByScan(benchmark::State& state) { run(state, Shape::kDefault, Mode::kDecideByScan); }
void BM_Decide_RandomMemberOf(benchmark::State& state) { run(state, Shape::kRandom, Mode::kDecideOnly); }
void BM_Decide_RandomMemberOfByScan(benchmark::State& state) { run(state, Shape::kRandom, Mode::kDecideByScan); }
void BM_Decide_BinpackSpreadZoneMemberOf(benchmark::State& state) { run(state, Shape::kBinpackSpreadZone, Mode::kDecideOnly); }
void BM_Decide_BinpackSpreadZoneMemberOfByScan(benchmark::State& state) { run(state, Shape::kBinpackSpreadZone, Mode::kDecideByScan); }

BENCHMARK(BM_Place_SpreadZoneBinpackMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Place_DefaultSpreadMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Place_RandomMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_SpreadZoneBinpackMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_DefaultSpreadMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_DefaultSpreadMemberOfByScan)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_RandomMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_RandomMemberOfByScan)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_BinpackSpreadZoneMemberOf)->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(BM_Decide_BinpackSpreadZoneMemberOfByScan)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
