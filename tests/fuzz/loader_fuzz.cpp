// Fuzz target: any bytes as a scenario file. The loader must answer with a ScenarioError
// (located messages) or a valid config; a config it accepts must build and run without
// crashing (a short, bounded slice: long horizons and huge counts are cut short).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "ecsim/scenarios/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ecsim::scenarios::ScenarioSource src;
  src.text.assign(reinterpret_cast<const char*>(data), size);
  src.file_name = "fuzz.yaml";
  src.base_dir = ".";
  ecsim::ScenarioConfig cfg;
  try {
    cfg = ecsim::scenarios::load(src);
  } catch (const ecsim::scenarios::ScenarioError& e) {
    if (e.errors().empty()) {  // an error must say what is wrong
      std::fputs("fuzz: ScenarioError without messages\n", stderr);
      std::abort();
    }
    return 0;
  }
  // Keep each run small: what matters is that accepted input never crashes the model.
  long long tasks = 0;
  for (const auto& s : cfg.services) tasks += s.desired_count + (s.auto_scaling ? s.auto_scaling->max_capacity : 0);
  for (const auto& a : cfg.asg_providers) tasks += a.max_size;
  if (tasks > 2000) return 0;
  try {
    auto sim = ecsim::scenarios::build(cfg, 0);
    sim->set_check_invariants(true, 256);
    sim->run_until(ecsim::SimTime{std::chrono::minutes(30)});
    sim->finish();
  } catch (const std::logic_error& e) {
    std::fprintf(stderr, "fuzz: invariant violated: %s\n", e.what());
    std::abort();  // an invariant violation is a bug
  } catch (const std::exception&) {
    // e.g. a trace file named by the input does not exist: a clean, reported failure
  }
  return 0;
}
