// Every bundled example loads and runs (examples are tests).
#include <gtest/gtest.h>

#include <filesystem>

#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> examples() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class Examples : public ::testing::TestWithParam<std::string> {};

TEST_P(Examples, LoadsAndRunsToTheHorizon) {
  const fs::path file = fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples" / (GetParam() + ".yaml");
  ScenarioConfig cfg;
  try {
    cfg = load(read_scenario_file(file));
  } catch (const ScenarioError& e) {
    FAIL() << e.what();
  }
  auto sim = build(cfg);
  const fs::path out = fs::path(ECSIM_BINARY_DIR) / "example-out" / GetParam();
  const std::string summary = run_to_directory(*sim, out);
  EXPECT_EQ(sim->now(), sim->horizon());
  EXPECT_GT(sim->events_processed(), 0u);
  EXPECT_NE(summary.find("\"scenario\": \"" + cfg.name + "\""), std::string::npos);
  if (cfg.run.write_events) {
    EXPECT_TRUE(fs::exists(out / "events.csv"));
  }
  if (cfg.run.write_summary) {
    EXPECT_TRUE(fs::exists(out / "summary.json"));
  }
}

INSTANTIATE_TEST_SUITE_P(Bundled, Examples, ::testing::ValuesIn(examples()), [](const auto& param_info) { return param_info.param; });

TEST(ExampleSet, QuickstartIsBundled) {
  const auto e = examples();
  EXPECT_NE(std::find(e.begin(), e.end(), "quickstart"), e.end());
}

}  // namespace
}  // namespace ecsim::scenarios
