// Every bundled example scenario, run to its horizon: kernel events per second.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace {

void run_scenario(benchmark::State& state, const ecsim::ScenarioConfig& cfg) {
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto sim = ecsim::scenarios::build(cfg);
    auto out = ecsim::scenarios::run_in_memory(*sim, /*events=*/true, /*timeseries=*/false, /*tasks=*/false);
    events += sim->events_processed();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["simulated_days_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * ecsim::to_seconds(cfg.duration) / 86400.0,
                         benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  // One benchmark per bundled example, registered at run time (spdlog's pattern).
  for (const auto& e : fs::directory_iterator(fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples")) {
    if (e.path().extension() != ".yaml") continue;
    auto cfg = ecsim::scenarios::load(ecsim::scenarios::read_scenario_file(e.path()));
    benchmark::RegisterBenchmark(("example/" + e.path().stem().string()).c_str(),
                                 [cfg](benchmark::State& s) { run_scenario(s, cfg); })
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
