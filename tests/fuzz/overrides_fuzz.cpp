// Fuzz target: any bytes as --set overrides (one PATH=VALUE per line) applied to the bundled
// examples. Every override must be applied or refused with a located message (a
// ScenarioError); an accepted scenario must build and run a short slice without breaking
// an invariant. The first byte picks the example.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ecsim/scenarios/scenario.hpp"

namespace {

const std::vector<ecsim::scenarios::ScenarioSource>& examples() {
  static const std::vector<ecsim::scenarios::ScenarioSource> all = [] {
    std::vector<ecsim::scenarios::ScenarioSource> out;
    const std::filesystem::path dir = std::filesystem::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples";
    for (const char* name : {"quickstart.yaml", "deployment_what_if.yaml", "alibaba_batch_ec2_spot.yaml"})
      out.push_back(ecsim::scenarios::read_scenario_file(dir / name));
    return out;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto src = examples()[data[0] % examples().size()];
  std::string line;
  for (std::size_t i = 1; i < size && src.overrides.size() < 16; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\n') {
      src.overrides.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) src.overrides.push_back(line);
  ecsim::ScenarioConfig cfg;
  try {
    cfg = ecsim::scenarios::load(src);
  } catch (const ecsim::scenarios::ScenarioError& e) {
    if (e.errors().empty()) {
      std::fputs("fuzz: ScenarioError without messages\n", stderr);
      std::abort();
    }
    return 0;
  }
  long long tasks = 0;
  for (const auto& s : cfg.services) tasks += s.desired_count + (s.auto_scaling ? s.auto_scaling->max_capacity : 0);
  for (const auto& a : cfg.asg_providers) tasks += a.max_size;
  if (tasks > 2000) return 0;
  try {
    auto sim = ecsim::scenarios::build(cfg, 0);
    sim->set_check_invariants(true, 256);
    sim->run_until(ecsim::SimTime{std::chrono::minutes(10)});
    sim->finish();
  } catch (const std::logic_error& e) {
    std::fprintf(stderr, "fuzz: invariant violated: %s\n", e.what());
    std::abort();
  } catch (const std::exception&) {
    // e.g. a trace file the override names does not exist: a clean, reported failure
  }
  return 0;
}
