// Scenario loading: parse + validate + build, per bundled example and for the 400-group
// reference week (what a sweep pays per point before it runs).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "ecsim/scenarios/scenario.hpp"

namespace {

namespace fs = std::filesystem;

void load_and_build(benchmark::State& state, const fs::path& file) {
  const auto src = ecsim::scenarios::read_scenario_file(file);
  for (auto _ : state) {
    auto cfg = ecsim::scenarios::load(src);
    auto sim = ecsim::scenarios::build(cfg, 0);
    benchmark::DoNotOptimize(sim.get());
  }
  state.SetItemsProcessed(state.iterations());
}

const int registered = [] {
  const fs::path root(ECSIM_SOURCE_DIR);
  for (const char* name : {"quickstart", "deployment_what_if", "worldcup_target_tracking"})
    benchmark::RegisterBenchmark((std::string("load_and_build/") + name).c_str(), load_and_build,
                                 root / "scenarios" / "examples" / (std::string(name) + ".yaml"));
  benchmark::RegisterBenchmark("load_and_build/reference_week", load_and_build, root / "bench" / "scenarios" / "reference_week.yaml");
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
