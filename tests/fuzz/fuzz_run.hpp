// What both fuzz targets do with a scenario source: it must load or be refused with located
// messages (a ScenarioError); an accepted scenario must build and run a short slice without
// breaking an invariant. A broken promise aborts, naming what broke.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>

#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::fuzz {

inline void load_and_run(const scenarios::ScenarioSource& src, std::chrono::minutes slice) {
  ScenarioConfig cfg;
  try {
    cfg = scenarios::load(src);
  } catch (const scenarios::ScenarioError& e) {
    if (e.errors().empty()) {  // an error must say what is wrong
      std::fputs("fuzz: ScenarioError without messages\n", stderr);
      std::abort();
    }
    return;
  }
  // Keep each run small: what matters is that accepted input never crashes the model.
  long long tasks = 0;
  for (const auto& s : cfg.services) tasks += s.desired_count + (s.auto_scaling ? s.auto_scaling->max_capacity : 0);
  for (const auto& a : cfg.asg_providers) tasks += a.max_size;
  if (tasks > 2000) return;
  try {
    auto sim = scenarios::build(cfg, 0);
    sim->set_check_invariants(true, 256);
    sim->run_until(SimTime{slice});
    sim->finish();
  } catch (const std::logic_error& e) {
    std::fprintf(stderr, "fuzz: invariant violated: %s\n", e.what());
    std::abort();  // an invariant violation is a bug
  } catch (const std::exception&) {
    // e.g. a trace file named by the input does not exist: a clean, reported failure
  }
}

}  // namespace ecsim::fuzz
