// Fuzz target: any bytes as --set overrides (one PATH=VALUE per line) applied to the bundled
// examples. Every override must be applied or refused with a located message (a
// ScenarioError); an accepted scenario must build and run a short slice without breaking
// an invariant. The first byte picks the example.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz_run.hpp"

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
  ecsim::fuzz::load_and_run(src, std::chrono::minutes(10));
  return 0;
}
