// Fuzz target: any bytes as a scenario file. The loader must answer with a ScenarioError
// (located messages) or a valid config; a config it accepts must build and run without
// crashing (a short, bounded slice: long horizons and huge counts are cut short).
#include <cstddef>
#include <cstdint>

#include "fuzz_run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ecsim::scenarios::ScenarioSource src;
  src.text.assign(reinterpret_cast<const char*>(data), size);
  src.file_name = "fuzz.yaml";
  src.base_dir = ".";
  ecsim::fuzz::load_and_run(src, std::chrono::minutes(30));
  return 0;
}
